"""What the PostgreSQL benchmarks share: a dedicated database made and dropped around each run, and the
machine line every script prints. Not a benchmark itself (`make bench` runs bench/bench_*.py)."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must name a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres"
        )
    return url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def in_bench_database(name: str, *, keep: bool, run: Callable[[], None], reuse: bool = False) -> None:
    """Run `run` against a fresh database `name` on the DATABASE_URL server, dropped afterwards unless kept
    (never the `test` database the suite uses). With `reuse` the database a kept run left is used as it is."""
    server = _server_url()
    if not reuse:
        _admin(server, f"DROP DATABASE IF EXISTS {name}")
        _admin(server, f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = _with_database(server, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            _admin(server, f"DROP DATABASE IF EXISTS {name}")


def server_version() -> str:
    """The PostgreSQL version line, for the figures."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return str(cursor.fetchone()[0]).split(" on ")[0]


def machine_line() -> str:
    """CPU, cores, Python and PostgreSQL: printed before any figure."""
    return (
        f"machine: {_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, {server_version()}"
    )


def migrated_with_regions() -> None:
    """Migrate the bench database, seed regions and policies, and print the machine line."""
    from django.core.management import call_command

    from anbili.regions.services import regions_seed

    call_command("migrate", verbosity=0)
    regions_seed()
    print(machine_line())

"""What the PostgreSQL benchmarks share: a dedicated database made and dropped around each run, and the
machine line every script prints. Not a benchmark itself (`make bench` runs bench/bench_*.py)."""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
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


MONTHLY_TABLES = ("registry_wagemonth", "registry_pensionmonth", "registry_medicalmonth")
PAYERS = 20_000


def synthetic_id_numbers(counties: Sequence[str], count: int, *, start: int = 0) -> list[str]:
    """Valid ID numbers `start` … `start + count - 1` of a deterministic series over the counties (the same
    index always gives the same number; different indexes never collide)."""
    from anbili.core.identifiers import id_number_check_char

    born = date(1966, 1, 1)
    out = []
    for i in range(start, start + count):
        county = counties[i % len(counties)]
        slot = i // len(counties)
        birth = born + timedelta(days=slot % 14_000)
        first17 = f"{county}{birth:%Y%m%d}{1 + slot // 14_000:03d}"
        out.append(first17 + id_number_check_char(first17))
    return out


def mirrors_fill(id_numbers: Sequence[str], year: int = 2025) -> None:
    """Add persons to the registry mirrors with SQL: each person, one certificate and the twelve months of
    `year` in each of the wage, pension and medical tables, paid by one of PAYERS synthetic employers. The
    monthly tables' unique constraints are rebuilt after the rows (a sort) instead of row by row."""
    from django.db import connection

    from anbili.core.identifiers import make_uscc

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("CREATE TEMP TABLE bench_payer (n integer PRIMARY KEY, uscc varchar(18))")
        with cursor.copy("COPY bench_payer (n, uscc) FROM STDIN") as copy:
            copy.write("".join(f"{n}\t{make_uscc(f'91150102MA{n:07d}')}\n" for n in range(PAYERS)))
        cursor.execute("CREATE TEMP TABLE bench_new_person (id_number varchar(18) PRIMARY KEY)")
        with cursor.copy("COPY bench_new_person (id_number) FROM STDIN") as copy:
            copy.write("".join(f"{number}\n" for number in id_numbers))
        cursor.execute(
            "INSERT INTO registry_registryperson "
            "(id_number, name, sex, birth_date, household_region, source, received_at) "
            "SELECT id_number, '测试', "
            "CASE WHEN substr(id_number, 17, 1)::integer % 2 = 1 THEN '男' ELSE '女' END, "
            "to_date(substr(id_number, 7, 8), 'YYYYMMDD'), substr(id_number, 1, 6), "
            "'disability_registry', timestamptz '2026-01-01' FROM bench_new_person"
        )
        new = "FROM registry_registryperson p JOIN bench_new_person USING (id_number)"
        cursor.execute(
            "INSERT INTO registry_certificate (number, id_number, kind, category, level, valid_from,"
            " valid_until, status, region_code, origin, source, received_at) "
            "SELECT p.id_number || '42', p.id_number, '残疾人证', 4, 2, "
            "date '2020-01-01' + (p.id % 700)::integer, date '2029-12-31' + (p.id % 700)::integer, "
            "'valid', p.household_region, 'registry', "
            f"'disability_registry', now() {new}"
        )
        for table in MONTHLY_TABLES:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'", [table]
            )
            unique = cursor.fetchone()[0]
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {unique}")
            cursor.execute(
                f"INSERT INTO {table} "
                "(id_number, payer_uscc, month, amount, region_code, source, received_at) "
                f"SELECT p.id_number, e.uscc, {year * 100} + m, 3000 + (p.id % 1000), '150102', 'bench', "
                "now() "
                f"{new} JOIN bench_payer e ON e.n = p.id % {PAYERS} CROSS JOIN generate_series(1, 12) AS m"
            )
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {unique} UNIQUE (id_number, month, payer_uscc)"
            )
        cursor.execute("DROP TABLE bench_payer, bench_new_person")
        cursor.execute("SELECT count(*) FROM registry_registryperson")
        persons = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM {MONTHLY_TABLES[0]}")
        rows = cursor.fetchone()[0]
    print(
        f"mirrors: {len(id_numbers):,} persons added in {time.perf_counter() - started:.0f} s; "
        f"now {persons:,} persons, {rows:,} rows in each monthly table"
    )

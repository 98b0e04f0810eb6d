"""P3: importing monthly rows (pension) through the importer vs PostgreSQL COPY of the same file, same run.

Needs PostgreSQL: DATABASE_URL names the server (its database is only used to create and drop the dedicated
`bench_registry` database; never the test database). Prints the machine and the medians of several runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        PYTHONPATH=. uv run --frozen python bench/bench_registry_import.py --persons 100000 --runs 3

The importer figure is the whole path of `manage.py import_registry`: storing the file, sniffing, decoding,
checking every row (ID check digit, USCC, month, amount, region, duplicates), COPY into a staging table and
the upsert into the indexed mirror table. The COPY figure loads the same CSV file into a table with the same
columns and indexes, nothing checked.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "bench_registry"


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000, help="persons in the dataset (≈12 rows each)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    server = _server_url()
    _admin(server, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    _admin(server, f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = _with_database(server, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(server, f"DROP DATABASE IF EXISTS {BENCH_DB}")


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from anbili.regions.services import regions_seed
    from anbili.registry.generator import generate_dataset, options_for_province
    from anbili.registry.models import ImportKind
    from anbili.registry.services import import_batch_create, import_batch_run

    call_command("migrate", verbosity=0)
    regions_seed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"machine: {_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, {version}")

    with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp:
        started = time.perf_counter()
        options = options_for_province(province="15", year=2025, persons=args.persons, employers=500, seed=1)
        result = generate_dataset(options, Path(tmp))
        generated = time.perf_counter() - started
        path = result.path(ImportKind.PENSION)
        data = path.read_bytes()
        rows = result.rows["pension.csv"]
        total_rows = sum(result.rows.values())
        print(
            f"generate_dataset: {args.persons:,} persons, {total_rows:,} rows in {generated:.1f} s "
            f"({total_rows / generated:,.0f} rows/s); pension.csv {rows:,} rows, {len(data) / 1e6:.1f} MB"
        )

        table = "registry_pensionmonth"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE bench_copy (LIKE {table} INCLUDING ALL)")
            cursor.execute(
                "ALTER TABLE bench_copy ALTER source SET DEFAULT 'social_insurance', "
                "ALTER received_at SET DEFAULT now()"
            )

        importer_rates: list[float] = []
        copy_rates: list[float] = []
        for attempt in range(1, args.runs + 1):
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}, bench_copy")
                cursor.execute("VACUUM ANALYZE")
            started = time.perf_counter()
            batch = import_batch_create(
                kind=ImportKind.PENSION, content=data, file_name=path.name, enqueue=False
            )
            batch = import_batch_run(batch_id=batch.pk)
            importer = time.perf_counter() - started
            assert batch.status == "done" and batch.rows_created == rows, (batch.status, batch.message)

            started = time.perf_counter()
            with (
                connection.cursor() as cursor,
                cursor.copy(
                    "COPY bench_copy (id_number, payer_uscc, month, amount, region_code) "
                    "FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy,
                path.open("rb") as handle,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            copied = time.perf_counter() - started
            importer_rates.append(rows / importer)
            copy_rates.append(rows / copied)
            print(
                f"run {attempt}: importer {importer:.2f} s ({rows / importer:,.0f} rows/s), "
                f"COPY {copied:.2f} s ({rows / copied:,.0f} rows/s), ratio {copied / importer:.0%}"
            )

        started = time.perf_counter()
        again = import_batch_create(kind=ImportKind.PENSION, content=data, file_name=path.name, enqueue=False)
        again = import_batch_run(batch_id=again.pk)
        unchanged = time.perf_counter() - started
        assert again.rows_unchanged == rows

    importer_median = statistics.median(importer_rates)
    copy_median = statistics.median(copy_rates)
    print(f"importer: median {importer_median:,.0f} rows/s over {args.runs} runs (target ≥ 100,000)")
    print(f"COPY:     median {copy_median:,.0f} rows/s")
    print(f"ratio importer / COPY: {importer_median / copy_median:.0%} (target ≥ 50%)")
    print(f"re-import of the same file (all rows unchanged): {rows / unchanged:,.0f} rows/s")


if __name__ == "__main__":
    main()

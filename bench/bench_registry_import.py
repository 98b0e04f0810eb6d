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
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench import in_bench_database, migrated_with_regions

BENCH_DB = "bench_registry"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000, help="persons in the dataset (≈12 rows each)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--province",
        default="",
        help="scope the batches to a province (import_registry --province): adds the stored-row check",
    )
    parser.add_argument(
        "--database", default=BENCH_DB, help=f"name of the bench database (default {BENCH_DB})"
    )
    args = parser.parse_args()

    in_bench_database(args.database, keep=args.keep, run=lambda: run(args))


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection

    from anbili.registry.generator import generate_dataset, options_for_province
    from anbili.registry.models import ImportKind
    from anbili.registry.services import import_batch_create, import_batch_run

    migrated_with_regions()

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
                kind=ImportKind.PENSION,
                content=data,
                file_name=path.name,
                enqueue=False,
                province_code=args.province,
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
        again = import_batch_create(
            kind=ImportKind.PENSION,
            content=data,
            file_name=path.name,
            enqueue=False,
            province_code=args.province,
        )
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

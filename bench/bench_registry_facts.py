"""P2 (registry side): the facts look-up `person_year_facts` with large mirrors, p50/p95/p99 in milliseconds.

Needs PostgreSQL: DATABASE_URL names the server; the dedicated database `bench_registry` is created, filled
and dropped (never the test database). The mirrors are filled in bulk with SQL (the importer has its own
bench), `--persons` persons with twelve months in each of the wage, pension and medical tables and one
certificate each, then a random sample of persons is looked up for business year 2025.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        PYTHONPATH=. uv run --frozen python bench/bench_registry_facts.py --persons 1000000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from bench_registry_import import BENCH_DB
from pgbench import in_bench_database, machine_line

EMPLOYERS = 20_000
MONTHLY_TABLES = ("registry_wagemonth", "registry_pensionmonth", "registry_medicalmonth")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    in_bench_database(BENCH_DB, keep=args.keep, run=lambda: run(args))


def _id_numbers(count: int) -> list[str]:
    from anbili.core.identifiers import id_number_check_char

    counties = ["150102", "150103", "150104", "150105", "150203", "150204", "150924", "360102", "360103"]
    start = date(1966, 1, 1)
    out = []
    for i in range(count):
        county = counties[i % len(counties)]
        slot = i // len(counties)
        birth = start + timedelta(days=slot % 14_000)
        first17 = f"{county}{birth:%Y%m%d}{1 + slot // 14_000:03d}"
        out.append(first17 + id_number_check_char(first17))
    return out


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from anbili.core.identifiers import make_uscc
    from anbili.registry.selectors import person_year_facts

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    print(f"{machine_line()}, shared_buffers {buffers}")

    loading = time.perf_counter()
    ids = _id_numbers(args.persons)
    employers = [make_uscc(f"91150102MA{n:07d}") for n in range(EMPLOYERS)]
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("CREATE TABLE bench_payer (n integer PRIMARY KEY, uscc varchar(18))")
        with cursor.copy("COPY bench_payer (n, uscc) FROM STDIN") as copy:
            copy.write("".join(f"{n}\t{uscc}\n" for n, uscc in enumerate(employers)))
        with cursor.copy(
            "COPY registry_registryperson "
            "(id_number, name, sex, birth_date, household_region, source, received_at) FROM STDIN"
        ) as copy:
            block = []
            for number in ids:
                sex = "男" if int(number[16]) % 2 else "女"
                birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
                block.append(
                    f"{number}\t测试\t{sex}\t{birth}\t{number[:6]}\tdisability_registry\t2026-01-01\n"
                )
                if len(block) == 100_000:
                    copy.write("".join(block))
                    block = []
            copy.write("".join(block))
        print(f"persons: {args.persons:,} in {time.perf_counter() - loading:.0f} s")
        cursor.execute(
            "INSERT INTO registry_certificate (number, id_number, kind, category, level, valid_from,"
            " valid_until, status, region_code, origin, source, received_at) "
            "SELECT id_number || '42', id_number, '残疾人证', 4, 2, date '2020-01-01' + (id % 700)::integer, "
            "date '2029-12-31' + (id % 700)::integer, 'valid', household_region, 'registry', "
            "'disability_registry', now() FROM registry_registryperson"
        )
        for table in MONTHLY_TABLES:
            started = time.perf_counter()
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'", [table]
            )
            unique = cursor.fetchone()[0]
            # Build the unique index after the rows (a sort) instead of row by row.
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {unique}")
            cursor.execute(
                f"INSERT INTO {table} "
                "(id_number, payer_uscc, month, amount, region_code, source, received_at) "
                "SELECT p.id_number, e.uscc, 202500 + m, 3000 + (p.id % 1000), '150102', 'bench', now() "
                "FROM registry_registryperson p "
                f"JOIN bench_payer e ON e.n = p.id % {EMPLOYERS} "
                "CROSS JOIN generate_series(1, 12) AS m"
            )
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {unique} UNIQUE (id_number, month, payer_uscc)"
            )
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"{table}: {cursor.fetchone()[0]:,} rows in {time.perf_counter() - started:.0f} s")
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"loaded in {time.perf_counter() - loading:.0f} s, database size {cursor.fetchone()[0]}")
        cursor.execute("SELECT id_number, payer_uscc FROM registry_wagemonth WHERE month = 202501")
        payer_of = dict(cursor.fetchall()) if args.persons <= 2_000_000 else {}

    rng = random.Random(1)
    sample = rng.sample(ids, min(args.samples, len(ids)))
    for number in sample[:200]:  # warm-up: connection, statement paths, hot index pages
        person_year_facts(id_number=number, employer_uscc=payer_of.get(number, ""), business_year=2025)
    timings = []
    checked = 0
    for number in sample:
        started = time.perf_counter()
        facts = person_year_facts(
            id_number=number, employer_uscc=payer_of.get(number, ""), business_year=2025
        )
        timings.append((time.perf_counter() - started) * 1000)
        checked += sum(len(month.wages) for month in facts.months.values())
    assert checked == 12 * len(sample), checked
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(
        f"person_year_facts over {len(sample):,} random persons: p50 {statistics.median(timings):.2f} ms, "
        f"p95 {p95:.2f} ms, p99 {p99:.2f} ms, max {timings[-1]:.2f} ms (target p95 ≤ 50 ms)"
    )


if __name__ == "__main__":
    main()

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

from bench_registry_import import BENCH_DB
from pgbench import in_bench_database, machine_line, mirrors_fill, synthetic_id_numbers

COUNTIES = ("150102", "150103", "150104", "150105", "150203", "150204", "150924", "360102", "360103")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    in_bench_database(BENCH_DB, keep=args.keep, run=lambda: run(args))


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from anbili.registry.selectors import person_year_facts

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    print(f"{machine_line()}, shared_buffers {buffers}")

    loading = time.perf_counter()
    ids = synthetic_id_numbers(COUNTIES, args.persons)
    mirrors_fill(ids)
    with connection.cursor() as cursor:
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

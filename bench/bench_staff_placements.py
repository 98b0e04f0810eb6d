"""Staff 残疾人安置管理 over a province's placements (default 50,000, the export limit, across 500 units
in 10 counties): p50/p95 of one search page (count + 20 rows, masked) with and without filters, and the
time and size of the Excel export of every row (write-only workbook), with their query counts.

Needs PostgreSQL: DATABASE_URL names the server; the dedicated database `bench_staff_placements` is
created, filled with bulk inserts and dropped.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        PYTHONPATH=. uv run --frozen python bench/bench_staff_placements.py --placements 50000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench import in_bench_database, migrated_with_regions, synthetic_id_numbers

BENCH_DB = "bench_staff_placements"
COUNTIES = [
    "150102",
    "150103",
    "150104",
    "150105",
    "150121",
    "150202",
    "150203",
    "150204",
    "150205",
    "150206",
]
YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--placements", type=int, default=50_000)
    parser.add_argument("--employers", type=int, default=500)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    in_bench_database(BENCH_DB, keep=args.keep, run=lambda: run(args))


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anbili.accounts.models import AccountKind, StaffRole, User
    from anbili.core.identifiers import make_uscc
    from anbili.core.masking import mask
    from anbili.employers.models import Employer
    from anbili.placements.export import placements_export_xlsx
    from anbili.placements.models import Placement
    from anbili.placements.selectors_staff import (
        StaffPlacementFilters,
        staff_placement_export_rows,
        staff_placement_search,
    )
    from anbili.regions.models import Region

    migrated_with_regions()
    started = time.perf_counter()
    employers = Employer.objects.bulk_create(
        Employer(
            uscc=make_uscc(f"91150102MB{n:07d}"),
            name=f"测试单位{n:04d}",
            dpf_region_id=COUNTIES[n % len(COUNTIES)],
            tax_region_id=COUNTIES[n % len(COUNTIES)],
            admin_region_id=COUNTIES[n % len(COUNTIES)],
        )
        for n in range(args.employers)
    )
    numbers = synthetic_id_numbers(COUNTIES, args.placements)
    Placement.objects.bulk_create(
        (
            Placement(
                employer=employers[i % len(employers)],
                business_year=YEAR - (i % 3 == 0),
                id_number=number,
                name=f"测试{i}",
                sex="男",
                birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                status=("draft", "pending", "confirmed")[i % 3],
            )
            for i, number in enumerate(numbers)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"data: {args.employers} units, {args.placements:,} placements "
        f"in {time.perf_counter() - started:.0f} s"
    )
    staff = User.objects.create(
        username="bench_admin", kind=AccountKind.STAFF, staff_role=StaffRole.ADMIN, region_id="150000"
    )

    def page(filters: StaffPlacementFilters) -> int:
        found = Paginator(staff_placement_search(staff, filters), 20).get_page(1)
        rows = [
            (mask(p.id_number), p.employer.name, p.employer.dpf_region.name, p.registered_months)
            for p in found
        ]
        return found.paginator.count + len(rows)

    cases = {
        "no filter": StaffPlacementFilters(),
        "last four digits": StaffPlacementFilters(person=numbers[len(numbers) // 2][-4:]),
        "employer name": StaffPlacementFilters(employer="测试单位01"),
        "pending, year, city": StaffPlacementFilters(
            status="pending", business_year=YEAR, region=Region.objects.get(code="150200")
        ),
    }
    for label, filters in cases.items():
        with CaptureQueriesContext(connection) as queries:
            page(filters)
        times = []
        for _ in range(args.samples):
            started = time.perf_counter()
            page(filters)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"search page ({label}): p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
            f"{len(queries)} queries"
        )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        content, count = placements_export_xlsx(
            staff_placement_export_rows(staff, StaffPlacementFilters()), masked=True
        )
        elapsed = time.perf_counter() - started
    print(f"export: {count:,} rows in {elapsed:.1f} s, {len(content) / 1e6:.1f} MB, {len(queries)} queries")


if __name__ == "__main__":
    main()

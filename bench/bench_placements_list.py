"""P4: the placement list of one employer with N placements (default 500): p50/p95/p99 of the list selector
with its annotations, the counters and the masked rows, and its query count.

Needs PostgreSQL: DATABASE_URL names the server; the dedicated database `bench_placements_list` is created,
filled from the generator (one employer holding every person) and dropped.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        PYTHONPATH=. uv run --frozen python bench/bench_placements_list.py --placements 500
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_placements_verify import YEAR, load
from pgbench import in_bench_database, migrated_with_regions

BENCH_DB = "bench_placements_list"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--placements", type=int, default=500)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    in_bench_database(BENCH_DB, keep=args.keep, run=lambda: run(args))


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anbili.core.masking import mask, mask_name
    from anbili.employers.models import Employer
    from anbili.placements.models import Placement, PlacementMonth
    from anbili.placements.selectors import placement_counters, placement_list
    from anbili.placements.services import placements_verify_batch

    migrated_with_regions()
    # The generator leaves some persons unemployed: draw a few more so the one employer gets N placements.
    load(int(args.placements * 1.15), 1)
    employer = max(Employer.objects.all(), key=lambda e: e.placements.count())
    extra = Placement.objects.filter(employer=employer).order_by("pk")[args.placements :]
    Placement.objects.filter(pk__in=list(extra.values_list("pk", flat=True))).delete()
    placements_verify_batch(business_year=YEAR)
    # Half the months selected and confirmed, a few rejected: the annotations have work to do.
    PlacementMonth.objects.filter(auto_passed=True).update(selected=True, outcome="auto_confirmed")
    PlacementMonth.objects.filter(auto_passed=False, month__lte=202503).update(
        selected=True, outcome="rejected"
    )
    Placement.objects.update(status="confirmed", confirmed_by="system")
    count = Placement.objects.filter(employer=employer).count()

    def page() -> int:
        rows = list(placement_list(employer, YEAR))
        shown = [
            (
                mask_name(r.name),
                mask(r.id_number),
                mask(r.certificate_number),
                r.registered_months,
                r.confirmed_months,
                r.credited_months,
                r.rejected_months,
                r.get_status_display(),
            )
            for r in rows
        ]
        totals = placement_counters(employer, YEAR).totals_text
        return len(shown) if totals else 0

    for _ in range(20):
        page()
    with CaptureQueriesContext(connection) as captured:
        assert page() == count
    timings = []
    for _ in range(args.samples):
        started = time.perf_counter()
        page()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(
        f"P4 list of {count:,} placements ({len(captured)} queries, list + counters + masking) over "
        f"{args.samples} runs: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms "
        "(target p95 ≤ 150 ms)"
    )


if __name__ == "__main__":
    main()

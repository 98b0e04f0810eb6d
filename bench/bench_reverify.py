"""P1b: re-verification on new data. After an import of one month's pension rows touching 10% of the
placements, the background re-verification of the affected placements (the task queued by the
`import_batch_applied` signal) against the full batch `placements_verify_batch` on the same data.

quality.md P1b: "the affected placements re-verified in ≤ 10 s, the others not touched".

Needs PostgreSQL: DATABASE_URL names the server; the dedicated database (`--database`, default
`bench_reverify`) is created, filled as bench_placements_verify.py fills it (generator + registry importer,
one placement with one contract per employed person) and dropped.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        PYTHONPATH=. uv run --frozen python bench/bench_reverify.py --persons 100000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_placements_verify import YEAR, load, vacuum
from pgbench import in_bench_database, machine_line, migrated_with_regions

PENSION_HEADER = "身份证号,缴费单位统一社会信用代码,所属年月,缴费金额,参保地行政区划代码"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000, help="persons (≈ placements) in the dataset")
    parser.add_argument("--share", type=float, default=0.10, help="share of the placements a batch touches")
    parser.add_argument("--database", default="bench_reverify", help="the bench database (dropped after)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left")
    args = parser.parse_args()
    in_bench_database(args.database, keep=args.keep or args.reuse, reuse=args.reuse, run=lambda: run(args))


def correction(month: int, share: float, seed: int) -> tuple[bytes, int]:
    """A pension file for one month: the stored rows of `share` of the placed persons, each amount raised
    by 1 元 (a correction the verdicts cite: the source batch and received time change, the pass does not)."""
    from anbili.placements.models import Placement
    from anbili.registry.models import PensionMonth

    persons = sorted(set(Placement.objects.filter(business_year=YEAR).values_list("id_number", flat=True)))
    chosen = set(random.Random(seed).sample(persons, int(len(persons) * share)))
    rows = PensionMonth.objects.filter(month=month).values_list(
        "id_number", "payer_uscc", "amount", "region_code"
    )
    lines = [f"{i},{payer},{month},{amount + 1},{region}" for i, payer, amount, region in rows if i in chosen]
    return ("\n".join([PENSION_HEADER, *lines]) + "\n").encode(), len(chosen)


def imported(data: bytes) -> tuple[object, list, float]:
    """Import the file as a partner's batch would be; the re-verification the signal queues is recorded by
    the dummy task backend (not run), so the import and the background work are timed apart."""
    from django.test import override_settings
    from django_tasks import default_task_backend

    from anbili.registry.services import import_batch_create, import_batch_run

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        started = time.perf_counter()
        batch = import_batch_create(kind="pension", content=data, file_name="pension.csv", enqueue=False)
        batch = import_batch_run(batch_id=batch.pk)
        seconds = time.perf_counter() - started
        queued = list(default_task_backend.results)  # type: ignore[attr-defined]
    assert batch.status == "done", batch.message
    return batch, queued, seconds


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.utils import timezone

    from anbili.placements.models import Placement
    from anbili.placements.services import placements_verify_batch
    from anbili.placements.tasks import placements_reverify_touched_task

    print(machine_line())
    print(f"load: {os.getloadavg()}")
    migrated_with_regions()
    if not args.reuse:
        load(args.persons, max(1, args.persons // 20))
        started = time.perf_counter()
        first = placements_verify_batch(business_year=YEAR)
        print(f"first verification: {first.placements:,} placements in {time.perf_counter() - started:.1f} s")
        vacuum("after the first verification")
    total = Placement.objects.filter(business_year=YEAR).count()

    # 1. The targeted path: import June's corrected pension rows for 10% of the persons, then run the task
    # the signal queued, as the worker would.
    data, persons = correction(YEAR * 100 + 6, args.share, seed=1)
    batch, queued, import_seconds = imported(data)
    print(
        f"import of June pension rows: {batch.rows_updated:,} rows updated for {persons:,} persons "
        f"in {import_seconds:.1f} s; tasks queued: {[r.task.name for r in queued]}"
    )
    assert len(queued) == 1 and queued[0].task.name == placements_reverify_touched_task.name
    before = timezone.now()
    started = time.perf_counter()
    result = placements_reverify_touched_task.call(*queued[0].args, **queued[0].kwargs)
    targeted = time.perf_counter() - started
    stamped = Placement.objects.filter(verified_at__gte=before).count()
    print(
        f"P1b targeted re-verification (the queued task): {result['placements']:,} placements, "
        f"{result['months']:,} months verified, {result['written']:,} written, in {targeted:.1f} s "
        f"(target ≤ 10 s); placements stamped: {stamped:,} of {total:,} (others untouched: "
        f"{total - stamped:,})"
    )

    # 2. The same kind of batch (another 10%, September), then the full batch over every placement.
    data, persons = correction(YEAR * 100 + 9, args.share, seed=2)
    batch, _, import_seconds = imported(data)
    started = time.perf_counter()
    full = placements_verify_batch(business_year=YEAR)
    full_seconds = time.perf_counter() - started
    print(
        f"full batch placements_verify_batch after the same kind of import ({batch.rows_updated:,} rows, "
        f"{persons:,} persons): {full.placements:,} placements, {full.months:,} months verified, "
        f"{full.written:,} written, in {full_seconds:.1f} s ({min(os.cpu_count() or 1, 4)} processes)"
    )
    print(
        f"P1b: targeted {targeted:.1f} s beside full batch {full_seconds:.1f} s "
        f"(ratio {full_seconds / targeted:.1f}); load: {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()

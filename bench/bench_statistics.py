"""P-stats: the 统计 page (backoffice:statistics) over 100,000 placements and 1.2 million months: p50/p95
of the whole page (request through the test client: middleware, session, selectors, template) for a
province, a city and a county staff member, and the time of one background refresh of the precomputed
check tallies (decision 0007). Target: p95 ≤ 300 ms.

Needs PostgreSQL: DATABASE_URL names the server; the dedicated database `bench_statistics` is created,
filled with bulk_create and COPY (employers over every county of 内蒙古 and some of 江西, placements of
every status, twelve months each with stored verdicts, reviewers' decisions) and dropped.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        PYTHONPATH=. uv run --frozen python bench/bench_statistics.py --placements 100000
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench import in_bench_database, migrated_with_regions, synthetic_id_numbers

BENCH_DB = "bench_statistics"
YEAR = 2025
EMPLOYERS = 3000
CHECKS = ("wage", "pension", "medical", "certificate", "age", "contract", "exclusive")
SOURCES = {
    "wage": "wage",
    "pension": "social_insurance",
    "medical": "medical_insurance",
    "certificate": "disability_registry",
    "age": "id_number",
    "contract": "employer",
    "exclusive": "placements",
}
# The share of months each check fails in the generated data (the wage source fails most).
FAIL = {"wage": 0.12, "pension": 0.08, "medical": 0.07, "certificate": 0.03, "age": 0.01}
FAIL |= {"contract": 0.02, "exclusive": 0.005}
STATUSES = (
    ("confirmed", 0.55),
    ("pending", 0.2),
    ("draft", 0.1),
    ("partly_rejected", 0.1),
    ("rejected", 0.05),
)
DECISIONS = ("approve", "partly_reject", "reject", "send_back")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--placements", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database a kept run left")
    args = parser.parse_args()
    in_bench_database(BENCH_DB, keep=args.keep, reuse=args.reuse, run=lambda: run(args))


def _checks_json(rng: random.Random) -> tuple[str, bool]:
    import orjson

    value = {}
    for code in CHECKS:
        entry = {"source": SOURCES[code], "batch_id": 17, "received_at": "2026-01-05T08:00:00+08:00"}
        if rng.random() < FAIL[code]:
            value[code] = {
                "passed": False,
                "reason_code": f"{code}_missing",
                "message": "无记录",
                "sources": [entry],
            }
        else:
            value[code] = {"passed": True, "sources": [entry]}
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode(), all(v["passed"] for v in value.values())


def load(count: int) -> dict:
    """Employers, placements, months and decisions; prints how long each part took."""
    from django.db import connection
    from django.utils import timezone

    from anbili.accounts.models import AccountKind, StaffRole, User
    from anbili.core.identifiers import make_uscc
    from anbili.employers.models import Employer, UnitNature
    from anbili.placements.models import Placement, PlacementEvent
    from anbili.regions.models import Region, RegionLevel

    rng = random.Random(2025)
    started = time.perf_counter()
    counties = list(
        Region.objects.filter(level=RegionLevel.COUNTY, code__startswith="15").values_list("code", flat=True)
    )
    others = list(
        Region.objects.filter(level=RegionLevel.COUNTY, code__startswith="36").values_list("code", flat=True)
    )[:20]
    employers = Employer.objects.bulk_create(
        [
            Employer(
                uscc=make_uscc(f"91150102MB{n:07d}"),
                name=f"测试单位{n}",
                nature=UnitNature.ENTERPRISE,
                dpf_region_id=code,
                tax_region_id=code,
                admin_region_id=code,
            )
            for n in range(EMPLOYERS)
            for code in [others[n % len(others)] if n % 10 == 9 else counties[n % len(counties)]]
        ],
        batch_size=1000,
    )
    staff = {
        "province": ("150000", StaffRole.SUPERVISOR),
        "city": ("150100", StaffRole.SUPERVISOR),
        "county": ("150102", StaffRole.REVIEWER),
    }
    users = {
        level: User.objects.create(
            username=f"bench_{level}",
            kind=AccountKind.STAFF,
            staff_role=role,
            region_id=code,
            full_name=level,
        )
        for level, (code, role) in staff.items()
    }
    reviewers = [
        User.objects.create(
            username=f"bench_reviewer_{code}",
            kind=AccountKind.STAFF,
            staff_role=StaffRole.REVIEWER,
            region_id=code,
            full_name=f"审核员{code}",
        )
        for code in counties
    ]
    reviewer_of = {r.region_id: r for r in reviewers}

    now = timezone.now()
    numbers = synthetic_id_numbers(counties, count)
    labels, weights = zip(*STATUSES, strict=True)
    placements = []
    for i, number in enumerate(numbers):
        placements.append(
            Placement(
                employer=employers[rng.randrange(len(employers))],
                business_year=YEAR,
                id_number=number,
                name=f"人员{i}",
                sex="男",
                birth_date=date(1970, 1, 1) + timedelta(days=i % 10000),
                status=rng.choices(labels, weights)[0],
                registered_at=now - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23)),
            )
        )
    Placement.objects.bulk_create(placements, batch_size=5000)
    print(
        f"  {len(employers):,} employers, {len(placements):,} placements: "
        f"{time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    months = 0
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY placements_placementmonth (placement_id, month, selected, auto_passed, checks, weight, "
            "certificate_type, outcome) FROM STDIN"
        ) as copy,
    ):
        for placement in placements:
            for m in range(1, 13):
                text, passed = _checks_json(rng)
                selected = rng.random() < 0.85
                outcome = ("auto_confirmed" if passed else "pending_review") if selected else "not_selected"
                copy.write_row((placement.pk, YEAR * 100 + m, selected, passed, text, 1, "残疾人证", outcome))
                months += 1
    events = [
        PlacementEvent(
            placement=p,
            placement_ref=p.pk,
            employer=p.employer,
            business_year=YEAR,
            label=p.name,
            transition=rng.choice(DECISIONS),
            actor=reviewer_of.get(p.employer.dpf_region_id, reviewers[0]),
        )
        for p in placements
        if p.status != "draft" and rng.random() < 0.5
    ]
    PlacementEvent.objects.bulk_create(events, batch_size=5000)
    with connection.cursor() as cursor:
        for table in (
            "placements_placement",
            "placements_placementmonth",
            "placements_placementevent",
            "employers_employer",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"  {months:,} months (COPY), {len(events):,} decisions: {time.perf_counter() - started:.1f} s")
    return users


class _Counter(list):
    """An execute wrapper that keeps the SQL of every query."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from anbili.stats.services import stats_figures_refresh

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    migrated_with_regions()
    if args.reuse:  # the data a kept run left
        from anbili.accounts.models import User

        users = {
            level: User.objects.get(username=f"bench_{level}") for level in ("province", "city", "county")
        }
    else:
        users = load(args.placements)
    started = time.perf_counter()
    stats_figures_refresh(YEAR)
    print(
        f"background refresh of the {YEAR} statistics (every region, all figures): "
        f"{time.perf_counter() - started:.1f} s"
    )

    url = reverse("backoffice:statistics")
    for level, user in users.items():
        client = Client()
        client.force_login(user, backend="anbili.accounts.backends.AccountBackend")
        for _ in range(5):
            assert client.get(url, {"year": YEAR}).status_code == 200
        # Counted with an execute wrapper: request_started resets connection.queries.
        captured = _Counter()
        with connection.execute_wrapper(captured):
            page = client.get(url, {"year": YEAR}).content.decode()
        total = page.split('data-testid="placements-total">', 1)[1].split("<", 1)[0]
        timings = []
        for _ in range(args.samples):
            started = time.perf_counter()
            client.get(url, {"year": YEAR})
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(
            f"statistics page, {level} ({user.region_id}, {total} placements in jurisdiction, "
            f"{len(captured)} queries) over {args.samples} runs: p50 {statistics.median(timings):.1f} ms, "
            f"p95 {p95:.1f} ms (target p95 ≤ 300 ms)"
        )


if __name__ == "__main__":
    main()

"""P4: the review queue (安置登记审核, backoffice:placement_review) with 10,000 items waiting in a city's two
counties: p50/p95 of the whole page (view, selector, template) for a city supervisor, first page and with
filters, and its query count.

The data is written with bulk_create: 10,000 pending placements in 新城区 and 回民区 (呼和浩特), each with its
twelve months (December pending review), a contract, and what its kinds need (month evidence, a manual
certificate, a dispatch agreement, a failed contract check), a third with risk signals; around them 5,000
pending placements of 包头 (outside the supervisor's jurisdiction) and 10,000 confirmed ones.

Needs PostgreSQL: DATABASE_URL names the server; the dedicated database `bench_review_queue` is created and
dropped.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        PYTHONPATH=. uv run --frozen python bench/bench_review_queue.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench import in_bench_database, migrated_with_regions

BENCH_DB = "bench_review_queue_b"
YEAR = 2025
KINDS = ["evidence", "certificate", "agreement", "contract", "evidence+agreement"]
SIGNALS = ["wage_at_minimum", "claimed_by_several", "near_retirement", "shared_evidence"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    in_bench_database(BENCH_DB, keep=args.keep, run=lambda: run(args))


def _fill(items: int) -> None:
    import uuid
    from datetime import date, datetime, timedelta
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from anbili.core.identifiers import id_number_birth_date, id_number_sex, make_id_number, make_uscc
    from anbili.employers.models import Employer
    from anbili.evidence.models import EvidenceFile
    from anbili.placements.models import (
        MonthEvidence,
        Placement,
        PlacementCertificate,
        PlacementContract,
        PlacementMonth,
        PlacementSignal,
    )
    from anbili.registry.models import Certificate

    started = time.perf_counter()
    counties = ["150102", "150103"]
    employers = Employer.objects.bulk_create(
        Employer(
            uscc=make_uscc(f"9115{n:013d}"),
            name=f"演示单位{n:04d}有限公司",
            nature="enterprise",
            dpf_region_id=code,
            tax_region_id=code,
            admin_region_id=code,
        )
        for n, code in enumerate([*(counties * 100), *(["150203"] * 50)])
    )
    inside = [e for e in employers if e.dpf_region_id in counties]
    outside = [e for e in employers if e.dpf_region_id == "150203"]
    now = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

    plan: list[tuple[Employer, str, int]] = []  # (employer, status, index)
    plan += [(inside[i % len(inside)], "pending", i) for i in range(items)]
    plan += [(outside[i % len(outside)], "pending", i) for i in range(items // 2)]
    plan += [(inside[i % len(inside)], "confirmed", i) for i in range(items)]
    placements = []
    for serial, (employer, status, i) in enumerate(plan):
        id_number = make_id_number(
            "150102", date(1970 + serial % 30, 1 + serial % 12, 1 + serial % 28), serial % 999 + 1
        )
        placements.append(
            Placement(
                employer=employer,
                business_year=YEAR,
                id_number=id_number,
                name=f"人员{serial:05d}",
                sex=id_number_sex(id_number).value,
                birth_date=id_number_birth_date(id_number),
                status=status,
                step="done",
                registered_at=now - timedelta(minutes=7 * i + 3),
            )
        )
    # Unique (employer, year, id_number): the serials above never repeat a number within one employer.
    placements = Placement.objects.bulk_create(placements, batch_size=5000)
    files: list[EvidenceFile] = []

    def new_file(employer_id: int, purpose: str) -> EvidenceFile:
        file = EvidenceFile(
            employer_id=employer_id,
            purpose=purpose,
            original_name="证明.pdf",
            content_type="application/pdf",
            size=1000,
            sha256=uuid.uuid4().hex * 2,
            storage_name=f"bench/{uuid.uuid4().hex}.pdf",
        )
        files.append(file)
        return file

    months, contracts, evidence_for, certificates, signals = [], [], [], [], []
    for p, (_, status, i) in zip(placements, plan, strict=True):
        kind = KINDS[i % len(KINDS)] if status == "pending" else ""
        for m in range(1, 13):
            pending = status == "pending" and m == 12
            checks = {
                "wage": {"passed": not (pending and "evidence" in kind)},
                "contract": {"passed": not (pending and kind == "contract")},
            }
            months.append(
                PlacementMonth(
                    placement=p,
                    month=YEAR * 100 + m,
                    selected=True,
                    auto_passed=not pending,
                    checks=checks,
                    outcome="pending_review"
                    if pending
                    else ("confirmed" if status != "pending" else "auto_confirmed"),
                )
            )
        dispatch = "agreement" in kind
        contracts.append(
            PlacementContract(
                placement=p,
                is_dispatch=dispatch,
                contract_type="dispatch" if dispatch else "labour",
                start=date(2024, 7, 1),
                end=date(2026, 12, 31),
                post="装配工",
                monthly_wage=Decimal("3000"),
                wage_payer_uscc=p.employer.uscc,
                pension_payer_uscc=p.employer.uscc,
                medical_payer_uscc=p.employer.uscc,
                dispatch_agreement_file=new_file(p.employer_id, "dispatch_agreement") if dispatch else None,
                agreement_review="pending" if dispatch else "",
            )
        )
        if "evidence" in kind or kind == "contract":
            evidence_for.append((p, "wage" if "evidence" in kind else "contract"))
        if kind == "certificate":
            certificates.append(p)
        if status == "pending" and i % 3 == 0:
            signals.append((p, SIGNALS[i % 4]))
            if i % 2 == 0:
                signals.append((p, SIGNALS[(i + 1) % 4]))
    month_rows = PlacementMonth.objects.bulk_create(months, batch_size=10000)
    december = {row.placement_id: row for row in month_rows if row.month == YEAR * 100 + 12}
    evidence_files = [(p, code, new_file(p.employer_id, "wage_proof")) for p, code in evidence_for]
    certificate_rows = Certificate.objects.bulk_create(
        Certificate(
            number=f"{p.id_number}H",
            id_number=p.id_number,
            kind="残疾人证",
            level=4,
            valid_from=date(2020, 1, 1),
            valid_until=date(YEAR, 2, 28),
            status="replaced",
            region_code="150102",
            origin="manual_pending",
            source="employer",
            received_at=now,
        )
        for p in certificates
    )
    images = [new_file(p.employer_id, "certificate_image") for p in certificates]
    EvidenceFile.objects.bulk_create(files, batch_size=5000)
    PlacementContract.objects.bulk_create(contracts, batch_size=5000)
    MonthEvidence.objects.bulk_create(
        MonthEvidence(placement_month=december[p.pk], check_code=code, evidence=file)
        for p, code, file in evidence_files
    )
    PlacementCertificate.objects.bulk_create(
        PlacementCertificate(placement=p, certificate=c, image=image)
        for p, c, image in zip(certificates, certificate_rows, images, strict=True)
    )
    PlacementSignal.objects.bulk_create(
        PlacementSignal(placement=p, code=code, detail=f"{code} 演示说明") for p, code in set(signals)
    )
    from django.db import connection

    with connection.cursor() as cursor:
        # As autovacuum leaves a table in steady state: statistics and the visibility map (index-only scans).
        cursor.execute("VACUUM ANALYZE")
    print(
        f"filled: {len(placements):,} placements ({items:,} waiting inside the jurisdiction), "
        f"{len(month_rows):,} months, {len(files):,} files, {len(set(signals)):,} signals "
        f"in {time.perf_counter() - started:.0f} s"
    )


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from anbili.accounts.models import AccountKind, StaffRole, User
    from anbili.regions.models import Region

    setup_test_environment()
    # As the test client does in the suite: keep one connection and its query log across requests.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, reset_queries

    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["testserver"]
    migrated_with_regions()  # prints the machine line
    _fill(args.items)
    staff = User.objects.create(
        username="bench_city",
        kind=AccountKind.STAFF,
        staff_role=StaffRole.SUPERVISOR,
        region=Region.objects.get(code="150100"),
    )
    client = Client()
    client.force_login(staff, backend="anbili.accounts.backends.AccountBackend")
    cases = {
        "first page": {},
        "page 100": {"page": "100"},
        "county": {"region": "150102"},
        "kind evidence": {"kind": "evidence"},
        "any signal": {"signal": "any"},
        "older than 15 days + agreement": {"older_than": "15", "kind": "agreement"},
        "employer name": {"employer": "演示单位01"},
        "dates + signal": {
            "submitted_from": "2026-05-20",
            "submitted_to": "2026-06-10",
            "signal": "near_retirement",
        },
    }
    for label, params in cases.items():
        for _ in range(5):
            client.get("/backoffice/review/", params)
        executed: list[str] = []

        def counted(run, sql, *rest, executed=executed):  # type: ignore[no-untyped-def]
            executed.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(counted):
            response = client.get("/backoffice/review/", params)
        assert response.status_code == 200, response.status_code
        timings = []
        for _ in range(args.samples):
            started = time.perf_counter()
            client.get("/backoffice/review/", params)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
        total = response.context["page"].paginator.count
        print(
            f"P4 review queue, {label}: {total:,} items, {len(executed)} queries, over {args.samples} runs: "
            f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms (target p95 ≤ 150 ms)"
        )


if __name__ == "__main__":
    main()

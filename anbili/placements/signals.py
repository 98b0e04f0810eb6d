"""Risk signals of placements (风险提示, anbili.rules.signals) loaded and stored for the review queue.

`placement_signal_facts` gathers the facts of many placements in a fixed number of queries per chunk
(placements, selected months, contracts, three payment sources, other employers' placements,
certificates, the files and the other placements holding the same file contents, plus the policy look-ups
per province and wage tier), whatever the number of placements. `placements_signals_refresh` replaces
the stored PlacementSignal rows of those placements in one transaction. Called when a placement is
submitted for review (services/months.py) and when pending placements are re-verified on new registry
data (reverify.py). Not Django signals: the name is the reviewers' (风险提示).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Min, Q

from anbili.core.month import Month
from anbili.placements.models import (
    MonthEvidence,
    Placement,
    PlacementCertificate,
    PlacementContract,
    PlacementMonth,
    PlacementSignal,
    PlacementStatus,
)
from anbili.placements.verification import BatchContext
from anbili.registry.models import Certificate, CertificateOrigin, MedicalMonth, PensionMonth, WageMonth
from anbili.rules.signals import Signal, SignalFacts, SignalMonth, placement_signals

# Placements per round of queries (well under SQLite's parameter limit with their ID numbers and files).
CHUNK = 2000
DEFAULT_FEMALE_BASE_AGE = 55
# The certificates that say when a person first held one: the registry's and approved manual ones (a
# manual certificate still pending or refused proves nothing yet).
TRUSTED_ORIGINS = (CertificateOrigin.REGISTRY, CertificateOrigin.MANUAL_APPROVED)


def _file_uses(hashes: set[str] | None, placement_ids: list[int] | None) -> list[tuple[int, int, str]]:
    """(placement id, employer id, sha256) of every file attached to a placement: its contracts' files,
    dispatch agreements, added certificates' images, month evidence and diploma. Either the placements'
    own (placement_ids) or every placement holding one of these contents (hashes)."""

    def narrowed(queryset: Any, placement: str, sha: str) -> Any:
        if placement_ids is not None:
            return queryset.filter(**{f"{placement}__in": placement_ids})
        return queryset.filter(**{f"{sha}__in": hashes})

    rows: list[tuple[int, int, str]] = []
    sources = [
        (PlacementContract.objects, "placement_id", "placement__employer_id", "contract_file__sha256"),
        (
            PlacementContract.objects,
            "placement_id",
            "placement__employer_id",
            "dispatch_agreement_file__sha256",
        ),
        (PlacementCertificate.objects, "placement_id", "placement__employer_id", "image__sha256"),
        (
            MonthEvidence.objects,
            "placement_month__placement_id",
            "placement_month__placement__employer_id",
            "evidence__sha256",
        ),
        (Placement.objects, "pk", "employer_id", "diploma__sha256"),
    ]
    for manager, placement, employer, sha in sources:
        queryset = narrowed(manager.all(), placement, sha).exclude(**{f"{sha}__isnull": True})
        rows.extend(queryset.values_list(placement, employer, sha).distinct())
    return rows


def _shared(placements: list[Any]) -> dict[int, tuple[int, int, bool]]:
    """Per placement: (its files found elsewhere, other placements holding them, any of another employer)."""
    own = _file_uses(None, [p.pk for p in placements])
    hashes = {sha for _, _, sha in own}
    if not hashes:
        return {}
    holders: dict[str, set[tuple[int, int]]] = defaultdict(set)
    found = sorted(hashes)
    for start in range(0, len(found), CHUNK):
        for placement_id, employer_id, sha in _file_uses(set(found[start : start + CHUNK]), None):
            holders[sha].add((placement_id, employer_id))
    files: dict[int, set[str]] = defaultdict(set)
    for placement_id, _, sha in own:
        files[placement_id].add(sha)
    employer_of = {p.pk: p.employer_id for p in placements}
    result: dict[int, tuple[int, int, bool]] = {}
    for placement_id, shas in files.items():
        shared = 0
        others: set[tuple[int, int]] = set()
        for sha in shas:
            elsewhere = {holder for holder in holders[sha] if holder[0] != placement_id}
            if elsewhere:
                shared += 1
                others |= elsewhere
        if shared:
            other_employer = any(eid != employer_of[placement_id] for _, eid in others)
            result[placement_id] = (shared, len(others), other_employer)
    return result


def _payments(model: Any, ids: set[str], first: int, last: int) -> Iterable[tuple[str, int, str, Decimal]]:
    return model._default_manager.filter(id_number__in=ids, month__gte=first, month__lte=last).values_list(
        "id_number", "month", "payer_uscc", "amount"
    )


def _chunk_facts(placements: list[Any]) -> dict[int, SignalFacts]:
    ids = [p.pk for p in placements]
    id_numbers = {p.id_number for p in placements}
    years = {p.business_year for p in placements}
    first, last = min(years) * 100 + 1, max(years) * 100 + 12

    selected: dict[int, list[int]] = defaultdict(list)
    for placement_id, month in PlacementMonth.objects.filter(placement_id__in=ids, selected=True).values_list(
        "placement_id", "month"
    ):
        selected[placement_id].append(month)
    starts: dict[int, list[date]] = defaultdict(list)
    wage_payers: dict[int, set[str]] = defaultdict(set)
    for placement_id, start, payer in PlacementContract.objects.filter(placement_id__in=ids).values_list(
        "placement_id", "start", "wage_payer_uscc"
    ):
        starts[placement_id].append(start)
        wage_payers[placement_id].add(payer)

    wages: dict[tuple[str, int], list[tuple[str, Decimal]]] = defaultdict(list)
    for id_number, month, payer, amount in _payments(WageMonth, id_numbers, first, last):
        wages[id_number, month].append((payer, amount))
    insured = {
        (id_number, month)
        for model in (PensionMonth, MedicalMonth)
        for id_number, month, _, _ in _payments(model, id_numbers, first, last)
    }
    employers_of: dict[tuple[str, int], set[int]] = defaultdict(set)
    for id_number, year, employer_id in Placement.objects.filter(
        id_number__in=id_numbers, business_year__in=years
    ).values_list("id_number", "business_year", "employer_id"):
        employers_of[id_number, year].add(employer_id)
    first_certificate = dict(
        Certificate.objects.filter(id_number__in=id_numbers, origin__in=TRUSTED_ORIGINS)
        .values("id_number")
        .annotate(first=Min("valid_from"))
        .values_list("id_number", "first")
    )
    shared = _shared(placements)
    contexts = {year: BatchContext(year) for year in years}

    facts: dict[int, SignalFacts] = {}
    for p in placements:
        policy = contexts[p.business_year].policy(p.employer)
        payers = wage_payers[p.pk] | {p.employer.uscc}
        months = []
        for value in sorted(selected[p.pk]):
            rows = wages.get((p.id_number, value), [])
            own = [amount for payer, amount in rows if payer in payers]
            of = Month(value // 100, value % 100)
            months.append(
                SignalMonth(
                    month=of,
                    own_wage=sum(own, Decimal(0)) if own else None,
                    any_wage=bool(rows),
                    insured=(p.id_number, value) in insured,
                    minimum_wage=policy.minimum_wages.get(of),
                )
            )
        files, holders, other_employer = shared.get(p.pk, (0, 0, False))
        facts[p.pk] = SignalFacts(
            business_year=p.business_year,
            sex=p.sex,
            birth_date=p.birth_date,
            female_base_age=p.female_base_age or policy.female_base_age or DEFAULT_FEMALE_BASE_AGE,
            months=months,
            other_employers=len(employers_of[p.id_number, p.business_year] - {p.employer_id}),
            first_certificate_from=first_certificate.get(p.id_number),
            contract_starts=starts[p.pk],
            shared_files=files,
            sharing_placements=holders,
            shared_with_other_employer=other_employer,
        )
    return facts


def placement_signal_facts(placement_ids: Iterable[int]) -> dict[int, SignalFacts]:
    """The signal facts of the placements (missing ids are left out), a fixed number of queries per chunk
    of CHUNK placements."""
    wanted = sorted(set(placement_ids))
    facts: dict[int, SignalFacts] = {}
    for start in range(0, len(wanted), CHUNK):
        placements = list(
            Placement.objects.filter(pk__in=wanted[start : start + CHUNK]).select_related(
                "employer__admin_region"
            )
        )
        facts |= _chunk_facts(placements)
    return facts


def placements_signals_refresh(placement_ids: Iterable[int]) -> dict[int, list[Signal]]:
    """Compute the signals of the placements and replace their stored PlacementSignal rows, in one
    transaction (a reader sees the old rows or the new ones, never a mix)."""
    facts = placement_signal_facts(placement_ids)
    signals = {pk: placement_signals(one) for pk, one in facts.items()}
    ids = list(signals)
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            PlacementSignal.objects.filter(placement_id__in=ids[start : start + CHUNK]).delete()
        PlacementSignal.objects.bulk_create(
            PlacementSignal(placement_id=pk, code=signal.code.value, detail=signal.detail[:200])
            for pk, found in signals.items()
            for signal in found
        )
    return signals


def pending_signals_refresh(placement_ids: Iterable[int]) -> int:
    """Refresh the signals of those of the placements that wait for review (after re-verification on new
    registry data); returns how many were refreshed."""
    ids = list(placement_ids)
    pending: list[int] = []
    for start in range(0, len(ids), CHUNK):
        pending.extend(
            Placement.objects.filter(
                Q(pk__in=ids[start : start + CHUNK]), status=PlacementStatus.PENDING
            ).values_list("pk", flat=True)
        )
    for start in range(0, len(pending), CHUNK):
        placements_signals_refresh(pending[start : start + CHUNK])
    return len(pending)


def placement_submitted_signals_refresh(placement_id: int) -> list[Signal]:
    """On submission for review: the placement's signals, and those of the pending placements the new one
    changes (the same person in the same year at another employer, a file of the same content), so that
    both sides of a pair show the signal whichever was submitted first."""
    signals = placements_signals_refresh([placement_id]).get(placement_id, [])
    row = Placement.objects.filter(pk=placement_id).values_list("id_number", "business_year").first()
    if row is None:
        return signals
    related = set(
        Placement.objects.filter(id_number=row[0], business_year=row[1]).values_list("pk", flat=True)
    )
    hashes = {sha for _, _, sha in _file_uses(None, [placement_id])}
    if hashes:
        related |= {pk for pk, _, _ in _file_uses(hashes, None)}
    related.discard(placement_id)
    if related:
        pending_signals_refresh(related)
    return signals

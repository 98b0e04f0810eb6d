"""The verification engine: gathers the facts of a placement's twelve months and runs the one rules path,
`anbili.rules.checks.check_month`, for each.

Two loaders feed the same path: `person_year_facts` (five queries for one placement, used by the portal) and
`_BatchLoader` (a fixed number of queries for many placements, used by batch re-verification). Both produce
`PersonYearFacts`, so the rules and the stored verdicts cannot differ between the two.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from anbili.core.errors import ApplicationError
from anbili.core.identifiers import Sex, id_number_birth_date, id_number_sex
from anbili.core.month import Month, months_of_year
from anbili.employers.models import Employer, RelatedUnit
from anbili.placements.models import (
    ContractType,
    MonthOutcomeChoice,
    PersonMonthClaim,
    Placement,
    PlacementContract,
    PlacementMonth,
)
from anbili.regions.models import MinimumWage
from anbili.regions.selectors import female_base_age_for, minimum_wage_for, province_code_of
from anbili.registry.models import (
    Certificate,
    CertificateStatus,
    DispatchFiling,
    MedicalMonth,
    PensionMonth,
    RegistryPerson,
    WageMonth,
)
from anbili.registry.selectors import (
    CertificateRecord,
    FactSource,
    MonthRegistryFacts,
    PayerRole,
    Payment,
    PersonYearFacts,
    certificate_fact,
    person_year_facts,
)
from anbili.rules.checks import CheckCode, ContractFact, MonthResult, check_month, counting_certificates

SOURCE_LABELS = {
    "disability_registry": "残疾人人口基础库",
    "social_insurance": "人社（职工养老保险）",
    "medical_insurance": "医保（职工医保）",
    "wage": "工资发放数据",
    "dispatch_filing": "劳务派遣备案（人社）",
    "employer": "用人单位填报",
    "id_number": "身份证号",
    "placements": "安置登记",
}
DEFAULT_FEMALE_BASE_AGE = 55


def yyyymm(month: Month) -> int:
    """The month as stored: 202501."""
    return month.year * 100 + month.month


def _source(provenance: FactSource | None, source: str = "", **extra: Any) -> dict[str, Any]:
    if provenance is None:
        return {"source": source, "label": SOURCE_LABELS.get(source, source), "received_at": None, **extra}
    return {
        "source": provenance.source,
        "label": SOURCE_LABELS.get(provenance.source, provenance.source),
        "batch_id": provenance.batch_id,
        "received_at": provenance.received_at.isoformat(),
        **extra,
    }


@dataclass(frozen=True)
class PolicyInputs:
    """What the province's policy tables say for the employer: each month's minimum wage and the female
    base retirement age."""

    minimum_wages: dict[Month, Decimal | None]
    female_base_age: int


def _policy_inputs(employer: Employer, business_year: int) -> PolicyInputs:
    months = months_of_year(business_year)
    # The value always comes from minimum_wage_for; it is asked again only for the months at or after a row
    # of the province's table takes effect, instead of twelve times (P2, docs/performance.md).
    changes = sorted(
        MinimumWage.objects.filter(
            province_id=province_code_of(employer.admin_region_id),
            effective_from__gt=months[0].first_day,
            effective_from__lte=months[-1].first_day,
        ).values_list("effective_from", flat=True)
    )
    wages: dict[Month, Decimal | None] = {}
    previous: Month | None = None
    for month in months:
        if previous is not None and not any(
            previous.first_day < change <= month.first_day for change in changes
        ):
            wages[month] = wages[previous]
        else:
            try:
                wages[month] = minimum_wage_for(employer.admin_region, month.first_day)
            except ApplicationError:
                # No policy row: the wage check fails ("未配置该月所在地区的最低工资标准"), never a default.
                wages[month] = None
        previous = month
    try:
        base = female_base_age_for(employer.dpf_region_id, date(business_year, 1, 1))
    except ApplicationError:
        base = DEFAULT_FEMALE_BASE_AGE
    return PolicyInputs(minimum_wages=wages, female_base_age=base)


def contract_fact(contract: PlacementContract, *, filed: bool) -> ContractFact:
    """A stored contract as the rules' ContractFact; `filed` says whether the dispatch company is filed."""
    return ContractFact(
        start=contract.start,
        end=contract.end,
        wage_payer_uscc=contract.wage_payer_uscc,
        pension_payer_uscc=contract.pension_payer_uscc,
        medical_payer_uscc=contract.medical_payer_uscc,
        staffing_roster=contract.contract_type == ContractType.STAFFING,
        dispatch=contract.is_dispatch,
        dispatch_agreement=contract.dispatch_agreement_file_id is not None,
        dispatch_company_uscc=contract.dispatch_company_uscc or None,
        dispatch_company_filed=filed,
    )


def _filing_overlaps_year(filing: DispatchFiling, business_year: int) -> bool:
    start, end = date(business_year, 1, 1), date(business_year, 12, 31)
    return filing.valid_from <= end and (filing.valid_until is None or filing.valid_until >= start)


def filed_companies(usccs: Iterable[str], province_code: str, business_year: int) -> set[str]:
    """The dispatch companies with a filing (劳务派遣备案) in the province valid in the business year."""
    wanted = {uscc for uscc in usccs if uscc}
    if not wanted:
        return set()
    rows = DispatchFiling.objects.filter(company_uscc__in=wanted, region_code__startswith=province_code[:2])
    return {row.company_uscc for row in rows if _filing_overlaps_year(row, business_year)}


def _sources_for(code: CheckCode, facts: PersonYearFacts, month: Month) -> list[dict[str, Any]]:
    registry_month = facts.months[month]
    if code is CheckCode.WAGE:
        return [_source(p.provenance, payer_uscc=p.payer_uscc) for p in registry_month.wages]
    if code is CheckCode.PENSION:
        return [_source(p.provenance, payer_uscc=p.payer_uscc) for p in registry_month.pensions]
    if code is CheckCode.MEDICAL:
        return [_source(p.provenance, payer_uscc=p.payer_uscc) for p in registry_month.medicals]
    if code is CheckCode.CERTIFICATE:
        return [_source(c.provenance, number=c.number) for c in registry_month.certificates]
    if code is CheckCode.AGE:
        return [_source(facts.person_provenance, "id_number")]
    if code is CheckCode.CONTRACT:
        return [_source(None, "employer")]
    return [_source(None, "placements")]


def _checks_json(result: MonthResult, facts: PersonYearFacts) -> dict[str, Any]:
    return {
        code.value: {
            "passed": verdict.passed,
            "reason_code": verdict.reason_code,
            "message": verdict.message,
            "sources": _sources_for(code, facts, result.month),
        }
        for code, verdict in result.checks.items()
    }


def _certificate_shown(facts: PersonYearFacts, month: Month, month_facts: Any) -> tuple[str, int | None]:
    counting = counting_certificates(month_facts)
    chosen = counting or [c.fact for c in facts.months[month].certificates]
    if not chosen:
        return "", None
    best = max(chosen, key=lambda c: (c.kind == "残疾人证", -c.level))
    return str(best.kind), best.level


def apply_verification(
    placement: Placement,
    facts: PersonYearFacts,
    *,
    contracts: Sequence[PlacementContract],
    filed: set[str],
    policy: PolicyInputs,
    claimed_elsewhere: set[int],
    existing: dict[int, PlacementMonth],
    now: datetime,
) -> tuple[list[PlacementMonth], list[PlacementMonth]]:
    """Run check_month for the twelve months; returns (rows to create, rows to update), not saved."""
    contract_facts = [contract_fact(c, filed=c.dispatch_company_uscc in filed) for c in contracts]
    base = placement.female_base_age or policy.female_base_age
    create: list[PlacementMonth] = []
    update: list[PlacementMonth] = []
    for month in months_of_year(placement.business_year):
        key = yyyymm(month)
        month_facts = facts.month_facts(
            month,
            contracts=contract_facts,
            minimum_wage=policy.minimum_wages.get(month),
            claimed_elsewhere=key in claimed_elsewhere,
            female_base_age=base,
        )
        result = check_month(month_facts)
        kind, level = _certificate_shown(facts, month, month_facts)
        row = existing.get(key)
        if row is None:
            row = PlacementMonth(placement=placement, month=key, outcome=MonthOutcomeChoice.NOT_SELECTED)
            create.append(row)
        else:
            update.append(row)
        row.checks = _checks_json(result, facts)
        row.auto_passed = result.auto_passed
        row.weight = result.weight
        row.certificate_type = kind
        row.certificate_level = level
        row.verified_at = now
    return create, update


UPDATE_FIELDS = ["checks", "auto_passed", "weight", "certificate_type", "certificate_level", "verified_at"]


def related_usccs(employer: Employer, business_year: int) -> set[str]:
    """The related units of the employer's business year."""
    return set(
        RelatedUnit.objects.filter(employer=employer, business_year=business_year).values_list(
            "uscc", flat=True
        )
    )


def claims_elsewhere(placement: Placement) -> set[int]:
    """Months of the placement's person held by another employer's placement (never says which)."""
    months = [yyyymm(m) for m in months_of_year(placement.business_year)]
    return set(
        PersonMonthClaim.objects.filter(id_number=placement.id_number, month__in=months)
        .exclude(placement__employer_id=placement.employer_id)
        .values_list("month", flat=True)
    )


def verify_one(placement: Placement, *, now: datetime | None = None) -> list[PlacementMonth]:
    """Verify one placement with the newest data (person_year_facts) and save its twelve months."""
    now = now or timezone.now()
    employer = placement.employer
    contracts = list(placement.contracts.all())
    facts = person_year_facts(
        id_number=placement.id_number,
        employer_uscc=employer.uscc,
        related_usccs=related_usccs(employer, placement.business_year),
        business_year=placement.business_year,
    )
    filed = filed_companies(
        [c.dispatch_company_uscc for c in contracts if c.is_dispatch],
        employer.dpf_region_id,
        placement.business_year,
    )
    existing = {row.month: row for row in PlacementMonth.objects.filter(placement=placement)}
    create, update = apply_verification(
        placement,
        facts,
        contracts=contracts,
        filed=filed,
        policy=_policy_inputs(employer, placement.business_year),
        claimed_elsewhere=claims_elsewhere(placement),
        existing=existing,
        now=now,
    )
    PlacementMonth.objects.bulk_create(create)
    PlacementMonth.objects.bulk_update(update, UPDATE_FIELDS)
    placement.verified_at = now
    placement.save(update_fields=["verified_at", "updated_at"])
    return sorted([*create, *update], key=lambda row: row.month)


# --- batch ----------------------------------------------------------------------------------------------


def _provenance(row: Any) -> FactSource:
    return FactSource(source=row.source, batch_id=row.batch_id, received_at=row.received_at)


class _BatchLoader:
    """Loads the registry facts of many placements of one business year in a fixed number of queries."""

    def __init__(self, placements: Sequence[Placement], business_year: int) -> None:
        self.business_year = business_year
        self.ids = sorted({p.id_number for p in placements})
        months = months_of_year(business_year)
        self.months = months
        self.first, self.last = yyyymm(months[0]), yyyymm(months[-1])
        start, end = months[0].first_day, months[-1].last_day
        self.persons = {
            p.id_number: p
            for p in RegistryPerson.objects.filter(id_number__in=self.ids).only(
                "id_number", "name", "sex", "birth_date", "source", "batch_id", "received_at"
            )
        }
        self.certificates: dict[str, list[CertificateRecord]] = defaultdict(list)
        for c in (
            Certificate.objects.filter(id_number__in=self.ids, valid_from__lte=end)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
            .exclude(status=CertificateStatus.REVOKED)
            .order_by("valid_from", "number")
        ):
            self.certificates[c.id_number].append(
                CertificateRecord(
                    number=c.number, fact=certificate_fact(c), status=c.status, provenance=_provenance(c)
                )
            )
        self.wages = self._payments(WageMonth)
        self.pensions = self._payments(PensionMonth)
        self.medicals = self._payments(MedicalMonth)

    def _payments(self, model: Any) -> dict[tuple[str, int], list[Any]]:
        # Tuples, not model instances: the 12 rows × 3 tables per person dominate the loading time.
        rows: dict[tuple[str, int], list[Any]] = defaultdict(list)
        sources: dict[tuple[str, int | None, datetime], FactSource] = {}
        for id_number, month, payer, amount, source, batch_id, received_at in (
            model._default_manager.filter(id_number__in=self.ids, month__gte=self.first, month__lte=self.last)
            .order_by("id_number", "month", "payer_uscc")
            .values_list("id_number", "month", "payer_uscc", "amount", "source", "batch_id", "received_at")
        ):
            key = (source, batch_id, received_at)
            provenance = sources.get(key)
            if provenance is None:
                provenance = sources[key] = FactSource(
                    source=source, batch_id=batch_id, received_at=received_at
                )
            rows[(id_number, month)].append((payer, amount, provenance))
        return rows

    def facts(self, id_number: str, employer_uscc: str, related: frozenset[str]) -> PersonYearFacts:
        """The same PersonYearFacts person_year_facts would return for this person and employer."""
        related = related - {employer_uscc}
        roles = {uscc: PayerRole.RELATED for uscc in related} | {employer_uscc: PayerRole.EMPLOYER}
        certificates = tuple(self.certificates.get(id_number, ()))

        def payments(table: dict[tuple[str, int], list[Any]], key: int) -> tuple[Payment, ...]:
            return tuple(
                Payment(
                    payer_uscc=payer,
                    amount=amount,
                    payer_role=roles.get(payer, PayerRole.OTHER),
                    provenance=provenance,
                )
                for payer, amount, provenance in table.get((id_number, key), ())
            )

        by_month = {
            month: MonthRegistryFacts(
                month=month,
                wages=payments(self.wages, yyyymm(month)),
                pensions=payments(self.pensions, yyyymm(month)),
                medicals=payments(self.medicals, yyyymm(month)),
                certificates=tuple(
                    c for c in certificates if month.overlaps(c.fact.valid_from, c.fact.valid_until)
                ),
            )
            for month in self.months
        }
        person = self.persons.get(id_number)
        return PersonYearFacts(
            id_number=id_number,
            employer_uscc=employer_uscc,
            related_usccs=related,
            business_year=self.business_year,
            sex=Sex(person.sex) if person else id_number_sex(id_number),
            birth_date=person.birth_date if person else id_number_birth_date(id_number),
            name=person.name if person else None,
            person_provenance=_provenance(person) if person else None,
            certificates=certificates,
            months=by_month,
        )


def verify_batch(placements: Sequence[Placement], business_year: int, *, now: datetime | None = None) -> int:
    """Verify many placements of one business year with set-based loading; returns the months written.

    The caller passes placements with `employer` (and its admin_region) selected; contracts, related units,
    filings, claims and existing months are each loaded in one query for the whole batch.
    """
    now = now or timezone.now()
    if not placements:
        return 0
    loader = _BatchLoader(placements, business_year)
    placement_ids = [p.pk for p in placements]
    contracts: dict[int, list[PlacementContract]] = defaultdict(list)
    for contract in PlacementContract.objects.filter(placement_id__in=placement_ids).order_by("start", "pk"):
        contracts[contract.placement_id].append(contract)
    employers = {p.employer_id: p.employer for p in placements}
    related: dict[int, set[str]] = defaultdict(set)
    for employer_id, uscc in RelatedUnit.objects.filter(
        employer_id__in=employers, business_year=business_year
    ).values_list("employer_id", "uscc"):
        related[employer_id].add(uscc)
    dispatch_usccs = {c.dispatch_company_uscc for rows in contracts.values() for c in rows if c.is_dispatch}
    filings = list(DispatchFiling.objects.filter(company_uscc__in=dispatch_usccs)) if dispatch_usccs else []
    claims: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for id_number, month, employer_id in PersonMonthClaim.objects.filter(
        id_number__in=loader.ids, month__gte=loader.first, month__lte=loader.last
    ).values_list("id_number", "month", "placement__employer_id"):
        claims[id_number].append((month, employer_id))
    existing: dict[int, dict[int, PlacementMonth]] = defaultdict(dict)
    for row in PlacementMonth.objects.filter(placement_id__in=placement_ids).only(
        "pk", "placement_id", "month", *UPDATE_FIELDS, "outcome", "selected"
    ):
        existing[row.placement_id][row.month] = row
    # Policy depends on the county (minimum-wage tier) and the province only: one look-up per pair.
    by_place: dict[tuple[str, str], PolicyInputs] = {}
    policies: dict[int, PolicyInputs] = {}
    for eid, employer in employers.items():
        place = (employer.admin_region_id, employer.dpf_region_id[:2])
        if place not in by_place:
            by_place[place] = _policy_inputs(employer, business_year)
        policies[eid] = by_place[place]
    create: list[PlacementMonth] = []
    update: list[PlacementMonth] = []
    for placement in placements:
        employer = employers[placement.employer_id]
        province = employer.dpf_region_id[:2]
        filed = {
            f.company_uscc
            for f in filings
            if f.region_code.startswith(province) and _filing_overlaps_year(f, business_year)
        }
        facts = loader.facts(placement.id_number, employer.uscc, frozenset(related[placement.employer_id]))
        elsewhere = {m for m, eid in claims.get(placement.id_number, ()) if eid != placement.employer_id}
        new, changed = apply_verification(
            placement,
            facts,
            contracts=contracts[placement.pk],
            filed=filed,
            policy=policies[placement.employer_id],
            claimed_elsewhere=elsewhere,
            existing=existing[placement.pk],
            now=now,
        )
        create.extend(new)
        update.extend(changed)
    if connection.vendor == "postgresql":
        _upsert_months_copy([*create, *update])
    else:
        PlacementMonth.objects.bulk_create(create, batch_size=2000)
        PlacementMonth.objects.bulk_update(update, UPDATE_FIELDS, batch_size=2000)
    Placement.objects.filter(pk__in=placement_ids).update(verified_at=now)
    return len(create) + len(update)


def _upsert_months_copy(rows: list[PlacementMonth]) -> None:
    """PostgreSQL: COPY the verdicts into a staging table and upsert them in one statement. bulk_update
    builds a CASE per row and column and was the batch's bottleneck (docs/performance.md)."""
    table = PlacementMonth._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS placement_month_stage (placement_id bigint, month integer, "
            "checks jsonb, auto_passed boolean, weight smallint, certificate_type varchar(8), "
            "certificate_level smallint, verified_at timestamptz) ON COMMIT DROP"
        )
        raw = cursor.cursor
        with raw.copy(
            "COPY placement_month_stage (placement_id, month, checks, auto_passed, weight, certificate_type, "
            "certificate_level, verified_at) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(
                    (
                        row.placement_id,
                        row.month,
                        json.dumps(row.checks, ensure_ascii=False),
                        row.auto_passed,
                        row.weight,
                        row.certificate_type,
                        row.certificate_level,
                        row.verified_at,
                    )
                )
        cursor.execute(
            f"INSERT INTO {table} (placement_id, month, checks, auto_passed, weight, certificate_type, "
            "certificate_level, verified_at, selected, outcome) "
            "SELECT placement_id, month, checks, auto_passed, weight, certificate_type, certificate_level, "
            f"verified_at, false, '{MonthOutcomeChoice.NOT_SELECTED.value}' FROM placement_month_stage "
            "ON CONFLICT (placement_id, month) DO UPDATE SET checks = EXCLUDED.checks, "
            "auto_passed = EXCLUDED.auto_passed, weight = EXCLUDED.weight, "
            "certificate_type = EXCLUDED.certificate_type, certificate_level = EXCLUDED.certificate_level, "
            "verified_at = EXCLUDED.verified_at"
        )
        cursor.execute("TRUNCATE placement_month_stage")

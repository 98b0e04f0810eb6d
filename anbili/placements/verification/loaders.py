"""The loaders of the verification engine: the facts of one placement (`placement_inputs`, a handful of
queries, for the portal) and of many placements of a business year (`BatchLoader` and `batch_inputs`, a
fixed number of queries per chunk, for batch re-verification). Both produce the same `PersonYearFacts` and
`ContractFact`s, so the engine and the stored verdicts cannot differ between the two paths."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from anbili.core.errors import ApplicationError
from anbili.core.identifiers import Sex, id_number_birth_date, id_number_sex
from anbili.core.month import Month, months_of_year
from anbili.employers.models import Employer
from anbili.placements.models import ContractType, PersonMonthClaim, Placement, PlacementContract
from anbili.placements.verification.encoding import SourceEntries
from anbili.placements.verification.engine import PolicyInputs, yyyymm
from anbili.regions.selectors import female_base_age_for, minimum_wages_on, province_code_of, wage_tier_of
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
    Payment,
    PersonYearFacts,
    certificate_fact,
    person_year_facts,
    registry_months,
)
from anbili.rules.checks import ContractFact, DocumentState

DEFAULT_FEMALE_BASE_AGE = 55


def policy_inputs(employer: Employer, business_year: int) -> PolicyInputs:
    """The employer's minimum wage per month and female base retirement age for the business year."""
    months = months_of_year(business_year)
    # Two queries, whatever the number of months (P2, docs/performance.md). A month without a minimum wage
    # in force gets None: the wage check then fails ("未配置该月所在地区的最低工资标准"), never a default.
    wages = minimum_wages_on(employer.admin_region, [month.first_day for month in months])
    try:
        base = female_base_age_for(employer.dpf_region_id, date(business_year, 1, 1))
    except ApplicationError:
        base = DEFAULT_FEMALE_BASE_AGE
    return PolicyInputs(
        minimum_wages={month: wages[month.first_day] for month in months}, female_base_age=base
    )


def policy_key(employer: Employer) -> tuple[str, int | None, str]:
    """What policy_inputs depends on: the province and wage tier of the administrative region and the
    province of the DPF region (an employer without a tier gets no minimum wage, never a default)."""
    try:
        tier: int | None = wage_tier_of(employer.admin_region)
    except ApplicationError:
        tier = None
    return province_code_of(employer.admin_region_id), tier, province_code_of(employer.dpf_region_id)


_AGREEMENT_STATES = {state.value: state for state in DocumentState}


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
        # Never reviewed ("") or waiting: pending until a reviewer decides (placement_agreement_decide).
        dispatch_agreement_review=_AGREEMENT_STATES.get(contract.agreement_review, DocumentState.PENDING),
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


def claims_elsewhere(placement: Placement) -> set[int]:
    """Months of the placement's person held by another employer's placement (never says which)."""
    months = [yyyymm(m) for m in months_of_year(placement.business_year)]
    return set(
        PersonMonthClaim.objects.filter(id_number=placement.id_number, month__in=months)
        .exclude(placement__employer_id=placement.employer_id)
        .values_list("month", flat=True)
    )


@dataclass(frozen=True)
class EngineInputs:
    """Everything month_verdicts needs for one placement besides the provenance cache."""

    facts: PersonYearFacts
    contracts: tuple[ContractFact, ...]
    policy: PolicyInputs
    claimed_elsewhere: set[int]
    female_base_age: int | None


def placement_inputs(placement: Placement) -> EngineInputs:
    """The engine's inputs for one placement with the newest data: the person's year (person_year_facts),
    the contracts with their dispatch filings, the policy and other employers' claims."""
    employer = placement.employer
    contracts = list(placement.contracts.all())
    filed = filed_companies(
        [c.dispatch_company_uscc for c in contracts if c.is_dispatch],
        employer.dpf_region_id,
        placement.business_year,
    )
    return EngineInputs(
        facts=person_year_facts(
            id_number=placement.id_number, employer_uscc=employer.uscc, business_year=placement.business_year
        ),
        contracts=tuple(contract_fact(c, filed=c.dispatch_company_uscc in filed) for c in contracts),
        policy=policy_inputs(employer, placement.business_year),
        claimed_elsewhere=claims_elsewhere(placement),
        female_base_age=placement.female_base_age,
    )


# --- batch ----------------------------------------------------------------------------------------------


class BatchLoader:
    """Loads the registry facts of many persons for one business year in a fixed number of queries.

    The facts of a month do not depend on the employer, so each person's twelve MonthRegistryFacts are built
    once. `received_at` comes as text: the rows of one import batch share their provenance, so each
    distinct (source, batch, time) is parsed and built once (P1, docs/performance.md).
    """

    def __init__(self, id_numbers: Iterable[str], business_year: int) -> None:
        self.business_year = business_year
        self.ids = sorted(set(id_numbers))
        months = months_of_year(business_year)
        self.months = months
        self.first, self.last = yyyymm(months[0]), yyyymm(months[-1])
        self._sources: dict[tuple[str, int | None, str], FactSource] = {}
        start, end = months[0].first_day, months[-1].last_day
        self.persons: dict[str, tuple[str, str, date, FactSource]] = {}
        for id_number, name, sex, birth, source, batch_id, received in RegistryPerson.objects.filter(
            id_number__in=self.ids
        ).values_list("id_number", "name", "sex", "birth_date", "source", "batch_id", _RECEIVED):
            self.persons[id_number] = (name, sex, birth, self._source(source, batch_id, received))
        self.certificates: dict[str, list[CertificateRecord]] = defaultdict(list)
        for c in (
            Certificate.objects.filter(id_number__in=self.ids, valid_from__lte=end)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
            .exclude(status=CertificateStatus.REVOKED)
            .order_by("valid_from", "number")
            .annotate(received_text=_RECEIVED)
            .values_list(  # rows, not models: certificate_fact reads the same names
                "id_number",
                "number",
                "kind",
                "level",
                "valid_from",
                "valid_until",
                "origin",
                "status",
                "source",
                "batch_id",
                "received_text",
                named=True,
            )
        ):
            self.certificates[c.id_number].append(
                CertificateRecord(
                    number=c.number,
                    fact=certificate_fact(c),
                    status=c.status,
                    provenance=self._source(c.source, c.batch_id, c.received_text),
                )
            )
        self.wages = self._payments(WageMonth)
        self.pensions = self._payments(PensionMonth)
        self.medicals = self._payments(MedicalMonth)
        self._months: dict[str, dict[Month, MonthRegistryFacts]] = {}

    def _source(self, source: str, batch_id: int | None, received: str) -> FactSource:
        key = (source, batch_id, received)
        found = self._sources.get(key)
        if found is None:
            found = self._sources[key] = FactSource(
                source=source, batch_id=batch_id, received_at=_parse_received(received)
            )
        return found

    def _payments(self, model: Any) -> dict[str, dict[int, tuple[Payment, ...]]]:
        """id number → YYYYMM → the month's payments (rows come ordered by person, month and payer)."""
        by_person: dict[str, dict[int, tuple[Payment, ...]]] = {}
        source = self._source
        for id_number, rows in groupby(
            _payment_rows(model, self.ids, self.first, self.last), key=itemgetter(0)
        ):
            months: dict[int, list[Payment]] = defaultdict(list)
            for _, month, payer, amount, kind, batch_id, received in rows:
                months[month].append(Payment(payer, amount, source(kind, batch_id, received)))
            by_person[id_number] = {month: tuple(found) for month, found in months.items()}
        return by_person

    def months_of(self, id_number: str) -> dict[Month, MonthRegistryFacts]:
        found = self._months.get(id_number)
        if found is None:
            wages = self.wages.get(id_number, {})
            pensions = self.pensions.get(id_number, {})
            medicals = self.medicals.get(id_number, {})

            def payments(key: int) -> tuple[tuple[Payment, ...], tuple[Payment, ...], tuple[Payment, ...]]:
                return wages.get(key, ()), pensions.get(key, ()), medicals.get(key, ())

            found = self._months[id_number] = registry_months(
                self.months, self.certificates.get(id_number, ()), payments
            )
        return found

    def facts(self, id_number: str, employer_uscc: str) -> PersonYearFacts:
        """The same PersonYearFacts person_year_facts would return for this person and employer."""
        person = self.persons.get(id_number)
        if person is None:
            sex, birth, name, provenance = (
                id_number_sex(id_number),
                id_number_birth_date(id_number),
                None,
                None,
            )
        else:
            name, sex, birth, provenance = person[0], Sex(person[1]), person[2], person[3]
        return PersonYearFacts(
            id_number=id_number,
            employer_uscc=employer_uscc,
            business_year=self.business_year,
            sex=sex,
            birth_date=birth,
            name=name,
            person_provenance=provenance,
            certificates=tuple(self.certificates.get(id_number, ())),
            months=self.months_of(id_number),
        )


# `received_at` as text: parsed once per distinct value by BatchLoader._source.
_RECEIVED = Cast("received_at", output_field=TextField())
_PAYMENT_COLUMNS = ("id_number", "month", "payer_uscc", "amount", "source", "batch_id")


def _payment_rows(model: Any, ids: list[str], first: int, last: int) -> Iterable[tuple[Any, ...]]:
    """(id_number, month, payer, amount, source, batch_id, received_at text) of the persons' months, ordered
    by person, month and payer (the ORM's converters give SQLite's amounts their decimal places)."""
    return (
        model._default_manager.filter(id_number__in=ids, month__gte=first, month__lte=last)
        .order_by("id_number", "month", "payer_uscc")
        .values_list(*_PAYMENT_COLUMNS, _RECEIVED)
    )


def _parse_received(text: str) -> datetime:
    # PostgreSQL prints "2026-11-25 08:00:00.123+00", SQLite "2026-11-25 08:00:00.123456"; both parse.
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class BatchPlacement(NamedTuple):
    """The columns of a placement batch verification needs."""

    pk: int
    employer_id: int
    id_number: str
    female_base_age: int | None
    verdicts_digest: int | None


class BatchResult(NamedTuple):
    """What a batch did: placements and months verified, and months written (new or changed verdicts)."""

    placements: int = 0
    months: int = 0
    written: int = 0


class BatchContext:
    """What the chunks of one batch run share: the employers (with admin_region), their policy inputs
    (one look-up per province, wage tier and DPF province) and the provenance texts."""

    def __init__(self, business_year: int) -> None:
        self.business_year = business_year
        self.employers: dict[int, Employer] = {}
        self.locked: dict[int, bool] = {}  # employer id: the year is locked (placement_year_locked)
        self.entries = SourceEntries()
        self._policies: dict[tuple[str, int | None, str], PolicyInputs] = {}

    def policy(self, employer: Employer) -> PolicyInputs:
        key = policy_key(employer)
        found = self._policies.get(key)
        if found is None:
            found = self._policies[key] = policy_inputs(employer, self.business_year)
        return found


def batch_inputs(placements: Sequence[BatchPlacement], context: BatchContext) -> Iterable[EngineInputs]:
    """The engine's inputs of many placements of one business year, loaded in a fixed number of queries
    (persons, certificates, three payment sources, contracts, filings, claims); `context.employers` holds
    every placement's employer."""
    business_year = context.business_year
    employers = context.employers
    loader = BatchLoader((p.id_number for p in placements), business_year)
    contracts: dict[int, list[PlacementContract]] = defaultdict(list)
    for contract in PlacementContract.objects.filter(placement_id__in=[p.pk for p in placements]).order_by(
        "start", "pk"
    ):
        contracts[contract.placement_id].append(contract)
    dispatch_usccs = {c.dispatch_company_uscc for rows in contracts.values() for c in rows if c.is_dispatch}
    filings = list(DispatchFiling.objects.filter(company_uscc__in=dispatch_usccs)) if dispatch_usccs else []
    filed_by_province: dict[str, set[str]] = {}
    claims: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for id_number, month, employer_id in PersonMonthClaim.objects.filter(
        id_number__in=loader.ids, month__gte=loader.first, month__lte=loader.last
    ).values_list("id_number", "month", "placement__employer_id"):
        claims[id_number].append((month, employer_id))
    policies = {eid: context.policy(employers[eid]) for eid in {p.employer_id for p in placements}}
    for placement in placements:
        employer = employers[placement.employer_id]
        province = employer.dpf_region_id[:2]
        filed = filed_by_province.get(province)
        if filed is None:
            filed = filed_by_province[province] = {
                f.company_uscc
                for f in filings
                if f.region_code.startswith(province) and _filing_overlaps_year(f, business_year)
            }
        yield EngineInputs(
            facts=loader.facts(placement.id_number, employer.uscc),
            contracts=tuple(
                contract_fact(c, filed=c.dispatch_company_uscc in filed) for c in contracts[placement.pk]
            ),
            policy=policies[placement.employer_id],
            claimed_elsewhere={
                m for m, eid in claims.get(placement.id_number, ()) if eid != placement.employer_id
            },
            female_base_age=placement.female_base_age,
        )

"""The verification engine: gathers the facts of a placement's twelve months and runs the one rules path,
`anbili.rules.checks.check_month`, for each.

Two loaders feed the same path: `person_year_facts` (three queries for one placement, used by the portal) and
`_BatchLoader` (a fixed number of queries for many placements, used by batch re-verification). Both produce
`PersonYearFacts`, so the rules and the stored verdicts cannot differ between the two.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from hashlib import blake2b
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from auditlog.context import disable_auditlog
from django.db import connection, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from anbili.core.collector import collector_paused
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
from anbili.rules.checks import CheckCode, ContractFact, MonthResult, check_month

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


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# A string as _json would write it (json.dumps builds an encoder per call with these options; this is its
# C string encoder alone).
_string: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


class SourceEntries:
    """The provenance entries stored with each verdict, as JSON text built once per distinct (fact source,
    detail): a batch of thousands of months has only a handful of import batches behind it, and joining
    ready text is several times cheaper than encoding a dict per month (P1, docs/performance.md)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[FactSource | None, str], str] = {}
        self._payments: dict[tuple[FactSource, str], str] = {}

    def entry(
        self, provenance: FactSource | None, source: str = "", *, key: str = "", value: str = ""
    ) -> str:
        """{"source", "batch_id", "received_at"[, key: value]} as JSON; the label is looked up when shown."""
        cache_key = (provenance, source)
        found = self._cache.get(cache_key)
        if found is None:
            entry: dict[str, Any]
            if provenance is None:
                entry = {"source": source, "received_at": None}
            else:
                entry = {
                    "source": provenance.source,
                    "batch_id": provenance.batch_id,
                    "received_at": provenance.received_at.isoformat(),
                }
            found = self._cache[cache_key] = _json(entry)
        if key:
            # The detail goes last, as json.dumps would write a dict with it added last.
            return f"{found[:-1]},{_string(key)}:{_string(value)}}}"
        return found

    def payment(self, payment: Payment) -> str:
        """The entry of a payment row: its source and payer."""
        key = (payment.provenance, payment.payer_uscc)
        found = self._payments.get(key)
        if found is None:
            found = self._payments[key] = self.entry(
                payment.provenance, key="payer_uscc", value=payment.payer_uscc
            )
        return found


@dataclass(frozen=True)
class PolicyInputs:
    """What the province's policy tables say for the employer: each month's minimum wage and the female
    base retirement age."""

    minimum_wages: dict[Month, Decimal | None]
    female_base_age: int


def _policy_inputs(employer: Employer, business_year: int) -> PolicyInputs:
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
    """What _policy_inputs depends on: the province and wage tier of the administrative region and the
    province of the DPF region (an employer without a tier gets no minimum wage, never a default)."""
    try:
        tier: int | None = wage_tier_of(employer.admin_region)
    except ApplicationError:
        tier = None
    return province_code_of(employer.admin_region_id), tier, province_code_of(employer.dpf_region_id)


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


def _payment_sources(payments: Sequence[Payment], entries: SourceEntries) -> str:
    if len(payments) == 1:  # the usual month: one row
        return entries.payment(payments[0])
    return ",".join([entries.payment(p) for p in payments])


# '"wage":{"passed":true,"sources":[' and its failed counterpart, per check, ready to join.
_PASSED_HEAD = {code: f'"{code.value}":{{"passed":true,"sources":[' for code in CheckCode}
_FAILED_HEAD = {code: f'"{code.value}":{{"passed":false,' for code in CheckCode}


def checks_text(result: MonthResult, sources: dict[CheckCode, str]) -> str:
    """The stored verdicts of a month as JSON: {code: {"passed", "sources"[, "reason_code", "message"]}}; a
    passed check stores no empty reason. `sources` holds each check's provenance entries as JSON text."""
    parts = []
    for code, verdict in result.checks.items():
        if verdict.passed:
            parts.append(f"{_PASSED_HEAD[code]}{sources[code]}]}}")
        else:
            parts.append(
                f'{_FAILED_HEAD[code]}"reason_code":{_string(verdict.reason_code)},'
                f'"message":{_string(verdict.message)},"sources":[{sources[code]}]}}'
            )
    return "{" + ",".join(parts) + "}"


class MonthVerdict(NamedTuple):
    """What verification stores for one month; the fields are PlacementMonth's columns after the placement,
    in the order the upserts write them (_MONTH_COLUMNS)."""

    month: int  # YYYYMM
    checks_text: str  # the verdicts as JSON, as written
    auto_passed: bool
    weight: int
    certificate_type: str
    certificate_level: int | None

    @property
    def checks(self) -> dict[str, Any]:
        """The verdicts as PlacementMonth.checks holds them."""
        return json.loads(self.checks_text)  # type: ignore[no-any-return]


def verdicts_digest(verdicts: Sequence[MonthVerdict]) -> int:
    """A signed 64-bit fingerprint of a placement's twelve stored verdicts (Placement.verdicts_digest): the
    distinct verdict texts in order of first use, then each month's text number and other columns."""
    distinct = list(dict.fromkeys([v.checks_text for v in verdicts]))
    number = {text: i for i, text in enumerate(distinct)}
    digest = blake2b("\n".join(distinct).encode(), digest_size=8)
    digest.update(
        repr(
            [
                (
                    v.month,
                    number[v.checks_text],
                    v.auto_passed,
                    v.weight,
                    v.certificate_type,
                    v.certificate_level,
                )
                for v in verdicts
            ]
        ).encode()
    )
    return int.from_bytes(digest.digest(), "big", signed=True)


# Python 3.11 looks enum members up through a descriptor: read them once for the per-month path.
_WAGE, _PENSION, _MEDICAL, _CERTIFICATE, _AGE, _CONTRACT, _EXCLUSIVE = CheckCode


def month_verdicts(
    facts: PersonYearFacts,
    *,
    contracts: Sequence[PlacementContract],
    filed: set[str],
    policy: PolicyInputs,
    claimed_elsewhere: set[int],
    female_base_age: int | None,
    entries: SourceEntries,
) -> list[MonthVerdict]:
    """Run check_month for the twelve months of the business year; nothing is saved."""
    contract_facts = [contract_fact(c, filed=c.dispatch_company_uscc in filed) for c in contracts]
    base = female_base_age or policy.female_base_age
    age_source = entries.entry(facts.person_provenance, "id_number")
    contract_source = entries.entry(None, "employer")
    exclusive_source = entries.entry(None, "placements")
    # Each certificate's entry once; a month holds some of the same records (keyed by identity).
    certificate_sources = {
        id(c): entries.entry(c.provenance, key="number", value=c.number) for c in facts.certificates
    }
    minimum_wages = policy.minimum_wages
    passed_texts: dict[tuple[str, str, str, str], str] = {}
    verdicts = []
    for month, registry_month in facts.months.items():
        key = yyyymm(month)
        result = check_month(
            facts.month_facts(
                month,
                contracts=contract_facts,
                minimum_wage=minimum_wages.get(month),
                claimed_elsewhere=key in claimed_elsewhere,
                female_base_age=base,
            )
        )
        wage = _payment_sources(registry_month.wages, entries)
        pension = _payment_sources(registry_month.pensions, entries)
        medical = _payment_sources(registry_month.medicals, entries)
        certificate = ",".join([certificate_sources[id(c)] for c in registry_month.certificates])
        auto_passed = result.auto_passed
        # A month where every check passed is written from its sources alone, and a person's months
        # mostly share them (one payer, one import batch, one certificate): build that text once.
        passed_key = (wage, pension, medical, certificate)
        text = passed_texts.get(passed_key) if auto_passed else None
        if text is None:
            sources = {
                _WAGE: wage,
                _PENSION: pension,
                _MEDICAL: medical,
                _CERTIFICATE: certificate,
                _AGE: age_source,
                _CONTRACT: contract_source,
                _EXCLUSIVE: exclusive_source,
            }
            text = checks_text(result, sources)
            if auto_passed:
                passed_texts[passed_key] = text
        shown = result.certificate
        verdicts.append(
            MonthVerdict(
                key,
                text,
                auto_passed,
                result.weight,
                str(shown.kind) if shown else "",
                shown.level if shown else None,
            )
        )
    return verdicts


def related_usccs(employer: Employer, business_year: int) -> set[str]:
    """The related units of the employer's business year."""
    return set(
        RelatedUnit.objects.filter(employer=employer, business_year=business_year)
        .order_by()  # the model's ordering joins the employer for nothing here
        .values_list("uscc", flat=True)
    )


def claims_elsewhere(placement: Placement) -> set[int]:
    """Months of the placement's person held by another employer's placement (never says which)."""
    months = [yyyymm(m) for m in months_of_year(placement.business_year)]
    return set(
        PersonMonthClaim.objects.filter(id_number=placement.id_number, month__in=months)
        .exclude(placement__employer_id=placement.employer_id)
        .values_list("month", flat=True)
    )


def verify_one(
    placement: Placement, *, now: datetime | None = None, also_save: Sequence[str] = ()
) -> list[PlacementMonth]:
    """Verify one placement with the newest data (person_year_facts) and save its twelve months; the
    placement's fields named in `also_save` are written with its verification stamp."""
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
    verdicts = month_verdicts(
        facts,
        contracts=contracts,
        filed=filed,
        policy=_policy_inputs(employer, placement.business_year),
        claimed_elsewhere=claims_elsewhere(placement),
        female_base_age=placement.female_base_age,
        entries=SourceEntries(),
    )
    digest = verdicts_digest(verdicts)
    rows = list(PlacementMonth.objects.filter(placement=placement).order_by("month"))
    if digest != placement.verdicts_digest or [row.month for row in rows] != [v.month for v in verdicts]:
        rows = _months_merge(placement.pk, verdicts, rows)
    placement.verified_at = now
    placement.verdicts_digest = digest
    # The stamp (and the step advance) is the system's verification result, not anyone's field edit: no
    # django-auditlog row, and no read-back of the old row on P2's path. Workflow moves have their events.
    with disable_auditlog():
        placement.save(update_fields=["verified_at", "verdicts_digest", "updated_at", *also_save])
    return rows


def _verdict_stored(row: PlacementMonth, verdict: MonthVerdict, checks: dict[str, Any]) -> bool:
    """Whether the stored month already holds the verdict (`checks`: its verdicts, parsed once)."""
    return (
        row.auto_passed == verdict.auto_passed
        and row.weight == verdict.weight
        and row.certificate_type == verdict.certificate_type
        and row.certificate_level == verdict.certificate_level
        and row.checks == checks
    )


def _months_merge(
    placement_id: int, verdicts: Sequence[MonthVerdict], rows: list[PlacementMonth]
) -> list[PlacementMonth]:
    """Write the months whose stored verdict differs (or that are new) and return all months as now stored,
    without reading them back: a registry correction usually changes a month or two, and each row written
    costs the server a new row version (P2, docs/performance.md)."""
    stored = {row.month: row for row in rows}
    changed = [
        (v, checks)
        for v, checks in ((v, v.checks) for v in verdicts)
        if v.month not in stored or not _verdict_stored(stored[v.month], v, checks)
    ]
    ids = _months_upsert([(placement_id, v) for v, _ in changed])
    for v, checks in changed:
        row = stored.get(v.month)
        if row is None:  # new: not selected, its id from the insert
            row = stored[v.month] = PlacementMonth(pk=ids[placement_id, v.month], placement_id=placement_id)
            row._state.adding, row._state.db = False, connection.alias
        row.month = v.month
        row.checks = checks
        row.auto_passed = v.auto_passed
        row.weight = v.weight
        row.certificate_type = v.certificate_type
        row.certificate_level = v.certificate_level
    return [stored[month] for month in sorted(stored)]


# --- batch ----------------------------------------------------------------------------------------------


class _BatchLoader:
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

    def facts(self, id_number: str, employer_uscc: str, related: frozenset[str]) -> PersonYearFacts:
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
            related_usccs=related - {employer_uscc},
            business_year=self.business_year,
            sex=sex,
            birth_date=birth,
            name=name,
            person_provenance=provenance,
            certificates=tuple(self.certificates.get(id_number, ())),
            months=self.months_of(id_number),
        )


# `received_at` as text: parsed once per distinct value by _BatchLoader._source.
_RECEIVED = Cast("received_at", output_field=TextField())
_PAYMENT_COLUMNS = ("id_number", "month", "payer_uscc", "amount", "source", "batch_id")


def _payment_rows(model: Any, ids: list[str], first: int, last: int) -> Iterable[tuple[Any, ...]]:
    """(id_number, month, payer, amount, source, batch_id, received_at text) of the persons' months.

    PostgreSQL: one statement with the persons as an array parameter (psycopg splits a query with thousands
    of placeholders slowly) read through the driver; elsewhere the ORM, whose converters give SQLite's
    amounts their decimal places."""
    if connection.vendor != "postgresql":
        return (
            model._default_manager.filter(id_number__in=ids, month__gte=first, month__lte=last)
            .order_by("id_number", "month", "payer_uscc")
            .values_list(*_PAYMENT_COLUMNS, _RECEIVED)
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(_PAYMENT_COLUMNS)}, received_at::text FROM {model._meta.db_table} "
            "WHERE id_number = ANY(%s) AND month BETWEEN %s AND %s ORDER BY id_number, month, payer_uscc",
            [ids, first, last],
        )
        return cursor.fetchall()


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
            found = self._policies[key] = _policy_inputs(employer, self.business_year)
        return found


def verify_batch(
    placements: Sequence[BatchPlacement], context: BatchContext, *, now: datetime | None = None
) -> BatchResult:
    """Verify many placements of one business year with set-based loading and the one rules path.

    `context.employers` holds every placement's employer. Contracts, related units, filings and claims are
    each loaded in one query for the whole batch; the months of a placement are written only when its
    verdicts differ from the stored ones (Placement.verdicts_digest).
    """
    now = now or timezone.now()
    if not placements:
        return BatchResult()
    with collector_paused():
        return _verify_batch(placements, context, now)


def _verify_batch(placements: Sequence[BatchPlacement], context: BatchContext, now: datetime) -> BatchResult:
    business_year = context.business_year
    employers = context.employers
    loader = _BatchLoader((p.id_number for p in placements), business_year)
    placement_ids = [p.pk for p in placements]
    contracts: dict[int, list[PlacementContract]] = defaultdict(list)
    for contract in PlacementContract.objects.filter(placement_id__in=placement_ids).order_by("start", "pk"):
        contracts[contract.placement_id].append(contract)
    employer_ids = {p.employer_id for p in placements}
    related: dict[int, set[str]] = defaultdict(set)
    for employer_id, uscc in RelatedUnit.objects.filter(
        employer_id__in=employer_ids, business_year=business_year
    ).values_list("employer_id", "uscc"):
        related[employer_id].add(uscc)
    frozen_related = {eid: frozenset(related[eid]) for eid in employer_ids}
    dispatch_usccs = {c.dispatch_company_uscc for rows in contracts.values() for c in rows if c.is_dispatch}
    filings = list(DispatchFiling.objects.filter(company_uscc__in=dispatch_usccs)) if dispatch_usccs else []
    filed_by_province: dict[str, set[str]] = {}
    claims: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for id_number, month, employer_id in PersonMonthClaim.objects.filter(
        id_number__in=loader.ids, month__gte=loader.first, month__lte=loader.last
    ).values_list("id_number", "month", "placement__employer_id"):
        claims[id_number].append((month, employer_id))
    policies = {eid: context.policy(employers[eid]) for eid in employer_ids}
    changed: list[tuple[int, MonthVerdict]] = []
    digests: list[tuple[int, int]] = []
    months = 0
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
        facts = loader.facts(placement.id_number, employer.uscc, frozen_related[placement.employer_id])
        elsewhere = {m for m, eid in claims.get(placement.id_number, ()) if eid != placement.employer_id}
        verdicts = month_verdicts(
            facts,
            contracts=contracts[placement.pk],
            filed=filed,
            policy=policies[placement.employer_id],
            claimed_elsewhere=elsewhere,
            female_base_age=placement.female_base_age,
            entries=context.entries,
        )
        months += len(verdicts)
        digest = verdicts_digest(verdicts)
        digests.append((placement.pk, digest))
        if digest != placement.verdicts_digest:
            changed.extend((placement.pk, verdict) for verdict in verdicts)
    _months_write(changed)
    _placements_verified(digests, now)
    return BatchResult(placements=len(placements), months=months, written=len(changed))


# Below this many months one INSERT … ON CONFLICT is cheaper than a staging table created and dropped in the
# transaction (one placement: 12 months).
_COPY_FROM = 240


def _months_write(rows: list[tuple[int, MonthVerdict]]) -> None:
    """Insert or update the verdict columns of (placement id, month) rows; selection and outcome stay."""
    if not rows:
        return
    if connection.vendor == "postgresql" and len(rows) > _COPY_FROM:
        _months_upsert_copy(rows)
    else:
        _months_upsert(rows)


# The verdict columns of a month, in the order both upserts write them: the placement, then MonthVerdict's
# fields in their order. Selection and outcome are set on a new row only (not selected), never updated.
_MONTH_COLUMNS = "placement_id, month, checks, auto_passed, weight, certificate_type, certificate_level"
_MONTH_UPSERT = (
    f"INSERT INTO {PlacementMonth._meta.db_table} ({_MONTH_COLUMNS}, selected, outcome) {{rows}} "
    "ON CONFLICT (placement_id, month) DO UPDATE SET checks = EXCLUDED.checks, "
    "auto_passed = EXCLUDED.auto_passed, weight = EXCLUDED.weight, "
    "certificate_type = EXCLUDED.certificate_type, certificate_level = EXCLUDED.certificate_level"
)
_NEW_MONTH = f"false, '{MonthOutcomeChoice.NOT_SELECTED.value}'"


def _months_upsert(rows: list[tuple[int, MonthVerdict]]) -> dict[tuple[int, int], int]:
    """One INSERT … VALUES … ON CONFLICT for a few months; returns each (placement id, month)'s row id.

    Plain placeholders, not bulk_create: its array parameters are quoted in Python on the client (a
    placement's twelve verdicts took 4 ms of the 50 ms P2 allows, the server 0.2 ms)."""
    if not rows:
        return {}
    checks = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    values = ", ".join([f"(%s, %s, {checks}, %s, %s, %s, %s, {_NEW_MONTH})"] * len(rows))
    params = [value for pid, v in rows for value in (pid, *v)]
    with connection.cursor() as cursor:
        cursor.execute(
            _MONTH_UPSERT.format(rows=f"VALUES {values}") + " RETURNING placement_id, month, id", params
        )
        return {(pid, month): pk for pid, month, pk in cursor.fetchall()}


def _placements_verified(digests: list[tuple[int, int]], now: datetime) -> None:
    """Stamp verified_at and the verdicts' digest on every placement of the chunk in one statement."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Placement._meta.db_table} AS p SET verified_at = %s, verdicts_digest = s.digest "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS s(id, digest) WHERE p.id = s.id",
                [now, [pk for pk, _ in digests], [digest for _, digest in digests]],
            )
        return
    Placement.objects.bulk_update(
        [Placement(pk=pk, verified_at=now, verdicts_digest=digest) for pk, digest in digests],
        ["verified_at", "verdicts_digest"],
        batch_size=500,
    )


def _months_upsert_copy(rows: list[tuple[int, MonthVerdict]]) -> None:
    """PostgreSQL: COPY the verdicts into a staging table and upsert them in one statement. bulk_update
    builds a CASE per row and column, and an array-parameter upsert goes out as one literal the server must
    parse (24,000 months: COPY 1.2 s, arrays 5.4 s on 2026-11-25); both were the batch's bottleneck."""
    # The staging table lives until commit: open a transaction if the caller has none (no savepoint).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS placement_month_stage (placement_id bigint, month integer, "
            "checks jsonb, auto_passed boolean, weight smallint, certificate_type varchar(8), "
            "certificate_level smallint) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY placement_month_stage ({_MONTH_COLUMNS}) FROM STDIN") as copy:
            for pid, v in rows:
                copy.write_row((pid, *v))
        cursor.execute(
            _MONTH_UPSERT.format(rows=f"SELECT {_MONTH_COLUMNS}, {_NEW_MONTH} FROM placement_month_stage")
        )
        cursor.execute("TRUNCATE placement_month_stage")

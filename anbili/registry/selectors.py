"""Reads of the registry mirrors.

`person_year_facts` is what verification calls: for one person, one employer and one business year it
returns, month by month, the facts `anbili.rules.checks.MonthFacts` needs, each with its provenance, in three
queries whatever the size of the mirrors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet, Value
from django.utils import timezone

from anbili.core.identifiers import Sex, id_number_birth_date, id_number_sex, validate_id_number
from anbili.core.month import Month, months_of_year
from anbili.registry.models import (
    Certificate,
    CertificateOrigin,
    CertificateStatus,
    DispatchFiling,
    ImportBatch,
    ImportRowError,
    MedicalMonth,
    MonthlyPayment,
    Partner,
    PensionMonth,
    RegistryPerson,
    WageMonth,
)
from anbili.rules.checks import (
    CertificateFact,
    CertificateSource,
    ContractFact,
    MonthFacts,
)
from anbili.rules.counting import CertificateKind


@dataclass(frozen=True, slots=True, eq=False)
class FactSource:
    """Where and when a fact came from: the data source, the import batch and the time it was received.

    Compared by identity: the loaders make one per distinct (source, batch, time), and the provenance
    caches of verification look them up per payment row (P1, docs/performance.md).
    """

    source: str
    batch_id: int | None
    received_at: datetime


class Payment(NamedTuple):
    """One pension, medical or wage row of the person for a month, paid by any unit."""

    payer_uscc: str
    amount: Decimal
    provenance: FactSource


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    """A certificate as the rules see it, with its number and provenance."""

    number: str
    fact: CertificateFact
    status: str
    provenance: FactSource


@dataclass(slots=True)  # not frozen (one per person-month; see MonthFacts); treat as read-only
class MonthRegistryFacts:
    """The registry's facts of one month: every payment found (by any unit) and the certificates in force.

    They do not depend on the employer, so batch verification builds them once per person; the rules'
    views of them (payer sets, certificate facts) are worked out once, on creation; the payments themselves
    serve as the wage records.
    """

    month: Month
    wages: tuple[Payment, ...] = ()
    pensions: tuple[Payment, ...] = ()
    medicals: tuple[Payment, ...] = ()
    certificates: tuple[CertificateRecord, ...] = ()
    pension_payers: frozenset[str] = field(init=False, repr=False, compare=False)  # paid 职工养老
    medical_payers: frozenset[str] = field(init=False, repr=False, compare=False)  # paid 职工医保
    certificate_facts: tuple[CertificateFact, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.pension_payers = frozenset([p.payer_uscc for p in self.pensions])
        self.medical_payers = frozenset([p.payer_uscc for p in self.medicals])
        self.certificate_facts = tuple([c.fact for c in self.certificates])


def registry_months(
    months: Sequence[Month],
    certificates: Sequence[CertificateRecord],
    payments: Callable[[int], tuple[tuple[Payment, ...], tuple[Payment, ...], tuple[Payment, ...]]],
) -> dict[Month, MonthRegistryFacts]:
    """The year's MonthRegistryFacts: `payments(YYYYMM)` gives the month's (wages, pensions, medicals); a
    certificate belongs to every month it is in force on at least one day."""
    by_month: dict[Month, MonthRegistryFacts] = {}
    for month in months:
        wages, pensions, medicals = payments(month.year * 100 + month.month)
        by_month[month] = MonthRegistryFacts(
            month=month,
            wages=wages,
            pensions=pensions,
            medicals=medicals,
            certificates=tuple(
                c for c in certificates if month.overlaps(c.fact.valid_from, c.fact.valid_until)
            ),
        )
    return by_month


@dataclass(frozen=True)
class PersonYearFacts:
    """Everything the registry says about a person for an employer's business year."""

    id_number: str
    employer_uscc: str
    business_year: int
    sex: Sex
    birth_date: date
    name: str | None  # None when the registry has no record of the person
    person_provenance: FactSource | None
    certificates: tuple[CertificateRecord, ...]
    months: dict[Month, MonthRegistryFacts] = field(default_factory=dict)

    @property
    def in_registry(self) -> bool:
        """Whether the disability registry knows the person (otherwise the employer fills the fields)."""
        return self.name is not None

    def month_facts(
        self,
        month: Month,
        *,
        contracts: Sequence[ContractFact] = (),
        minimum_wage: Decimal | None = None,
        claimed_elsewhere: bool = False,
        female_base_age: int = 55,
    ) -> MonthFacts:
        """The rules' MonthFacts for one month; the caller adds what the registry does not hold (contracts,
        minimum wage, other placements, the province's retirement setting). The certificates are those in
        force in the month."""
        facts = self.months[month]
        return MonthFacts(
            month=month,
            employer_uscc=self.employer_uscc,
            sex=self.sex,
            birth_date=self.birth_date,
            female_base_age=female_base_age,
            wages=facts.wages,  # Payment rows serve as the rules' wage records
            pension_payers=facts.pension_payers,
            medical_payers=facts.medical_payers,
            certificates=facts.certificate_facts,
            contracts=contracts if isinstance(contracts, tuple) else tuple(contracts),
            minimum_wage=minimum_wage,
            claimed_elsewhere=claimed_elsewhere,
        )


def _provenance(row: Any, interned: dict[tuple[str, int | None, datetime], FactSource]) -> FactSource:
    # One FactSource per distinct (source, batch, time): they compare by identity.
    key = (row.source, row.batch_id, row.received_at)
    found = interned.get(key)
    if found is None:
        found = interned[key] = FactSource(
            source=row.source, batch_id=row.batch_id, received_at=row.received_at
        )
    return found


_PAYMENT_MODELS: tuple[type[MonthlyPayment], ...] = (WageMonth, PensionMonth, MedicalMonth)


def _payments(
    id_number: str, first: int, last: int, interned: dict[tuple[str, int | None, datetime], FactSource]
) -> list[dict[int, tuple[Payment, ...]]]:
    """The person's wage, pension and medical rows by month, in one query (a UNION ALL of the three)."""
    columns = ("month", "payer_uscc", "amount", "source", "batch_id", "received_at")
    wage, *others = [
        model._default_manager.filter(id_number=id_number, month__gte=first, month__lte=last)
        .annotate(kind=Value(index))
        .order_by()  # no model ordering inside a UNION
        .values_list("kind", *columns, named=True)
        for index, model in enumerate(_PAYMENT_MODELS)
    ]
    found: list[dict[int, list[Payment]]] = [{} for _ in _PAYMENT_MODELS]
    for row in wage.union(*others, all=True).order_by("kind", "month", "payer_uscc"):
        found[row.kind].setdefault(row.month, []).append(
            Payment(payer_uscc=row.payer_uscc, amount=row.amount, provenance=_provenance(row, interned))
        )
    return [{month: tuple(rows) for month, rows in by_month.items()} for by_month in found]


def certificate_fact(certificate: Any) -> CertificateFact:
    """A stored certificate (a Certificate, or a row with its kind, level, valid_from, valid_until and
    origin) as the rules' CertificateFact."""
    return CertificateFact(
        kind=CertificateKind(certificate.kind),
        level=certificate.level,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        source=CertificateSource(certificate.origin),
    )


def person_year_facts(*, id_number: str, employer_uscc: str, business_year: int) -> PersonYearFacts:
    """The month-by-month registry facts of a person for an employer's business year, in three queries
    (person, certificates, and the wage, pension and medical rows together) whatever the data size.

    Payments by every unit are returned: the rules need the other payers too, to tell the employer where the
    record was found. Revoked (注销) certificates are left
    out; replaced ones still count for the period they were valid.
    """
    number = validate_id_number(id_number)
    months = months_of_year(business_year)
    first, last = int(str(months[0])), int(str(months[-1]))
    start, end = months[0].first_day, months[-1].last_day

    interned: dict[tuple[str, int | None, datetime], FactSource] = {}
    person = RegistryPerson.objects.filter(id_number=number).first()
    certificates = tuple(
        CertificateRecord(
            number=c.number, fact=certificate_fact(c), status=c.status, provenance=_provenance(c, interned)
        )
        for c in Certificate.objects.filter(id_number=number, valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .exclude(status=CertificateStatus.REVOKED)
        .order_by("valid_from", "number")
    )
    wages, pensions, medicals = _payments(number, first, last, interned)
    by_month = registry_months(
        months, certificates, lambda key: (wages.get(key, ()), pensions.get(key, ()), medicals.get(key, ()))
    )
    return PersonYearFacts(
        id_number=number,
        employer_uscc=employer_uscc,
        business_year=business_year,
        sex=Sex(person.sex) if person else id_number_sex(number),
        birth_date=person.birth_date if person else id_number_birth_date(number),
        name=person.name if person else None,
        person_provenance=_provenance(person, interned) if person else None,
        certificates=certificates,
        months=by_month,
    )


def dispatch_filing_for(company_uscc: str, province_code: str, on: date) -> DispatchFiling | None:
    """The dispatch company's filing (劳务派遣备案) in the province valid on the day, or None; any region code
    of the province will do (its first two digits count)."""
    return (
        DispatchFiling.objects.filter(
            company_uscc=company_uscc.strip().upper(),
            region_code__startswith=province_code.strip()[:2],
            valid_from__lte=on,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("-valid_from")
        .first()
    )


def registry_person_lookup(id_number: str, *, on: date | None = None) -> RegistryPerson | None:
    """The registry person for "add by ID number", or None when the registry does not know the number.

    The returned person carries `current_certificate`: the registry certificate in force on `on` (today by
    default), else the latest one so a screen can say it has expired; None when there is none. Raises
    IdentifierError (a Chinese message) for an invalid ID number. Two queries.
    """
    number = validate_id_number(id_number)
    person = RegistryPerson.objects.filter(id_number=number).first()
    if person is None:
        return None
    day = on or timezone.localdate()
    history = list(
        Certificate.objects.filter(id_number=number, origin=CertificateOrigin.REGISTRY)
        .exclude(status=CertificateStatus.REVOKED)
        .order_by("-valid_from")
    )
    in_force = [c for c in history if c.valid_from <= day and (c.valid_until is None or c.valid_until >= day)]
    chosen = in_force or history
    person.current_certificate = chosen[0] if chosen else None
    return person


def import_batches_for_partner(partner: Partner) -> QuerySet[ImportBatch]:
    """A partner's own batches, newest first."""
    return (
        ImportBatch.objects.filter(partner=partner).select_related("partner").order_by("-received_at", "-pk")
    )


def import_batch_errors(batch: ImportBatch, *, offset: int = 0, limit: int = 100) -> list[ImportRowError]:
    """One page of a batch's refused rows, in row order."""
    return list(
        ImportRowError.objects.filter(batch=batch).order_by("row_number", "pk")[offset : offset + limit]
    )

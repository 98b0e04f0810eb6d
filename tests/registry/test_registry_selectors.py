"""Facts selector (constant query count, provenance), dispatch filings, and the person look-up."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from anbili.core.identifiers import IdentifierError, make_id_number, make_uscc
from anbili.core.month import Month
from anbili.registry.models import (
    Certificate,
    DispatchFiling,
    ImportBatch,
    MedicalMonth,
    PensionMonth,
    RegistryPerson,
    WageMonth,
)
from anbili.registry.selectors import dispatch_filing_for, person_year_facts, registry_person_lookup
from anbili.rules.checks import CertificateSource
from anbili.rules.counting import CertificateKind

PERSON = make_id_number("150102", date(1985, 7, 9), 31)
EMPLOYER = make_uscc("91150102MA0000011")
RELATED = make_uscc("91150102MA0000012")
STRANGER = make_uscc("91150102MA0000013")


@pytest.fixture
def batch(db):
    return ImportBatch.objects.create(kind="wage", channel="command", sha256="0" * 64)


def _stamp(batch):
    return {"source": "wage", "batch": batch, "received_at": batch.received_at}


def _months(model, id_number, payer, months, batch, amount="3000"):
    model.objects.bulk_create(
        model(
            id_number=id_number,
            payer_uscc=payer,
            month=month,
            amount=Decimal(amount),
            region_code="150102",
            **_stamp(batch),
        )
        for month in months
    )


def _year(year):
    return [year * 100 + m for m in range(1, 13)]


def _fill(batch, id_number, *, extra_persons=0):
    RegistryPerson.objects.create(
        id_number=id_number,
        name="王芳",
        sex="男",
        birth_date=date(1985, 7, 9),
        household_region="150102",
        **_stamp(batch),
    )
    Certificate.objects.create(
        number=f"{id_number}42",
        id_number=id_number,
        kind="残疾人证",
        category=4,
        level=2,
        valid_from=date(2025, 4, 10),
        valid_until=date(2035, 4, 9),
        status="valid",
        region_code="150102",
        **_stamp(batch),
    )
    for model in (WageMonth, PensionMonth, MedicalMonth):
        _months(model, id_number, EMPLOYER, [*_year(2024), *_year(2025), *_year(2026)[:10]], batch)
    _months(PensionMonth, id_number, RELATED, _year(2025)[:3], batch, "10")
    _months(WageMonth, id_number, STRANGER, _year(2025)[5:7], batch, "500")
    for n in range(extra_persons):
        other = make_id_number("150103", date(1970, 1, 1) + timedelta(days=n), 1 + n % 999)
        for model in (WageMonth, PensionMonth, MedicalMonth):
            _months(model, other, EMPLOYER, _year(2025), batch)


def test_facts_per_month_with_every_payer_and_provenance(batch):
    _fill(batch, PERSON)
    facts = person_year_facts(id_number=PERSON, employer_uscc=EMPLOYER, business_year=2025)
    assert (facts.name, facts.sex, facts.birth_date, facts.in_registry) == (
        "王芳",
        "男",
        date(1985, 7, 9),
        True,
    )
    january, june = facts.months[Month(2025, 1)], facts.months[Month(2025, 6)]
    assert january.pension_payers == {EMPLOYER, RELATED}
    assert sorted(p.payer_uscc for p in january.pensions) == sorted([EMPLOYER, RELATED])
    # Rows of every unit, the employer's and a stranger's: the rules name the other payer when they fail.
    assert [(p.payer_uscc, p.amount) for p in june.wages] == [
        (EMPLOYER, Decimal("3000.00")),
        (STRANGER, Decimal("500.00")),
    ]
    assert june.wages[0].provenance.batch_id == batch.pk and june.wages[0].provenance.source == "wage"
    # The certificate starts on 10 April: nothing in March, in force from April.
    assert facts.months[Month(2025, 3)].certificates == ()
    april = facts.months[Month(2025, 4)]
    assert april.certificates[0].fact.kind is CertificateKind.DISABLED_PERSON
    assert april.certificates[0].fact.source is CertificateSource.REGISTRY
    month_facts = facts.month_facts(Month(2025, 6), minimum_wage=Decimal("2270"))
    assert month_facts.employer_uscc == EMPLOYER and len(month_facts.wages) == 2 and month_facts.certificates


def test_a_person_unknown_to_the_registry_gets_sex_and_birth_from_the_id_number(db):
    unknown = make_id_number("360102", date(1990, 3, 4), 42)
    facts = person_year_facts(id_number=unknown, employer_uscc=EMPLOYER, business_year=2025)
    assert (facts.in_registry, facts.sex, facts.birth_date) == (False, "女", date(1990, 3, 4))
    assert all(not m.wages and not m.certificates for m in facts.months.values())


def test_the_facts_look_up_costs_three_queries_whatever_the_data(batch, django_assert_num_queries):
    _fill(batch, PERSON)
    with django_assert_num_queries(3):
        small = person_year_facts(id_number=PERSON, employer_uscc=EMPLOYER, business_year=2025)
    _fill(batch, make_id_number("150102", date(1986, 1, 1), 33), extra_persons=200)
    _months(WageMonth, PERSON, RELATED, _year(2025), batch)  # more rows for the same person too
    with django_assert_num_queries(3):
        big = person_year_facts(id_number=PERSON, employer_uscc=EMPLOYER, business_year=2025)
    assert len(big.months[Month(2025, 1)].wages) == len(small.months[Month(2025, 1)].wages) + 1


def test_dispatch_filing_for_matches_the_province_and_the_day(batch):
    company = make_uscc("91360100MA35LWPQ4")
    filing = DispatchFiling.objects.create(
        company_uscc=company,
        company_name="江西赣才劳务派遣有限公司",
        region_code="360000",
        valid_from=date(2024, 3, 1),
        valid_until=date(2025, 2, 28),
        **_stamp(batch),
    )
    assert dispatch_filing_for(company, "360102", date(2024, 3, 1)) == filing
    assert dispatch_filing_for(company, "36", date(2025, 2, 28)) == filing
    assert dispatch_filing_for(company, "360000", date(2025, 3, 1)) is None
    assert dispatch_filing_for(company, "150102", date(2024, 6, 1)) is None
    assert dispatch_filing_for(company.lower(), "360100", date(2024, 2, 29)) is None


def test_person_lookup_gives_the_current_certificate_or_the_latest(batch, django_assert_max_num_queries):
    _fill(batch, PERSON)
    Certificate.objects.create(
        number=f"{PERSON}43",
        id_number=PERSON,
        kind="残疾人证",
        category=4,
        level=3,
        valid_from=date(2015, 4, 10),
        valid_until=date(2025, 4, 9),
        status="replaced",
        region_code="150102",
        **_stamp(batch),
    )
    with django_assert_max_num_queries(2):
        person = registry_person_lookup(PERSON)
    assert person is not None and person.current_certificate is not None
    assert person.current_certificate.number == f"{PERSON}42"
    in_2024 = registry_person_lookup(PERSON, on=date(2024, 6, 1))
    assert in_2024.current_certificate.level == 3
    later = registry_person_lookup(PERSON, on=timezone.localdate() + timedelta(days=365 * 20))
    assert later.current_certificate.number == f"{PERSON}42"  # expired by then: the latest is shown
    assert registry_person_lookup(make_id_number("150102", date(1999, 1, 1), 5)) is None
    with pytest.raises(IdentifierError, match="校验码错误"):
        registry_person_lookup(PERSON[:17] + ("1" if PERSON[17] != "1" else "2"))

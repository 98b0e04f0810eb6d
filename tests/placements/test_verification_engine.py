"""The engine alone: hand-built facts in, MonthVerdicts out, no database."""

from datetime import UTC, date, datetime
from decimal import Decimal

import orjson

from anbili.core.identifiers import Sex, make_uscc
from anbili.core.month import Month, months_of_year
from anbili.placements.verification.encoding import SourceEntries, encode
from anbili.placements.verification.engine import PolicyInputs, month_verdicts, yyyymm
from anbili.registry.selectors import (
    CertificateRecord,
    FactSource,
    Payment,
    PersonYearFacts,
    registry_months,
)
from anbili.rules.checks import CertificateFact, ContractFact
from anbili.rules.counting import CertificateKind

U = make_uscc("91150102MA0000001")
WAGES = FactSource(source="wage", batch_id=7, received_at=datetime(2026, 1, 5, tzinfo=UTC))
REGISTRY = FactSource(source="disability_registry", batch_id=3, received_at=datetime(2026, 1, 4, tzinfo=UTC))
POLICY = PolicyInputs(minimum_wages=dict.fromkeys(months_of_year(2025), Decimal("2270")), female_base_age=55)


def _facts(wage_months=range(1, 13)) -> PersonYearFacts:
    certificate = CertificateRecord(
        number="15010219850301001X41",
        fact=CertificateFact(kind=CertificateKind.DISABLED_PERSON, level=2, valid_from=date(2020, 1, 1)),
        status="valid",
        provenance=REGISTRY,
    )
    pay = (Payment(U, Decimal("3000.00"), WAGES),)

    def payments(key):
        return (pay, pay, pay) if key % 100 in wage_months else ((), pay, pay)

    return PersonYearFacts(
        id_number="150102198503010011",
        employer_uscc=U,
        business_year=2025,
        sex=Sex.MALE,
        birth_date=date(1985, 3, 1),
        name="张三",
        person_provenance=REGISTRY,
        certificates=(certificate,),
        months=registry_months(months_of_year(2025), (certificate,), payments),
    )


def _contract(end=date(2026, 12, 31)):
    return ContractFact(
        start=date(2024, 1, 1), end=end, wage_payer_uscc=U, pension_payer_uscc=U, medical_payer_uscc=U
    )


def _verdicts(facts, contracts, claimed=frozenset()):
    return month_verdicts(
        facts,
        contracts=contracts,
        policy=POLICY,
        claimed_elsewhere=set(claimed),
        female_base_age=None,
        entries=SourceEntries(),
    )


def test_twelve_verdicts_as_stored():
    verdicts = _verdicts(_facts(), [_contract()])
    assert [v.month for v in verdicts] == [yyyymm(m) for m in months_of_year(2025)]
    assert all(v.auto_passed and v.weight == 2 for v in verdicts)
    assert {(v.certificate_type, v.certificate_level) for v in verdicts} == {("残疾人证", 2)}
    first = orjson.loads(verdicts[0].checks)
    assert first["wage"] == {
        "passed": True,
        "sources": [
            {"source": "wage", "batch_id": 7, "received_at": "2026-01-05T00:00:00+00:00", "payer_uscc": U}
        ],
    }
    assert first["contract"]["sources"] == [{"source": "employer", "received_at": None}]
    # The text is orjson's, keys sorted, so a stored verdict read back encodes to the same bytes.
    assert encode(first) == verdicts[0].checks


def test_a_failed_month_says_why_and_the_others_share_one_text():
    verdicts = _verdicts(_facts(wage_months=range(1, 12)), [_contract()], claimed={202503})
    by_month = {v.month: v for v in verdicts}
    december = orjson.loads(by_month[202512].checks)
    assert december["wage"]["reason_code"] == "wage_missing" and not by_month[202512].auto_passed
    march = orjson.loads(by_month[202503].checks)
    assert march["exclusive"]["reason_code"] == "placed_elsewhere"
    passed = [v.checks for v in verdicts if v.auto_passed]
    assert len(passed) == 10 and len(set(passed)) == 1


def test_a_contract_ending_in_the_year_covers_only_its_months():
    verdicts = _verdicts(_facts(), [_contract(end=date(2025, 6, 15))])
    failed = {
        v.month: orjson.loads(v.checks)["contract"].get("reason_code") for v in verdicts if not v.auto_passed
    }
    # Two years and a half: long enough; from July no contract covers the month.
    assert failed == {202500 + m: "contract_missing" for m in range(7, 13)}


def test_the_engine_needs_no_database():
    # Runs in this module without the django_db mark: any query would raise.
    assert Month(2025, 1) in _facts().months
    assert len(_verdicts(_facts(), [])) == 12

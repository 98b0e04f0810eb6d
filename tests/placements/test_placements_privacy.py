"""An employer never learns another employer's name or USCC (issue: portal privacy): the sources stored with
a verdict cite only the rows of the month's payers (the unit itself, its related units and the dispatch
company named by the covering contracts), the *_other_payer reasons name no unit, and the exclusive check's
reason does not say who holds the month. Checked on the engine alone, on the stored verdicts and on the
page."""

from datetime import UTC, date, datetime
from decimal import Decimal

import orjson
import pytest
from django.utils import timezone

from anbili.core.identifiers import Sex, make_uscc
from anbili.core.month import months_of_year
from anbili.placements import services
from anbili.placements.models import PlacementMonth, PlacementStatus
from anbili.placements.selectors import placement_detail, verification_rows
from anbili.placements.verification.encoding import SourceEntries
from anbili.placements.verification.engine import PolicyInputs, month_verdicts
from anbili.registry.models import MedicalMonth, PensionMonth, WageMonth
from anbili.registry.selectors import CertificateRecord, FactSource, Payment, PersonYearFacts, registry_months
from anbili.rules.checks import CertificateFact, ContractFact
from anbili.rules.counting import CertificateKind
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.placements.placement_data import TODAY, YEAR, new_id_number, payments, ready_draft, registry_person

U = make_uscc("91150102MA0000101")  # the employer
R = make_uscc("91150102MA0000102")  # its related unit, the contract's wage payer
D = make_uscc("91150102MA0000103")  # the dispatch company named by the contract
X = make_uscc("91150102MA0000104")  # another employer
SOURCE = FactSource(source="wage", batch_id=1, received_at=datetime(2026, 1, 5, tzinfo=UTC))


def _engine_facts() -> PersonYearFacts:
    certificate = CertificateRecord(
        number="15010219850301001X42",
        fact=CertificateFact(kind=CertificateKind.DISABLED_PERSON, level=2, valid_from=date(2020, 1, 1)),
        status="valid",
        provenance=SOURCE,
    )

    def pay(*payers):
        return tuple(Payment(p, Decimal("3000.00"), SOURCE) for p in payers)

    def month_payments(key):
        # wages under the employer, the related unit and another employer; pension also under the dispatch
        # company; medical only under the other employer.
        return pay(U, R, X), pay(U, D, X), pay(X)

    return PersonYearFacts(
        id_number="150102198503010011",
        employer_uscc=U,
        business_year=2025,
        sex=Sex.MALE,
        birth_date=date(1985, 3, 1),
        name="张三",
        person_provenance=SOURCE,
        certificates=(certificate,),
        months=registry_months(months_of_year(2025), (certificate,), month_payments),
    )


def test_the_engine_stores_only_the_rows_of_the_months_payers():
    contract = ContractFact(
        start=date(2024, 1, 1),
        end=None,
        wage_payer_uscc=R,
        pension_payer_uscc=U,
        medical_payer_uscc=U,
        dispatch_company_uscc=D,
    )
    verdicts = month_verdicts(
        _engine_facts(),
        contracts=[contract],
        policy=PolicyInputs(dict.fromkeys(months_of_year(2025), Decimal("2270")), 55),
        claimed_elsewhere=set(),
        female_base_age=None,
        entries=SourceEntries(),
    )
    for verdict in verdicts:
        assert X.encode() not in verdict.checks
        checks = orjson.loads(verdict.checks)
        assert [s["payer_uscc"] for s in checks["wage"]["sources"]] == [U, R]
        assert [s["payer_uscc"] for s in checks["pension"]["sources"]] == [U, D]
        assert checks["medical"]["sources"] == []
        assert checks["medical"]["reason_code"] == "medical_other_payer"


def test_without_a_covering_contract_only_the_employers_own_rows_are_cited():
    verdicts = month_verdicts(
        _engine_facts(),
        contracts=[],
        policy=PolicyInputs(dict.fromkeys(months_of_year(2025), Decimal("2270")), 55),
        claimed_elsewhere=set(),
        female_base_age=None,
        entries=SourceEntries(),
    )
    checks = orjson.loads(verdicts[0].checks)
    assert [s["payer_uscc"] for s in checks["wage"]["sources"]] == [U]
    assert R.encode() not in verdicts[0].checks and X.encode() not in verdicts[0].checks


# --- stored verdicts and the page ----------------------------------------------------------------------


@pytest.fixture
def shared_person(employer, user):
    """A person who worked for another employer in January-March (placed and confirmed there) and for
    `employer` from April; in April the other employer still paid a last wage and insurance."""
    from tests.factories import EmployerFactory, MembershipFactory

    other = EmployerFactory(name="呼和浩特市别家机械制造有限公司")
    other_user = MembershipFactory(employer=other).user
    number = new_id_number()
    registry_person(number, payer=other.uscc, months=range(1, 4))
    payments(number, payer=employer.uscc, months=range(4, 13))
    now = timezone.now()
    april = {"id_number": number, "month": YEAR * 100 + 4, "region_code": "150102", "received_at": now}
    WageMonth.objects.create(payer_uscc=other.uscc, amount=Decimal("800"), source="wage", **april)
    PensionMonth.objects.create(
        payer_uscc=other.uscc, amount=Decimal("500"), source="social_insurance", **april
    )
    MedicalMonth.objects.create(
        payer_uscc=other.uscc, amount=Decimal("200"), source="medical_insurance", **april
    )
    theirs = ready_draft(other, other_user, number)
    services.placement_months_save(
        placement_id=theirs.pk,
        employer=other,
        actor=other_user,
        today=TODAY,
        months=[YEAR * 100 + m for m in range(1, 4)],
        evidence={},
    )
    theirs.refresh_from_db()
    assert theirs.status == PlacementStatus.CONFIRMED
    ours = ready_draft(employer, user, number)
    return ours, other


def test_no_stored_verdict_names_the_other_employer(shared_person, employer):
    ours, other = shared_person
    for month in PlacementMonth.objects.filter(placement=ours):
        stored = orjson.dumps(month.checks).decode()
        assert other.uscc not in stored and other.name not in stored, month.month
    rows = {row.month: row for row in verification_rows(placement_detail(ours.pk, employer))}
    january = {cell.code: cell for cell in rows[YEAR * 100 + 1].cells}
    assert january["wage"].reason_code == "wage_other_payer"
    assert january["pension"].reason_code == "pension_other_payer"
    assert january["medical"].reason_code == "medical_other_payer"
    assert january["exclusive"].reason_code == "placed_elsewhere"
    assert "其他单位" in january["exclusive"].message
    april = {cell.code: cell for cell in rows[YEAR * 100 + 4].cells}
    assert april["wage"].passed and april["pension"].passed
    assert employer.uscc in april["wage"].source_text and other.uscc not in april["wage"].source_text
    assert other.uscc not in april["pension"].source_text and other.uscc not in april["medical"].source_text


def test_the_verify_page_names_no_other_employer(shared_person, employer, user, client):
    ours, other = shared_person
    client.force_login(user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = employer.pk
    session[NOTICE_SESSION_KEY] = True
    session.save()
    for url in (f"/portal/placements/{ours.pk}/verify/", f"/portal/placements/{ours.pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert other.uscc not in page and other.name not in page, url
    page = client.get(f"/portal/placements/{ours.pk}/verify/").content.decode()
    assert "该月已被其他单位安置登记" in page and "不在合同约定的工资发放单位" in page

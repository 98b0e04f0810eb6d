"""The person look-up (GET /api/v1/registry/persons/{id}) by need: staff within their jurisdiction, employers
only for a person they are registering, registry partners of the person's province; every answer audited.

Issue #10 item 2: before, any logged-in employer or staff member of any province got the person's name, birth
date, certificate, disability category and level, and nothing recorded it.
"""

from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from anbili.accounts.models import StaffRole
from anbili.audit.models import AuditAction, AuditEntry
from anbili.core.identifiers import make_id_number
from anbili.core.masking import mask
from anbili.placements.models import Placement, PlacementStatus, PlacementStep
from anbili.registry.models import Certificate, ImportBatch, PartnerKind, RegistryPerson
from anbili.registry.services import partner_token_issue
from tests.factories import EmployerFactory, MembershipFactory, StaffFactory, region

# Dates ("today", the business year) come from a frozen clock, not from when the suite runs.
pytestmark = pytest.mark.usefixtures("frozen_clock")

PERSON = make_id_number("150102", date(1980, 5, 1), 11)
JIANGXI_PERSON = make_id_number("360102", date(1975, 3, 9), 21)
UNKNOWN = make_id_number("150102", date(1999, 1, 1), 5)
NOT_FOUND = {"detail": "残疾人人口基础库中没有该身份证号的记录，请手工填写带*的信息"}
BACKEND = "anbili.accounts.backends.AccountBackend"


def url(number: str = PERSON) -> str:
    return f"/api/v1/registry/persons/{number}"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def persons(regions):
    batch = ImportBatch.objects.create(kind="person", channel="command", sha256="0" * 64)
    stamp = {"source": "disability_registry", "batch": batch, "received_at": batch.received_at}
    made = {}
    for number, name, code in [(PERSON, "王建军", "150102"), (JIANGXI_PERSON, "刘芳", "360102")]:
        made[number] = RegistryPerson.objects.create(
            id_number=number,
            name=name,
            sex="男" if int(number[16]) % 2 else "女",
            birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
            household_region=code,
            **stamp,
        )
        Certificate.objects.create(
            number=f"{number}42",
            id_number=number,
            kind="残疾人证",
            category=4,
            level=2,
            valid_from=date(2020, 1, 1),
            valid_until=date(2029, 12, 31),
            status="valid",
            region_code=code,
            **stamp,
        )
    return made


def as_staff(client, code: str | None = "150102", role: str = StaffRole.REVIEWER):
    staff = StaffFactory(region=region(code) if code else None, staff_role=role)
    client.force_login(staff, backend=BACKEND)
    return staff


def as_employer(client, membership=None):
    membership = membership or MembershipFactory()
    client.force_login(membership.user, backend=BACKEND)
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session.save()
    return membership


def registering(employer, number: str = PERSON, **fields) -> Placement:
    """A placement the unit is filling in (添加残疾人 made it), for the business year the portal works on."""
    values = {
        "business_year": timezone.localdate().year - 1,
        "sex": "男",
        "birth_date": date(1980, 5, 1),
        "status": PlacementStatus.DRAFT,
        "step": PlacementStep.PERSON,
        **fields,
    }
    return Placement.objects.create(employer=employer, id_number=number, **values)


def lookups() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.PERSON_LOOKUP).order_by("pk"))


# --- staff: their jurisdiction only ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "role"),
    [
        ("150102", StaffRole.REVIEWER),  # the person's own county
        ("150100", StaffRole.SUPERVISOR),  # the city above it
        ("150000", StaffRole.ADMIN),  # the province
        (None, StaffRole.NATIONAL_ADMIN),  # the whole country
    ],
)
def test_staff_look_up_a_person_of_their_jurisdiction_and_it_is_audited(client, persons, code, role):
    staff = as_staff(client, code, role)
    response = client.get(url(), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["current_certificate"]["number"]) == ("王建军", f"{PERSON}42")
    [entry] = lookups()
    assert (entry.actor_id, entry.region_code, entry.ip) == (staff.pk, "150102", "10.1.2.3")
    assert (entry.object_type, entry.object_id) == ("registry.registryperson", str(persons[PERSON].pk))
    assert mask(PERSON) in entry.object_label and PERSON not in entry.object_label
    assert PERSON not in str(entry.detail)


@pytest.mark.parametrize(
    "code",
    [
        "150103",  # a neighbouring county of the same city
        "360000",  # another province
        "360102",
    ],
)
def test_staff_outside_the_persons_region_get_the_not_found_answer(client, persons, code):
    as_staff(client, code)
    outside = client.get(url())
    unknown = client.get(url(UNKNOWN))
    # The same answer as for a number the registry does not know: existence is not revealed.
    assert (outside.status_code, outside.json()) == (404, NOT_FOUND)
    assert (unknown.status_code, unknown.json()) == (404, NOT_FOUND)
    assert lookups() == []


def test_jiangxi_staff_see_jiangxi_persons_only(client, persons):
    as_staff(client, "360000", StaffRole.ADMIN)
    assert client.get(url(JIANGXI_PERSON)).json()["name"] == "刘芳"
    assert client.get(url(PERSON)).status_code == 404
    assert [entry.region_code for entry in lookups()] == ["360102"]


# --- employers: only a person they are registering ---------------------------------------------------


def test_an_employer_without_a_registration_for_the_person_gets_the_not_found_answer(client, persons):
    as_employer(client)
    response = client.get(url())
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert client.get(url(JIANGXI_PERSON)).json() == NOT_FOUND
    assert lookups() == []


def test_an_employer_looks_up_the_person_it_is_registering_and_it_is_audited(client, persons):
    membership = as_employer(client)
    placement = registering(membership.employer)
    response = client.get(url(), REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    assert response.json()["current_certificate"]["category_label"] == "肢体残疾"
    [entry] = lookups()
    assert (entry.actor_id, entry.region_code, entry.ip) == (membership.user_id, "150102", "10.9.8.7")
    assert entry.object_id == str(persons[PERSON].pk)
    assert entry.detail["employer_id"] == membership.employer_id
    assert entry.detail["placement_id"] == placement.pk
    # Only that person: a registration for one number opens no other.
    assert client.get(url(JIANGXI_PERSON)).status_code == 404


def test_a_person_registered_by_another_unit_is_not_looked_up(client, persons):
    registering(EmployerFactory())
    as_employer(client)
    assert client.get(url()).json() == NOT_FOUND
    assert lookups() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"status": PlacementStatus.PENDING, "step": PlacementStep.DONE},  # submitted: registration is over
        {"status": PlacementStatus.CONFIRMED, "step": PlacementStep.DONE},
        {"business_year": timezone.localdate().year - 3},  # an old year's draft
    ],
)
def test_a_finished_or_old_registration_does_not_open_the_look_up(client, persons, fields):
    membership = as_employer(client)
    registering(membership.employer, **fields)
    assert client.get(url()).json() == NOT_FOUND
    assert lookups() == []


def test_an_agent_of_a_unit_acts_for_that_unit_only(client, persons):
    from tests.factories import AgentMembershipFactory

    first = MembershipFactory()
    registering(first.employer)
    agent = AgentMembershipFactory()  # an agent of another unit
    as_employer(client, agent)
    assert client.get(url()).status_code == 404


# --- partners and bad input --------------------------------------------------------------------------


def test_a_registry_partner_look_up_is_audited_with_the_partner(client, persons):
    issued = partner_token_issue(
        name="内蒙古残联人口库", kind=PartnerKind.DISABILITY_REGISTRY, province_code="15"
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}
    assert client.get(url(), **bearer).status_code == 200
    assert client.get(url(JIANGXI_PERSON), **bearer).json() == NOT_FOUND
    [entry] = lookups()
    assert (entry.actor_id, entry.region_code) == (None, "150102")
    assert entry.detail["partner_id"] == issued.partner.pk
    assert issued.token not in str(entry.detail)


def test_an_invalid_number_is_a_400_and_not_audited(client, persons):
    as_staff(client, "150000", StaffRole.ADMIN)
    bad = client.get(url(PERSON[:17] + ("0" if PERSON[17] != "0" else "1")))
    assert bad.status_code == 400 and "校验码" in bad.json()["detail"]
    assert lookups() == []


def test_not_logged_in_is_401(client, persons):
    assert client.get(url()).status_code == 401

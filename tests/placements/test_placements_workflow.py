"""The workflow: the one transition table, event rows, the window and the lock hook on every service."""

from datetime import date

import pytest

from anbili.core.errors import ApplicationError
from anbili.placements import services
from anbili.placements.models import (
    ConfirmedBy,
    MonthOutcomeChoice,
    PersonMonthClaim,
    Placement,
    PlacementEvent,
    PlacementMonth,
    PlacementStatus,
)
from tests.placements.placement_data import (
    PERSON,
    TODAY,
    YEAR,
    contract_fields,
    new_id_number,
    ready_draft,
    registry_person,
    upload,
)

pytestmark = pytest.mark.django_db
S = PlacementStatus

ROWS = [row for row in services.PLACEMENT_TRANSITIONS if row.name != "create"]
ALLOWED = [(row.name, source) for row in ROWS for source in sorted(row.sources)]
REFUSED = [(row.name, source) for row in ROWS for source in S.values if source not in row.sources]


def _placement(employer, status):
    placement = Placement.objects.create(
        employer=employer,
        business_year=YEAR,
        id_number=new_id_number(),
        sex="男",
        birth_date=date(1985, 3, 1),
        status=status,
    )
    for m in (1, 2):
        PlacementMonth.objects.create(
            placement=placement,
            month=YEAR * 100 + m,
            selected=True,
            outcome=MonthOutcomeChoice.REJECTED if m == 2 else MonthOutcomeChoice.PENDING_REVIEW,
        )
        PersonMonthClaim.objects.create(
            id_number=placement.id_number, month=YEAR * 100 + m, placement=placement
        )
    return placement


def test_the_table_covers_every_status_and_the_issue_names():
    assert set(services.TRANSITIONS) == set(S.values)
    assert sum(len(targets) for targets in services.TRANSITIONS.values()) == 9
    names = {row.name: (row.sources, row.target, row.by) for row in services.PLACEMENT_TRANSITIONS}
    assert names["submit_for_review"] == ({S.DRAFT}, S.PENDING, "employer")
    assert names["confirm_by_system"] == ({S.DRAFT}, S.CONFIRMED, "system")
    assert names["reregister"] == (
        {S.PENDING, S.CONFIRMED, S.PARTLY_REJECTED, S.REJECTED},
        S.DRAFT,
        "employer",
    )
    assert names["approve"] == ({S.PENDING}, S.CONFIRMED, "reviewer")
    assert names["partly_reject"] == ({S.PENDING}, S.PARTLY_REJECTED, "reviewer")
    assert names["reject"] == ({S.PENDING}, S.REJECTED, "reviewer")
    assert names["send_back"] == ({S.PENDING}, S.DRAFT, "reviewer")
    assert names["delete"] == (set(S.values), None, "employer")
    assert len(ALLOWED) == 15 and len(REFUSED) == 25


@pytest.mark.parametrize(("name", "source"), ALLOWED)
def test_allowed_transition_writes_its_event(employer, user, name, source):
    row = next(r for r in ROWS if r.name == name)
    placement = _placement(employer, source)
    moved = services.placement_transition(
        placement_id=placement.pk, name=name, by=row.by, actor=user, reason="测试原因"
    )
    event = PlacementEvent.objects.get(placement_ref=placement.pk)
    assert (event.transition, event.from_status, event.to_status, event.actor, event.reason) == (
        name,
        source,
        row.target or "",
        user,
        "测试原因",
    )
    assert event.at is not None and event.employer_id == employer.pk and event.business_year == YEAR
    if row.target is None:
        assert not Placement.objects.filter(pk=placement.pk).exists()
        assert event.placement_id is None and not PersonMonthClaim.objects.exists()
        return
    moved.refresh_from_db()
    assert moved.status == row.target and event.placement_id == placement.pk
    if row.target == S.CONFIRMED:
        expected = ConfirmedBy.SYSTEM if source == S.DRAFT else ConfirmedBy.REVIEWER
        assert moved.confirmed_by == expected and moved.confirmed_at is not None
    claims = set(PersonMonthClaim.objects.filter(placement=placement).values_list("month", flat=True))
    if row.target == S.DRAFT:
        assert claims == set() and moved.confirmed_at is None
        outcomes = set(PlacementMonth.objects.filter(placement=placement).values_list("outcome", "selected"))
        assert outcomes == {(MonthOutcomeChoice.NOT_SELECTED, False)}
    elif row.target in (S.PARTLY_REJECTED, S.REJECTED):
        assert claims == {YEAR * 100 + 1}  # the rejected month no longer blocks other employers
    else:
        assert claims == {YEAR * 100 + 1, YEAR * 100 + 2}


@pytest.mark.parametrize(("name", "source"), REFUSED)
def test_refused_transition_changes_nothing(employer, user, name, source):
    row = next(r for r in ROWS if r.name == name)
    placement = _placement(employer, source)
    with pytest.raises(ApplicationError) as error:
        services.placement_transition(placement_id=placement.pk, name=name, by=row.by, actor=user)
    assert error.value.code == "transition" and "不能从" in error.value.message
    placement.refresh_from_db()
    assert placement.status == source
    assert not PlacementEvent.objects.filter(placement_ref=placement.pk).exists()


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_only_the_rows_actor_kind_may_make_it(employer, user, row):
    source = sorted(row.sources)[0]
    placement = _placement(employer, source)
    for other in services.Actor:
        if other == row.by:
            continue
        with pytest.raises(ApplicationError) as error:
            services.placement_transition(placement_id=placement.pk, name=row.name, by=other, actor=user)
        assert error.value.code == "actor"
    placement.refresh_from_db()
    assert placement.status == source and not PlacementEvent.objects.exists()


def test_unknown_transition_is_refused(employer, user):
    placement = _placement(employer, S.DRAFT)
    with pytest.raises(ApplicationError) as error:
        services.placement_transition(placement_id=placement.pk, name="archive", by="employer", actor=user)
    assert error.value.code == "transition"


# --- window and lock refusals on every service --------------------------------------------------------


def _calls(employer, user, placement, today):
    common = {"placement_id": placement.pk, "employer": employer, "actor": user, "today": today}
    return {
        "start": lambda: services.placement_start(
            employer=employer, actor=user, id_number=new_id_number(), business_year=YEAR, today=today
        ),
        "person": lambda: services.placement_person_update(**common, **PERSON),
        "contract_add": lambda: services.placement_contract_add(
            **common, contract_upload=upload(), **contract_fields(employer)
        ),
        "contract_update": lambda: services.placement_contract_update(
            **common, contract_id=placement.contracts.first().pk, **contract_fields(employer)
        ),
        "contract_delete": lambda: services.placement_contract_delete(
            **common, contract_id=placement.contracts.first().pk
        ),
        "certificate_add": lambda: services.placement_certificate_add(
            **common,
            number=f"{placement.id_number}43",
            certificate_type="残疾人证",
            category=4,
            level=3,
            valid_from=date(2025, 2, 1),
            valid_until=None,
            image_upload=upload("残疾证.png"),
        ),
        "certificate_remove": lambda: services.placement_certificate_remove(**common, certificate_id=0),
        "certificates_done": lambda: services.placement_certificates_done(**common),
        "verify": lambda: services.placement_verify(
            placement_id=placement.pk, employer=employer, today=today
        ),
        "months_save": lambda: services.placement_months_save(**common, months=[]),
        "reregister": lambda: services.placement_reregister(**common),
        "delete": lambda: services.placement_delete(**common),
        "import_last_year": lambda: services.placements_import_last_year(
            employer=employer, actor=user, business_year=YEAR, today=today
        ),
        "bulk_import": lambda: services.placements_bulk_import(
            employer=employer,
            actor=user,
            business_year=YEAR,
            today=today,
            content=services.bulk_template_xlsx(),
            file_name="安置人员.xlsx",
        ),
    }


SERVICES = [
    "start",
    "person",
    "contract_add",
    "contract_update",
    "contract_delete",
    "certificate_add",
    "certificate_remove",
    "certificates_done",
    "verify",
    "months_save",
    "reregister",
    "delete",
    "import_last_year",
    "bulk_import",
]


@pytest.fixture
def draft(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    return ready_draft(employer, user, number)


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_refuses_outside_the_window(employer, user, draft, name):
    before = Placement.objects.count(), PlacementEvent.objects.count()
    with pytest.raises(ApplicationError) as error:
        _calls(employer, user, draft, date(2026, 11, 2))[name]()
    assert error.value.code == "closed" and "申报期" in error.value.message
    assert (Placement.objects.count(), PlacementEvent.objects.count()) == before


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_refuses_a_locked_year(employer, user, draft, name):
    def declared(unit, business_year):
        return "已完成申报" if unit.pk == employer.pk and business_year == YEAR else None

    services.placement_year_lock_register(declared)
    before = Placement.objects.count(), PlacementEvent.objects.count()
    with pytest.raises(ApplicationError) as error:
        _calls(employer, user, draft, TODAY)[name]()
    assert error.value.code == "locked" and "已完成申报" in error.value.message
    assert (Placement.objects.count(), PlacementEvent.objects.count()) == before


def test_lock_also_stops_transitions_and_batch_reverification(employer, user, draft):
    services.placement_year_lock_register(lambda unit, business_year: "已完成申报")
    with pytest.raises(ApplicationError) as error:
        services.placement_transition(
            placement_id=draft.pk, name="confirm_by_system", by="system", actor=None
        )
    assert error.value.code == "locked"
    with pytest.raises(ApplicationError):
        services.placement_verify(placement_id=draft.pk, today=TODAY)
    assert services.placements_verify_batch(business_year=YEAR) == (0, 0, 0)


def test_a_year_other_than_the_windows_is_refused(employer, user):
    with pytest.raises(ApplicationError) as error:
        services.placement_start(
            employer=employer, actor=user, id_number=new_id_number(), business_year=YEAR - 1, today=TODAY
        )
    assert error.value.field == "business_year"

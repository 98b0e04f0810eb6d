"""Events are append-only and outlive their placement; months move only along their own table."""

from datetime import date

import pytest
from django.utils import timezone

from anbili.core.errors import ApplicationError
from anbili.placements import services
from anbili.placements.models import (
    EventsAppendOnly,
    MonthOutcomeChoice,
    PersonMonthClaim,
    Placement,
    PlacementEvent,
    PlacementMonth,
    PlacementStatus,
)
from tests.placements.placement_data import TODAY, YEAR, new_id_number, ready_draft, registry_person

pytestmark = pytest.mark.django_db
M = MonthOutcomeChoice


@pytest.fixture
def submitted(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    draft = ready_draft(employer, user, number)
    return services.placement_months_save(
        placement_id=draft.pk, employer=employer, actor=user, today=TODAY, months=[]
    )


def test_deleting_a_placement_writes_a_delete_event_and_keeps_its_history(employer, user, submitted):
    assert submitted.status == PlacementStatus.CONFIRMED
    pk, label = submitted.pk, str(submitted)
    services.placement_delete(placement_id=pk, employer=employer, actor=user, today=TODAY)
    assert not Placement.objects.filter(pk=pk).exists() and not PersonMonthClaim.objects.exists()
    history = list(PlacementEvent.objects.filter(placement_ref=pk).order_by("pk"))
    assert [e.transition for e in history] == ["create", "confirm_by_system", "delete"]
    # The link went null (SET_NULL through the collector) and the rows still say whose and which year.
    assert {(e.placement_id, e.employer_id, e.business_year, e.label) for e in history} == {
        (None, employer.pk, YEAR, label)
    }
    assert (history[-1].from_status, history[-1].to_status, history[-1].actor) == ("confirmed", "", user)


def test_events_cannot_be_changed_or_deleted(employer, user, submitted):
    event = PlacementEvent.objects.filter(placement=submitted).first()
    with pytest.raises(EventsAppendOnly):
        PlacementEvent.objects.filter(pk=event.pk).update(reason="改写")
    with pytest.raises(EventsAppendOnly):
        PlacementEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(EventsAppendOnly):
        event.delete()
    event.reason = "改写"
    with pytest.raises(EventsAppendOnly):
        event.save()
    assert PlacementEvent.objects.get(pk=event.pk).reason != "改写"


def test_reregister_resets_the_months_through_the_month_table(employer, user, submitted):
    PlacementMonth.objects.filter(placement=submitted, month=202503).update(regressed_at=timezone.now())
    placement = services.placement_reregister(
        placement_id=submitted.pk, employer=employer, actor=user, today=TODAY
    )
    months = PlacementMonth.objects.filter(placement=placement)
    assert set(months.values_list("outcome", "selected", "regressed_at")) == {(M.NOT_SELECTED, False, None)}
    event = PlacementEvent.objects.filter(placement=placement).latest("pk")
    assert (event.transition, event.reason) == ("reregister", "重新登记")


def _month(employer, outcome):
    placement = Placement.objects.create(
        employer=employer,
        business_year=YEAR,
        id_number=new_id_number(),
        sex="男",
        birth_date=date(1985, 3, 1),
    )
    return PlacementMonth.objects.create(placement=placement, month=202501, outcome=outcome)


def test_the_month_table_names_every_outcome():
    targets = {row.target for row in services.MONTH_TRANSITIONS}
    assert targets == set(M.values)
    by = {row.name: row.by for row in services.MONTH_TRANSITIONS}
    assert by == {
        "deselect": "employer",
        "auto_confirm": "system",
        "submit": "employer",
        "approve": "reviewer",
        "reject": "reviewer",
        "reset": "employer",
    }


@pytest.mark.parametrize(
    ("outcome", "name", "target"),
    [
        (M.NOT_SELECTED, "submit", M.PENDING_REVIEW),
        (M.PENDING_REVIEW, "auto_confirm", M.AUTO_CONFIRMED),
        (M.PENDING_REVIEW, "approve", M.CONFIRMED),
        (M.PENDING_REVIEW, "reject", M.REJECTED),
        (M.CONFIRMED, "reset", M.NOT_SELECTED),
    ],
)
def test_a_month_moves_along_its_row_and_its_regression_flag_clears(employer, outcome, name, target):
    month = _month(employer, outcome)
    PlacementMonth.objects.filter(pk=month.pk).update(regressed_at=timezone.now())
    month.refresh_from_db()
    services.month_outcomes_move([(month, name)], by=set(services.Actor))
    month.refresh_from_db()
    assert (month.outcome, month.selected, month.regressed_at) == (target, target != M.NOT_SELECTED, None)


@pytest.mark.parametrize(
    ("outcome", "name", "by"),
    [
        (M.CONFIRMED, "submit", {"employer"}),  # a decided month is not the employer's to change
        (M.REJECTED, "deselect", {"employer"}),
        (M.NOT_SELECTED, "approve", {"reviewer"}),  # only a month waiting for review is decided
        (M.PENDING_REVIEW, "approve", {"employer", "system"}),  # the employer's save cannot approve
        (M.PENDING_REVIEW, "promote", {"reviewer"}),
    ],
)
def test_a_month_move_off_its_row_is_refused(employer, outcome, name, by):
    month = _month(employer, outcome)
    with pytest.raises(ApplicationError) as error:
        services.month_outcomes_move([(month, name)], by=by)
    assert error.value.code == "transition" and error.value.field == "months"
    month.refresh_from_db()
    assert month.outcome == outcome


def test_events_written_at_the_window_say_so_and_only_those(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    with services.at_window():
        draft = ready_draft(employer, user, number)
        services.placement_months_save(
            placement_id=draft.pk, employer=employer, actor=user, today=TODAY, months=[]
        )
    services.placement_reregister(placement_id=draft.pk, employer=employer, actor=user, today=TODAY)
    channels = list(
        PlacementEvent.objects.filter(placement_ref=draft.pk)
        .order_by("pk")
        .values_list("transition", "channel")
    )
    assert channels == [("create", "window"), ("confirm_by_system", "window"), ("reregister", "online")]

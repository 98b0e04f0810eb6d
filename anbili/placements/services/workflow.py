"""The placement workflow, stated once: the named transitions of a placement's 审核状态 and of a month's
outcome, who may make each, and the only code that writes either (a test scans the source for others).

Every path goes through `placement_transition` (the wizard's save, 重新登记, 删除, the review issue's
decisions): it checks the row's actor kind, applies the transition's side effects (month claims released,
confirmation stamps) and writes the event row through the one event writer. Months move only through
`month_outcomes_move`. The declaration lock (完成申报) arrives later as rows of its own; until then the
`placement_year_locked` hook refuses every transition of a locked year. See docs/placements.md.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from anbili.core.errors import ApplicationError
from anbili.placements.models import (
    Channel,
    ConfirmedBy,
    MonthOutcomeChoice,
    PersonMonthClaim,
    Placement,
    PlacementEvent,
    PlacementMonth,
    PlacementStatus,
)
from anbili.placements.services.guards import check_lock, locked_placement

S = PlacementStatus
M = MonthOutcomeChoice


class Actor(StrEnum):
    """Who makes a transition: the employer's clerk, the system (on the employer's save, or a batch), or a
    DPF reviewer (审核)."""

    EMPLOYER = "employer"
    SYSTEM = "system"
    REVIEWER = "reviewer"


@dataclass(frozen=True)
class Transition:
    """One named transition: from which statuses, to which (None: the placement is gone), by whom."""

    name: str
    sources: frozenset[str]
    target: str | None
    by: Actor
    label: str


_SUBMITTED = frozenset({S.PENDING, S.CONFIRMED, S.PARTLY_REJECTED, S.REJECTED})

PLACEMENT_TRANSITIONS: tuple[Transition, ...] = (
    # No source: the placement is created as a draft (添加残疾人, 导入上一年申报名单, 批量登记).
    Transition("create", frozenset(), S.DRAFT, Actor.EMPLOYER, "添加残疾人"),
    Transition("submit_for_review", frozenset({S.DRAFT}), S.PENDING, Actor.EMPLOYER, "提交审核"),
    Transition("confirm_by_system", frozenset({S.DRAFT}), S.CONFIRMED, Actor.SYSTEM, "系统自动确认"),
    Transition("approve", frozenset({S.PENDING}), S.CONFIRMED, Actor.REVIEWER, "审核通过"),
    Transition("partly_reject", frozenset({S.PENDING}), S.PARTLY_REJECTED, Actor.REVIEWER, "部分审核不通过"),
    Transition("reject", frozenset({S.PENDING}), S.REJECTED, Actor.REVIEWER, "审核不通过"),
    Transition("send_back", frozenset({S.PENDING}), S.DRAFT, Actor.REVIEWER, "退回补正"),
    Transition("reregister", _SUBMITTED, S.DRAFT, Actor.EMPLOYER, "重新登记"),
    Transition("delete", frozenset(S.values), None, Actor.EMPLOYER, "删除"),
)
TRANSITION_BY_NAME = {row.name: row for row in PLACEMENT_TRANSITIONS}

# From → the statuses it may move to (derived from the table; the status-only view of it).
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(
        row.target for row in PLACEMENT_TRANSITIONS if status in row.sources and row.target is not None
    )
    for status in S.values
}

_UNDECIDED = frozenset({M.NOT_SELECTED, M.AUTO_CONFIRMED, M.PENDING_REVIEW})

# The named moves of PlacementMonth.outcome. The employer's save decides undecided months only; a reviewer
# decides a month waiting for review; back to a draft (重新登记, 退回补正) resets every month.
MONTH_TRANSITIONS: tuple[Transition, ...] = (
    Transition("deselect", _UNDECIDED, M.NOT_SELECTED, Actor.EMPLOYER, "未勾选"),
    Transition("auto_confirm", _UNDECIDED, M.AUTO_CONFIRMED, Actor.SYSTEM, "系统核验通过"),
    Transition("submit", _UNDECIDED, M.PENDING_REVIEW, Actor.EMPLOYER, "勾选并提交审核"),
    Transition("approve", frozenset({M.PENDING_REVIEW}), M.CONFIRMED, Actor.REVIEWER, "审核通过"),
    Transition("reject", frozenset({M.PENDING_REVIEW}), M.REJECTED, Actor.REVIEWER, "审核不通过"),
    Transition("reset", frozenset(M.values), M.NOT_SELECTED, Actor.EMPLOYER, "重新登记"),
)
MONTH_TRANSITION_BY_NAME = {row.name: row for row in MONTH_TRANSITIONS}


def _status_label(status: str | None) -> str:
    if status is None:
        return "已删除"
    return str(S(status).label) if status in S.values else status


def placement_created(placement: Placement, actor: Any, reason: str = "") -> PlacementEvent:
    """Record the `create` transition of a placement just inserted (a draft, the model's default)."""
    row = TRANSITION_BY_NAME["create"]
    if placement.status != row.target:
        raise ApplicationError("新登记的安置人员应为“资料待完善”", field="status", code="transition")
    return _event(placement, actor, row, from_status="", reason=reason or row.label)


def placement_transition(
    *,
    placement_id: int,
    name: str,
    by: Actor | str,
    actor: Any,
    reason: str = "",
) -> Placement:
    """Make the named transition of the table: the actor kind must be the row's, the placement's status one
    of its sources and the year not locked; writes the event row (who, when, which, from, to, why).

    `delete` removes the placement after writing its event (which outlives it). Runs in the caller's
    transaction when there is one (the row is locked again: a no-op for the caller's own lock). The event's
    channel is the request's (`at_window`)."""
    row = TRANSITION_BY_NAME.get(name)
    if row is None:
        raise ApplicationError(f"未知的安置登记操作“{name}”", field="status", code="transition")
    if by != row.by:
        raise ApplicationError(f"“{row.label}”只能由{_ACTOR_WORDS[row.by]}办理", field="status", code="actor")
    with transaction.atomic():
        placement = locked_placement(placement_id)
        check_lock(placement.employer, placement.business_year)
        source = placement.status
        if source not in row.sources:
            raise ApplicationError(
                f"安置登记不能从“{_status_label(source)}”变为“{_status_label(row.target)}”（{row.label}）",
                field="status",
                code="transition",
            )
        return _apply(placement, row, actor, reason or row.label)


# 现场申报: staff doing the employer's registration steps at the DPF window (窗口申报) wrap the service calls
# in `at_window()`, so that every event those calls write says so, whichever registration service writes
# it, without threading a parameter through each of them.
_channel: ContextVar[str] = ContextVar("placement_channel", default=Channel.ONLINE)


@contextmanager
def at_window() -> Iterator[None]:
    """Mark the events written inside the block as done by staff at the window (Channel.WINDOW)."""
    token = _channel.set(Channel.WINDOW)
    try:
        yield
    finally:
        _channel.reset(token)


_ACTOR_WORDS = {Actor.EMPLOYER: "用人单位", Actor.SYSTEM: "系统", Actor.REVIEWER: "残联审核人员"}


def _apply(placement: Placement, row: Transition, actor: Any, reason: str) -> Placement:
    source, to = placement.status, row.target
    now = timezone.now()
    if to is None:
        _event(placement, actor, row, from_status=source, reason=reason)
        PersonMonthClaim.objects.filter(placement=placement).delete()
        placement.delete()  # the event rows stay: their link goes null (SET_NULL)
        return placement
    placement.status = to
    if to == S.DRAFT:
        placement.confirmed_by = ""
        placement.confirmed_at = None
        placement.registered_at = None
        PersonMonthClaim.objects.filter(placement=placement).delete()
        month_outcomes_move(
            [
                (month, "reset")
                for month in PlacementMonth.objects.filter(placement=placement).exclude(
                    outcome=M.NOT_SELECTED, selected=False, regressed_at=None
                )
            ],
            by={Actor.EMPLOYER},
        )
    elif source == S.DRAFT:
        placement.registered_at = now
    if to == S.CONFIRMED:
        # From a draft only the system confirms (every selected month auto-passed); after review, a person.
        placement.confirmed_by = ConfirmedBy.SYSTEM if source == S.DRAFT else ConfirmedBy.REVIEWER
        placement.confirmed_at = now
    elif to in (S.PARTLY_REJECTED, S.REJECTED):
        placement.confirmed_at = now
        rejected = PlacementMonth.objects.filter(placement=placement, outcome=M.REJECTED)
        PersonMonthClaim.objects.filter(
            placement=placement, month__in=rejected.values_list("month", flat=True)
        ).delete()
    placement.save()
    _event(placement, actor, row, from_status=source, reason=reason)
    return placement


def month_outcomes_move(
    moves: Iterable[tuple[PlacementMonth, str]],
    *,
    by: Collection[Actor],
    also_save: Sequence[str] = (),
) -> list[PlacementMonth]:
    """Move each month along its named month transition (one UPDATE for all): the outcome, the selection
    that goes with it, and the regression flag cleared (the month is decided anew). `by` names the actor
    kinds of this call (the employer's save acts as employer and system); `also_save` lists other fields
    the caller changed on the same rows (the verdicts)."""
    moved: list[PlacementMonth] = []
    for month, name in moves:
        row = MONTH_TRANSITION_BY_NAME.get(name)
        if row is None or row.by not in by:
            raise ApplicationError(f"安置月份不能办理“{name}”", field="months", code="transition")
        if month.outcome not in row.sources:
            raise ApplicationError(
                f"{month.month} 月已{M(month.outcome).label}，不能{row.label}",
                field="months",
                code="transition",
            )
        assert row.target is not None
        month.outcome = row.target
        month.selected = row.target != M.NOT_SELECTED
        month.regressed_at = None
        moved.append(month)
    if moved:
        PlacementMonth.objects.bulk_update(moved, ["outcome", "selected", "regressed_at", *also_save])
    return moved


def _event(
    placement: Placement,
    actor: Any,
    row: Transition,
    *,
    from_status: str,
    reason: str,
) -> PlacementEvent:
    """The one writer of event rows: they keep the placement's id, employer, year and masked label, so they
    outlive it."""
    return PlacementEvent.objects.create(
        placement=placement,
        placement_ref=placement.pk,
        employer_id=placement.employer_id,
        business_year=placement.business_year,
        label=str(placement)[:80],
        transition=row.name,
        actor=actor,
        from_status=from_status,
        to_status=row.target or "",
        reason=reason,
        channel=_channel.get(),
    )

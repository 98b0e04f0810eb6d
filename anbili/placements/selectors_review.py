"""What the employer reads of the review (issue 12 item 6): the 退回补正 list while a sent-back placement is
a draft, and the history of the reviewers' decisions (审核事项, 审核结果, 审核人员 as their DPF office,
审核时间, the reasons), on the portal's placement page and, in short, on its list.

The decisions themselves are written by anbili.placements.services.review; this module only reads. The
reviewer is named by the office they speak for (`anbili.notices.services.publisher_name`), never by their
account: the employer deals with the DPF, not with one of its clerks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import JSONField, OuterRef, Subquery

from anbili.notices.services import publisher_name
from anbili.placements.models import Placement, PlacementEvent, PlacementStatus
from anbili.placements.models_review import PlacementReview, ReviewKind

__all__ = [
    "ReviewEntry",
    "placement_review_history",
    "placement_send_back_open",
    "placements_sent_back",
]

# Shown when the reviewer's account is gone (PlacementReview.reviewer is SET_NULL).
UNKNOWN_OFFICE = "残联主管部门"


@dataclass(frozen=True)
class ReviewEntry:
    """One decision as the employer reads it."""

    pk: int
    kind: str  # ReviewKind code
    kind_label: str  # 审核事项
    outcome: str  # ReviewOutcome code
    outcome_label: str  # 审核结果
    office: str  # 审核人员: the reviewer's DPF office
    at: datetime  # 审核时间
    subject: str  # which document a certificate / agreement decision is about ("" otherwise)
    reasons: tuple[str, ...]  # 审核意见: "202511 无效：…", the 退回补正 items, a document's reason
    note: str  # 补充说明


def _office(review: PlacementReview) -> str:
    return publisher_name(review.reviewer) if review.reviewer is not None else UNKNOWN_OFFICE


def _subject(review: PlacementReview) -> str:
    if review.kind == ReviewKind.CERTIFICATE and review.certificate is not None:
        return f"补充残疾证（有效期 {review.certificate.certificate.valid_from:%Y-%m-%d} 起）"
    if review.kind == ReviewKind.AGREEMENT and review.contract is not None:
        return f"劳务派遣协议（合同 {review.contract.start:%Y-%m-%d} 起）"
    return ""


def _reasons(review: PlacementReview) -> tuple[str, ...]:
    if review.kind != ReviewKind.MONTHS:
        return tuple(str(item) for item in review.items or [])
    decided: dict[str, Any] = review.months or {}
    valid = [month for month in sorted(decided) if decided[month].get("valid")]
    lines = [f"认定有效：{'、'.join(valid)}"] if valid else []
    lines += [
        f"{month} 无效：{decided[month].get('reason', '')}"
        for month in sorted(decided)
        if not decided[month].get("valid")
    ]
    return tuple(lines)


def _entry(review: PlacementReview) -> ReviewEntry:
    return ReviewEntry(
        pk=review.pk,
        kind=review.kind,
        kind_label=review.get_kind_display(),
        outcome=review.outcome,
        outcome_label=review.get_outcome_display(),
        office=_office(review),
        at=review.at,
        subject=_subject(review),
        reasons=_reasons(review),
        note=review.note,
    )


def placement_review_history(placement: Placement) -> list[ReviewEntry]:
    """Every decision on the placement, oldest first (one query)."""
    reviews = PlacementReview.objects.filter(placement_id=placement.pk).select_related(
        "reviewer__region", "certificate__certificate", "contract"
    )
    return [_entry(review) for review in reviews.order_by("at", "pk")]


def placement_send_back_open(
    placement: Placement, history: list[ReviewEntry] | None = None
) -> ReviewEntry | None:
    """The 退回补正 the employer still has to act on: the placement is a draft and its last transition was
    the reviewer's send_back (the employer's next 保存 submits it again, which closes it)."""
    if placement.status != PlacementStatus.DRAFT:
        return None
    last = (
        PlacementEvent.objects.filter(placement_ref=placement.pk)
        .order_by("-pk")
        .values_list("transition", flat=True)
        .first()
    )
    if last != "send_back":
        return None
    entries = history if history is not None else placement_review_history(placement)
    sent_back = [entry for entry in entries if entry.kind == ReviewKind.SEND_BACK]
    return sent_back[-1] if sent_back else None


def placements_sent_back(placements: Iterable[Placement]) -> dict[int, list[str]]:
    """For the list: {placement pk: the items of its open 退回补正} for the drafts among `placements`, in one
    query (none when no draft is listed)."""
    drafts = [placement.pk for placement in placements if placement.status == PlacementStatus.DRAFT]
    if not drafts:
        return {}
    last = (
        PlacementEvent.objects.filter(placement_ref=OuterRef("pk")).order_by("-pk").values("transition")[:1]
    )
    items = (
        PlacementReview.objects.filter(placement_id=OuterRef("pk"), kind=ReviewKind.SEND_BACK)
        .order_by("-pk")
        .values("items")[:1]
    )
    rows = (
        Placement.objects.filter(pk__in=drafts)
        .annotate(last_transition=Subquery(last), sent_back_items=Subquery(items, output_field=JSONField()))
        .filter(last_transition="send_back")
        .values_list("pk", "sent_back_items")
    )
    return {pk: list(found or []) for pk, found in rows}

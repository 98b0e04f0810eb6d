"""The review as the employer sees it (issue 12 item 6): `{% load reviews %}`, then on the placement page
`{% placement_reviews placement %}` (the open 退回补正 list and the history of decisions), and on the list
`{% sent_back_items rows as sent_back %}` once, then `{{ sent_back|sent_back_for:p.pk }}` per row. The
reading is anbili.placements.selectors_review's."""

from __future__ import annotations

from typing import Any

from django import template

from anbili.placements.models import Placement
from anbili.placements.selectors_review import (
    placement_review_history,
    placement_send_back_open,
    placements_sent_back,
)

register = template.Library()


@register.inclusion_tag("portal/includes/placement_reviews.html")
def placement_reviews(placement: Placement) -> dict[str, Any]:
    """The 退回补正 box (while the draft still has to be fixed) and the 审核记录 table."""
    history = placement_review_history(placement)
    return {"history": history, "sent_back": placement_send_back_open(placement, history)}


@register.simple_tag
def sent_back_items(rows: Any) -> dict[int, list[str]]:
    """{placement pk: its open 退回补正 items} for the list's rows (objects with `.placement`, or
    placements), in one query."""
    return placements_sent_back(getattr(row, "placement", row) for row in rows)


@register.filter
def sent_back_for(sent_back: dict[int, list[str]] | None, pk: int) -> list[str]:
    """The open 退回补正 items of one row ([] when none)."""
    return (sent_back or {}).get(pk, [])

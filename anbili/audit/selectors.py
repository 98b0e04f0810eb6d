"""Reading the audit log: one search, always inside a jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from anbili.audit.models import AuditEntry, AuditEntryQuerySet


@dataclass(frozen=True)
class AuditSearch:
    """What a searcher asks for; every part optional."""

    action: str = ""
    actor: str = ""
    target: str = ""
    start: date | None = None
    end: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries_search(prefix: str, search: AuditSearch) -> AuditEntryQuerySet:
    """Entries of the jurisdiction whose region codes start with `prefix` ("" is the whole country),
    newest first. `actor` and `target` match the stored (masked) texts, so a full ID number typed in a
    search box finds nothing: search by the masked form or the account name."""
    rows = AuditEntry.objects.within(prefix)
    if search.action:
        rows = rows.filter(action=search.action)
    if search.actor:
        rows = rows.filter(actor_label__icontains=search.actor)
    if search.target:
        rows = rows.filter(
            Q(object_label__icontains=search.target)
            | Q(object_id=search.target)
            | Q(object_type__icontains=search.target)
        )
    if search.start:
        rows = rows.filter(at__gte=_day_start(search.start))
    if search.end:
        rows = rows.filter(at__lt=_day_start(search.end + timedelta(days=1)))
    return rows.order_by("-at", "-id")

"""Reads of notices: what an employer sees, what a staff member manages."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.fields import BooleanField

from anbili.accounts.models import User
from anbili.employers.models import Employer
from anbili.notices.models import Notice, NoticeKind, NoticeRead, SmsMessage


def _region_and_above(code: str) -> list[str]:
    """The GB/T 2260 codes of a region and of every region above it (county → prefecture → province).

    Regions nest by code prefix (Region.is_within), so the codes above a region follow from its own code.
    """
    return sorted({code[:2] + "0000", code[:4] + "00", code})


def _keyword_q(query: str) -> Q:
    q = Q()
    for word in query.split()[:5]:
        q &= Q(title__icontains=word) | Q(body__icontains=word)
    return q


def _with_read_state(qs: QuerySet[Notice], user: Any, employer: Employer) -> QuerySet[Notice]:
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.annotate(is_read=Value(False, output_field=BooleanField()))
    reads = NoticeRead.objects.filter(notice=OuterRef("pk"), user_id=user.pk, employer_id=employer.pk)
    return qs.annotate(is_read=Exists(reads))


def notice_list_for_employer(
    employer: Employer, *, user: User | None = None, query: str = "", limit: int | None = None
) -> QuerySet[Notice]:
    """Published notices of the employer's DPF region and above, plus its own notifications; newest first.

    Each row carries `is_read` for `user` acting for this unit (False without a user); one query however
    many rows.
    """
    visible = Q(
        kind=NoticeKind.ANNOUNCEMENT,
        is_published=True,
        region_id__in=_region_and_above(employer.dpf_region_id),
    ) | Q(kind=NoticeKind.NOTIFICATION, employer_id=employer.pk, is_published=True)
    qs = Notice.objects.filter(visible).select_related("region").order_by("-published_at", "-pk")
    if query.strip():
        qs = qs.filter(_keyword_q(query.strip()))
    qs = _with_read_state(qs, user, employer)
    return qs[:limit] if limit is not None else qs


def notice_unread_count_for_employer(employer: Employer, *, user: User) -> int:
    """How many notices visible to the employer `user` has not opened yet acting for it."""
    read = NoticeRead.objects.filter(user=user, employer=employer).values("notice_id")
    return notice_list_for_employer(employer).exclude(pk__in=read).count()


def notice_list_for_staff(staff: User, *, query: str = "") -> QuerySet[Notice]:
    """Announcements of the staff member's region and every region under it (the ones they manage)."""
    prefix = staff.jurisdiction_prefix
    if prefix is None:
        return Notice.objects.none()
    qs = (
        Notice.objects.filter(kind=NoticeKind.ANNOUNCEMENT, region__code__startswith=prefix)
        .select_related("region", "region__parent", "region__parent__parent", "published_by")
        .order_by("-published_at", "-pk")
    )
    if query.strip():
        qs = qs.filter(_keyword_q(query.strip()))
    return qs


def sms_list_for_notice(notice: Notice) -> QuerySet[SmsMessage]:
    """The SMS sent for one notification, oldest first."""
    return SmsMessage.objects.filter(notice=notice).order_by("created_at", "pk")

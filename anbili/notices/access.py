"""Access gates for notices: 404 for any notice the current employer or staff member may not see."""

from django.http import Http404, HttpRequest

from anbili.accounts.access import access_employer_for_employer_user, access_staff
from anbili.notices.models import Notice, NoticeKind
from anbili.notices.selectors import notice_list_for_employer


def access_notice_for_employer(request: HttpRequest, pk: int) -> Notice:
    """A notice visible to the unit the employer user acts for, with the user's read state."""
    employer = access_employer_for_employer_user(request)
    user = request.user if request.user.is_authenticated else None
    notice = notice_list_for_employer(employer, user=user).filter(pk=pk).first()  # type: ignore[arg-type]
    if notice is None:
        raise Http404
    return notice


def access_notice_for_staff(request: HttpRequest, pk: int) -> Notice:
    """An announcement of the staff member's region or a region under it."""
    staff = access_staff(request)
    notice = (
        Notice.objects.select_related("region", "published_by")
        .filter(pk=pk, kind=NoticeKind.ANNOUNCEMENT)
        .first()
    )
    if notice is None or not staff.oversees_code(notice.region_id):
        raise Http404
    return notice

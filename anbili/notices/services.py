"""Writes of notices: staff publish for their region, the system notifies one employer (in the portal and by
SMS), users mark what they have read, and the SMS log records each delivery."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from anbili.accounts.models import AccountKind, Membership, MembershipRole, StaffRole, User
from anbili.core.errors import ApplicationError
from anbili.core.masking import mask
from anbili.core.phone import phone_number
from anbili.employers.models import Employer
from anbili.notices.models import Notice, NoticeKind, NoticeRead, SmsMessage, SmsStatus
from anbili.notices.sms import SmsError, sms_backend
from anbili.regions.models import Region

logger = logging.getLogger(__name__)

# Supervisors and admins speak for their DPF; reviewers read (docs/notices.md).
PUBLISHING_ROLES = (StaffRole.SUPERVISOR, StaffRole.ADMIN, StaffRole.NATIONAL_ADMIN)
TITLE_MAX = 200
BODY_MAX = 20_000
SMS_TEXT_MAX = 500


def notice_can_publish(staff: User) -> bool:
    """Whether a staff member may publish, edit and withdraw notices."""
    return staff.kind == AccountKind.STAFF and staff.staff_role in PUBLISHING_ROLES


def _check_publisher(staff: User) -> None:
    if not notice_can_publish(staff):
        raise ApplicationError("只有业务主管和系统管理员可以发布通知公告", code="forbidden")


def _clean_text(*, title: str, body: str) -> tuple[str, str]:
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise ApplicationError("「标题」为必填项", field="title")
    if len(title) > TITLE_MAX:
        raise ApplicationError(f"「标题」不能超过{TITLE_MAX}个字", field="title")
    if not body:
        raise ApplicationError("「内容」为必填项", field="body")
    if len(body) > BODY_MAX:
        raise ApplicationError(f"「内容」不能超过{BODY_MAX}个字", field="body")
    return title, body


def _region_in_jurisdiction(staff: User, region_code: str) -> Region:
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None:
        raise ApplicationError("请选择「发布范围」", field="region_code")
    if not staff.oversees_code(region.code):
        raise ApplicationError("「发布范围」只能是本级或下级区划", field="region_code")
    return region


def _announcement_for_update(staff: User, notice_id: int) -> Notice:
    notice = Notice.objects.select_for_update().filter(pk=notice_id, kind=NoticeKind.ANNOUNCEMENT).first()
    if notice is None or not staff.oversees_code(notice.region_id):
        raise ApplicationError("通知公告不存在", code="not_found")
    return notice


def publisher_name(staff: User) -> str:
    """The 发布单位 a staff member speaks for: their region's DPF office ("呼和浩特市残联"), or 中国残联 for
    a national admin (the one staff role without a region)."""
    return f"{staff.region.name}残联" if staff.region is not None else "中国残联"


def notice_publish(*, staff: User, title: str, body: str, region_code: str) -> Notice:
    """Publish an announcement for a region within the staff member's jurisdiction (and all under it), in
    the name of the staff member's own DPF office (发布单位), whatever region it addresses."""
    _check_publisher(staff)
    title, body = _clean_text(title=title, body=body)
    with transaction.atomic():
        region = _region_in_jurisdiction(staff, region_code)
        notice = Notice.objects.create(
            kind=NoticeKind.ANNOUNCEMENT,
            title=title,
            body=body,
            region=region,
            published_by=staff,
            publisher_name=publisher_name(staff),
            published_at=timezone.now(),
        )
    logger.info("notice published: id=%s region=%s by=%s", notice.pk, region.code, staff.pk)
    return notice


def notice_update(*, staff: User, notice_id: int, title: str, body: str, region_code: str) -> Notice:
    """Correct an announcement's title, text or region; its read marks stay."""
    _check_publisher(staff)
    title, body = _clean_text(title=title, body=body)
    with transaction.atomic():
        notice = _announcement_for_update(staff, notice_id)
        notice.region = _region_in_jurisdiction(staff, region_code)
        notice.title, notice.body = title, body
        notice.save(update_fields=["title", "body", "region", "updated_at"])
    return notice


def notice_unpublish(*, staff: User, notice_id: int) -> Notice:
    """Withdraw an announcement: employers no longer see it."""
    _check_publisher(staff)
    with transaction.atomic():
        notice = _announcement_for_update(staff, notice_id)
        if not notice.is_published:
            raise ApplicationError("该通知公告已撤回", code="state")
        notice.is_published = False
        notice.save(update_fields=["is_published", "updated_at"])
    return notice


def notice_republish(*, staff: User, notice_id: int) -> Notice:
    """Publish a withdrawn announcement again, dated now so that it shows at the top."""
    _check_publisher(staff)
    with transaction.atomic():
        notice = _announcement_for_update(staff, notice_id)
        if notice.is_published:
            raise ApplicationError("该通知公告已发布", code="state")
        notice.is_published = True
        notice.published_at = timezone.now()
        notice.save(update_fields=["is_published", "published_at", "updated_at"])
    return notice


def notice_mark_read(*, user: User, employer: Employer, notice: Notice) -> NoticeRead:
    """Record that `user`, acting for `employer`, opened `notice`; opening it again changes nothing. The
    mark is the unit's: the same legal person acting for another unit still sees the notice unread there."""
    try:
        with transaction.atomic():
            read, _ = NoticeRead.objects.get_or_create(notice=notice, user=user, employer=employer)
    except IntegrityError:
        # Two tabs opening the notice at once: the other request wrote the mark.
        read = NoticeRead.objects.get(notice=notice, user=user, employer=employer)
    return read


def _normalise_mobile(phone: str | None) -> str | None:
    # The one phone check (core.phone): a mobile, read as every other path reads it.
    return phone_number(phone, mobile_only=True)


def notification_recipients(employer: Employer) -> list[str]:
    """Mobile numbers of the employer's legal person and currently valid agents, each once.

    Landlines cannot receive SMS and are left out. The unit's own 法人电话 / 经办人电话 (unit information)
    count too when present: seed 001 asks employers to give a mobile number there for the SMS platform.
    """
    today = timezone.localdate()
    memberships = Membership.objects.filter(employer=employer, user__is_active=True).select_related("user")
    candidates: list[str | None] = []
    # "legal_person" sorts after "agent": descending puts the legal person first.
    for membership in memberships.order_by("-role", "pk"):
        if membership.role == MembershipRole.LEGAL_PERSON or membership.is_valid_on(today):
            candidates.append(membership.user.phone)
    candidates.append(getattr(employer, "legal_person_phone", None))
    profiles: Any = getattr(employer, "year_profiles", None)
    if profiles is not None:
        latest = profiles.order_by("-business_year").first()
        candidates.append(getattr(latest, "agent_phone", None))
    phones: list[str] = []
    for candidate in candidates:
        phone = _normalise_mobile(candidate)
        if phone and phone not in phones:
            phones.append(phone)
    return phones


def sms_send(*, phone: str, text: str, notice: Notice | None = None) -> SmsMessage:
    """Queue one SMS: a log row now, delivery by a task once the surrounding transaction commits."""
    from anbili.notices.tasks import sms_deliver_task

    number = _normalise_mobile(phone)
    if number is None:
        raise ApplicationError("「手机号」格式不正确", field="phone")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("「短信内容」为必填项", field="sms_text")
    if len(text) > SMS_TEXT_MAX:
        raise ApplicationError(f"「短信内容」不能超过{SMS_TEXT_MAX}个字", field="sms_text")
    message = SmsMessage.objects.create(phone=number, text=text, notice=notice)
    transaction.on_commit(lambda: _enqueue_delivery(sms_deliver_task, message.pk))
    return message


def _enqueue_delivery(task: Any, message_id: int, *, max_attempts: int | None = None) -> None:
    # A failure to queue must not break the user's action, which has already committed; the row stays
    # "pending" and `sms_retry_pending` picks it up.
    try:
        if max_attempts is None:
            task.enqueue(message_id=message_id)
        else:
            task.enqueue(message_id=message_id, max_attempts=max_attempts)
    except Exception:
        logger.exception("SMS delivery could not be queued: message=%s", message_id)


def notification_send(*, employer: Employer, title: str, body: str, sms_text: str | None = None) -> Notice:
    """Notify one employer in the portal and, with `sms_text`, by SMS to its legal person and valid agents."""
    title, body = _clean_text(title=title, body=body)
    with transaction.atomic():
        notice = Notice.objects.create(
            kind=NoticeKind.NOTIFICATION,
            title=title,
            body=body,
            employer=employer,
            published_at=timezone.now(),
        )
        if sms_text:
            for phone in notification_recipients(employer):
                sms_send(phone=phone, text=sms_text, notice=notice)
    return notice


SMS_MAX_ATTEMPTS = 5


def _claimable(max_attempts: int) -> Q:
    """Rows a sender may claim: pending, failed with attempts left, or left "sending" by a crashed sender."""
    stale = timezone.now() - timedelta(seconds=settings.SMS_CLAIM_TIMEOUT)
    return (
        Q(status=SmsStatus.PENDING)
        | Q(status=SmsStatus.FAILED, attempts__lt=max_attempts)
        | Q(status=SmsStatus.SENDING, claimed_at__lt=stale)
    )


def _sms_claim(message_id: int, *, max_attempts: int) -> uuid.UUID | None:
    """Claim one message for sending with a single conditional UPDATE (committed at once, outside any
    transaction of the caller's); the token when this sender won, None when another sender holds or finished
    it. Two senders' UPDATEs of the same row are serialised by its row lock, and the second one re-checks the
    condition on the row the first one wrote, so it matches nothing."""
    token = uuid.uuid4()
    claimed = SmsMessage.objects.filter(_claimable(max_attempts), pk=message_id).update(
        status=SmsStatus.SENDING, claimed_at=timezone.now(), claim_token=token, attempts=F("attempts") + 1
    )
    return token if claimed == 1 else None


def _sms_finish(
    message_id: int,
    token: uuid.UUID,
    *,
    status: str,
    provider_id: str = "",
    error: str = "",
    backend: str = "",
) -> bool:
    """Record the gateway's answer, only while the claim is still ours; False when another sender took the
    message over after our claim timed out (its attempt is the one on record)."""
    fields: dict[str, Any] = {"status": status, "last_error": error[:500], "claim_token": None}
    if backend:
        fields["backend"] = backend[:100]
    if status == SmsStatus.SENT:
        fields.update(provider_id=provider_id[:100], sent_at=timezone.now())
    return SmsMessage.objects.filter(pk=message_id, claim_token=token).update(**fields) == 1


def sms_deliver(*, message_id: int, max_attempts: int = SMS_MAX_ATTEMPTS) -> SmsMessage | None:
    """Hand one queued SMS to the gateway and record the answer; never raises for a gateway failure.

    The message is sent only by the sender that claims its row (`_sms_claim`): the on-commit task, the retry
    sweep's task or a second worker reaching the same message find it claimed or sent and send nothing.
    """
    token = _sms_claim(message_id, max_attempts=max_attempts)
    if token is None:
        return SmsMessage.objects.filter(pk=message_id).first()
    message = SmsMessage.objects.get(pk=message_id)
    backend = sms_backend()
    backend_name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    try:
        provider_id = backend.send(phone=message.phone, text=message.text, reference=str(message.pk))
    except SmsError as exc:
        logger.error("SMS to %s failed (message=%s): %s", mask(message.phone), message.pk, exc)
        finished = _sms_finish(
            message_id, token, status=SmsStatus.FAILED, error=str(exc), backend=backend_name
        )
    except Exception as exc:  # a broken backend is recorded like a refusing gateway
        logger.exception("SMS backend error for message=%s", message.pk)
        finished = _sms_finish(
            message_id, token, status=SmsStatus.FAILED, error=exc.__class__.__name__, backend=backend_name
        )
    else:
        finished = _sms_finish(
            message_id, token, status=SmsStatus.SENT, provider_id=provider_id, backend=backend_name
        )
    if not finished:
        logger.warning(
            "SMS message=%s was taken over by another sender; this attempt is not recorded", message_id
        )
    message.refresh_from_db()
    return message


def sms_retry_pending(*, max_attempts: int = SMS_MAX_ATTEMPTS) -> int:
    """Queue again every SMS that is pending, failed with attempts left, or stuck "sending" past the claim
    timeout; returns how many. A queued message already being delivered is not sent twice (`sms_deliver`)."""
    from anbili.notices.tasks import sms_deliver_task

    ids = list(SmsMessage.objects.filter(_claimable(max_attempts)).values_list("pk", flat=True))
    for message_id in ids:
        _enqueue_delivery(sms_deliver_task, message_id, max_attempts=max_attempts)
    return len(ids)

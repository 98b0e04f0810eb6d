"""Notices (通知公告) published by DPF staff for a region, notifications addressed to one employer, the
read marks (per user and unit), and the log of every SMS sent through the gateway."""

from django.conf import settings
from django.db import models

from anbili.core.masking import mask


class NoticeKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", "通知公告"
    NOTIFICATION = "notification", "系统通知"


class Notice(models.Model):
    """An announcement for a region and everything under it, or a notification for one employer."""

    kind = models.CharField("类型", max_length=16, choices=NoticeKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    # Announcements: the region whose employers (and those of every region under it) see the notice.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="发布范围",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Notifications: the one employer it is addressed to.
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name="接收单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    is_published = models.BooleanField("已发布", default=True)
    published_at = models.DateTimeField("发布时间", db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The DPF office that published it, as it was named then ("呼和浩特市残联"; "中国残联" for a national
    # admin): the 发布单位 column. Not the audience (`region`): a province may publish for one county.
    publisher_name = models.CharField("发布单位", max_length=100, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="announcement", region__isnull=False, employer__isnull=True)
                    | models.Q(kind="notification", employer__isnull=False, region__isnull=True)
                ),
                name="notice_addressed_by_kind",
            )
        ]
        indexes = [
            models.Index(fields=["region", "is_published", "-published_at"], name="notice_region_published"),
            models.Index(fields=["employer", "-published_at"], name="notice_employer_published"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def publisher_label(self) -> str:
        """Who the notice comes from (发布单位), as the list shows it: the publishing DPF office."""
        if self.kind == NoticeKind.NOTIFICATION:
            return "系统"
        return self.publisher_name or "残联"


class NoticeRead(models.Model):
    """That one user has opened one notice acting for one unit. Read marks are per user and per unit: each
    clerk has their own, and a legal person holding two units reads each unit's notices for that unit."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(
        "employers.Employer", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField("阅读时间", auto_now_add=True)

    class Meta:
        verbose_name = "阅读记录"
        verbose_name_plural = "阅读记录"
        constraints = [
            models.UniqueConstraint(fields=["notice", "user", "employer"], name="notice_read_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} 已读 {self.notice_id}（单位 {self.employer_id}）"


class SmsStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    # A sender has claimed the row and is talking to the gateway; nobody else may send it (docs/notices.md).
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class SmsMessage(models.Model):
    """One SMS to one phone: the record of what the gateway was asked and what it answered."""

    phone = models.CharField("手机号", max_length=20)
    text = models.CharField("短信内容", max_length=500)
    notice = models.ForeignKey(
        Notice, verbose_name="关联通知", null=True, blank=True, on_delete=models.SET_NULL, related_name="sms"
    )
    status = models.CharField("状态", max_length=16, choices=SmsStatus.choices, default=SmsStatus.PENDING)
    backend = models.CharField("发送通道", max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    provider_id = models.CharField("网关消息编号", max_length=100, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    # The latest claim: when it was taken (a crashed sender's claim expires after SMS_CLAIM_TIMEOUT) and the
    # token only that sender knows, so a sender whose claim was taken over cannot record its late answer.
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    claim_token = models.UUIDField("领取凭据", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "短信记录"
        verbose_name_plural = "短信记录"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="sms_status_created")]

    def __str__(self) -> str:
        return f"{self.masked_phone} {self.get_status_display()}"

    @property
    def masked_phone(self) -> str:
        return mask(self.phone)

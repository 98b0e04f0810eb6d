"""The review's data (安置登记审核, seed 004): the canned reasons admins edit, one row per reviewer decision,
and the risk signals computed for the queue.

Kept apart from models.py (the placement's own state) and imported there, so that Django finds them. A
decision's status change goes through services/workflow.py like every other; these rows record what the
reviewer said (which months 有效/无效 and why, what 退回补正 asks for) so that it stays visible after the
employer fixes the placement and it comes back. See docs/review.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReviewReasonKind(models.TextChoices):
    """Where a canned reason is offered."""

    MONTH = "month", "月份认定无效"
    SEND_BACK = "send_back", "退回补正"
    DOCUMENT = "document", "材料审核不通过"


class ReviewReason(models.Model):
    """A canned reason (常用审核意见) a reviewer picks instead of typing: national rows have no region, a
    province's admin adds its own. Free text is always possible beside them."""

    kind = models.CharField("用途", max_length=16, choices=ReviewReasonKind.choices)
    text = models.CharField("审核意见", max_length=100)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="适用地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="为空表示全国通用",
    )
    ordering = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "常用审核意见"
        verbose_name_plural = "常用审核意见"
        ordering = ["kind", "ordering", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "text", "region"], name="review_reason_once"),
        ]

    def __str__(self) -> str:
        return self.text


class ReviewKind(models.TextChoices):
    """What a review row decided."""

    MONTHS = "months", "安置月份认定"
    SEND_BACK = "send_back", "退回补正"
    CERTIFICATE = "certificate", "补充残疾证审核"
    AGREEMENT = "agreement", "劳务派遣协议审核"


class ReviewOutcome(models.TextChoices):
    APPROVED = "approved", "审核通过"
    PARTLY_REJECTED = "partly_rejected", "部分审核不通过"
    REJECTED = "rejected", "审核不通过"
    SENT_BACK = "sent_back", "退回补正"


class DocumentReview(models.TextChoices):
    """The review state of one document decided on its own (a dispatch agreement)."""

    PENDING = "pending", "待审核"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "审核不通过"


class PlacementReview(models.Model):
    """One decision of a DPF reviewer on a placement: who, when, what, and the reasons.

    `months` holds the month table's 认定结果 ({"202301": {"valid": true, "reason": "…"}}); `items` the list
    that 退回补正 asks the employer to fix, or a document's reasons. Rows are only added: the earlier
    decisions stay visible when a placement comes back."""

    placement = models.ForeignKey(
        "placements.Placement", verbose_name="安置登记", on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField("审核事项", max_length=16, choices=ReviewKind.choices)
    outcome = models.CharField("审核结果", max_length=16, choices=ReviewOutcome.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人员",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("审核时间", auto_now_add=True)
    months = models.JSONField("月份认定", default=dict, blank=True)
    items = models.JSONField("审核意见", default=list, blank=True)
    note = models.TextField("补充说明", blank=True)
    certificate = models.ForeignKey(
        "placements.PlacementCertificate",
        verbose_name="补充残疾证",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )
    contract = models.ForeignKey(
        "placements.PlacementContract",
        verbose_name="劳务派遣合同",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )

    class Meta:
        verbose_name = "安置登记审核记录"
        verbose_name_plural = "安置登记审核记录"
        ordering = ["placement", "at", "pk"]
        indexes = [models.Index(fields=["reviewer", "at"], name="placement_review_by_reviewer")]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.get_kind_display()} {self.get_outcome_display()}"


class PlacementSignal(models.Model):
    """One risk signal (风险提示) that applies to a placement, from anbili.rules.signals: reviewers filter and
    sort by them; they never decide anything. Recomputed when the placement is submitted or re-verified."""

    placement = models.ForeignKey(
        "placements.Placement", verbose_name="安置登记", on_delete=models.CASCADE, related_name="signals"
    )
    code = models.CharField("风险类型", max_length=32)
    detail = models.CharField("说明", max_length=200)

    class Meta:
        verbose_name = "风险提示"
        verbose_name_plural = "风险提示"
        ordering = ["placement", "code"]
        constraints = [models.UniqueConstraint(fields=["placement", "code"], name="placement_signal_once")]
        indexes = [models.Index(fields=["code", "placement"], name="placement_signal_code")]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.code}"

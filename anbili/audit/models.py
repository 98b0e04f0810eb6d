"""The audit log (审计日志): an append-only record of who did what to which object, when and from where.

It answers the questions a data-protection officer or an inspector asks: who saw this person's full ID
number, who downloaded these documents, who looked this person up, who changed this policy row. Rows are
never changed or deleted through the application (the model and its queryset refuse), and on PostgreSQL a
trigger refuses UPDATE and DELETE from any client (migration 0001). Field-level changes to policy, employer
and placement data are kept by django-auditlog beside it (docs/decisions/0006-audit-log.md).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    PERSON_FULL_VIEW = "person_full_view", "查看完整证件号码"
    DOCUMENT_VIEW = "document_view", "查看证件材料"
    EVIDENCE_DOWNLOAD = "evidence_download", "下载附件"
    PERSON_LOOKUP = "person_lookup", "查询残疾人信息"
    EXPORT = "export", "导出数据"
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出登录"
    ADMIN_ADD = "admin_add", "后台新增"
    ADMIN_CHANGE = "admin_change", "后台修改"
    ADMIN_DELETE = "admin_delete", "后台删除"
    PARTNER_TOKEN = "partner_token", "合作方令牌变更"
    PLACEMENT_REVIEW = "placement_review", "安置登记审核"


# The detail's keys and coded values as the 审计日志 page shows them: the row keeps stable English codes (for
# searches and exports), the reader gets Chinese.
DETAIL_LABELS = {
    "account": "账号",
    "front": "入口",
    "reason": "原因",
    "message": "说明",
    "admin": "数据表",
    "event": "事件",
    "expires_at": "有效期至",
    "purpose": "材料类型",
    "sha256": "文件摘要",
    "fields": "字段",
    "page": "页面",
    "via": "查询依据",
    "employer_id": "单位编号",
    "placement_id": "安置登记编号",
    "partner_id": "合作方编号",
    "partner": "合作方",
    "token_id": "令牌编号",
    "review": "审核事项",
    "outcome": "审核结果",
    "valid_months": "有效月份",
    "invalid_months": "无效月份",
    "items": "补正事项",
}
DETAIL_VALUES = {
    "portal": "网报系统",
    "backoffice": "申办系统",
    "admin": "后台管理",
    "oidc": "统一身份认证",
    "other": "其他",
    "issued": "签发",
    "revoked": "吊销",
    "registration": "本单位安置登记",
    "staff": "残联工作人员（辖区）",
    # 审核事项 and 审核结果 of a placement review (placements.models_review ReviewKind, ReviewOutcome)
    "months": "安置月份认定",
    "send_back": "退回补正",
    "certificate": "补充残疾证审核",
    "agreement": "劳务派遣协议审核",
    "approved": "审核通过",
    "partly_rejected": "部分审核不通过",
    "rejected": "审核不通过",
    "sent_back": "退回补正",
}


class AppendOnly(Exception):
    """Raised on any attempt to change or delete an audit row through the application."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("审计日志只能追加，不能删除")

    def within(self, prefix: str) -> AuditEntryQuerySet:
        """Rows of a jurisdiction: `prefix` is a region's code prefix ("" for the whole country)."""
        return self.filter(region_code__startswith=prefix) if prefix else self


class AuditEntry(models.Model):
    """One audited event. Text fields hold masked values only (ID and certificate numbers 6 + 4)."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # No database foreign key: a row must outlive the account it names, and SET_NULL would be an UPDATE.
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    # The region the event belongs to (the object's, else the actor's), so that an admin searches only
    # their own jurisdiction; "" is national (a partner token's province is its region).
    region_code = models.CharField("所属区划", max_length=6, blank=True, db_index=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)  # Beijing time (TIME_ZONE), as every page shows it
        return f"{at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("审计日志只能追加，不能删除")

    @property
    def detail_items(self) -> list[tuple[str, str]]:
        """The detail as (Chinese label, shown value) pairs; an unknown key or value is shown as stored."""
        return [
            (DETAIL_LABELS.get(key, key), DETAIL_VALUES.get(str(value), str(value)))
            for key, value in (self.detail or {}).items()
        ]

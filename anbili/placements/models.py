"""Placements (安置登记): one disabled person declared by one employer for one business year, its contracts,
its twelve verified months, the evidence for failed checks, the exclusive person-month claims and the
workflow events.

The workflow lives in services/workflow.py (the named transitions, one transition service); the models hold
state only. Events are append-only.
See docs/placements.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from anbili.core.masking import mask
from anbili.rules.checks import AWAITS_REVIEW, CheckCode


class PlacementStatus(models.TextChoices):
    """审核状态 of a placement (domain.md "Placement status")."""

    DRAFT = "draft", "资料待完善"
    PENDING = "pending", "待审核"
    CONFIRMED = "confirmed", "已审核确认"
    PARTLY_REJECTED = "partly_rejected", "部分审核不通过"
    REJECTED = "rejected", "审核不通过"


class ConfirmedBy(models.TextChoices):
    """Who confirmed a placement: the system (every selected month auto-passed) or a DPF reviewer."""

    SYSTEM = "system", "审核通过(系统)"
    REVIEWER = "reviewer", "审核通过(人工)"


class PlacementStep(models.TextChoices):
    """The wizard step a draft has reached, so it resumes where it stopped (资料待完善)."""

    PERSON = "person", "基本信息"
    CONTRACTS = "contracts", "合同管理"
    CERTIFICATES = "certificates", "残疾证管理"
    VERIFY = "verify", "人员信息校验"
    SELECT = "select", "勾选安置月份"
    DONE = "done", "已提交"


class HouseholdType(models.TextChoices):
    """户籍地类型 (seed 004)."""

    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"


class Education(models.TextChoices):
    """文化程度."""

    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR_HIGH = "junior_high", "初中"
    PRIMARY = "primary", "小学"
    NONE = "none", "文盲或半文盲"


class Degree(models.TextChoices):
    """学历 of a college graduate (学历信息管理)."""

    DOCTOR = "doctor", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"


class Placement(models.Model):
    """One disabled person declared by one employer for one business year (安置登记)."""

    # No index of its own: placement_employer_year and placement_once_per_person_year start with it, and
    # every insert would maintain a third one.
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name="用人单位",
        on_delete=models.PROTECT,
        related_name="placements",
        db_index=False,
    )
    business_year = models.PositiveSmallIntegerField("业务年度")
    id_number = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=50, blank=True)
    # Derived from the ID number, never typed (rules.md §5).
    sex = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    household_type = models.CharField("户籍地类型", max_length=16, choices=HouseholdType.choices, blank=True)
    household_region = models.ForeignKey(
        "regions.Region",
        verbose_name="户籍地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household_address = models.CharField("户籍地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    education = models.CharField("文化程度", max_length=32, choices=Education.choices, blank=True)
    guardian_name = models.CharField("监护人姓名", max_length=50, blank=True)
    guardian_phone = models.CharField("监护人电话", max_length=30, blank=True)
    is_graduate = models.BooleanField("是否高校毕业生", null=True, blank=True)
    school = models.CharField("毕业院校", max_length=100, blank=True)
    degree = models.CharField("学历", max_length=16, choices=Degree.choices, blank=True)
    graduation_date = models.DateField("毕业时间", null=True, blank=True)
    diploma = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name="学历学位证明",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    in_registry = models.BooleanField("残疾人人口基础库有记录", default=False)
    # None: the province's default female base retirement age (rules.md §1).
    female_base_age = models.PositiveSmallIntegerField("女性退休基准年龄", null=True, blank=True)
    step = models.CharField(
        "填报进度", max_length=16, choices=PlacementStep.choices, default=PlacementStep.PERSON
    )
    status = models.CharField(
        "审核状态", max_length=16, choices=PlacementStatus.choices, default=PlacementStatus.DRAFT
    )
    confirmed_by = models.CharField("审核确认方式", max_length=16, choices=ConfirmedBy.choices, blank=True)
    registered_at = models.DateTimeField("单位申报时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("审核确认时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # The last verification: 重新核验 refreshes it.
    verified_at = models.DateTimeField("最近核验时间", null=True, blank=True)
    # Fingerprint of the twelve months' stored verdicts (verification.verdicts_digest): batch re-verification
    # writes the months only when it changes. Whoever edits a month's verdict otherwise sets it to None.
    verdicts_digest = models.BigIntegerField("核验结果摘要", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "安置登记"
        verbose_name_plural = "安置登记"
        ordering = ["employer", "-business_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "business_year", "id_number"], name="placement_once_per_person_year"
            )
        ]
        indexes = [
            models.Index(fields=["employer", "business_year", "status"], name="placement_employer_year"),
            models.Index(fields=["id_number", "business_year"], name="placement_person_year"),
            # The review queue (安置登记审核): the items waiting, oldest first, and counted by unit
            # (index-only scans; selectors_queue.py).
            models.Index(
                fields=["registered_at", "id"],
                condition=models.Q(status="pending"),
                name="placement_pending_queue",
            ),
            models.Index(
                fields=["employer", "id"],
                condition=models.Q(status="pending"),
                name="placement_pending_employer",
            ),
        ]

    def __str__(self) -> str:
        # Masked: this text reaches the admin, the audit log's object names and log lines.
        return f"{self.name or mask(self.id_number)}（{self.business_year}年）"


class ContractRelation(models.TextChoices):
    """关联单位关系 (seed 003): all payers are the employer, or some are related units."""

    OWN = "own", "本单位"
    RELATED = "related", "其他关联关系"


class ContractType(models.TextChoices):
    """合同类型: a labour contract of ≥ 1 year, open-ended, a dispatch labour contract, or 编制 proof."""

    LABOUR = "labour", "劳动合同"
    OPEN_ENDED = "open_ended", "无固定期限劳动合同"
    DISPATCH = "dispatch", "劳务派遣劳动合同"
    STAFFING = "staffing", "编制（在编证明）"


class PlacementContract(models.Model):
    """A contract (合同管理) of a placement: its term and the units paying wage, pension and medical."""

    placement = models.ForeignKey(
        Placement, verbose_name="安置登记", on_delete=models.CASCADE, related_name="contracts"
    )
    is_dispatch = models.BooleanField("是否为劳务派遣", default=False)
    relation = models.CharField(
        "关联单位关系", max_length=16, choices=ContractRelation.choices, default=ContractRelation.OWN
    )
    contract_type = models.CharField("合同类型", max_length=16, choices=ContractType.choices)
    start = models.DateField("合同开始日期")
    end = models.DateField("合同结束日期", null=True, blank=True, help_text="无固定期限或编制为空")
    post = models.CharField("岗位工种", max_length=100)
    monthly_wage = models.DecimalField("合同月薪", max_digits=12, decimal_places=2)
    dispatch_company_uscc = models.CharField("劳务派遣单位", max_length=18, blank=True)
    wage_payer_uscc = models.CharField("工资发放单位", max_length=18)
    pension_payer_uscc = models.CharField("社保参保单位", max_length=18)
    medical_payer_uscc = models.CharField("医保参保单位", max_length=18)
    # Required on every interactive path; empty only for a 批量登记 row whose file was missing or refused
    # (docs/placements.md "Bulk"): a draft at 合同管理, which says 合同附件待上传. Such a contract never
    # counts: placement_months_save refuses to confirm or submit the placement until the file is there.
    contract_file = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name="合同附件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatch_agreement_file = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name="劳务派遣协议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The reviewer's decision on the dispatch agreement, made on its own (劳务派遣审核要求, seed 004): blank
    # for a contract that is not a dispatch one. A new agreement file makes it pending again.
    agreement_review = models.CharField("劳务派遣协议审核", max_length=16, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "安置合同"
        verbose_name_plural = "安置合同"
        ordering = ["placement", "start", "pk"]
        # The review queue's 劳务派遣协议 kind (selectors_queue.py).
        indexes = [
            models.Index(
                fields=["placement"],
                condition=models.Q(agreement_review="pending"),
                name="contract_agreement_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_contract_type_display()} {self.start}～{self.end or '长期'}"


class MonthOutcomeChoice(models.TextChoices):
    """Where one month of a placement stands."""

    NOT_SELECTED = "not_selected", "未勾选"
    AUTO_CONFIRMED = "auto_confirmed", "系统核验通过"
    PENDING_REVIEW = "pending_review", "待审核"
    CONFIRMED = "confirmed", "审核通过"
    REJECTED = "rejected", "审核不通过"


class PlacementMonth(models.Model):
    """One month of the business year of a placement: the seven checks' verdicts and its selection."""

    # No index of its own: placement_month_once starts with it.
    placement = models.ForeignKey(
        Placement, verbose_name="安置登记", on_delete=models.CASCADE, related_name="months", db_index=False
    )
    month = models.PositiveIntegerField("年月", help_text="YYYYMM")
    selected = models.BooleanField("已勾选", default=False)
    auto_passed = models.BooleanField("系统核验通过", default=False)
    # {check code: {"passed", "sources": [{"source", "batch_id", "received_at"[, "payer_uscc" | "number"]}]
    # [, "reason_code", "message" when failed]}}
    checks = models.JSONField("核验结果", default=dict)
    weight = models.PositiveSmallIntegerField("核定系数", default=1)
    certificate_type = models.CharField("残疾证类型", max_length=8, blank=True)
    certificate_level = models.PositiveSmallIntegerField("残疾证等级", null=True, blank=True)
    outcome = models.CharField(
        "月份结果", max_length=16, choices=MonthOutcomeChoice.choices, default=MonthOutcomeChoice.NOT_SELECTED
    )
    # Set when re-verification on new registry data fails a month that was already confirmed (auto or by
    # review): the month is not silently dropped; the employer and the reviewer see the flag until the
    # month is decided again. Cleared when the month is selected or decided anew.
    regressed_at = models.DateTimeField("确认后核验不通过时间", null=True, blank=True)

    class Meta:
        verbose_name = "安置月份"
        verbose_name_plural = "安置月份"
        ordering = ["placement", "month"]
        constraints = [models.UniqueConstraint(fields=["placement", "month"], name="placement_month_once")]
        # The review queue's kinds read the months waiting for review only (selectors_queue.py).
        indexes = [
            models.Index(
                fields=["placement", "id"],
                condition=models.Q(outcome="pending_review"),
                name="placement_month_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.month}"

    @property
    def failed_checks(self) -> list[str]:
        """The codes of the failed checks, in column order (jsonb keeps its keys in its own order)."""
        checks = self.checks
        return [
            code.value for code in CheckCode if code.value in checks and not checks[code.value].get("passed")
        ]

    @property
    def evidence_checks(self) -> list[str]:
        """The failed checks that need an evidence file when the month is selected: not those waiting for the
        DPF's review of a document already given (an added certificate, a dispatch agreement)."""
        checks = self.checks
        return [code for code in self.failed_checks if checks[code].get("reason_code") not in AWAITS_REVIEW]


class PersonMonthClaim(models.Model):
    """The database guard for exclusive months: one row per person-month auto-confirmed, pending review or
    confirmed for a placement; the unique (id_number, month) refuses a second employer (rules.md §1)."""

    id_number = models.CharField("身份证号", max_length=18)
    month = models.PositiveIntegerField("年月", help_text="YYYYMM")
    placement = models.ForeignKey(
        Placement, verbose_name="安置登记", on_delete=models.CASCADE, related_name="claims"
    )
    claimed_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "安置月份占用"
        verbose_name_plural = "安置月份占用"
        ordering = ["id_number", "month"]
        constraints = [
            models.UniqueConstraint(fields=["id_number", "month"], name="person_month_claimed_once")
        ]

    def __str__(self) -> str:
        return f"{mask(self.id_number)} {self.month}"


class MonthEvidence(models.Model):
    """An evidence file uploaded for one failed check of one selected month."""

    placement_month = models.ForeignKey(
        PlacementMonth, verbose_name="安置月份", on_delete=models.CASCADE, related_name="evidence"
    )
    check_code = models.CharField("核验项", max_length=16)
    evidence = models.ForeignKey(
        "evidence.EvidenceFile", verbose_name="附件", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "月份证明材料"
        verbose_name_plural = "月份证明材料"
        ordering = ["placement_month", "check_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement_month", "check_code"], name="month_evidence_once_per_check"
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement_month} {self.check_code}"


class PlacementCertificate(models.Model):
    """A historical certificate the employer added to a placement (links the registry row to its image)."""

    placement = models.ForeignKey(
        Placement, verbose_name="安置登记", on_delete=models.CASCADE, related_name="added_certificates"
    )
    certificate = models.ForeignKey(
        "registry.Certificate", verbose_name="残疾证", on_delete=models.CASCADE, related_name="+"
    )
    image = models.ForeignKey(
        "evidence.EvidenceFile", verbose_name="残疾证影像", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        verbose_name = "补充残疾证"
        verbose_name_plural = "补充残疾证"
        ordering = ["placement", "pk"]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.certificate_id}"


class EventsAppendOnly(Exception):
    """Raised on any attempt to change or delete a placement event through the application."""


class PlacementEventQuerySet(models.QuerySet["PlacementEvent"]):
    """Events are only ever added. Deleting a placement still nulls their link: Django's collector writes
    SET_NULL through the model's base manager (a plain queryset), not through this one."""

    def update(self, **kwargs: Any) -> int:
        raise EventsAppendOnly("安置登记状态变更记录只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise EventsAppendOnly("安置登记状态变更记录只能追加，不能删除")


class Channel(models.TextChoices):
    """How a step was done: by the employer online, or by DPF staff at the window (窗口申报 / 现场申报)."""

    ONLINE = "online", "网上申报"
    WINDOW = "window", "现场申报"


class PlacementEvent(models.Model):
    """One named transition of a placement: who, when, which transition, from, to and why.

    Events outlive their placement (deleting one writes a 删除 event): the link goes null, and the placement's
    id, employer, year and masked label stay on the row so that its history can still be found."""

    placement = models.ForeignKey(
        Placement,
        verbose_name="安置登记",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    placement_ref = models.PositiveBigIntegerField("安置登记编号", db_index=True)
    employer = models.ForeignKey(
        "employers.Employer", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    business_year = models.PositiveSmallIntegerField("业务年度")
    label = models.CharField("安置人员", max_length=80, blank=True, help_text="姓名或脱敏身份证号")
    transition = models.CharField("操作", max_length=32, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    from_status = models.CharField("原状态", max_length=16, choices=PlacementStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=PlacementStatus.choices, blank=True)
    reason = models.TextField("原因", blank=True)
    channel = models.CharField("办理渠道", max_length=8, choices=Channel.choices, default=Channel.ONLINE)

    objects = PlacementEventQuerySet.as_manager()

    class Meta:
        verbose_name = "安置登记状态变更"
        verbose_name_plural = "安置登记状态变更"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        change = f"{self.from_status or '—'} → {self.to_status or '—'}"
        return f"#{self.placement_ref} {self.transition or ''} {change}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise EventsAppendOnly("安置登记状态变更记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise EventsAppendOnly("安置登记状态变更记录只能追加，不能删除")


# The review's rows (models_review.py) belong to this app; importing them here lets Django find them and
# callers import every placement model from this module (a re-export, hence F401).
from anbili.placements.models_review import (  # noqa: E402, F401
    DocumentReview,
    PlacementReview,
    PlacementSignal,
    ReviewKind,
    ReviewOutcome,
    ReviewReason,
    ReviewReasonKind,
)

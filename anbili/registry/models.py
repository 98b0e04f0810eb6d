"""Mirrors of networked government data that verification reads, the partners that push it, and the import
batches that bring it in.

Every mirrored row says where it came from (`source`), in which batch and when it was received, so that a
verification result can cite the fact it used. Persons and monthly rows are keyed by ID number, not by a
foreign key: the registry, social insurance and payroll feeds arrive independently and in any order.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from anbili.rules.checks import CertificateSource


class PartnerKind(models.TextChoices):
    """The outside systems that exchange data with us; each pushes one family of data."""

    DISABILITY_REGISTRY = "disability_registry", "残疾人人口基础库"
    SOCIAL_INSURANCE = "social_insurance", "人社（职工养老保险）"
    MEDICAL_INSURANCE = "medical_insurance", "医保（职工医保）"
    # Monthly pay comes from the tax withholding records (个税扣缴) or an HR payroll feed, whichever the
    # province has networked; both arrive as the same wage rows.
    WAGE = "wage", "工资发放数据（个税扣缴或人社工资）"
    DISPATCH_FILING = "dispatch_filing", "劳务派遣备案（人社）"
    MARKET_REGISTRY = "market_registry", "市场监管（市场主体登记）"
    TAX = "tax", "税务"


class ImportKind(models.TextChoices):
    """What a batch carries; the `manage.py import_registry KIND` argument and the API path segment."""

    PERSON = "person", "残疾人基础信息"
    CERTIFICATE = "certificate", "残疾证"
    PENSION = "pension", "职工养老保险缴费"
    MEDICAL = "medical", "职工医保缴费"
    WAGE = "wage", "工资发放"
    DISPATCH_FILING = "dispatch_filing", "劳务派遣备案"
    MARKET_UNIT = "market_unit", "市场主体登记"


# Which data each partner may push (a partner pushes only its own kind of data).
PARTNER_IMPORT_KINDS: dict[str, frozenset[str]] = {
    PartnerKind.DISABILITY_REGISTRY: frozenset({ImportKind.PERSON, ImportKind.CERTIFICATE}),
    PartnerKind.SOCIAL_INSURANCE: frozenset({ImportKind.PENSION}),
    PartnerKind.MEDICAL_INSURANCE: frozenset({ImportKind.MEDICAL}),
    PartnerKind.WAGE: frozenset({ImportKind.WAGE}),
    PartnerKind.DISPATCH_FILING: frozenset({ImportKind.DISPATCH_FILING}),
    PartnerKind.MARKET_REGISTRY: frozenset({ImportKind.MARKET_UNIT}),
    PartnerKind.TAX: frozenset(),
}

# The data source a row records: the partner family that delivered it, or the employer for certificates
# it added by hand (those wait for DPF review).
SOURCE_EMPLOYER = "employer"
SOURCE_CHOICES = [*PartnerKind.choices, (SOURCE_EMPLOYER, "用人单位补充")]
IMPORT_SOURCE: dict[str, str] = {
    ImportKind.PERSON: PartnerKind.DISABILITY_REGISTRY,
    ImportKind.CERTIFICATE: PartnerKind.DISABILITY_REGISTRY,
    ImportKind.PENSION: PartnerKind.SOCIAL_INSURANCE,
    ImportKind.MEDICAL: PartnerKind.MEDICAL_INSURANCE,
    ImportKind.WAGE: PartnerKind.WAGE,
    ImportKind.DISPATCH_FILING: PartnerKind.DISPATCH_FILING,
    ImportKind.MARKET_UNIT: PartnerKind.MARKET_REGISTRY,
}


class Partner(models.Model):
    """An outside system allowed to push one kind of data for one province."""

    name = models.CharField("合作方名称", max_length=100)
    kind = models.CharField("合作方类型", max_length=32, choices=PartnerKind.choices)
    province = models.ForeignKey(
        "regions.Region",
        verbose_name="所属省份",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 1},
    )
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "数据交换合作方"
        verbose_name_plural = "数据交换合作方"
        ordering = ["province", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind", "province"], name="partner_name_kind_province")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    @property
    def province_prefix(self) -> str:
        """The two digits every region code of this partner's province starts with."""
        return self.province_id[:2]


PARTNER_TOKEN_DEFAULT_DAYS = 365


def partner_token_default_expiry() -> datetime:
    """A year from now: a token is never valid for ever, so a forgotten or leaked one runs out."""
    return timezone.now() + timedelta(days=PARTNER_TOKEN_DEFAULT_DAYS)


class PartnerToken(models.Model):
    """A bearer token of a partner; only its SHA-256 is stored, the token itself is shown once. It works
    while active, not revoked and before `expires_at` (`anbili.registry.services.partner_token_refusal`)."""

    partner = models.ForeignKey(
        Partner, verbose_name="合作方", on_delete=models.CASCADE, related_name="tokens"
    )
    token_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True)
    hint = models.CharField("令牌前缀", max_length=8, help_text="令牌的前几位，便于核对，不足以使用令牌")
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至", default=partner_token_default_expiry)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_reason = models.CharField("吊销原因", max_length=200, blank=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "合作方访问令牌"
        verbose_name_plural = "合作方访问令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.partner} {self.hint}…"


class BatchStatus(models.TextChoices):
    RECEIVED = "received", "已接收"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    REJECTED = "rejected", "已拒绝"
    FAILED = "failed", "处理失败"


class BatchChannel(models.TextChoices):
    API_ROWS = "api_rows", "接口推送（JSON）"
    API_FILE = "api_file", "接口上传文件"
    COMMAND = "command", "命令行导入"


class ImportBatch(models.Model):
    """One delivery of rows (a file or an API push) and its progress; its rows are applied atomically."""

    kind = models.CharField("数据类型", max_length=24, choices=ImportKind.choices)
    partner = models.ForeignKey(
        Partner,
        verbose_name="合作方",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
    )
    channel = models.CharField("接收方式", max_length=16, choices=BatchChannel.choices)
    # Rows of other provinces, and rows that would change a row stored for another province, are refused
    # row by row; empty for operator imports without `import_registry --province`.
    province_prefix = models.CharField("限定省份代码", max_length=2, blank=True)
    file_name = models.CharField("文件名", max_length=255, blank=True, help_text="仅供显示，不作为存储路径")
    payload = models.CharField("存储位置", max_length=255, blank=True)
    sha256 = models.CharField("文件摘要（SHA-256）", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    file_format = models.CharField("文件格式", max_length=8, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=BatchStatus.choices, default=BatchStatus.RECEIVED
    )
    message = models.TextField("批次说明", blank=True, help_text="整批拒绝或处理失败的原因")
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_failed = models.PositiveIntegerField("失败行数", default=0)
    rows_created = models.PositiveIntegerField("新增行数", default=0)
    rows_updated = models.PositiveIntegerField("更新行数", default=0)
    rows_unchanged = models.PositiveIntegerField("未变化行数", default=0)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    started_at = models.DateTimeField("开始处理时间", null=True, blank=True)
    finished_at = models.DateTimeField("处理完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["partner", "-received_at"], name="registry_batch_partner")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}（{self.get_status_display()}）"

    @property
    def rows_applied(self) -> int:
        """Valid rows of a finished batch: created + updated + unchanged."""
        return self.rows_created + self.rows_updated + self.rows_unchanged


class ImportBatchEvent(models.Model):
    """One status transition of a batch (who moved it is always the importer; `note` says why)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("原状态", max_length=16, choices=BatchStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=BatchStatus.choices)
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "导入批次状态变更"
        verbose_name_plural = "导入批次状态变更"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"#{self.batch_id} {self.from_status or '—'} → {self.to_status}"


class ImportRowError(models.Model):
    """One refused row of a batch: row number as the partner counts it, the column and a Chinese reason."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField("行号")
    column = models.CharField("列", max_length=50, blank=True)
    message = models.TextField("原因")

    class Meta:
        verbose_name = "导入失败行"
        verbose_name_plural = "导入失败行"
        ordering = ["batch", "row_number", "pk"]

    def __str__(self) -> str:
        return f"#{self.batch_id} 第{self.row_number}行：{self.message}"


class Provenance(models.Model):
    """Where and when a mirrored fact came from."""

    source = models.CharField("数据来源", max_length=24, choices=SOURCE_CHOICES)
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name="导入批次",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    received_at = models.DateTimeField("接收时间")

    class Meta:
        abstract = True


class Sex(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class RegistryPerson(Provenance):
    """A person of the disability registry (残疾人人口基础库); sex and birth date come from the ID number."""

    id_number = models.CharField("身份证号", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    household_region = models.CharField("户籍地行政区划代码", max_length=6)

    # Set by selectors.registry_person_lookup: the certificate in force (or the latest one) and the history.
    current_certificate: Certificate | None = None

    class Meta:
        verbose_name = "残疾人基础信息"
        verbose_name_plural = "残疾人基础信息"
        ordering = ["id_number"]

    def __str__(self) -> str:
        return self.name


class CertificateType(models.TextChoices):
    # Values are the rules' CertificateKind words, so a row maps to a CertificateFact without a table.
    DISABLED_PERSON = "残疾人证", "残疾人证"
    DISABLED_SERVICEMAN = "残疾军人证", "残疾军人证"


class CertificateStatus(models.TextChoices):
    VALID = "valid", "正常"
    REPLACED = "replaced", "已换领"
    REVOKED = "revoked", "已注销"


class CertificateOrigin(models.TextChoices):
    REGISTRY = CertificateSource.REGISTRY.value, "残疾人人口基础库"
    MANUAL_PENDING = CertificateSource.MANUAL_PENDING.value, "单位补充（待审核）"
    MANUAL_APPROVED = CertificateSource.MANUAL_APPROVED.value, "单位补充（审核通过）"
    MANUAL_REJECTED = CertificateSource.MANUAL_REJECTED.value, "单位补充（审核不通过）"


class Certificate(Provenance):
    """One certificate of a person; renewals and reissues are further rows, so the history is kept."""

    number = models.CharField("残疾证号", max_length=32)
    id_number = models.CharField("身份证号", max_length=18, db_index=True)
    kind = models.CharField("证件类型", max_length=8, choices=CertificateType.choices)
    category = models.PositiveSmallIntegerField("残疾类别", null=True, blank=True)
    level = models.PositiveSmallIntegerField("残疾等级")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止", null=True, blank=True, help_text="空表示长期有效")
    status = models.CharField("证件状态", max_length=16, choices=CertificateStatus.choices)
    region_code = models.CharField("发证地行政区划代码", max_length=6)
    origin = models.CharField(
        "证件来源", max_length=24, choices=CertificateOrigin.choices, default=CertificateOrigin.REGISTRY
    )

    class Meta:
        verbose_name = "残疾证"
        verbose_name_plural = "残疾证"
        ordering = ["id_number", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["number", "valid_from"], name="certificate_number_valid_from")
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.valid_from}起）"


class MonthlyPayment(Provenance):
    """One month's payment for a person by a unit. The unique index (person, month, payer) serves both the
    natural-key upsert and the facts look-up, so the 12M-row tables carry one secondary index only."""

    id_number = models.CharField("身份证号", max_length=18)
    payer_uscc = models.CharField("缴费（发放）单位统一社会信用代码", max_length=18)
    month = models.PositiveIntegerField("所属年月", help_text="YYYYMM，例如 202501")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    region_code = models.CharField("参保（发放）地行政区划代码", max_length=6)
    # No index and no database constraint on the batch: nothing looks rows up by batch, and PostgreSQL checks
    # a deferred foreign key row by row at commit, which cost as much as the insert itself (bench figures in
    # docs/performance.md). Batches are never deleted (PROTECT still guards it in the ORM and the admin).
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name="导入批次",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        abstract = True
        ordering = ["id_number", "month"]

    def __str__(self) -> str:
        return f"{self.id_number} {self.month} {self.payer_uscc} {self.amount}"


class PensionMonth(MonthlyPayment):
    """职工养老保险 paid for a person-month by a unit (人社)."""

    class Meta(MonthlyPayment.Meta):
        verbose_name = "职工养老保险缴费"
        verbose_name_plural = "职工养老保险缴费"
        constraints = [
            models.UniqueConstraint(
                fields=["id_number", "month", "payer_uscc"], name="pension_person_month_payer"
            )
        ]


class MedicalMonth(MonthlyPayment):
    """职工医保 paid for a person-month by a unit (医保)."""

    class Meta(MonthlyPayment.Meta):
        verbose_name = "职工医保缴费"
        verbose_name_plural = "职工医保缴费"
        constraints = [
            models.UniqueConstraint(
                fields=["id_number", "month", "payer_uscc"], name="medical_person_month_payer"
            )
        ]


class WageMonth(MonthlyPayment):
    """Wage paid for a person-month by a unit; the partner sends the month's total per paying unit."""

    class Meta(MonthlyPayment.Meta):
        verbose_name = "工资发放"
        verbose_name_plural = "工资发放"
        constraints = [
            models.UniqueConstraint(
                fields=["id_number", "month", "payer_uscc"], name="wage_person_month_payer"
            )
        ]


class DispatchFiling(Provenance):
    """A labour-dispatch company's filing (劳务派遣备案) with a province's authority for a period."""

    company_uscc = models.CharField("劳务派遣单位统一社会信用代码", max_length=18)
    company_name = models.CharField("劳务派遣单位名称", max_length=200)
    region_code = models.CharField("备案机关行政区划代码", max_length=6)
    filing_number = models.CharField("备案编号", max_length=64, blank=True)
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止", null=True, blank=True, help_text="空表示长期有效")

    class Meta:
        verbose_name = "劳务派遣备案"
        verbose_name_plural = "劳务派遣备案"
        ordering = ["company_uscc", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["company_uscc", "region_code", "valid_from"],
                name="dispatch_filing_company_region_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company_name}（{self.region_code}，{self.valid_from}起）"


class MarketUnitNature(models.TextChoices):
    # The codes of anbili.employers.UnitNature (a layer above, so not importable here; keep the two in step)
    # plus 个体工商户, which the market registry holds and employers never declare as.
    ENTERPRISE = "enterprise", "企业"
    GOVERNMENT = "government", "机关"
    INSTITUTION = "institution", "事业单位"
    SOCIAL_ORGANIZATION = "social_organization", "社会团体"
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", "民办非企业单位"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    OTHER = "other", "其他"


class MarketUnit(Provenance):
    """A unit as registered (市场监管 and the other registration authorities), keyed by its USCC."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("单位名称", max_length=200)
    nature = models.CharField("单位性质", max_length=32, choices=MarketUnitNature.choices)
    region_code = models.CharField("登记地行政区划代码", max_length=6)

    class Meta:
        verbose_name = "市场主体登记"
        verbose_name_plural = "市场主体登记"
        ordering = ["uscc"]

    def __str__(self) -> str:
        return self.name

"""Employers (用人单位) and their related units (关联单位)."""

from django.db import models


class UnitNature(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    ORGAN = "organ", "机关"
    INSTITUTION = "institution", "事业单位"
    SOCIAL_ORGANISATION = "social_organisation", "社会团体"
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", "民办非企业单位"
    OTHER = "other", "其他"


class Employer(models.Model):
    """A declaring unit, keyed by its 统一社会信用代码."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("单位名称", max_length=200)
    nature = models.CharField("单位性质", max_length=32, choices=UnitNature.choices)
    # 残联主管部门: whose review queue the unit's work lands in.
    dpf_region = models.ForeignKey(
        "regions.Region", verbose_name="残联主管部门", on_delete=models.PROTECT, related_name="+"
    )
    # 税务主管部门: where the certified result is sent.
    tax_region = models.ForeignKey(
        "regions.Region", verbose_name="税务主管部门", on_delete=models.PROTECT, related_name="+"
    )
    # 单位所属行政区: where the unit is registered; its county's tier sets the minimum wage.
    admin_region = models.ForeignKey(
        "regions.Region", verbose_name="单位所属行政区", on_delete=models.PROTECT, related_name="+"
    )
    legal_person_name = models.CharField("法人姓名", max_length=50, blank=True)
    phone = models.CharField("单位电话", max_length=30, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"
        ordering = ["uscc"]

    def __str__(self) -> str:
        return self.name


class RelationKind(models.TextChoices):
    DISPATCH = "dispatch", "劳务派遣"
    PARENT_SUBSIDIARY = "parent_subsidiary", "上下级公司"
    THIRD_PARTY_PAYER = "third_party_payer", "第三方代发代缴"


class RelatedUnit(models.Model):
    """A unit related to an employer in one business year: dispatch company, parent/subsidiary, payer."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="related_units")
    business_year = models.PositiveSmallIntegerField("业务年度")
    relation = models.CharField("关联关系", max_length=32, choices=RelationKind.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("单位名称", max_length=200)

    class Meta:
        verbose_name = "关联单位"
        verbose_name_plural = "关联单位"
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "business_year", "uscc"], name="related_unit_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_relation_display()}）"

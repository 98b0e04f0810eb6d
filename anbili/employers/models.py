"""Employers (用人单位), their per-business-year information and their related units (关联单位).

Which fields are per business year is decided in docs/employers.md: seed 003 says
"每年单位基本信息中部分内容和关联单位信息都会清空", seed 004 says 上年度职工数 is "每年维护一次".
The stable facts of the unit (its identity, its authorities, its legal person) live on Employer; the
yearly ones on UnitYearProfile.
"""

from django.conf import settings
from django.db import models


class UnitNature(models.TextChoices):
    # The values are the levy API's `unit_nature` values (issue "Employer portal I", point 5).
    ENTERPRISE = "enterprise", "企业"
    GOVERNMENT = "government", "机关"
    INSTITUTION = "institution", "事业单位"
    SOCIAL_ORGANIZATION = "social_organization", "社会团体"
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", "民办非企业单位"
    OTHER = "other", "其他"


class EconomicType(models.TextChoices):
    """经济性质: the economic types of GB/T 12402 (经济类型分类与代码), as provincial screens list them."""

    STATE_OWNED = "10", "国有经济"
    COLLECTIVE = "20", "集体经济"
    PRIVATE = "30", "私营经济"
    INDIVIDUAL = "40", "个体经济"
    JOINT = "50", "联营经济"
    SHAREHOLDING = "60", "股份制经济"
    FOREIGN = "70", "外商投资经济"
    HK_MACAO_TAIWAN = "80", "港澳台投资经济"
    OTHER = "90", "其他经济"


class Industry(models.TextChoices):
    """行业类别: the sections (门类) A–T of GB/T 4754-2017 国民经济行业分类."""

    A = "A", "农、林、牧、渔业"
    B = "B", "采矿业"
    C = "C", "制造业"
    D = "D", "电力、热力、燃气及水生产和供应业"
    E = "E", "建筑业"
    F = "F", "批发和零售业"
    G = "G", "交通运输、仓储和邮政业"
    H = "H", "住宿和餐饮业"
    I = "I", "信息传输、软件和信息技术服务业"  # noqa: E741 - the section's official letter
    J = "J", "金融业"
    K = "K", "房地产业"
    L = "L", "租赁和商务服务业"
    M = "M", "科学研究和技术服务业"
    N = "N", "水利、环境和公共设施管理业"
    O = "O", "居民服务、修理和其他服务业"  # noqa: E741 - the section's official letter
    P = "P", "教育"
    Q = "Q", "卫生和社会工作"
    R = "R", "文化、体育和娱乐业"
    S = "S", "公共管理、社会保障和社会组织"
    T = "T", "国际组织"


class Employer(models.Model):
    """A declaring unit, keyed by its 统一社会信用代码: the facts that do not change every business year."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("单位名称", max_length=200)
    nature = models.CharField("单位性质", max_length=32, choices=UnitNature.choices)
    # Blank only for units registered before these fields existed; the unit-info form requires them.
    economic_type = models.CharField("经济性质", max_length=2, choices=EconomicType.choices, blank=True)
    industry = models.CharField("行业类别", max_length=1, choices=Industry.choices, blank=True)
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
    legal_person_id_number = models.CharField("法人身份证号", max_length=18, blank=True)
    legal_person_phone = models.CharField("法人电话", max_length=30, blank=True)
    tax_registration_number = models.CharField("税务登记证号", max_length=20, blank=True)
    organization_code = models.CharField("组织机构代码", max_length=10, blank=True)
    phone = models.CharField("单位电话", max_length=30, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"
        ordering = ["uscc"]

    def __str__(self) -> str:
        return self.name


class UnitYearProfile(models.Model):
    """The part of the unit information that is kept per business year, confirmed by the employer."""

    employer = models.ForeignKey(
        Employer, verbose_name="用人单位", on_delete=models.CASCADE, related_name="year_profiles"
    )
    business_year = models.PositiveSmallIntegerField("业务年度")
    # 上年度职工数: the staff count of the business year (seed 004: "每年维护一次"); unstarred on the screen.
    employee_count = models.PositiveIntegerField("上年度职工数", null=True, blank=True)
    agent_name = models.CharField("经办人姓名", max_length=50)
    agent_phone = models.CharField("经办人电话", max_length=30)
    business_address = models.CharField("单位经营地址", max_length=200)
    registered_address = models.CharField("单位注册地址", max_length=200)
    # The year whose values this row was first copied from; None when entered afresh.
    copied_from_year = models.PositiveSmallIntegerField("复制自业务年度", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "单位年度信息"
        verbose_name_plural = "单位年度信息"
        ordering = ["employer", "-business_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "business_year"], name="unit_year_profile_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.business_year}年"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


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
    # 劳务派遣协议 or 关联证明材料, stored through the evidence pipeline. Required by the services; nullable
    # only for rows made before uploads existed.
    agreement = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name="协议或证明材料",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True, null=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, null=True)

    class Meta:
        verbose_name = "关联单位"
        verbose_name_plural = "关联单位"
        ordering = ["employer", "-business_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "business_year", "uscc"], name="related_unit_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_relation_display()}）"

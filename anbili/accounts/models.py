"""Accounts: employer legal persons and agents, DPF staff with a role and a region."""

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models


class AccountKind(models.TextChoices):
    LEGAL_PERSON = "legal_person", "法人"
    AGENT = "agent", "经办人"
    STAFF = "staff", "残联工作人员"


class StaffRole(models.TextChoices):
    REVIEWER = "reviewer", "审核员"
    SUPERVISOR = "supervisor", "业务主管"
    ADMIN = "admin", "系统管理员"
    # Edits the national tables in /admin/ (provinces, national levy periods) and oversees every province;
    # has no region of its own.
    NATIONAL_ADMIN = "national_admin", "全国系统管理员"


# The roles that administer (the 用户管理 page and /admin/): a province admin within its region, a
# national admin everywhere.
SYSTEM_ADMIN_ROLES = (StaffRole.ADMIN, StaffRole.NATIONAL_ADMIN)


class User(AbstractUser):
    """One login. A legal person's username is their ID number (one account per person, as on 政务服务网)."""

    kind = models.CharField("账号类型", max_length=16, choices=AccountKind.choices)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    staff_role = models.CharField("角色", max_length=16, choices=StaffRole.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            # Every staff member has a role; a national admin has no region (the whole country), everyone
            # else exactly one.
            models.CheckConstraint(
                condition=~models.Q(kind="staff")
                | (
                    ~models.Q(staff_role="")
                    & (
                        models.Q(staff_role="national_admin", region__isnull=True)
                        | (~models.Q(staff_role="national_admin") & models.Q(region__isnull=False))
                    )
                ),
                name="staff_has_role_and_region",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_employer_user(self) -> bool:
        return self.kind in (AccountKind.LEGAL_PERSON, AccountKind.AGENT)

    @property
    def is_dpf_staff(self) -> bool:
        return self.kind == AccountKind.STAFF

    @property
    def jurisdiction_prefix(self) -> str | None:
        """The region-code prefix of everything this staff member oversees: "" for a national admin (every
        code starts with it), the region's significant prefix for other staff ("15" for 内蒙古, "150102" for a
        county), None for anyone without a jurisdiction (employer users, a staff row without a region)."""
        if self.kind != AccountKind.STAFF:
            return None
        if self.staff_role == StaffRole.NATIONAL_ADMIN:
            return ""
        region = self.region if self.region_id is not None else None
        return region.code_prefix if region is not None else None

    def oversees_code(self, code: str | None) -> bool:
        """Whether a region code lies in this staff member's jurisdiction (a national admin: any code)."""
        prefix = self.jurisdiction_prefix
        return prefix is not None and bool(code) and str(code).startswith(prefix)


class MembershipRole(models.TextChoices):
    LEGAL_PERSON = "legal_person", "法人"
    AGENT = "agent", "经办人"


class Membership(models.Model):
    """A user's right to act for one employer; an agent's right runs for a period set by the legal person."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    employer = models.ForeignKey("employers.Employer", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("身份", max_length=16, choices=MembershipRole.choices)
    valid_from = models.DateField("授权开始日期", null=True, blank=True)
    valid_until = models.DateField("授权截止日期", null=True, blank=True)
    is_default = models.BooleanField("默认单位", default=False)
    created_by = models.ForeignKey(
        User, verbose_name="授权人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "单位授权"
        verbose_name_plural = "单位授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "employer"], name="membership_once_per_unit"),
            models.UniqueConstraint(
                fields=["employer"],
                condition=models.Q(role="legal_person"),
                name="one_legal_person_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.employer}"

    def is_valid_on(self, day: date) -> bool:
        """Legal persons are always valid; an agent only within its authorisation period."""
        if self.role == MembershipRole.LEGAL_PERSON:
            return True
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)

"""Forms of the staff 残疾人安置管理 (search and export) and of 窗口申报's unit picker."""

from __future__ import annotations

from typing import Any

from django import forms

from anbili.accounts.models import SYSTEM_ADMIN_ROLES, User
from anbili.accounts.selectors import regions_in_jurisdiction
from anbili.forms import NamedForm
from anbili.placements.models import PlacementStatus
from anbili.placements.selectors_staff import StaffPlacementFilters

YEAR_MIN, YEAR_MAX = 2000, 2100


def _search_box(label: str, placeholder: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}),
    )


class StaffPlacementSearchForm(NamedForm):
    """The search over the staff member's jurisdiction; the export posts the same fields (and, for a
    system admin, 导出完整身份证号)."""

    person = _search_box("身份证号或姓名", "姓名、身份证号、前几位或后四位")
    employer = _search_box("用人单位", "单位名称或统一社会信用代码")
    status = forms.ChoiceField(
        label="审核状态", required=False, choices=[("", "全部状态"), *PlacementStatus.choices]
    )
    business_year = forms.IntegerField(
        label="业务年度",
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "「业务年度」请填写四位数年份，如 2025",
            "min_value": f"「业务年度」不能早于 {YEAR_MIN} 年",
            "max_value": f"「业务年度」不能晚于 {YEAR_MAX} 年",
        },
    )
    region = forms.ChoiceField(label="地区（残联主管部门）", required=False)
    full_numbers = forms.BooleanField(
        label="导出完整身份证号（仅系统管理员；导出将记入审计日志）", required=False
    )

    def __init__(self, *args: Any, staff: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        regions = regions_in_jurisdiction(staff) if staff is not None else []
        self._regions = {region.code: region for region in regions}
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", "辖区内全部"),
            *((code, f"{region.name}（{code}）") for code, region in self._regions.items()),
        ]
        self.fields["region"].error_messages["invalid_choice"] = (
            "「地区（残联主管部门）」不在您的辖区内，请重新选择"
        )
        if not self.may_export_full:
            del self.fields["full_numbers"]

    @property
    def may_export_full(self) -> bool:
        """Only system admins may ask for full ID numbers in an export (reviewers and supervisors never)."""
        return self.staff is not None and self.staff.staff_role in SYSTEM_ADMIN_ROLES

    def filters(self) -> StaffPlacementFilters:
        """The valid criteria (call after is_valid())."""
        data = self.cleaned_data
        return StaffPlacementFilters(
            person=data.get("person", ""),
            employer=data.get("employer", ""),
            status=data.get("status", ""),
            business_year=data.get("business_year"),
            region=self._regions.get(data.get("region") or ""),
        )

    def wants_full_numbers(self) -> bool:
        return self.may_export_full and bool(self.cleaned_data.get("full_numbers"))


class WindowEmployerSearchForm(NamedForm):
    """窗口申报: find the unit by its name or USCC."""

    q = forms.CharField(
        label="单位名称或统一社会信用代码",
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

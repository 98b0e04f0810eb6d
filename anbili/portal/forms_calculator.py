"""The 残保金计算器's form (public page and portal page alike)."""

from typing import Any

from django import forms

from anbili.core.errors import ApplicationError
from anbili.core.inputs import normalized_text
from anbili.employers.levy import FIELD_LABELS
from anbili.employers.models import UnitNature
from anbili.portal.forms_unit import BLANK, _select
from anbili.regions.models import Region, RegionLevel
from anbili.web.forms import NamedForm, required_messages, text_field

# The calculator's number fields, in the levy parser's keys; their labels are the parser's FIELD_LABELS.
_CALCULATOR_NUMBERS = {
    "employees": "即单位员工数：全年各月在职职工人数之和 ÷ 12，可带小数，例如 32.5；除不尽时请改填下一项",
    "employee_months": (
        "1 至 12 月每月在职职工人数相加，例如 388（系统按 ÷ 12 精确计算）；与上一项填写其中一项"
    ),
    "average_monthly_wage": "单位在职职工月平均工资，单位：元，例如 3024.33",
    "average_annual_wage": "单位在职职工年平均工资，单位：元，例如 36292.00；与月平均工资填写其中一项",
    "placed_person_months": (
        "各名残疾人本年度安置的月数相加，重度残疾人（残疾人证一、二级或残疾军人证一至三级）每月按 2 计；"
        "例如 1 人安置全年为 12，1 名重度残疾人安置 6 个月也为 12；没有安置填 0"
    ),
    "social_average_wage": "可不填；单位：元/年。填写后计征工资不超过其 2 倍，并覆盖政策参数表",
    "ratio": "可不填；以小数填写，例如 0.015（即 1.5%），覆盖政策参数表",
}
# Money may be typed with thousands separators, as the policy documents print it (36,292.00).
_SEPARATORS_ALLOWED = ("average_monthly_wage", "average_annual_wage", "social_average_wage")


class CalculatorForm(NamedForm):
    """残保金计算器 (seed 001/003: 单位员工数、单位月平均工资、安置人月数). The headcount is the annual
    average or, exactly, the sum of the twelve monthly headcounts; the wage is the monthly or the annual
    average. Numbers stay text here: the levy parser that the API also uses checks them, so the page and the
    API refuse the same input alike, and the page's labels are the names the parser's messages use."""

    province = _select("省份", [], help_text="按用人单位残联主管部门所在省份的政策参数计算")
    year = forms.IntegerField(
        label="业务年度",
        min_value=2000,
        max_value=2099,
        error_messages={
            **required_messages("业务年度"),
            "invalid": "「业务年度」应为四位年份，例如 2025",
            "min_value": "「业务年度」应在 2000 至 2099 年之间",
            "max_value": "「业务年度」应在 2000 至 2099 年之间",
        },
    )
    unit_nature = _select("单位性质", BLANK + list(UnitNature.choices))
    employees = text_field(FIELD_LABELS["employees"], required=False, max_length=24)
    employee_months = text_field(FIELD_LABELS["employee_months"], required=False, max_length=24)
    average_monthly_wage = text_field(FIELD_LABELS["average_monthly_wage"], required=False, max_length=24)
    average_annual_wage = text_field(FIELD_LABELS["average_annual_wage"], required=False, max_length=24)
    placed_person_months = text_field(FIELD_LABELS["placed_person_months"], required=False, max_length=24)
    social_average_wage = text_field(FIELD_LABELS["social_average_wage"], required=False, max_length=24)
    ratio = text_field(FIELD_LABELS["ratio"], required=False, max_length=24)

    # Which form field shows each of the parser's messages (the others have a field of their own name).
    ERROR_FIELDS: dict[str, str | None] = {"body": None}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = self.fields["province"]
        assert isinstance(province, forms.ChoiceField)
        province.choices = BLANK + [
            (code, name)
            for code, name in Region.objects.filter(level=RegionLevel.PROVINCE).values_list("code", "name")
        ]
        for name, help_text in _CALCULATOR_NUMBERS.items():
            self.fields[name].help_text = help_text
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in _CALCULATOR_NUMBERS:
            if not data.get(name):
                continue
            try:
                text = normalized_text(data[name], name, FIELD_LABELS[name])
            except ApplicationError as exc:
                self.add_error(name, exc.message)
                continue
            if name in _SEPARATORS_ALLOWED:
                text = text.replace(",", "")
            data[name] = text
        return data

    def estimate_data(self) -> dict[str, object]:
        """The form as the levy parser's request: what was cleaned, blank number fields left out (so that
        "one of the two" and "required" are the parser's messages)."""
        data = getattr(self, "cleaned_data", {})
        request: dict[str, object] = {
            key: data[key] for key in ("province", "year", "unit_nature") if data.get(key) not in (None, "")
        }
        for key in _CALCULATOR_NUMBERS:
            if data.get(key):
                request[key] = data[key]
        return request

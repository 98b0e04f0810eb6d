"""Forms of 单位信息维护管理, 关联单位 and the 残保金计算器.

They check presence and choices so that every missing field is shown at once; formats (ID number, USCC,
phones, codes) and the declaration window are checked by the services."""

from typing import Any

from django import forms

from anbili.employers.models import (
    EconomicType,
    Employer,
    Industry,
    RelationKind,
    UnitNature,
    UnitYearProfile,
)
from anbili.employers.selectors import region_choices
from anbili.employers.validation import PHONE_HINT
from anbili.evidence.forms import ACCEPT, EvidenceFileField, evidence_hint
from anbili.regions.models import Region, RegionLevel
from anbili.web.forms import NamedForm, PhoneField, required_messages, text_field

BLANK = [("", "请选择")]


def _select(label: str, choices: Any, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        help_text=help_text,
        error_messages={
            **required_messages(label, choose=True),
            "invalid_choice": f"「{label}」的选项无效，请重新选择",
        },
    )


class UnitInfoForm(NamedForm):
    """单位基本信息, in the order of seed 004's screen; starred (required) fields as on that screen."""

    tax_registration_number = text_field(
        "税务登记证号", required=False, max_length=20, help_text="15、18 或 20 位；已三证合一的单位可不填"
    )
    nature = _select("单位性质", BLANK + list(UnitNature.choices))
    economic_type = _select("经济性质", BLANK + list(EconomicType.choices))
    industry = _select(
        "行业类别",
        BLANK + [(value, f"{value} {label}") for value, label in Industry.choices],
        help_text="按《国民经济行业分类》（GB/T 4754-2017）门类选择",
    )
    dpf_region_code = _select(
        "残联主管部门",
        [],
        help_text="用人单位年审认证的办理所在地；决定由哪一级残联审核本单位的申报",
    )
    tax_region_code = _select("税务主管部门", [], help_text="用人单位缴纳残保金的所在地")
    admin_region_code = _select("单位所属行政区", [], help_text="用人单位注册登记的所在地，请选择到区县")
    legal_person_name = text_field("法人姓名", max_length=50)
    legal_person_id_number = text_field("法人身份证号", max_length=18, help_text="18 位居民身份证号码")
    legal_person_phone = PhoneField(label="法人电话")
    organization_code = text_field(
        "组织机构代码", required=False, max_length=10, help_text="9 位，可写作 XXXXXXXX-X；没有可不填"
    )
    phone = PhoneField(label="单位电话", required=False)
    employee_count = forms.IntegerField(
        label="上年度职工数",
        required=False,
        min_value=0,
        max_value=10_000_000,
        help_text="业务年度内在职职工总数，每年维护一次",
        error_messages={
            "invalid": "「上年度职工数」应为整数",
            "min_value": "「上年度职工数」不能为负数",
            "max_value": "「上年度职工数」不能超过 %(limit_value)s",
        },
    )
    agent_name = text_field("经办人姓名", max_length=50)
    agent_phone = PhoneField(
        label="经办人电话", help_text=f"{PHONE_HINT}；建议填写手机号，以便接收业务短信通知"
    )
    business_address = text_field("单位经营地址")
    registered_address = text_field("单位注册地址")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = BLANK + region_choices()
        for name in ("dpf_region_code", "tax_region_code", "admin_region_code"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = regions
        for name in ("legal_person_phone", "agent_phone", "phone"):
            self.fields[name].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["legal_person_id_number"].widget.attrs.update({"autocomplete": "off"})
        self.fields["employee_count"].widget.attrs.update({"inputmode": "numeric"})

    @classmethod
    def initial_for(cls, employer: Employer, profile: UnitYearProfile | None) -> dict[str, Any]:
        """The form's values: the employer's facts and the business year's values (or last year's copy)."""
        initial: dict[str, Any] = {
            "tax_registration_number": employer.tax_registration_number,
            "nature": employer.nature,
            "economic_type": employer.economic_type,
            "industry": employer.industry,
            "dpf_region_code": employer.dpf_region_id,
            "tax_region_code": employer.tax_region_id,
            "admin_region_code": employer.admin_region_id,
            "legal_person_name": employer.legal_person_name,
            "legal_person_id_number": employer.legal_person_id_number,
            "legal_person_phone": employer.legal_person_phone,
            "organization_code": employer.organization_code,
            "phone": employer.phone,
        }
        if profile is not None:
            initial.update(
                employee_count=profile.employee_count,
                agent_name=profile.agent_name,
                agent_phone=profile.agent_phone,
                business_address=profile.business_address,
                registered_address=profile.registered_address,
            )
        return initial


class RelatedUnitForm(NamedForm):
    """One related unit: relation, USCC, name and the agreement file (劳务派遣协议 or 关联证明材料)."""

    relation = _select("关联关系", BLANK + list(RelationKind.choices))
    uscc = text_field("统一社会信用代码", max_length=18, help_text="18 位，例如 91350100M000100Y43")
    name = text_field("单位名称")
    agreement = EvidenceFileField(
        label="协议或证明材料",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text="劳务派遣单位请上传双方签订的劳务派遣协议，其他关联单位请上传关联关系证明材料。"
        + evidence_hint(),
        error_messages={"required": "请上传劳务派遣协议或关联证明材料", "empty": "上传的文件是空的"},
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["agreement"].required = False
            self.fields["agreement"].help_text = "如需更换，请上传新的文件；不上传则保留原文件。" + str(
                self.fields["agreement"].help_text
            )


class CalculatorForm(NamedForm):
    """残保金计算器 (seed 001/003: 单位员工数、单位月平均工资、安置人月数). Numbers stay text here: the levy
    parser that the API also uses checks them, so the page and the API refuse the same input alike."""

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
    employees = text_field(
        "单位员工数",
        max_length=24,
        help_text="年平均在职职工人数：全年各月在职职工人数之和 ÷ 12，可带小数",
    )
    average_monthly_wage = text_field(
        "单位月平均工资（元）", max_length=24, help_text="在职职工月平均工资，例如 5000.00"
    )
    persons = forms.IntegerField(
        label="安置残疾人数（非重度）", min_value=0, max_value=1_000_000, initial=0, required=False
    )
    months = forms.IntegerField(label="安置月数", min_value=0, max_value=12, initial=12, required=False)
    severe_persons = forms.IntegerField(
        label="安置重度残疾人数",
        min_value=0,
        max_value=1_000_000,
        initial=0,
        required=False,
        help_text="残疾人证一、二级或残疾军人证一至三级，每人按 2 人计算",
    )
    severe_months = forms.IntegerField(
        label="重度残疾人安置月数", min_value=0, max_value=12, initial=12, required=False
    )
    social_average_wage = text_field(
        "当地社会平均工资（元/年）",
        required=False,
        max_length=24,
        help_text="可不填；填写后计征工资不超过其 2 倍，并覆盖政策参数表",
    )
    ratio = text_field(
        "安置比例",
        required=False,
        max_length=24,
        help_text="可不填；以小数填写，例如 0.015（即 1.5%），覆盖政策参数表",
    )

    # Which form field shows each of the parser's messages.
    ERROR_FIELDS = {"placed_person_months": "persons", "employee_months": "employees", "body": None}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = self.fields["province"]
        assert isinstance(province, forms.ChoiceField)
        province.choices = BLANK + [
            (code, name)
            for code, name in Region.objects.filter(level=RegionLevel.PROVINCE).values_list("code", "name")
        ]
        for name in ("employees", "average_monthly_wage", "social_average_wage", "ratio"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        for name in ("persons", "months", "severe_persons", "severe_months"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        messages = {
            "invalid": "请填写整数",
            "min_value": "不能为负数",
            "max_value": "不能超过 %(limit_value)s",
        }
        for name, label in (("persons", "安置残疾人数"), ("severe_persons", "安置重度残疾人数")):
            self.fields[name].error_messages.update({k: f"「{label}」{v}" for k, v in messages.items()})
        for name, label in (("months", "安置月数"), ("severe_months", "重度残疾人安置月数")):
            self.fields[name].error_messages.update(
                {
                    "invalid": f"「{label}」请填写整数",
                    "min_value": f"「{label}」应在 0 至 12 之间",
                    "max_value": f"「{label}」应在 0 至 12 之间",
                }
            )

    def estimate_data(self) -> dict[str, object]:
        """The cleaned form as the levy parser's request (blank optional fields left out)."""
        data = self.cleaned_data
        person_months = (data.get("persons") or 0) * (data.get("months") or 0) + 2 * (
            data.get("severe_persons") or 0
        ) * (data.get("severe_months") or 0)
        request: dict[str, object] = {
            "province": data["province"],
            "year": data["year"],
            "unit_nature": data["unit_nature"],
            "employees": data["employees"],
            "average_monthly_wage": data["average_monthly_wage"],
            "placed_person_months": str(person_months),
        }
        for optional in ("social_average_wage", "ratio"):
            if data.get(optional):
                request[optional] = data[optional]
        return request

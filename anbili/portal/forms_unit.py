"""Forms of 单位信息维护管理 and 关联单位 (the 残保金计算器's is in forms_calculator).

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

"""Forms of 残疾人安置管理 (seeds 002/003/004): add by ID number, 基本信息, 合同管理, 残疾证管理,
批量登记.

They check presence, choices and formats of single values so that every missing field is shown at
once; the rules (ID numbers, USCCs, contract length, payers, windows, locks) are checked by the
placement services, whose ApplicationError names the form field. Choices come from the placement
models' own fields, so the page offers exactly what the services accept."""

from typing import Any

from django import forms

from anbili.core.identifiers import CERTIFICATE_CATEGORIES
from anbili.employers.models import Employer, RelatedUnit
from anbili.employers.selectors import region_choices
from anbili.evidence.forms import ACCEPT, EvidenceFileField, evidence_hint
from anbili.placements.models import Placement, PlacementContract
from anbili.registry.models import CertificateType
from anbili.web.forms import NamedForm, PhoneField, required_messages, text_field

BLANK = [("", "请选择")]
YES_NO = [("", "请选择"), ("1", "是"), ("0", "否")]


def _select(
    label: str, choices: Any = (), *, required: bool = True, help_text: str = ""
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        help_text=help_text,
        error_messages={
            **required_messages(label, choose=True),
            "invalid_choice": f"「{label}」的选项无效，请重新选择",
        },
    )


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text or "格式：2025-01-31",
        # A text field in the seeds' format: a date picker's keyboard order differs between browsers.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            **required_messages(label),
            "invalid": f"「{label}」不是有效的日期，格式如 2025-01-31",
        },
    )


def _file(label: str, *, required: bool = True, help_text: str = "") -> forms.FileField:
    return EvidenceFileField(
        label=label,
        required=required,
        # A plain input: a stored file is kept unless a new one is chosen, so no "clear" checkbox.
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=help_text + evidence_hint(),
        error_messages={"required": f"请上传「{label}」", "empty": f"上传的「{label}」是空文件"},
    )


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "1",
        help_text=help_text,
        error_messages={
            **required_messages(label, choose=True),
            "invalid_choice": f"「{label}」请选择是或否",
        },
    )


def _model_choices(model: Any, name: str) -> list[tuple[str, str]]:
    return BLANK + [(str(value), str(label)) for value, label in model._meta.get_field(name).choices or []]


def yes_no_initial(value: bool | None) -> str:
    """A stored bool as the 是/否 select's value."""
    return "" if value is None else ("1" if value else "0")


class PlacementSearchForm(NamedForm):
    """The list's search box as a form: a bad value (a NUL byte) is a message on the box, not a query."""

    q = forms.CharField(
        label="身份证号或姓名",
        required=False,
        # The list shows ID numbers masked (6 + 4): the last four digits find a person too.
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "姓名、身份证号或其后四位", "maxlength": 50}
        ),
    )

    def clean_q(self) -> str:
        # A longer query is cut, as before, rather than refused: the box holds 50 characters anyway.
        return str(self.cleaned_data["q"])[:50]


class PlacementAddForm(NamedForm):
    """添加残疾人: the ID number; the registry fills the rest (输入身份证号，残疾人基本信息会自动带出来)."""

    id_number = text_field(
        "身份证号", max_length=18, help_text="18 位居民身份证号码，输入后残疾人基本信息会自动带出来"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


class PlacementPersonForm(NamedForm):
    """基本信息 in the order of seed 004; 性别 and 年龄 come from the ID number and are only shown."""

    name = text_field("姓名", max_length=50)
    household_type = _select("户籍地类型")
    household_region = _select(
        "户籍地", help_text="户籍地下拉选如果没有残疾人户籍地信息，就调整一下户籍地类型下的选项"
    )
    phone = PhoneField(label="联系电话")
    household_address = text_field("户籍地址")
    education = _select("文化程度", required=False)
    guardian_name = text_field("监护人姓名", required=False, max_length=50)
    guardian_phone = PhoneField(label="监护人电话", required=False)
    is_graduate = _yes_no("是否高校毕业生", help_text="如果是高校毕业生的话，需上传学位学历信息")
    school = text_field("毕业院校", required=False, max_length=100)
    degree = _select("学历", required=False)
    graduation_date = _date("毕业时间", required=False)
    diploma_upload = _file("学历学位证明", required=False, help_text="高校毕业生请上传毕业证书或学位证书。")

    def __init__(
        self, *args: Any, has_diploma: bool = False, in_registry: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.has_diploma = has_diploma
        if in_registry:
            # The registry's name wins (the service keeps it); shown read-only so nobody types in vain.
            self.fields["name"].widget.attrs["readonly"] = True
            self.fields["name"].help_text = "姓名以残疾人人口基础库为准"
        for name in ("household_type", "education", "degree"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _model_choices(Placement, name)
        region = self.fields["household_region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [*BLANK, *region_choices()]
        for name in ("phone", "guardian_phone"):
            self.fields[name].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # 学历信息 is needed only for a graduate (seed 003: 如不是，该栏自动隐藏).
        if data.get("is_graduate"):
            for name, label in (("school", "毕业院校"), ("degree", "学历"), ("graduation_date", "毕业时间")):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, f"高校毕业生请填写「{label}」")
            if not data.get("diploma_upload") and not self.has_diploma:
                self.add_error("diploma_upload", "高校毕业生请上传「学历学位证明」")
        return data

    @classmethod
    def initial_for(cls, placement: Placement) -> dict[str, Any]:
        """The stored values of the placement (prefilled from the registry by the service)."""
        return {
            "name": placement.name,
            "household_type": placement.household_type,
            "household_region": placement.household_region_id or "",
            "phone": placement.phone,
            "household_address": placement.household_address,
            "education": placement.education,
            "guardian_name": placement.guardian_name,
            "guardian_phone": placement.guardian_phone,
            # A fresh draft asks the question (seed 004: 请选择) instead of presetting 否.
            "is_graduate": "" if placement.step == "person" else yes_no_initial(placement.is_graduate),
            "school": placement.school,
            "degree": placement.degree,
            "graduation_date": placement.graduation_date,
        }


def _unit_label(uscc: str, name: str, prefix: str) -> str:
    return f"{prefix}：{name}（{uscc}）"


class ContractForm(NamedForm):
    """One contract of 合同管理 (seed 004's columns); payers: the employer or its related units."""

    is_dispatch = _yes_no("是否为劳务派遣")
    relation = _select("关联单位关系")
    contract_type = _select("合同类型", help_text="如果是事业单位没有劳动合同的情况就上传编制本")
    start = _date("合同开始日期")
    end = _date("合同结束日期", required=False, help_text="无固定期限合同或编制可不填；劳动合同不得少于1年")
    post = text_field("岗位工种", max_length=100)
    monthly_wage = forms.DecimalField(
        label="合同月薪（元）",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        error_messages={
            **required_messages("合同月薪"),
            "invalid": "「合同月薪」应为金额，例如 3500.00",
            "min_value": "「合同月薪」不能为负数",
            "max_digits": "「合同月薪」数额过大",
            "max_decimal_places": "「合同月薪」最多两位小数",
        },
    )
    dispatch_company_uscc = _select(
        "劳务派遣单位",
        required=False,
        help_text="劳务派遣人员必选；请先在单位信息维护管理中添加劳务派遣关联单位",
    )
    pension_payer_uscc = _select("社保参保单位")
    medical_payer_uscc = _select("医保参保单位")
    wage_payer_uscc = _select("工资发放单位")
    contract_upload = _file(
        "合同文件", help_text="请上传劳动合同（劳务派遣人员为与劳务派遣公司之间的劳动合同）或编制证明。"
    )
    dispatch_agreement_upload = _file(
        "劳务派遣协议",
        required=False,
        help_text="劳务派遣人员必传：劳务派遣协议中应明确该人员计入用人单位。",
    )

    def __init__(
        self,
        *args: Any,
        employer: Employer,
        related_units: list[RelatedUnit],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            # The stored files stay unless new ones are uploaded (the service keeps them).
            for name in ("contract_upload", "dispatch_agreement_upload"):
                self.fields[name].required = False
                self.fields[name].help_text = "如需更换，请上传新的文件；不上传则保留原文件。" + str(
                    self.fields[name].help_text
                )
        for name in ("relation", "contract_type"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _model_choices(PlacementContract, name)
        payers = [*BLANK, (employer.uscc, _unit_label(employer.uscc, employer.name, "本单位"))]
        payers += [(u.uscc, _unit_label(u.uscc, u.name, u.get_relation_display())) for u in related_units]
        for name in ("pension_payer_uscc", "medical_payer_uscc", "wage_payer_uscc"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = payers
        dispatch = self.fields["dispatch_company_uscc"]
        assert isinstance(dispatch, forms.ChoiceField)
        dispatch.choices = [("", "无")] + [
            (u.uscc, _unit_label(u.uscc, u.name, "劳务派遣单位"))
            for u in related_units
            if u.relation == "dispatch"
        ]
        self.fields["monthly_wage"].widget.attrs["inputmode"] = "decimal"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_dispatch"):
            if not data.get("dispatch_company_uscc") and "dispatch_company_uscc" not in self.errors:
                self.add_error("dispatch_company_uscc", "劳务派遣人员请选择「劳务派遣单位」")
            if not data.get("dispatch_agreement_upload") and not self.editing:
                self.add_error("dispatch_agreement_upload", "劳务派遣人员请上传「劳务派遣协议」")
        return data

    @classmethod
    def initial_for(cls, contract: PlacementContract) -> dict[str, Any]:
        """A stored contract as the form's values (for 修改)."""
        return {
            "is_dispatch": yes_no_initial(contract.is_dispatch),
            "relation": contract.relation,
            "contract_type": contract.contract_type,
            "start": contract.start,
            "end": contract.end,
            "post": contract.post,
            "monthly_wage": contract.monthly_wage,
            "dispatch_company_uscc": contract.dispatch_company_uscc,
            "pension_payer_uscc": contract.pension_payer_uscc,
            "medical_payer_uscc": contract.medical_payer_uscc,
            "wage_payer_uscc": contract.wage_payer_uscc,
        }


class CertificateForm(NamedForm):
    """残疾证管理 + 添加: the certificate the person held before the current one (issued inside the business
    year), with its real dates and its image."""

    number = text_field(
        "残疾证号", max_length=32, help_text="残疾人证号为身份证号＋残疾类别＋残疾等级，补发证另加如B1的后缀"
    )
    certificate_type = _select("证件类型", BLANK + list(CertificateType.choices))
    category = forms.TypedChoiceField(
        label="残疾类别",
        coerce=int,
        choices=BLANK + [(str(k), v) for k, v in CERTIFICATE_CATEGORIES.items()],
        required=False,
        help_text="残疾人证必选",
        error_messages={"invalid_choice": "「残疾类别」的选项无效，请重新选择"},
    )
    level = forms.TypedChoiceField(
        label="残疾等级",
        coerce=int,
        choices=BLANK + [(str(k), f"{k}级") for k in range(1, 11)],
        help_text="残疾人证为一至四级，残疾军人证为一至十级",
        error_messages={
            **required_messages("残疾等级", choose=True),
            "invalid_choice": "「残疾等级」的选项无效，请重新选择",
        },
    )
    valid_from = _date(
        "有效期起", help_text="该证件上的有效期起（早于当前残疾证的有效期起）；格式：2016-05-01"
    )
    valid_until = _date(
        "有效期止", help_text="该证件上的有效期止，不晚于当前残疾证的有效期起；格式：2025-03-31"
    )
    image_upload = _file(
        "残疾证影像", help_text="请上传该证件有关影像资料；手动添加的残疾证件需经过残联部门审核。"
    )


class _MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): the cleaned value is a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(_MultipleFileField, self).clean(item, initial) for item in items]


class BulkImportForm(NamedForm):
    """批量登记: the filled Excel template and the contract files (several, or one ZIP, each named by the
    person's ID number); the checks are the service's."""

    file = forms.FileField(
        label="批量登记表（Excel）",
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
        help_text="请先下载模板，每行填写一名残疾人；身份证号列为文本格式。仅限 .xlsx 文件。",
        error_messages={"required": "请选择要上传的批量登记表", "empty": "上传的批量登记表是空文件"},
    )
    contract_files = _MultipleFileField(
        label="合同附件（可多选，或一个 ZIP 压缩包）",
        required=False,
        widget=_MultipleFileInput(attrs={"multiple": True, "accept": f"{ACCEPT},.zip,application/zip"}),
        help_text=(
            "每人一个劳动合同（或编制证明）文件，文件名为该人员的身份证号，例如 150102198506150031.pdf；"
            f"{evidence_hint()}。可一次选择多个文件（最多 100 个），"
            "人数较多时请把全部文件放入一个 ZIP 压缩包上传。"
            "没有合同附件的人员保存为草稿，需在“合同管理”中上传后才能计入。"
        ),
        # An empty file is refused for its own row by the evidence store, with the row's report.
        allow_empty_file=True,
    )

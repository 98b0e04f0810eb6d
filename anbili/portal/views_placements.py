"""Employer portal: 残疾人安置管理 — the placement list and counters, the registration wizard
(基本信息, 合同管理, 残疾证管理, 人员信息校验 with month selection and evidence upload), 查看,
重新登记, 删除, 导入上一年申报名单 and 批量登记. Every write goes through one anbili.placements
service; every read through its selectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record
from anbili.core.errors import ApplicationError
from anbili.core.identifiers import CERTIFICATE_CATEGORIES
from anbili.core.masking import mask, mask_name
from anbili.employers.models import Employer
from anbili.employers.selectors import (
    WindowState,
    declaration_window_state,
    related_unit_list,
    unit_info_missing,
)
from anbili.placements import selectors, services
from anbili.placements.access import access_placement_for_employer
from anbili.placements.models import Placement, PlacementStatus, PlacementStep
from anbili.portal.forms_placements import (
    BulkImportForm,
    CertificateForm,
    ContractForm,
    PlacementAddForm,
    PlacementPersonForm,
    PlacementSearchForm,
)
from anbili.registry.models import CertificateOrigin
from anbili.web.decorators import notice_confirmed_required
from anbili.web.forms import form_add_application_error, form_add_other_errors

FINISH_TEXT = "同时后续请及时在“残疾人安置管理”界面点击“完成申报”"
SAVED_TEXT = "您的相关资料已保存成功，请留意残联主管部门的审核进度。" + FINISH_TEXT
SYSTEM_CONFIRMED_TEXT = "该人员已安置登记完成：所勾选月份均系统核验通过，已由系统审核确认。" + FINISH_TEXT

# The wizard in the seeds' order; each entry: (step, label, URL name).
WIZARD = [
    (PlacementStep.PERSON, "基本信息", "portal:placement_person"),
    (PlacementStep.CONTRACTS, "合同管理", "portal:placement_contracts"),
    (PlacementStep.CERTIFICATES, "残疾证管理", "portal:placement_certificates"),
    (PlacementStep.VERIFY, "人员信息校验", "portal:placement_verify"),
]
RESUME: dict[str, str] = {
    PlacementStep.PERSON: "portal:placement_person",
    PlacementStep.CONTRACTS: "portal:placement_contracts",
    PlacementStep.CERTIFICATES: "portal:placement_certificates",
    PlacementStep.VERIFY: "portal:placement_verify",
    PlacementStep.SELECT: "portal:placement_verify",
}


def _window(employer: Employer) -> WindowState:
    return declaration_window_state(employer, today=timezone.localdate())


def _writable(employer: Employer, window: WindowState) -> bool:
    """Whether the page offers writes: the window is open and the year is not locked (完成申报)."""
    return window.is_open and not services.placement_year_locked(employer, window.business_year)


def _wizard_page(
    request: HttpRequest,
    placement: Placement,
    template: str,
    current: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    window = _window(placement.employer)
    order: list[str] = [step for step, _, _ in WIZARD]
    steps = [
        {
            "label": label,
            "url": reverse(url, args=[placement.pk]),
            "current": step == current,
            "number": i + 1,
        }
        for i, (step, label, url) in enumerate(WIZARD)
    ]
    context = {
        "placement": placement,
        "window": window,
        "writable": _writable(placement.employer, window) and placement.status == PlacementStatus.DRAFT,
        "steps": steps,
        "step_index": order.index(current) + 1 if current in order else len(order),
        "step_count": len(order),
        **context,
    }
    return render(request, template, context, status=status)


def _age(placement: Placement) -> int:
    """Age today from the birth date the ID number gives (seed 004: 年龄)."""
    today, born = timezone.localdate(), placement.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class CertificateRow:
    """One row of 残疾证管理 (seed 004: 残疾证号 证件类型 残疾证有效期 残疾等级 残疾类别 操作)."""

    number: str
    kind: str
    valid_from: Any
    valid_until: Any
    level_text: str
    category_text: str
    origin_text: str
    image_id: int | None
    pk: int = 0
    months_text: str = ""  # the business year's months it is in force (本业务年度覆盖月份)
    removable: bool = False  # added to this placement and not yet decided by a reviewer


def _certificate_rows(placement: Placement) -> list[CertificateRow]:
    images = {link.certificate_id: link.image_id for link in placement.added_certificates.all()}
    year = placement.business_year
    return [
        CertificateRow(
            number=c.number,
            kind=c.kind,
            valid_from=c.valid_from,
            valid_until=c.valid_until,
            level_text=selectors.LEVEL_WORDS.get(c.level, f"{c.level}级"),
            category_text=CERTIFICATE_CATEGORIES.get(c.category or 0, ""),
            origin_text=c.get_origin_display(),
            image_id=images.get(c.pk),
            pk=c.pk,
            months_text=selectors.months_text(
                year, selectors.covered_months(c.valid_from, c.valid_until, year)
            )
            or "无",
            removable=c.pk in images and c.origin == CertificateOrigin.MANUAL_PENDING,
        )
        for c in selectors.placement_registry_certificates(placement)
    ]


# --- list --------------------


@dataclass(frozen=True)
class ListRow:
    """One row of 安置人员列表 with the personal data masked (PIPL)."""

    placement: Placement
    name: str
    id_number: str
    certificate_number: str
    resume_url: str


def _list_row(placement: Any) -> ListRow:
    resume = RESUME.get(placement.step, "portal:placement_person")
    return ListRow(
        placement=placement,
        name=mask_name(placement.name),
        id_number=mask(placement.id_number),
        certificate_number=mask(getattr(placement, "certificate_number", "") or ""),
        resume_url=reverse(resume, args=[placement.pk]),
    )


@notice_confirmed_required
def placement_list_view(request: HttpRequest) -> HttpResponse:
    employer = request.employer  # type: ignore[attr-defined]
    window = _window(employer)
    search = PlacementSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    rows = [_list_row(p) for p in selectors.placement_list(employer, window.business_year, query=query)]
    context = {
        "window": window,
        "writable": _writable(employer, window),
        "search": search,
        "query": query,
        "rows": rows,
        "counters": selectors.placement_counters(employer, window.business_year),
        "unit_info_missing": unit_info_missing(employer, window.business_year),
    }
    return render(request, "portal/placements.html", context, status=400 if search.errors else 200)


# --- add and 基本信息 --------------------


@notice_confirmed_required
def placement_add_view(request: HttpRequest) -> HttpResponse:
    employer = request.employer  # type: ignore[attr-defined]
    window = _window(employer)
    form = PlacementAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_start(
                employer=employer,
                actor=request.user,
                id_number=form.cleaned_data["id_number"],
                business_year=window.business_year,
                today=timezone.localdate(),
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            found = (
                "已从残疾人人口基础库带出基本信息"
                if placement.in_registry
                else "残疾人人口基础库中无此人，请填写带*的内容"
            )
            messages.success(request, f"已添加残疾人：{found}")
            return redirect("portal:placement_person", placement.pk)
    context = {
        "form": form,
        "window": window,
        "writable": _writable(employer, window),
        # The service refuses a start before the year's unit information is saved; the page says so first.
        "unit_info_missing": unit_info_missing(employer, window.business_year),
    }
    return render(request, "portal/placement_add.html", context, status=400 if form.errors else 200)


def _person_inputs(form: PlacementPersonForm) -> dict[str, Any]:
    """The form's values for the service's check: cleaned where the form accepted them, else as typed."""
    values: dict[str, Any] = {}
    for name in form.fields:
        if name in form.cleaned_data:
            values[name] = form.cleaned_data[name]
        elif name == "is_graduate":
            values[name] = None
        elif name != "diploma_upload":
            values[name] = form.data.get(name, "")
    values["diploma_upload"] = form.cleaned_data.get("diploma_upload")
    return values


@notice_confirmed_required
def placement_person_view(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_placement_for_employer(request, pk)
    has_diploma = placement.diploma_id is not None
    if request.method == "POST":
        form = PlacementPersonForm(
            request.POST, request.FILES, has_diploma=has_diploma, in_registry=placement.in_registry
        )
        if not form.is_valid():
            # The form named what is missing; the service names the problems of the other fields in the
            # same answer (nothing is written).
            try:
                services.placement_person_check(
                    placement_id=placement.pk,
                    employer=placement.employer,
                    today=timezone.localdate(),
                    **_person_inputs(form),
                )
            except ApplicationError as exc:
                form_add_other_errors(form, exc)
        else:
            data = dict(form.cleaned_data)
            diploma = data.pop("diploma_upload", None)
            try:
                services.placement_person_update(
                    placement_id=placement.pk,
                    employer=placement.employer,
                    actor=request.user,
                    today=timezone.localdate(),
                    diploma_upload=diploma,
                    **data,
                )
            except ApplicationError as exc:
                form_add_application_error(form, exc)
            else:
                messages.success(request, "基本信息已保存")
                return redirect("portal:placement_contracts", placement.pk)
    else:
        form = PlacementPersonForm(
            initial=PlacementPersonForm.initial_for(placement),
            has_diploma=has_diploma,
            in_registry=placement.in_registry,
        )
    certificates = selectors.placement_registry_certificates(placement)
    context = {
        "form": form,
        "certificate": certificates[-1] if certificates else None,
        "age": _age(placement),
    }
    status = 400 if form.errors else 200
    return _wizard_page(
        request, placement, "portal/placement_person.html", PlacementStep.PERSON, context, status
    )


# --- 合同管理 --------------------


@dataclass(frozen=True)
class ContractRow:
    """A contract of 合同管理 with the paying units' names (seed 004 shows 单位名称)."""

    contract: Any
    dispatch_company: str
    pension_payer: str
    medical_payer: str
    wage_payer: str


def _contract_rows(employer: Employer, related: list[Any], contracts: list[Any]) -> list[ContractRow]:
    names = {unit.uscc: f"{unit.name}（{unit.uscc}）" for unit in related}
    names[employer.uscc] = f"本单位（{employer.name}）"

    def name(uscc: str) -> str:
        return names.get(uscc, uscc) if uscc else "无"

    return [
        ContractRow(
            c,
            name(c.dispatch_company_uscc),
            name(c.pension_payer_uscc),
            name(c.medical_payer_uscc),
            name(c.wage_payer_uscc),
        )
        for c in contracts
    ]


def _contract_id(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


# The inputs a clerk types into an empty 添加合同 form (the yes/no and relation inputs carry defaults).
_CONTRACT_INPUTS = (
    "contract_type",
    "start",
    "end",
    "post",
    "monthly_wage",
    "dispatch_company_uscc",
    "pension_payer_uscc",
    "medical_payer_uscc",
    "wage_payer_uscc",
)


def _contract_inputs(form: ContractForm) -> dict[str, Any]:
    """The contract fields for the service's check: cleaned where the form accepted them, else as typed
    (a refused 是否为劳务派遣 counts as no)."""
    values: dict[str, Any] = {}
    for name in form.fields:
        if name in ("contract_upload", "dispatch_agreement_upload"):
            continue
        if name in form.cleaned_data:
            values[name] = form.cleaned_data[name]
        else:
            values[name] = False if name == "is_dispatch" else form.data.get(name, "")
    return values


def _contract_form_blank(request: HttpRequest) -> bool:
    """Whether 保存，下一步 came with nothing typed into 添加合同 (then there is nothing to save)."""
    return not request.FILES and not any(request.POST.get(name, "").strip() for name in _CONTRACT_INPUTS)


@notice_confirmed_required
def placement_contracts_view(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_placement_for_employer(request, pk)
    employer, today = placement.employer, timezone.localdate()
    related = list(related_unit_list(employer, placement.business_year))
    action = request.POST.get("action", "add") if request.method == "POST" else ""
    if action == "delete":
        try:
            services.placement_contract_delete(
                placement_id=placement.pk,
                employer=employer,
                actor=request.user,
                today=today,
                contract_id=_contract_id(request.POST.get("contract_id")),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已删除合同")
        return redirect("portal:placement_contracts", placement.pk)
    # 修改: ?edit=<id> shows the contract in the form; POST action=update saves it.
    contracts = list(placement.contracts.all())
    edit_id = _contract_id(request.POST.get("contract_id") if action == "update" else request.GET.get("edit"))
    editing = next((c for c in contracts if c.pk == edit_id), None)
    # 保存，下一步 submits the form too: a filled form is saved (or its errors shown) before moving on.
    go_next = request.method == "POST" and bool(request.POST.get("next"))
    if go_next and editing is None and _contract_form_blank(request):
        return redirect("portal:placement_certificates", placement.pk)
    form_args: dict[str, Any] = {
        "employer": employer,
        "related_units": related,
        "editing": editing is not None,
    }
    if request.method != "POST":
        initial = ContractForm.initial_for(editing) if editing else None
        form = ContractForm(initial=initial, **form_args)
    else:
        form = ContractForm(request.POST, request.FILES, **form_args)
        if not form.is_valid():
            # The form named what is missing; the contract rules name the problems of the rest in the same
            # answer (nothing is written).
            try:
                services.placement_contract_check(
                    placement_id=placement.pk,
                    employer=employer,
                    contract_id=editing.pk if editing else None,  # not compared with itself (overlap)
                    **_contract_inputs(form),
                )
            except ApplicationError as exc:
                form_add_other_errors(form, exc)
        else:
            try:
                if editing is not None:
                    services.placement_contract_update(
                        placement_id=placement.pk,
                        contract_id=editing.pk,
                        employer=employer,
                        actor=request.user,
                        today=today,
                        **form.cleaned_data,
                    )
                else:
                    services.placement_contract_add(
                        placement_id=placement.pk,
                        employer=employer,
                        actor=request.user,
                        today=today,
                        **form.cleaned_data,
                    )
            except ApplicationError as exc:
                form_add_application_error(form, exc)
            else:
                messages.success(request, "已保存合同修改" if editing else "已添加合同")
                if go_next:
                    return redirect("portal:placement_certificates", placement.pk)
                return redirect("portal:placement_contracts", placement.pk)
    context = {"form": form, "rows": _contract_rows(employer, related, contracts), "editing": editing}
    status = 400 if form.errors else 200
    return _wizard_page(
        request, placement, "portal/placement_contracts.html", PlacementStep.CONTRACTS, context, status
    )


# --- 残疾证管理 --------------------


@notice_confirmed_required
def placement_certificates_view(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_placement_for_employer(request, pk)
    today = timezone.localdate()
    if request.method == "POST" and request.POST.get("action") == "done":
        # 保存，下一步: on to 人员信息校验 (the service refuses a draft without a contract).
        try:
            services.placement_certificates_done(
                placement_id=placement.pk, employer=placement.employer, actor=request.user, today=today
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("portal:placement_certificates", placement.pk)
        return redirect("portal:placement_verify", placement.pk)
    if request.method == "POST" and request.POST.get("action") == "remove":
        # 删除 of a historical certificate, after the confirmation shown with ?remove=<id>.
        try:
            services.placement_certificate_remove(
                placement_id=placement.pk,
                employer=placement.employer,
                actor=request.user,
                today=today,
                certificate_id=_contract_id(request.POST.get("certificate_id")),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已删除补充的历史残疾证")
        return redirect("portal:placement_certificates", placement.pk)
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_certificate_add(
                placement_id=placement.pk,
                employer=placement.employer,
                actor=request.user,
                today=today,
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, "已添加历史残疾证，需经残联部门审核后方可计入")
            return redirect("portal:placement_certificates", placement.pk)
    rows = _certificate_rows(placement)
    removing = next(
        (r for r in rows if r.removable and r.pk == _contract_id(request.GET.get("remove"))), None
    )
    context = {
        "form": form,
        "certificates": rows,
        "removing": removing,
        "need": selectors.historical_certificate_need(placement.id_number, placement.business_year),
    }
    status = 400 if form.errors else 200
    return _wizard_page(
        request, placement, "portal/placement_certificates.html", PlacementStep.CERTIFICATES, context, status
    )


# --- 人员信息校验, month selection, evidence upload, save --------------------


def _selected_months(request: HttpRequest) -> list[int]:
    # Malformed values are passed on as they are: the service names them (安置月份“x”无效).
    return [int(v) if v.isdigit() else v for v in request.POST.getlist("months")]  # type: ignore[misc]


@dataclass(frozen=True)
class EvidenceNeed:
    """One row of the upload step (seed 004: 材料名称 / 已上传附件数量 / 说明) for one failed check kind."""

    code: str
    label: str
    months: list[int]
    uploaded: int
    hint: str

    @property
    def months_text(self) -> str:
        return "、".join(str(month) for month in self.months)


EVIDENCE_HINTS = {
    "wage": "请上传业务年度内的工资发放凭证。",
    "pension": "请上传业务年度内的社保参保证明（社会保险缴费凭证）。",
    "medical": "请上传业务年度内的医保参保证明。",
    "certificate": "请上传该月份有效的残疾证件影像资料。",
    "age": "请上传该人员处于就业年龄段的证明材料。",
    "contract": "请上传覆盖该月份的劳动合同或编制证明。",
    "exclusive": "请上传该人员未在其他单位安置的说明材料。",
}


def _evidence_needed(placement: Placement, rows: list[Any], months: list[Any]) -> list[EvidenceNeed]:
    """The failed check kinds of the selected ✗ months, with their months and the files uploaded so far."""
    chosen = {m for m in months if isinstance(m, int)}
    by_code: dict[str, tuple[str, list[int]]] = {}
    for row in rows:
        if row.month in chosen and not row.auto_passed:
            for code, label in row.required_evidence:
                by_code.setdefault(code, (label, []))[1].append(row.month)
    uploaded: dict[str, set[int]] = {}
    for month in placement.months.all():
        for item in month.evidence.all():
            uploaded.setdefault(item.check_code, set()).add(item.evidence_id)
    return [
        EvidenceNeed(code, label, found, len(uploaded.get(code, ())), EVIDENCE_HINTS.get(code, ""))
        for code, (label, found) in by_code.items()
    ]


def _evidence_uploads(request: HttpRequest, needed: list[EvidenceNeed]) -> dict[tuple[int, str], Any]:
    """One upload per failed check kind applies to every selected ✗ month failing that check (the service
    stores it once and links it to each month)."""
    evidence: dict[tuple[int, str], Any] = {}
    for need in needed:
        upload = request.FILES.get(f"evidence_{need.code}")
        if upload is not None:
            for month in need.months:
                evidence[(month, need.code)] = upload
    return evidence


def _preselected(placement: Placement, rows: list[Any]) -> list[int]:
    """The months ticked on arrival: the stored selection once saved, else every auto-passed month (for a
    dispatch person too, who may untick them)."""
    if any(month.selected for month in placement.months.all()):
        return [row.month for row in rows if row.selected]
    return [row.month for row in rows if row.selected or row.auto_passed]


@notice_confirmed_required
def placement_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_placement_for_employer(request, pk)
    today = timezone.localdate()
    # Reading only: the verdicts were stored when 残疾证管理 was completed; 重新核验 (POST) refreshes them.
    rows = selectors.verification_rows(placement)
    posted = request.method == "POST"
    months = _selected_months(request) if posted else _preselected(placement, rows)
    needed = _evidence_needed(placement, rows, months)
    stage = request.POST.get("stage", "select") if posted else "select"
    error = ""
    if posted and (stage == "save" or not needed):
        try:
            saved = services.placement_months_save(
                placement_id=placement.pk,
                employer=placement.employer,
                actor=request.user,
                today=today,
                months=months,
                evidence=_evidence_uploads(request, needed),
            )
        except ApplicationError as exc:
            error = exc.message
            stage = "upload" if needed and exc.code == "evidence_required" else "select"
        else:
            if saved.status == PlacementStatus.CONFIRMED:
                messages.success(request, SYSTEM_CONFIRMED_TEXT)
            elif saved.status == PlacementStatus.PENDING:
                messages.success(request, SAVED_TEXT)
            else:
                messages.error(request, "所勾选的月份已被其他单位安置登记，请重新勾选")
                return redirect("portal:placement_verify", placement.pk)
            return redirect("portal:placement_view", placement.pk)
    elif posted:
        stage = "upload"
    dispatch = any(contract.is_dispatch for contract in placement.contracts.all())
    context = {
        "rows": rows,
        "selected": set(months),
        "stage": stage,
        "needed": needed,
        "error": error,
        "dispatch": dispatch,
        "check_titles": [cell.label for cell in rows[0].cells] if rows else [],
    }
    status = 400 if error else 200
    return _wizard_page(
        request, placement, "portal/placement_verify.html", PlacementStep.VERIFY, context, status
    )


@require_POST
@notice_confirmed_required
def placement_reverify_view(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_placement_for_employer(request, pk, details=False)
    try:
        services.placement_verify(
            placement_id=placement.pk, employer=placement.employer, today=timezone.localdate()
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已按最新数据重新核验")
    return redirect("portal:placement_verify", placement.pk)


# --- 查看, 重新登记, 删除 --------------------


@notice_confirmed_required
def placement_view_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_view(request, pk, full=False)


@require_POST
@notice_confirmed_required
def placement_view_full_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The same page with the full ID and certificate numbers, on the clerk's explicit request: audited.
    POST, so that no link prefetch or crawler writes an audit row or shows the numbers."""
    return _placement_view(request, pk, full=True)


def _placement_view(request: HttpRequest, pk: int, *, full: bool) -> HttpResponse:
    detail = access_placement_for_employer(request, pk)
    if full:
        audit_record(
            AuditAction.PERSON_FULL_VIEW,
            request=request,
            obj=detail,
            region_code=detail.employer.dpf_region_id,
            detail={"fields": "身份证号、残疾证号", "page": "查看安置人员"},
        )
    window = _window(detail.employer)
    context = {
        "placement": detail,
        "window": window,
        "writable": _writable(detail.employer, window),
        "rows": selectors.verification_rows(detail),
        "certificates": _certificate_rows(detail),
        "full": full,
        "id_number": detail.id_number if full else mask(detail.id_number),
        "resume_url": reverse(RESUME.get(detail.step, "portal:placement_person"), args=[detail.pk]),
    }
    return render(request, "portal/placement_view.html", context)


@notice_confirmed_required
def placement_reregister_view(request: HttpRequest, pk: int) -> HttpResponse:
    """重新登记 asks first, as 删除 does (GET: what will be reset; POST: do it), so that one slip of the
    mouse or the keyboard resets nothing."""
    placement = access_placement_for_employer(request, pk, details=False)
    if request.method == "POST":
        try:
            services.placement_reregister(
                placement_id=placement.pk,
                employer=placement.employer,
                actor=request.user,
                today=timezone.localdate(),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("portal:placements")
        messages.success(request, f"已重新登记 {mask_name(placement.name)}，请重新填写并保存")
        return redirect("portal:placement_person", placement.pk)
    window = _window(placement.employer)
    context = {
        "placement": placement,
        "name": mask_name(placement.name),
        "id_number": mask(placement.id_number),
        "window": window,
        "writable": _writable(placement.employer, window),
        "months": placement.months.filter(selected=True).count(),
    }
    return render(request, "portal/placement_reregister.html", context)


@notice_confirmed_required
def placement_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_placement_for_employer(request, pk, details=False)
    if request.method == "POST":
        try:
            services.placement_delete(
                placement_id=placement.pk,
                employer=placement.employer,
                actor=request.user,
                today=timezone.localdate(),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已删除安置人员 {mask_name(placement.name)}")
        return redirect("portal:placements")
    window = _window(placement.employer)
    context = {
        "placement": placement,
        "name": mask_name(placement.name),
        "id_number": mask(placement.id_number),
        "window": window,
        "writable": _writable(placement.employer, window),
    }
    return render(request, "portal/placement_delete.html", context)


# --- 导入上一年申报名单, 批量登记 --------------------


@require_POST
@notice_confirmed_required
def placements_import_last_year_view(request: HttpRequest) -> HttpResponse:
    employer = request.employer  # type: ignore[attr-defined]
    window = _window(employer)
    try:
        created = services.placements_import_last_year(
            employer=employer,
            actor=request.user,
            business_year=window.business_year,
            today=timezone.localdate(),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if created:
            messages.success(
                request,
                f"已从 {window.business_year - 1} 年申报名单导入 {len(created)} 人"
                "（资料待完善，请逐人继续登记）",
            )
        else:
            messages.info(request, f"{window.business_year - 1} 年申报名单中没有可导入的人员（或已全部导入）")
    return redirect("portal:placements")


@notice_confirmed_required
def placements_bulk_view(request: HttpRequest) -> HttpResponse:
    employer = request.employer  # type: ignore[attr-defined]
    window = _window(employer)
    if request.GET.get("template"):
        response = HttpResponse(
            services.bulk_template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = "attachment; filename*=UTF-8''placement-template.xlsx"
        return response
    form = BulkImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.placements_bulk_import(
                employer=employer,
                actor=request.user,
                business_year=window.business_year,
                today=timezone.localdate(),
                content=upload.read(),
                file_name=upload.name or "",
                contract_files=form.cleaned_data["contract_files"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
    context = {
        "form": form,
        "report": report,
        "report_rows": [(row, mask_name(row.name)) for row in report.rows] if report else [],
        "window": window,
        "writable": _writable(employer, window),
        "unit_info_missing": unit_info_missing(employer, window.business_year),
    }
    return render(request, "portal/placements_bulk.html", context, status=400 if form.errors else 200)

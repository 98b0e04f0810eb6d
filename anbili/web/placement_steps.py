"""The registration steps of 残疾人安置管理 (添加残疾人, 基本信息, 合同管理; 残疾证管理 and 人员信息校验 in
`anbili.web.placement_verify`), shared by the two doors that run them: the employer portal (the unit's own
clerk) and the staff window (窗口申报, DPF staff registering on the unit's behalf).

Each page function takes a `StepSite` (where the step runs: its URL names, its base template, whether file
inputs offer the document camera) and the employer, the acting user and the placement the caller's access
gate returned. Every write goes through the same `anbili.placements` service whichever door calls, so the
window, the year lock and the draft check hold on both; the staff door wraps its views in
`placements.services.at_window()` so that each event written says 现场申报."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from anbili.core.errors import ApplicationError
from anbili.core.identifiers import CERTIFICATE_CATEGORIES
from anbili.employers.models import Employer
from anbili.employers.selectors import (
    WindowState,
    declaration_window_state,
    related_unit_list,
    unit_info_missing,
)
from anbili.placements import selectors, services
from anbili.placements.models import Placement, PlacementStatus, PlacementStep
from anbili.placements.services.contracts import CONTRACT_FIELDS
from anbili.registry.models import CertificateOrigin
from anbili.web.forms import form_add_application_error, form_add_other_errors
from anbili.web.forms_placements import ContractForm, PlacementAddForm, PlacementPersonForm

# The step keys in the seeds' order with their labels.
WIZARD = [
    (PlacementStep.PERSON, "基本信息", "person"),
    (PlacementStep.CONTRACTS, "合同管理", "contracts"),
    (PlacementStep.CERTIFICATES, "残疾证管理", "certificates"),
    (PlacementStep.VERIFY, "人员信息校验", "verify"),
]
RESUME: dict[str, str] = {
    PlacementStep.PERSON: "person",
    PlacementStep.CONTRACTS: "contracts",
    PlacementStep.CERTIFICATES: "certificates",
    PlacementStep.VERIFY: "verify",
    PlacementStep.SELECT: "verify",
}
# What a document camera (高拍仪) offers at the window: images it takes, or a PDF it scans to.
SCANNER_ACCEPT = "image/*,application/pdf"


@dataclass(frozen=True)
class StepSite:
    """Where the steps run. `names` maps the step keys (person, contracts, certificates, verify, reverify,
    and `saved`: where a saved registration goes) to URL names taking the placement's pk; `list_url` gives
    the page the steps return to for an employer; `unit_info` the URL name of 单位信息维护管理 ("" when the
    door has none); `at_window` (窗口申报) names the unit served on every page and gives every file input
    the document camera's (高拍仪) accept and capture attributes."""

    names: dict[str, str]
    list_url: Callable[[Employer], str]
    base_template: str
    evidence_url: str
    list_label: str = "返回残疾人安置管理"
    unit_info: str = ""
    at_window: bool = False

    def url(self, key: str, placement: Placement) -> str:
        if key == "saved" and key not in self.names:
            return self.list_url(placement.employer)
        return reverse(self.names[key], args=[placement.pk])

    def resume_url(self, placement: Placement) -> str:
        return self.url(RESUME.get(placement.step, "person"), placement)

    def context(self, employer: Employer, placement: Placement | None = None) -> dict[str, Any]:
        """What every step template needs from the site: base template, the step and return URLs, the
        evidence link's URL name and the upload inputs' attributes."""
        urls = {
            "list": self.list_url(employer),
            "list_label": self.list_label,
            "unit_info": reverse(self.unit_info) if self.unit_info else "",
        }
        if placement is not None:
            urls |= {key: reverse(name, args=[placement.pk]) for key, name in self.names.items()}
        return {
            "base_template": self.base_template,
            "step_urls": urls,
            "evidence_url": self.evidence_url,
            "upload_accept": SCANNER_ACCEPT if self.at_window else "",
            "scanner": self.at_window,
            "acting_for": employer if self.at_window else None,
        }

    def prepare(self, form: forms.Form) -> forms.Form:
        """Give the form's file inputs the document camera (高拍仪) at the window."""
        if self.at_window:
            for bound in form.fields.values():
                if isinstance(bound, forms.FileField):
                    bound.widget.attrs.update(accept=SCANNER_ACCEPT, capture="environment")
        return form


def window_state(employer: Employer) -> WindowState:
    return declaration_window_state(employer, today=timezone.localdate())


def writable(employer: Employer, window: WindowState) -> bool:
    """Whether the page offers writes: the window is open and the year is not locked (完成申报)."""
    return window.is_open and not services.placement_year_locked(employer, window.business_year)


def wizard_page(
    request: HttpRequest,
    site: StepSite,
    placement: Placement,
    template: str,
    current: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    window = window_state(placement.employer)
    order: list[str] = [step for step, _, _ in WIZARD]
    steps = [
        {"label": label, "url": site.url(key, placement), "current": step == current, "number": i + 1}
        for i, (step, label, key) in enumerate(WIZARD)
    ]
    context = {
        **site.context(placement.employer, placement),
        "placement": placement,
        "window": window,
        "writable": writable(placement.employer, window) and placement.status == PlacementStatus.DRAFT,
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


def int_value(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


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


def certificate_rows(placement: Placement) -> list[CertificateRow]:
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


# --- 添加残疾人 and 基本信息 --------------------


def add_page(request: HttpRequest, site: StepSite, employer: Employer) -> HttpResponse:
    window = window_state(employer)
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
            return redirect(site.url("person", placement))
    context = {
        **site.context(employer),
        "employer": employer,
        "form": form,
        "window": window,
        "writable": writable(employer, window),
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


def person_page(request: HttpRequest, site: StepSite, placement: Placement) -> HttpResponse:
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
                return redirect(site.url("contracts", placement))
    else:
        form = PlacementPersonForm(
            initial=PlacementPersonForm.initial_for(placement),
            has_diploma=has_diploma,
            in_registry=placement.in_registry,
        )
    site.prepare(form)
    certificates = selectors.placement_registry_certificates(placement)
    context = {
        "form": form,
        "certificate": certificates[-1] if certificates else None,
        "age": _age(placement),
    }
    status = 400 if form.errors else 200
    return wizard_page(
        request, site, placement, "portal/placement_person.html", PlacementStep.PERSON, context, status
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


# The inputs a clerk types into an empty 添加合同 form (the yes/no and relation inputs carry defaults).
_CONTRACT_INPUTS = tuple(name for name in CONTRACT_FIELDS if name not in ("is_dispatch", "relation"))


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


def contracts_page(request: HttpRequest, site: StepSite, placement: Placement) -> HttpResponse:
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
                contract_id=int_value(request.POST.get("contract_id")),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已删除合同")
        return redirect(site.url("contracts", placement))
    # 修改: ?edit=<id> shows the contract in the form; POST action=update saves it.
    contracts = list(placement.contracts.all())
    edit_id = int_value(request.POST.get("contract_id") if action == "update" else request.GET.get("edit"))
    editing = next((c for c in contracts if c.pk == edit_id), None)
    # 保存，下一步 submits the form too: a filled form is saved (or its errors shown) before moving on.
    go_next = request.method == "POST" and bool(request.POST.get("next"))
    if go_next and editing is None and _contract_form_blank(request):
        return redirect(site.url("certificates", placement))
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
                    return redirect(site.url("certificates", placement))
                return redirect(site.url("contracts", placement))
    site.prepare(form)
    context = {"form": form, "rows": _contract_rows(employer, related, contracts), "editing": editing}
    status = 400 if form.errors else 200
    return wizard_page(
        request, site, placement, "portal/placement_contracts.html", PlacementStep.CONTRACTS, context, status
    )

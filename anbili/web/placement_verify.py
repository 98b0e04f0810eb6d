"""The last registration steps, shared by the portal and the staff window like
`anbili.web.placement_steps`: 残疾证管理 (补充历史残疾证, 删除 it, 保存，下一步 runs the verification),
人员信息校验 with month selection and the upload of evidence for the months that failed a check, and
重新核验."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from anbili.core.errors import ApplicationError
from anbili.placements import selectors, services
from anbili.placements.models import Placement, PlacementStatus, PlacementStep
from anbili.rules.checks import AWAITS_REVIEW
from anbili.web.forms import form_add_application_error
from anbili.web.forms_placements import CertificateForm
from anbili.web.placement_steps import StepSite, certificate_rows, int_value, wizard_page

FINISH_TEXT = "同时后续请及时在“残疾人安置管理”界面点击“完成申报”"
SAVED_TEXT = "您的相关资料已保存成功，请留意残联主管部门的审核进度。" + FINISH_TEXT
SYSTEM_CONFIRMED_TEXT = "该人员已安置登记完成：所勾选月份均系统核验通过，已由系统审核确认。" + FINISH_TEXT


# --- 残疾证管理 --------------------


def certificates_page(request: HttpRequest, site: StepSite, placement: Placement) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "POST" and request.POST.get("action") == "done":
        # 保存，下一步: on to 人员信息校验 (the service refuses a draft without a contract).
        try:
            services.placement_certificates_done(
                placement_id=placement.pk, employer=placement.employer, actor=request.user, today=today
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(site.url("certificates", placement))
        return redirect(site.url("verify", placement))
    if request.method == "POST" and request.POST.get("action") == "remove":
        # 删除 of a historical certificate, after the confirmation shown with ?remove=<id>.
        try:
            services.placement_certificate_remove(
                placement_id=placement.pk,
                employer=placement.employer,
                actor=request.user,
                today=today,
                certificate_id=int_value(request.POST.get("certificate_id")),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已删除补充的历史残疾证")
        return redirect(site.url("certificates", placement))
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
            return redirect(site.url("certificates", placement))
    site.prepare(form)
    rows = certificate_rows(placement)
    removing = next((r for r in rows if r.removable and r.pk == int_value(request.GET.get("remove"))), None)
    context = {
        "form": form,
        "certificates": rows,
        "removing": removing,
        "need": selectors.historical_certificate_need(placement.id_number, placement.business_year),
    }
    status = 400 if form.errors else 200
    return wizard_page(
        request,
        site,
        placement,
        "portal/placement_certificates.html",
        PlacementStep.CERTIFICATES,
        context,
        status,
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


def verify_page(request: HttpRequest, site: StepSite, placement: Placement) -> HttpResponse:
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
                return redirect(site.url("verify", placement))
            return redirect(site.url("saved", placement))
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
        # A month failing only while an added certificate or a dispatch agreement waits for the DPF.
        "awaits_review": any(cell.reason_code in AWAITS_REVIEW for row in rows for cell in row.cells),
        "check_titles": [cell.label for cell in rows[0].cells] if rows else [],
    }
    status = 400 if error else 200
    return wizard_page(
        request, site, placement, "portal/placement_verify.html", PlacementStep.VERIFY, context, status
    )


def reverify_page(request: HttpRequest, site: StepSite, placement: Placement) -> HttpResponse:
    try:
        services.placement_verify(
            placement_id=placement.pk, employer=placement.employer, today=timezone.localdate()
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已按最新数据重新核验")
    return redirect(site.url("verify", placement))

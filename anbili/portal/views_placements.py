"""Employer portal: 残疾人安置管理 — the placement list and counters, 查看, 重新登记, 删除, 导入上一年申报名单
and 批量登记, and the registration wizard (添加残疾人, 基本信息, 合同管理, 残疾证管理, 人员信息校验 with month
selection and evidence upload) as thin views over the steps the staff window shares
(`anbili.web.placement_steps`, `anbili.web.placement_verify`). Every write goes through one
anbili.placements service; every read through its selectors."""

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
from anbili.core.masking import mask, mask_name
from anbili.employers.selectors import unit_info_missing
from anbili.placements import selectors, services
from anbili.placements.access import access_placement_for_employer
from anbili.placements.models import Placement
from anbili.web import placement_steps as steps
from anbili.web import placement_verify as verify_steps
from anbili.web.decorators import notice_confirmed_required
from anbili.web.forms import form_add_application_error
from anbili.web.forms_placements import BulkImportForm, PlacementSearchForm
from anbili.web.placement_steps import StepSite, certificate_rows
from anbili.web.placement_steps import window_state as _window
from anbili.web.placement_steps import writable as _writable

# The wizard at the portal: the unit's own clerk, back to the unit's list, a saved registration to 查看.
SITE = StepSite(
    names={
        "person": "portal:placement_person",
        "contracts": "portal:placement_contracts",
        "certificates": "portal:placement_certificates",
        "verify": "portal:placement_verify",
        "reverify": "portal:placement_reverify",
        "saved": "portal:placement_view",
    },
    list_url=lambda employer: reverse("portal:placements"),
    base_template="portal/base.html",
    evidence_url="portal:evidence_download",
    unit_info="portal:unit_info",
)


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
    return ListRow(
        placement=placement,
        name=mask_name(placement.name),
        id_number=mask(placement.id_number),
        certificate_number=mask(getattr(placement, "certificate_number", "") or ""),
        resume_url=SITE.resume_url(placement),
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


# --- the wizard (shared with the staff window) --------------------


@notice_confirmed_required
def placement_add_view(request: HttpRequest) -> HttpResponse:
    return steps.add_page(request, SITE, request.employer)  # type: ignore[attr-defined]


@notice_confirmed_required
def placement_person_view(request: HttpRequest, pk: int) -> HttpResponse:
    return steps.person_page(request, SITE, access_placement_for_employer(request, pk))


@notice_confirmed_required
def placement_contracts_view(request: HttpRequest, pk: int) -> HttpResponse:
    return steps.contracts_page(request, SITE, access_placement_for_employer(request, pk))


@notice_confirmed_required
def placement_certificates_view(request: HttpRequest, pk: int) -> HttpResponse:
    return verify_steps.certificates_page(request, SITE, access_placement_for_employer(request, pk))


@notice_confirmed_required
def placement_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    return verify_steps.verify_page(request, SITE, access_placement_for_employer(request, pk))


@require_POST
@notice_confirmed_required
def placement_reverify_view(request: HttpRequest, pk: int) -> HttpResponse:
    placement = access_placement_for_employer(request, pk, details=False)
    return verify_steps.reverify_page(request, SITE, placement)


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
        "certificates": certificate_rows(detail),
        "full": full,
        "id_number": detail.id_number if full else mask(detail.id_number),
        "resume_url": SITE.resume_url(detail),
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

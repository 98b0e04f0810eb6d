"""Staff review system: 残疾人安置管理 — the search over the staff member's jurisdiction (ID number, name,
employer, status, business year, region) and its Excel export (POST, audited; ID numbers masked unless a
system admin asks for them, see docs/review.md "Window registration" and "Staff placement search")."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbili.accounts.access import access_staff
from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record
from anbili.backoffice.forms_placements import StaffPlacementSearchForm
from anbili.core.masking import mask
from anbili.placements import export
from anbili.placements.models import Placement
from anbili.placements.selectors import beijing_time
from anbili.placements.selectors_staff import staff_placement_export_rows, staff_placement_search
from anbili.web.decorators import staff_required

PAGE_SIZE = 20


@dataclass(frozen=True)
class StaffRow:
    """One row of the staff list: the ID number masked (6+4), the link to the placement's review screen."""

    placement: Placement
    id_number: str
    registered_at: str
    url: str


def review_url(placement_id: int) -> str:
    """The review screen (安置登记审核, which shows a placement of any status); "" until it is routed."""
    try:
        return reverse("backoffice:placement_review_detail", args=[placement_id])
    except NoReverseMatch:
        return ""


def _row(placement: Placement) -> StaffRow:
    moment = placement.registered_at
    return StaffRow(
        placement=placement,
        id_number=mask(placement.id_number),
        registered_at=beijing_time(moment) if moment else "未申报",
        url=review_url(placement.pk),
    )


def _page(
    request: HttpRequest, form: StaffPlacementSearchForm, status: int = 200, error: str = ""
) -> HttpResponse:
    staff = form.staff
    valid = form.is_valid()
    rows = staff_placement_search(staff, form.filters()) if valid else Placement.objects.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [_row(p) for p in page],
        "staff": staff,
        "error": error,
        "export_limit": export.EXPORT_LIMIT,
    }
    return render(request, "backoffice/placements.html", context, status=400 if form.errors else status)


@staff_required
def placement_search_view(request: HttpRequest) -> HttpResponse:
    staff = access_staff(request)
    return _page(request, StaffPlacementSearchForm(request.GET, staff=staff))


@require_POST
@staff_required
def placements_export_view(request: HttpRequest) -> HttpResponse:
    """The search's result as an Excel file: refused with the reason beyond EXPORT_LIMIT rows; every export
    (its filters, rows and whether the numbers were masked) is audited."""
    staff = access_staff(request)
    form = StaffPlacementSearchForm(request.POST, staff=staff)
    if not form.is_valid():
        return _page(request, form)
    filters = form.filters()
    total = staff_placement_search(staff, filters).count()
    if total > export.EXPORT_LIMIT:
        error = (
            f"符合条件的安置登记共 {total:,} 条，超过单次导出上限 {export.EXPORT_LIMIT:,} 条，"
            "请增加查询条件（如业务年度、地区、审核状态）后再导出。"
        )
        return _page(request, form, status=400, error=error)
    masked = not form.wants_full_numbers()
    content, count = export.placements_export_xlsx(staff_placement_export_rows(staff, filters), masked=masked)
    audit_record(
        AuditAction.EXPORT,
        request=request,
        object_type="placements.placement",
        object_label="残疾人安置管理导出",
        detail={
            "page": "残疾人安置管理",
            "fields": "身份证号（脱敏）" if masked else "完整身份证号",
            "message": f"导出 {count} 条；查询条件：{filters.description()}",
            "rows": count,
            "masked": masked,
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(content, content_type=export.XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''placements-{stamp}.xlsx"
    return response

"""Staff review system: 窗口申报 (现场申报) — at the DPF window a staff member picks a unit of the
jurisdiction, opens its register of the business year and does the registration steps on its behalf
(添加残疾人, 基本信息, 合同管理, 残疾证管理, 人员信息校验 + 勾选安置月份, with scans from the document
camera). The steps are the portal's own (`anbili.web.placement_steps`, `placement_verify`) on the same
services, so the declaration window, the year lock and the draft check hold; every view runs inside
`at_window()`, so each event written says 现场申报 and names the staff member as its actor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anbili.accounts.access import access_employer_for_staff, access_staff
from anbili.backoffice.forms_placements import WindowEmployerSearchForm
from anbili.backoffice.views_placements import review_url
from anbili.core.masking import mask
from anbili.employers.selectors import unit_info_missing
from anbili.placements.access import access_placement_for_staff
from anbili.placements.models import Placement, PlacementStatus
from anbili.placements.selectors import beijing_time
from anbili.placements.selectors_staff import window_employer_placements, window_employer_search
from anbili.placements.services import at_window
from anbili.web import placement_steps as steps
from anbili.web import placement_verify as verify_steps
from anbili.web.decorators import staff_required
from anbili.web.placement_steps import StepSite

# The wizard at the window: the staff member for the unit, back to the unit's register after each save.
SITE = StepSite(
    names={
        "person": "backoffice:window_placement_person",
        "contracts": "backoffice:window_placement_contracts",
        "certificates": "backoffice:window_placement_certificates",
        "verify": "backoffice:window_placement_verify",
        "reverify": "backoffice:window_placement_reverify",
    },
    list_url=lambda employer: reverse("backoffice:window_employer", args=[employer.pk]),
    base_template="backoffice/base.html",
    evidence_url="backoffice:evidence_download",
    list_label="返回该单位的安置名单（窗口申报）",
    at_window=True,
)


def window_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A staff page whose every service call is marked as done at the window (PlacementEvent.channel)."""

    @staff_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with at_window():
            return view(request, *args, **kwargs)

    return wrapped


@staff_required
def window_search_view(request: HttpRequest) -> HttpResponse:
    staff = access_staff(request)
    form = WindowEmployerSearchForm(request.GET or None)
    employers = window_employer_search(staff, form.cleaned_data["q"]) if form.is_valid() else []
    context = {"form": form, "employers": employers, "staff": staff}
    return render(request, "backoffice/window.html", context, status=400 if form.errors else 200)


@dataclass(frozen=True)
class RegisterRow:
    placement: Placement
    id_number: str
    registered_at: str
    url: str


@staff_required
def window_employer_view(request: HttpRequest, pk: int) -> HttpResponse:
    employer = access_employer_for_staff(request, pk)
    window = steps.window_state(employer)
    rows = [
        RegisterRow(
            placement=p,
            id_number=mask(p.id_number),
            registered_at=beijing_time(p.registered_at) if p.registered_at else "未申报",
            # A draft goes on with its steps; a submitted one opens on the review screen (any status).
            url=SITE.resume_url(p)
            if p.status == PlacementStatus.DRAFT
            else review_url(p.pk) or SITE.resume_url(p),
        )
        for p in window_employer_placements(employer, window.business_year)
    ]
    context = {
        "employer": employer,
        "window": window,
        "writable": steps.writable(employer, window),
        "rows": rows,
        "unit_info_missing": unit_info_missing(employer, window.business_year),
    }
    return render(request, "backoffice/window_employer.html", context)


@window_view
def window_placement_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return steps.add_page(request, SITE, access_employer_for_staff(request, pk))


@window_view
def window_placement_person_view(request: HttpRequest, pk: int) -> HttpResponse:
    return steps.person_page(request, SITE, access_placement_for_staff(request, pk))


@window_view
def window_placement_contracts_view(request: HttpRequest, pk: int) -> HttpResponse:
    return steps.contracts_page(request, SITE, access_placement_for_staff(request, pk))


@window_view
def window_placement_certificates_view(request: HttpRequest, pk: int) -> HttpResponse:
    return verify_steps.certificates_page(request, SITE, access_placement_for_staff(request, pk))


@window_view
def window_placement_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    return verify_steps.verify_page(request, SITE, access_placement_for_staff(request, pk))


@require_POST
@window_view
def window_placement_reverify_view(request: HttpRequest, pk: int) -> HttpResponse:
    return verify_steps.reverify_page(request, SITE, access_placement_for_staff(request, pk))

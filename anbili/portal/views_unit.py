"""Employer portal: 单位信息维护管理 — the unit's basic information and its related units (关联单位)."""

from dataclasses import fields
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbili.accounts.access import access_employer_for_employer_user
from anbili.core.errors import ApplicationError
from anbili.employers.access import access_related_unit_for_employer
from anbili.employers.models import Employer, RelatedUnit
from anbili.employers.selectors import declaration_window_state, related_unit_rows, unit_year_profile_for
from anbili.employers.services import (
    UnitInfo,
    employer_profile_check,
    employer_profile_update,
    related_unit_create,
    related_unit_delete,
    related_unit_update,
    unit_year_profile_confirm,
)
from anbili.portal.forms_unit import RelatedUnitForm, UnitInfoForm
from anbili.web.decorators import notice_confirmed_required
from anbili.web.forms import form_add_application_error, form_add_other_errors


def _page(
    request: HttpRequest, employer: Employer, form: UnitInfoForm | None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    window = declaration_window_state(employer, today=today)
    profile = unit_year_profile_for(employer, window.business_year)
    if form is None:
        form = UnitInfoForm(initial=UnitInfoForm.initial_for(employer, profile))
    context = {
        "employer": employer,
        "window": window,
        "profile": profile,
        "form": form,
        "related_units": related_unit_rows(employer, window.business_year, today=today),
        "today": today,
    }
    return render(request, "portal/unit_info.html", context, status=status)


def _unit_info(form: UnitInfoForm) -> UnitInfo:
    """What the form holds for the service: the cleaned values, and for a field the form refused its raw text
    (a refused number: none), so that the service can still check the others."""
    values: dict[str, Any] = {}
    for name in (field.name for field in fields(UnitInfo)):
        if name in form.cleaned_data:
            values[name] = form.cleaned_data[name]
        else:
            values[name] = None if name == "employee_count" else str(form.data.get(name, ""))
    return UnitInfo(**values)


@notice_confirmed_required
def unit_info_view(request: HttpRequest) -> HttpResponse:
    employer = access_employer_for_employer_user(request)
    if request.method != "POST":
        return _page(request, employer, None)
    form = UnitInfoForm(request.POST)
    today = timezone.localdate()
    if form.is_valid():
        try:
            profile = employer_profile_update(
                employer_id=employer.pk, data=_unit_info(form), actor=request.user, today=today
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, f"单位信息已保存，{profile.business_year} 业务年度单位信息已确认")
            return redirect("portal:unit_info")
    else:
        # The form named what is missing; the service names the format problems of the rest in the same
        # answer, so that one submit shows every problem.
        try:
            employer_profile_check(employer_id=employer.pk, data=_unit_info(form), today=today)
        except ApplicationError as exc:
            form_add_other_errors(form, exc)
    return _page(request, employer, form, status=400)


@require_POST
@notice_confirmed_required
def unit_info_confirm_view(request: HttpRequest) -> HttpResponse:
    employer = access_employer_for_employer_user(request)
    today = timezone.localdate()
    try:
        profile = unit_year_profile_confirm(employer_id=employer.pk, actor=request.user, today=today)
    except ApplicationError as exc:
        if exc.code != "incomplete":
            messages.error(request, exc.message)
            return redirect("portal:unit_info")
        # Facts still missing: the form, filled with what is shown, marks each of them at its field.
        window = declaration_window_state(employer, today=today)
        initial = UnitInfoForm.initial_for(employer, unit_year_profile_for(employer, window.business_year))
        form = UnitInfoForm({name: "" if value is None else value for name, value in initial.items()})
        form.is_valid()
        form_add_other_errors(form, exc)
        return _page(request, employer, form, status=400)
    messages.success(request, f"已确认 {profile.business_year} 业务年度单位信息")
    return redirect("portal:unit_info")


def _related_form_page(
    request: HttpRequest, form: RelatedUnitForm, unit: RelatedUnit | None, status: int = 200
) -> HttpResponse:
    employer = access_employer_for_employer_user(request)
    window = declaration_window_state(employer, today=timezone.localdate())
    context = {"form": form, "unit": unit, "window": window}
    return render(request, "portal/unit_related_form.html", context, status=status)


@notice_confirmed_required
def related_unit_add_view(request: HttpRequest) -> HttpResponse:
    employer = access_employer_for_employer_user(request)
    form = RelatedUnitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = related_unit_create(
                employer_id=employer.pk,
                actor=request.user,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, f"已添加关联单位：{unit.name}")
            return redirect("portal:unit_info")
    return _related_form_page(request, form, None, status=400 if form.errors else 200)


@notice_confirmed_required
def related_unit_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_related_unit_for_employer(request, pk)
    initial = {"relation": unit.relation, "uscc": unit.uscc, "name": unit.name}
    form = RelatedUnitForm(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            updated = related_unit_update(
                employer_id=unit.employer_id,
                related_unit_id=unit.pk,
                actor=request.user,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, f"已修改关联单位：{updated.name}")
            return redirect("portal:unit_info")
    return _related_form_page(request, form, unit, status=400 if form.errors else 200)


@notice_confirmed_required
def related_unit_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_related_unit_for_employer(request, pk)
    if request.method == "POST":
        try:
            related_unit_delete(
                employer_id=unit.employer_id, related_unit_id=unit.pk, today=timezone.localdate()
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已删除关联单位：{unit.name}")
        return redirect("portal:unit_info")
    window = declaration_window_state(access_employer_for_employer_user(request), today=timezone.localdate())
    return render(request, "portal/unit_related_delete.html", {"unit": unit, "window": window})

"""残保金计算器: one page, served publicly at /calculator/ and inside the portal (prefilled from the unit).

The form is a plain GET form, so it works without script; with htmx the result panel is swapped in place and
a short summary is written into a live region that screen readers announce.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from anbili.accounts.access import access_employer_for_employer_user
from anbili.employers.levy import LevyEstimate, LevyInputError, levy_estimate, levy_estimate_input_parse
from anbili.employers.models import Employer
from anbili.employers.selectors import business_year_on, unit_year_profile_for
from anbili.portal.forms_unit import CalculatorForm
from anbili.web.decorators import notice_confirmed_required


def _prefill(employer: Employer | None, business_year: int) -> tuple[dict[str, Any], list[str]]:
    """Initial values, and for a logged-in unit the list of what was taken from its data."""
    initial: dict[str, Any] = {"year": business_year, "persons": 0, "months": 12, "severe_persons": 0}
    initial["severe_months"] = 12
    if employer is None:
        return initial, []
    initial["province"] = employer.dpf_region_id[:2] + "0000"
    initial["unit_nature"] = employer.nature
    used = [
        f"单位性质（{employer.get_nature_display()}）",
        f"残联主管部门所在省份（{employer.dpf_region.province.name}）",
    ]
    profile = unit_year_profile_for(employer, business_year)
    if profile is not None and profile.pk and profile.employee_count is not None:
        initial["employees"] = str(profile.employee_count)
        used.append(f"{business_year} 业务年度上年度职工数（{profile.employee_count} 人）")
    return initial, used


def _summary(estimate: LevyEstimate | None, form: CalculatorForm) -> str:
    if estimate is not None:
        return f"计算完成：预计应缴纳残保金 {estimate.payable} 元，预计可节约 {estimate.saving} 元。"
    if form.errors:
        return f"输入有误，共 {len(form.errors)} 项，请按提示修改。"
    return ""


def calculator_page(request: HttpRequest, *, employer: Employer | None, base_template: str) -> HttpResponse:
    """Render the calculator for anyone, or prefilled for a logged-in unit; compute when the form is sent."""
    business_year = business_year_on(timezone.localdate())
    initial, prefilled = _prefill(employer, business_year)
    submitted = "year" in request.GET
    form = CalculatorForm(request.GET if submitted else None, initial=initial)
    estimate = None
    if submitted and form.is_valid():
        try:
            estimate = levy_estimate(levy_estimate_input_parse(form.estimate_data()))
        except LevyInputError as exc:
            for key, message in exc.field_messages.items():
                field = CalculatorForm.ERROR_FIELDS.get(key, key)
                form.add_error(field if field in form.fields else None, message)
    context = {
        "base_template": base_template,
        "form": form,
        "estimate": estimate,
        "prefilled": prefilled,
        "summary": _summary(estimate, form),
        "employer": employer,
    }
    if getattr(request, "htmx", False):
        # htmx swaps only 2xx responses; the panel carries its own error messages.
        return render(request, "calculator_panel.html", context)
    return render(request, "calculator.html", context, status=400 if form.errors else 200)


def calculator_view(request: HttpRequest) -> HttpResponse:
    return calculator_page(request, employer=None, base_template="base.html")


@notice_confirmed_required
def portal_calculator_view(request: HttpRequest) -> HttpResponse:
    employer = access_employer_for_employer_user(request)
    return calculator_page(request, employer=employer, base_template="portal/base.html")

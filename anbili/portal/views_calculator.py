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
from anbili.placements.selectors import placement_counters
from anbili.portal.forms_calculator import CalculatorForm
from anbili.web.decorators import notice_confirmed_required


def _prefill(employer: Employer | None, business_year: int) -> tuple[dict[str, Any], list[str]]:
    """Initial values, and for a logged-in unit the list of what was taken from its data."""
    initial: dict[str, Any] = {"year": business_year, "placed_person_months": "0"}
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
    # 安置核定: the confirmed months, a severe person's counting twice (rules.md §2), as the list totals them.
    credited = placement_counters(employer, business_year).credited_months
    initial["placed_person_months"] = str(credited)
    used.append(f"{business_year} 业务年度已核定的安置人月数（{credited} 个月，重度残疾人已按 2 倍计）")
    return initial, used


def _summary(estimate: LevyEstimate | None, form: CalculatorForm) -> str:
    if estimate is not None and estimate.exempt:
        return "计算完成：本单位在职职工人数未超过规定人数，暂免征收残保金。"
    if estimate is not None:
        return (
            f"计算完成：预计应缴纳残保金 {estimate.payable_text} 元，预计可节约 {estimate.saving_text} 元。"
        )
    if form.errors:
        return f"输入有误，共 {len(form.errors)} 项，请按提示修改。"
    return ""


def _estimate(form: CalculatorForm) -> LevyEstimate | None:
    """The estimate of a sent form, or None with every problem at its field at once: the form's own checks
    (choices, year) and the levy parser's (numbers, "one of the two") in the same answer."""
    valid = form.is_valid()
    try:
        parsed = levy_estimate_input_parse(form.estimate_data())
        return levy_estimate(parsed) if valid else None
    except LevyInputError as exc:
        for key, message in exc.field_messages.items():
            field = CalculatorForm.ERROR_FIELDS.get(key, key)
            if field in form.errors:
                continue  # the form's own message already names this field
            form.add_error(field if field in form.fields else None, message)
    return None


def calculator_page(request: HttpRequest, *, employer: Employer | None, base_template: str) -> HttpResponse:
    """Render the calculator for anyone, or prefilled for a logged-in unit; compute when the form is sent."""
    business_year = business_year_on(timezone.localdate())
    initial, prefilled = _prefill(employer, business_year)
    submitted = "year" in request.GET
    form = CalculatorForm(request.GET if submitted else None, initial=initial)
    estimate = _estimate(form) if submitted else None
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

"""用户中心 of a legal person: the units held (设置默认, 经办人 per unit) and 新增单位."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbili.accounts.access import access_legal_person_membership
from anbili.accounts.models import User
from anbili.accounts.selectors import legal_person_units
from anbili.accounts.units import legal_person_unit_add, membership_default_set
from anbili.core.errors import ApplicationError
from anbili.portal.forms_account import UnitAddForm, UnitChoiceForm
from anbili.web.decorators import notice_confirmed_required
from anbili.web.forms import form_add_application_error


def _legal_person(request: HttpRequest) -> User:
    access_legal_person_membership(request)  # agents: 404
    user = request.user
    assert isinstance(user, User)
    return user


@notice_confirmed_required
def user_center_view(request: HttpRequest) -> HttpResponse:
    user = _legal_person(request)
    form = UnitAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = legal_person_unit_add(legal_person=user, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(
                request, f"已新增单位：{membership.employer.name}，可在页面顶部切换到该单位办理业务"
            )
            return redirect("portal:user_center")
    context = {"form": form, "units": legal_person_units(user), "today": timezone.localdate()}
    return render(request, "portal/user_center.html", context, status=400 if form.errors else 200)


@require_POST
@notice_confirmed_required
def unit_default_view(request: HttpRequest) -> HttpResponse:
    user = _legal_person(request)
    form = UnitChoiceForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        membership = membership_default_set(legal_person=user, employer_id=form.cleaned_data["employer_id"])
    except ApplicationError as exc:
        raise Http404 from exc
    messages.success(request, f"已将“{membership.employer.name}”设为默认单位")
    return redirect("portal:user_center")

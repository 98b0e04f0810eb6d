"""Employer portal (网报系统) pages: login, registration, home, unit switch, agents, password."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbili.accounts.access import access_employer_for_employer_user, access_legal_person_membership
from anbili.accounts.forms import AgentForm, AgentPeriodForm, LoginForm, RegisterForm, SwitchUnitForm
from anbili.accounts.models import User
from anbili.accounts.selectors import agent_list_for_employer
from anbili.accounts.services import (
    agent_authorisation_update,
    agent_check,
    agent_create,
    current_employer_switch,
    employer_login_check,
    employer_register,
)
from anbili.core.errors import ApplicationError
from anbili.employers.selectors import employer_home_summary
from anbili.notices.selectors import notice_list_for_employer
from anbili.placements.selectors import placement_home_figures
from anbili.web.account_pages import password_page
from anbili.web.decorators import NOTICE_SESSION_KEY, employer_required, notice_confirmed_required
from anbili.web.forms import form_add_application_error, form_add_other_errors
from anbili.web.login import login_page
from anbili.web.redirects import safe_next

# The home page lists the newest notices; the rest are on 通知公告.
HOME_NOTICE_COUNT = 5


def login_view(request: HttpRequest) -> HttpResponse:
    return login_page(
        request,
        form_class=LoginForm,
        check=lambda req, account, password: employer_login_check(req, account=account, password=password),
        template="portal/login.html",
        success_url="portal:home",
    )


def register_view(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer_register(**{k: v for k, v in form.cleaned_data.items() if k != "password2"})
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, "注册成功，请使用统一社会信用代码和密码登录")
            return redirect("portal:login")
    return render(request, "portal/register.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    target = safe_next(request, "portal:login")  # read before the session (and its messages) is flushed
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect(target)


@employer_required
def home_view(request: HttpRequest) -> HttpResponse:
    employer = access_employer_for_employer_user(request)
    user = request.user
    assert isinstance(user, User)
    # The progress steps follow the unit information and the placements; the declaration (完成申报, 发送税务)
    # joins through employer_home_summary's declaration_for hook once it exists.
    summary = employer_home_summary(employer, today=timezone.localdate(), figures_for=placement_home_figures)
    context = {
        "summary": summary,
        "notices": notice_list_for_employer(employer, user=user, limit=HOME_NOTICE_COUNT),
        "show_special_notice": not request.session.get(NOTICE_SESSION_KEY),
        # Where the notice's confirmation goes on to (a guard sent the visitor here with ?next=).
        "notice_next": safe_next(request, "portal:home"),
    }
    return render(request, "portal/home.html", context)


@require_POST
@employer_required
def special_notice_confirm_view(request: HttpRequest) -> HttpResponse:
    request.session[NOTICE_SESSION_KEY] = True
    return redirect(safe_next(request, "portal:home"))


@require_POST
@notice_confirmed_required
def unit_switch_view(request: HttpRequest) -> HttpResponse:
    form = SwitchUnitForm(request.POST)
    if form.is_valid():
        try:
            membership = current_employer_switch(request, employer_id=form.cleaned_data["employer_id"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已切换到单位：{membership.employer.name}")
    return redirect("portal:home")


@notice_confirmed_required
def agents_view(request: HttpRequest) -> HttpResponse:
    membership = access_legal_person_membership(request)
    user = request.user
    assert isinstance(user, User)
    form = AgentForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        # The form named what it refused; the service names the problems of the other fields in the same
        # answer (nothing is written).
        try:
            accepted = {name: value for name, value in form.cleaned_data.items() if name in form.fields}
            agent_check(**accepted)
        except ApplicationError as exc:
            form_add_other_errors(form, exc)
    elif request.method == "POST":
        try:
            agent_create(legal_person=user, employer_id=membership.employer_id, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, f"已授权经办人：{form.cleaned_data['full_name']}")
            return redirect("portal:agents")
    context = {
        "form": form,
        "agents": agent_list_for_employer(membership.employer_id),
        "today": timezone.localdate(),
    }
    return render(request, "portal/agents.html", context, status=400 if form.errors else 200)


@notice_confirmed_required
def agent_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access_legal_person_membership(request)
    agent = agent_list_for_employer(membership.employer_id).filter(pk=pk).first()
    if agent is None:
        raise Http404
    form = AgentPeriodForm(
        request.POST or None, initial={"valid_from": agent.valid_from, "valid_until": agent.valid_until}
    )
    if request.method == "POST" and form.is_valid():
        user = request.user
        assert isinstance(user, User)
        try:
            agent_authorisation_update(legal_person=user, membership_id=agent.pk, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, f"已更新经办人“{agent.user.full_name}”的授权期限")
            return redirect("portal:agents")
    return render(
        request, "portal/agent_edit.html", {"form": form, "agent": agent}, status=400 if form.errors else 200
    )


@notice_confirmed_required
def password_view(request: HttpRequest) -> HttpResponse:
    return password_page(request, template="portal/password.html", done_url="portal:home")

"""The login flow shared by the employer portal and the staff review system: captcha, lock-out, session."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from anbili.accounts.captcha import captcha_check, captcha_new
from anbili.accounts.forms import LoginForm, StaffLoginForm
from anbili.accounts.lockout import ADDRESS_MESSAGE, address_blocked_minutes, login_realm
from anbili.accounts.selectors import login_failures_count
from anbili.accounts.services import SESSION_EMPLOYER, LoginOutcome, login_failures_reset
from anbili.accounts.signals import login_failure_audit
from anbili.audit.services import client_address
from anbili.web.redirects import safe_next

LOCKOUT_MESSAGE = "登录失败次数过多，账号已被锁定，请于{minutes}分钟后再试"


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def login_page(
    request: HttpRequest,
    *,
    form_class: type[LoginForm],
    check: Callable[[HttpRequest, str, str], LoginOutcome],
    template: str,
    success_url: str,
) -> HttpResponse:
    """GET shows the form; POST authenticates, asking a captcha once an account has failed too often."""
    if request.method != "POST":
        return render(request, template, {"form": form_class()})
    account = request.POST.get("account", "").strip()
    realm = login_realm(request)
    # The address limit first: a client spraying many accounts is refused before any account is touched.
    blocked_minutes = address_blocked_minutes(client_address(request))
    if blocked_minutes:
        login_failure_audit(request, account, "address_limited")
        return _locked_page(request, form_class, template, ADDRESS_MESSAGE.format(minutes=blocked_minutes))
    failures = login_failures_count(account, realm)
    if failures >= settings.AXES_FAILURE_LIMIT:
        login_failure_audit(request, account, "locked")
        return _locked_page(request, form_class, template)
    captcha_due = failures >= settings.LOGIN_CAPTCHA_AFTER_FAILURES
    form = form_class(request.POST, captcha_question="（见上次提示）" if captcha_due else "")
    if form.is_valid():
        if captcha_due and not captcha_check(request, form.cleaned_data["captcha"]):
            form.add_error("captcha", "验证码错误，请重新计算")
            login_failure_audit(request, account, "captcha")
        else:
            outcome = check(request, account, form.cleaned_data["password"])
            if outcome.user is not None:
                login(request, outcome.user, backend="anbili.accounts.backends.AccountBackend")
                login_failures_reset(account, realm)
                if outcome.employer_id is not None:
                    request.session[SESSION_EMPLOYER] = outcome.employer_id
                # The page a guard sent the visitor from, if it is a path of this site (`?next=`).
                return redirect(safe_next(request, success_url))
            form.add_error(None, outcome.message)
    if login_failures_count(account, realm) >= settings.LOGIN_CAPTCHA_AFTER_FAILURES:
        form.ask_captcha(captcha_new(request))
    return render(request, template, {"form": form}, status=400)


def _locked_page(
    request: HttpRequest, form_class: type[LoginForm], template: str, message: str = ""
) -> HttpResponse:
    form = form_class(initial={"account": request.POST.get("account", "")})
    message = message or LOCKOUT_MESSAGE.format(minutes=_lockout_minutes())
    return render(request, template, {"form": form, "page_error": message}, status=429)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse, credentials: dict | None
) -> HttpResponse:
    """django-axes calls this when an account is locked: the same login page, with the reason and duration."""
    if request.path.startswith("/admin/"):
        from anbili.web.admin_login import admin_refused_response

        return admin_refused_response(request)
    if request.path.startswith("/backoffice/"):
        return _locked_page(request, StaffLoginForm, "backoffice/login.html")
    return _locked_page(request, LoginForm, "portal/login.html")

"""Django admin's login (/admin/login/) with the front ends' protections: the text captcha from the 3rd
failure, the same per-account lock-out counter as the review system, and the per-address limit.

Wired in config/urls.py through `admin.site.login_form` and `login_template`, so it holds whichever
AdminSite instance serves /admin/.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from anbili.accounts.backends import STAFF_REALM
from anbili.accounts.captcha import captcha_check, captcha_new
from anbili.accounts.lockout import ADDRESS_MESSAGE, address_blocked_minutes
from anbili.accounts.selectors import login_failures_count
from anbili.accounts.signals import login_failure_audit
from anbili.audit.services import client_address

LOGIN_TEMPLATE = "admin/anbili_login.html"
LOCKOUT_MESSAGE = "登录失败次数过多，账号已被锁定，请于{minutes}分钟后再试"
# Set on the request when this login refuses before authenticating; django-axes' middleware then answers
# with `admin_refused_response` (status 429), as it does for a lock it detects itself.
_REFUSAL_ATTR = "anbili_login_refusal"


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's user-name form; the captcha field appears once the account has failed often enough."""

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.username_field_attrs()
        self.failures = 0
        if self.is_bound:
            self.failures = login_failures_count(self._account(), STAFF_REALM)
            if self.failures >= settings.LOGIN_CAPTCHA_AFTER_FAILURES:
                self._captcha_field("（见上次提示）")

    def username_field_attrs(self) -> None:
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def _account(self) -> str:
        return str(self.data.get("username", "")).strip()

    def _captcha_field(self, question: str) -> None:
        self._bound_fields_cache.pop("captcha", None)  # type: ignore[attr-defined]  # stale question
        self.fields["captcha"] = forms.CharField(
            label="验证码",
            max_length=4,
            help_text=question,
            error_messages={"required": "请填写验证码"},
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )

    def _refuse(self, message: str, reason: str) -> None:
        assert self.request is not None
        login_failure_audit(self.request, self._account(), reason)
        setattr(self.request, _REFUSAL_ATTR, message)
        self.request.axes_locked_out = True  # type: ignore[attr-defined]
        raise ValidationError(message, code="locked")

    def clean(self) -> dict[str, Any]:
        if self.request is not None:
            minutes = address_blocked_minutes(client_address(self.request))
            if minutes:
                self._refuse(ADDRESS_MESSAGE.format(minutes=minutes), "address_limited")
            if self.failures >= settings.AXES_FAILURE_LIMIT:
                self._refuse(LOCKOUT_MESSAGE.format(minutes=_lockout_minutes()), "locked")
            if "captcha" in self.fields and not captcha_check(
                self.request, self.cleaned_data.get("captcha", "")
            ):
                if "captcha" not in self.errors:
                    self.add_error("captcha", "验证码错误，请重新计算")
                login_failure_audit(self.request, self._account(), "captcha")
                return self.cleaned_data  # no password check without the captcha's answer
        return super().clean()

    def full_clean(self) -> None:
        super().full_clean()
        refused = self.request is not None and hasattr(self.request, _REFUSAL_ATTR)
        if not (self.is_bound and self.errors and self.request is not None) or refused:
            return
        # A fresh question whenever this attempt failed and the account is now at the captcha threshold.
        if login_failures_count(self._account(), STAFF_REALM) >= settings.LOGIN_CAPTCHA_AFTER_FAILURES:
            self._captcha_field(captcha_new(self.request))
            data = self.data.copy()  # type: ignore[attr-defined]
            data["captcha"] = ""
            self.data = data


def admin_refused_response(request: HttpRequest) -> HttpResponse:
    """The admin login page with the reason a login was refused (locked account or address), status 429."""
    message = getattr(request, _REFUSAL_ATTR, "") or LOCKOUT_MESSAGE.format(minutes=_lockout_minutes())
    site = admin.site
    context = {
        **site.each_context(request),
        "title": "登录",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": "",
        "next": request.POST.get("next", "") or request.GET.get("next", ""),
        "form": AdminLoginForm(request, initial={"username": request.POST.get("username", "")}),
        "page_error": message,
    }
    response = TemplateResponse(request, site.login_template or LOGIN_TEMPLATE, context, status=429)
    return response.render()

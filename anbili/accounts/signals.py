"""Every login, failure and logout, whatever the front door (portal, review system, admin, OIDC), is counted
per client address and written to the audit log. Django's auth signals are the one place all doors share."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from anbili.accounts.lockout import account_resolve, address_failure_add, login_front, login_realm
from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record, client_address
from anbili.core.masking import mask


def _typed_account(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    if credentials and credentials.get("username"):
        return str(credentials["username"])
    if request is None or request.method != "POST":
        return ""
    return str(request.POST.get("account") or request.POST.get("username") or "")


def login_failure_audit(request: HttpRequest | None, account: str, reason: str) -> None:
    """One LOGIN_FAILED row: the account as typed but masked (a password typed into the account field, or
    an ID number, must not land in the log whole), the account it designates if any, and why."""
    target = account_resolve(account, login_realm(request)) if account else None
    audit_record(
        AuditAction.LOGIN_FAILED,
        request=request,
        obj=target,
        region_code=(getattr(target, "region_id", None) or "") if target is not None else "",
        detail={"account": mask(account), "front": login_front(request), "reason": reason},
    )


@receiver(user_login_failed, dispatch_uid="anbili.accounts.login_failed")
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is None:
        return
    address_failure_add(client_address(request))
    login_failure_audit(request, _typed_account(request, credentials), "credentials")


@receiver(user_logged_in, dispatch_uid="anbili.accounts.logged_in")
def _on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    typed = _typed_account(request) or user.get_username()
    audit_record(
        AuditAction.LOGIN,
        request=request,
        actor=user,
        detail={"account": mask(typed), "front": login_front(request)},
    )


@receiver(user_logged_out, dispatch_uid="anbili.accounts.logged_out")
def _on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return
    audit_record(
        AuditAction.LOGOUT,
        request=request,
        actor=user,
        detail={"account": mask(user.get_username()), "front": login_front(request)},
    )

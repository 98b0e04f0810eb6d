"""Who a failed login counts against: one counter per account, and one per client address (decision 0002).

django-axes keeps the per-account counter; this module gives it the account's canonical key, so that every
spelling of one account (letter case, full-width characters, spaces, another unit of the same legal person)
feeds the same counter. The per-address counter is the shared sliding-window limiter
(anbili.core.ratelimit) over Django's default cache (Redis in production), with a higher limit over a
longer time, so that nobody can lock every employer out by trying public USCCs from one address.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from anbili.accounts.backends import EMPLOYER_REALM, STAFF_REALM, account_normalise
from anbili.accounts.models import AccountKind, Membership, MembershipRole, User
from anbili.core.ratelimit import SlidingWindow

ADDRESS_MESSAGE = "该网络地址登录失败次数过多，已暂停登录，请于{minutes}分钟后再试"

_REALM_KINDS = {
    EMPLOYER_REALM: (AccountKind.LEGAL_PERSON, AccountKind.AGENT),
    STAFF_REALM: (AccountKind.STAFF,),
}


def login_realm(request: HttpRequest | None) -> str:
    """Which accounts a login page designates: employers on the portal, staff on the review system and
    the admin."""
    path = getattr(request, "path", "") or ""
    return EMPLOYER_REALM if path.startswith("/portal/") else STAFF_REALM


def login_front(request: HttpRequest | None) -> str:
    """The front door a login went through, for the audit log."""
    path = getattr(request, "path", "") or ""
    for prefix, front in (("/portal/", "portal"), ("/backoffice/", "backoffice"), ("/admin/", "admin")):
        if path.startswith(prefix):
            return front
    return "oidc" if path.startswith("/oidc/") else "other"


def account_resolve(account: str, realm: str) -> User | None:
    """The account a typed name designates, whatever its spelling; None when there is none (or when the
    spelling is ambiguous)."""
    name = account_normalise(account)
    # No account holds a NUL byte (every form refuses one), and PostgreSQL cannot even compare with it:
    # every login path (portal, review system, /admin/) asks here before its form is checked.
    if not name or "\x00" in name:
        return None
    kinds = _REALM_KINDS.get(realm, (AccountKind.STAFF,))
    if realm == EMPLOYER_REALM:
        membership = (
            Membership.objects.select_related("user")
            .filter(employer__uscc=name.upper(), role=MembershipRole.LEGAL_PERSON)
            .first()
        )
        if membership is not None:
            return membership.user
    users = User.objects.filter(kind__in=kinds)
    exact = users.filter(username=name).first()
    if exact is not None:
        return exact
    # Only the first two: a case-insensitive match is the account only when it is the one such account.
    folded = list(users.filter(username__iexact=name)[:2])
    return folded[0] if len(folded) == 1 else None


def account_counter_key(account: str, realm: str) -> str:
    """The name django-axes counts failures under: the account's id when it exists, else a digest of the
    case-folded spelling. Neither is the typed text, so an ID number typed by mistake is not stored."""
    name = account_normalise(account)
    if not name:
        return ""
    user = account_resolve(name, realm)
    if user is not None:
        return f"user:{user.pk}"
    digest = hashlib.sha256(f"{realm}:{name.casefold()}".encode()).hexdigest()[:32]
    return f"name:{digest}"


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the same key for authenticate(), the form post and axes' reset on success."""
    account = ""
    realm = ""
    if credentials:
        account = str(credentials.get("username") or "")
        realm = str(credentials.get("realm") or "")
    if not account and request is not None:
        account = str(request.POST.get("account") or request.POST.get("username") or "")
    return account_counter_key(account, realm or login_realm(request))


# Per-address counter -------------------------------------------------------------------------------------


def _address_network(address: str | None) -> str:
    """An IPv4 address itself; an IPv6 address by its /64, which one subscriber usually holds whole."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _address_failures() -> SlidingWindow:
    """LOGIN_ADDRESS_FAILURE_LIMIT failures per LOGIN_ADDRESS_WINDOW_MINUTES per network, in the default
    cache (looked up on each use, so that settings overrides in tests apply)."""
    return SlidingWindow(
        "login-fail-net",
        limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        window=int(settings.LOGIN_ADDRESS_WINDOW_MINUTES * 60),
        cache=cache,
    )


def address_failure_add(address: str | None) -> None:
    """Count one failed login from this address (any account, any front door)."""
    network = _address_network(address)
    if network:
        _address_failures().add(network)


def address_blocked_minutes(address: str | None) -> int:
    """0 when this address may try to log in; otherwise the minutes until enough old failures leave the
    window to bring it under the limit."""
    network = _address_network(address)
    if not network:
        return 0
    wait = _address_failures().blocked(network)
    return 0 if wait is None else max(1, math.ceil(wait / 60))

"""The one check of a `next` parameter: a path of this site, or the page's usual target.

Used by both logins, both logouts and the 特别提示 confirmation, and by the guards that send a visitor to a
login or to the notice with `?next=` (`login_redirect`, `next_query`), so that a link like
`/portal/login/?next=//evil.example` cannot send a freshly logged-in user to another site.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

# Browsers drop tabs and line breaks inside URLs and read "\" as "/", so "/\t/evil" and "/\evil" are
# other sites to them; other control characters have no business in a path either.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")
_MAX_LENGTH = 2000


def is_safe_path(value: str, request: HttpRequest) -> bool:
    """Whether `value` is an absolute path on this site: no scheme, no host, nothing read as either."""
    if not value or len(value) > _MAX_LENGTH or not value.startswith("/") or value.startswith("//"):
        return False
    # A guard's own `next` is `get_full_path()`, where spaces stay %20: a literal one is hand-made.
    if _UNSAFE.search(value):
        return False
    return url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, default: str) -> str:
    """The request's `next` (form field first, then query string) if it is a path of this site, else
    `default` (a URL name such as "portal:home", or a path)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if is_safe_path(candidate, request):
        return candidate
    return resolve_url(default)


def next_query(path: str) -> str:
    """`?next=<path>` with the path URL-encoded (its own query string kept), for a guard's redirect."""
    return "?" + urlencode({"next": path}, safe="/")


def login_redirect(request: HttpRequest, login_url: str) -> str:
    """The login page's URL with `next` set to the page asked for, query string included."""
    return resolve_url(login_url) + next_query(request.get_full_path())

"""View guards for the two front ends."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from anbili.accounts.access import access_staff
from anbili.web.redirects import login_redirect, next_query

NOTICE_SESSION_KEY = "special_notice_confirmed"


def employer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Portal pages: an employer user acting for a unit, who has confirmed the 特别提示 this session."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(login_redirect(request, "portal:login"))
        if getattr(request, "employer", None) is None:
            return (
                redirect("backoffice:home")
                if getattr(request.user, "is_dpf_staff", False)
                else redirect("portal:login")
            )
        return view(request, *args, **kwargs)

    return wrapped


def notice_confirmed_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every portal page but the home page waits until the 特别提示 has been confirmed."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.session.get(NOTICE_SESSION_KEY):
            # The home page shows the notice; its confirmation then goes on to the page asked for.
            return redirect(resolve_url("portal:home") + next_query(request.get_full_path()))
        return view(request, *args, **kwargs)

    return employer_required(wrapped)


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff review system pages: a logged-in DPF staff member; anyone else is sent to the staff login."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(login_redirect(request, "backoffice:login"))
        access_staff(request)
        return view(request, *args, **kwargs)

    return wrapped

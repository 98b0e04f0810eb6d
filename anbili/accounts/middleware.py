"""Attaches the unit an employer session acts for; ends sessions whose authorisation has run out."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from anbili.accounts.models import Membership, User
from anbili.accounts.services import SESSION_EMPLOYER


class CurrentEmployerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.employer = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated and getattr(user, "is_employer_user", False):
            membership = self._membership(request)
            if membership is None:
                logout(request)
                messages.warning(request, "您的单位授权已失效（经办人授权到期或被取消），请重新登录")
                return redirect("portal:login")
            request.membership = membership  # type: ignore[attr-defined]
            request.employer = membership.employer  # type: ignore[attr-defined]
        return self.get_response(request)

    @staticmethod
    def _membership(request: HttpRequest) -> Membership | None:
        today = timezone.localdate()
        employer_id = request.session.get(SESSION_EMPLOYER)
        user = request.user
        assert isinstance(user, User)
        qs = Membership.objects.select_related("employer", "employer__dpf_region").filter(user=user)
        if employer_id is not None:
            membership = qs.filter(employer_id=employer_id).first()
            return membership if membership and membership.is_valid_on(today) else None
        # A session without a chosen unit (e.g. after SSO login) takes the default valid one.
        for membership in qs.order_by("-is_default", "employer__name"):
            if membership.is_valid_on(today):
                request.session[SESSION_EMPLOYER] = membership.employer_id
                return membership
        return None

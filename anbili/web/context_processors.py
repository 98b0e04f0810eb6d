"""Template context for the two layouts."""

from django.conf import settings
from django.http import HttpRequest

from anbili.accounts.models import User
from anbili.accounts.selectors import valid_memberships
from anbili.web.menus import BACKOFFICE_MENU, PORTAL_MENU, menu_items


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu of whichever front end the request is in, and whether provincial SSO is on."""
    context: dict[str, object] = {"oidc_enabled": settings.OIDC_ENABLED}
    # Error pages (400, 403, 404) are also rendered for requests that failed before the authentication
    # middleware ran (a foreign Host header): no user then, and no menu.
    user = getattr(request, "user", None)
    if request.path.startswith("/portal/") and getattr(request, "employer", None) is not None:
        assert isinstance(user, User)
        context["menu"] = menu_items(PORTAL_MENU, request)
        context["units"] = valid_memberships(user)
    elif request.path.startswith("/backoffice/") and getattr(user, "is_dpf_staff", False):
        context["menu"] = menu_items(BACKOFFICE_MENU, request)
    return context

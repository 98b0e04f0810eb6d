"""Provincial SSO (政务服务网) login over OpenID Connect, matched to existing accounts only."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from anbili.accounts.models import User


def _username_claim() -> str:
    return getattr(settings, "OIDC_USERNAME_CLAIM", "preferred_username")


class ProvincialOIDCBackend(OIDCAuthenticationBackend):
    """Finds the local account named by the provider's claim; never creates one (accounts are registered)."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        """The provider must name the account; the library's default (an e-mail claim) does not apply."""
        return bool(claims.get(_username_claim()))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        value = claims.get(_username_claim())
        if not value:
            return User.objects.none()
        return User.objects.filter(username=value, is_active=True)

"""Password authentication for the two front ends: employers by USCC or agent account, staff by user name."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from anbili.accounts.models import AccountKind, Membership, MembershipRole, User

EMPLOYER_REALM = "employer"
STAFF_REALM = "staff"


def _find_user(account: str, realm: str) -> tuple[User | None, int | None]:
    """The user an account name designates, and for a USCC the employer the login is for."""
    account = account.strip()
    if realm == STAFF_REALM:
        return User.objects.filter(username=account, kind=AccountKind.STAFF).first(), None
    membership = (
        Membership.objects.select_related("user")
        .filter(employer__uscc=account.upper(), role=MembershipRole.LEGAL_PERSON)
        .first()
    )
    if membership is not None:
        return membership.user, membership.employer_id
    return User.objects.filter(username=account, kind=AccountKind.AGENT).first(), None


class AccountBackend(ModelBackend):
    """Authenticates `username` (USCC, agent account or staff name) within one realm.

    It checks the password only; whether an agent's authorisation has run out is decided by the login
    service, which can then tell the user why instead of a bare "wrong password".
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        realm: str = STAFF_REALM,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        user, employer_id = _find_user(username, realm)
        if user is None:
            User().set_password(password)  # equal work for unknown accounts: no timing oracle
            return None
        if not (user.check_password(password) and self.user_can_authenticate(user)):
            return None
        user.login_employer_id = employer_id  # type: ignore[attr-defined]
        return user


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account name django-axes counts failures against: the same for authenticate() and the form post."""
    if credentials and credentials.get("username"):
        return str(credentials["username"]).strip()
    return str(request.POST.get("account", "")).strip()

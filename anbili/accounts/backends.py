"""Password authentication for the two front ends: employers by USCC or agent account, staff by user name."""

import unicodedata
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from anbili.accounts.models import AccountKind, Membership, MembershipRole, User

EMPLOYER_REALM = "employer"
STAFF_REALM = "staff"


def account_normalise(account: str) -> str:
    """The account as the person meant it: full-width forms folded to ASCII (NFKC), no whitespace at all.
    A Chinese input method often types a USCC in full-width characters."""
    return "".join(unicodedata.normalize("NFKC", account or "").split())


def _by_name(typed: str, normal: str, kind: str) -> User | None:
    # Matched as typed (stripped) first, so that a name created before normalisation stays reachable;
    # then normalised (full-width typing). User names stay case-sensitive: the lock-out counter folds
    # case, not this.
    found = User.objects.filter(username=typed, kind=kind).first()
    if found is None and normal != typed:
        found = User.objects.filter(username=normal, kind=kind).first()
    return found


def _find_user(account: str, realm: str) -> tuple[User | None, int | None]:
    """The user an account name designates, and for a USCC the employer the login is for."""
    typed, normal = account.strip(), account_normalise(account)
    if realm == STAFF_REALM:
        return _by_name(typed, normal, AccountKind.STAFF), None
    membership = (
        Membership.objects.select_related("user")
        .filter(employer__uscc=normal.upper(), role=MembershipRole.LEGAL_PERSON)
        .first()
    )
    if membership is not None:
        return membership.user, membership.employer_id
    return _by_name(typed, normal, AccountKind.AGENT), None


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

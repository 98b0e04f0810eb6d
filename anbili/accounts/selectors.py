"""Reads about accounts."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone

from anbili.accounts.backends import EMPLOYER_REALM
from anbili.accounts.lockout import account_counter_key
from anbili.accounts.models import AccountKind, Membership, MembershipRole, User
from anbili.regions.models import Region


def login_failures_count(account: str, realm: str = EMPLOYER_REALM) -> int:
    """Failed logins for this account, whatever its spelling, within the cool-off time (they drive captcha
    and lock-out); counted under the same key django-axes uses (`anbili.accounts.lockout`)."""
    from axes.models import AccessAttempt

    key = account_counter_key(account, realm)
    if not key:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(username=key, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return int(total or 0)


def membership_list_for_user(user: User) -> QuerySet[Membership]:
    """Every unit a user may act for, valid or not, default first."""
    return (
        Membership.objects.filter(user=user)
        .select_related("employer")
        .order_by("-is_default", "employer__name")
    )


def valid_memberships(user: User, *, today: date | None = None) -> list[Membership]:
    """The units a user may act for today."""
    today = today or timezone.localdate()
    return [m for m in membership_list_for_user(user) if m.is_valid_on(today)]


def agent_list_for_employer(employer_id: int) -> QuerySet[Membership]:
    """The agents a legal person has authorised for a unit."""
    return (
        Membership.objects.filter(employer_id=employer_id, role=MembershipRole.AGENT)
        .select_related("user")
        .order_by("-valid_until", "user__full_name")
    )


def staff_list_in_jurisdiction(staff: User) -> QuerySet[User]:
    """Staff accounts in a staff member's region and below (a national admin: all, national admins too)."""
    prefix = staff.jurisdiction_prefix
    if prefix is None:
        return User.objects.none()
    staff_rows = User.objects.filter(kind=AccountKind.STAFF)
    if prefix:  # "" is the whole country, national admins (who have no region) included
        staff_rows = staff_rows.filter(region__code__startswith=prefix)
    return staff_rows.select_related("region").order_by("region__code", "username")


def regions_in_jurisdiction(staff: User) -> QuerySet[Region]:
    """The regions a staff member may assign: their own and those under it (a national admin: all)."""
    prefix = staff.jurisdiction_prefix
    if prefix is None:
        return Region.objects.none()
    return Region.objects.filter(code__startswith=prefix).order_by("code")


@dataclass(frozen=True)
class UnitHeld:
    """One unit on 用户中心 with its agents (经办人)."""

    membership: Membership
    agents: list[Membership]


def legal_person_units(legal_person: User) -> list[UnitHeld]:
    """The units the legal person holds, default first, each with its agents; two queries."""
    held = list(
        Membership.objects.filter(user=legal_person, role=MembershipRole.LEGAL_PERSON)
        .select_related("employer", "employer__dpf_region")
        .order_by("-is_default", "employer__name")
    )
    agents: dict[int, list[Membership]] = {}
    for agent in (
        Membership.objects.filter(employer_id__in=[m.employer_id for m in held], role=MembershipRole.AGENT)
        .select_related("user")
        .order_by("-valid_until", "user__full_name")
    ):
        agents.setdefault(agent.employer_id, []).append(agent)
    return [UnitHeld(m, agents.get(m.employer_id, [])) for m in held]

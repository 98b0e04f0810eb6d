"""Access gates, one per role. Each returns what the caller may use or raises 404 (never 403 for
another tenant's record: that would reveal that it exists)."""

from django.http import Http404, HttpRequest

from anbili.accounts.models import (
    SYSTEM_ADMIN_ROLES,
    AccountKind,
    Membership,
    MembershipRole,
    StaffRole,
    User,
)
from anbili.employers.models import Employer
from anbili.regions.models import Region
from anbili.registry.models import RegistryPerson
from anbili.registry.selectors import registry_person_lookup


def access_employer_for_employer_user(request: HttpRequest) -> Employer:
    """The unit the logged-in employer user acts for now."""
    employer = getattr(request, "employer", None)
    if employer is None:
        raise Http404
    return employer


def access_legal_person_membership(request: HttpRequest) -> Membership:
    """The current unit's membership when the user is its legal person (for agent management)."""
    membership = getattr(request, "membership", None)
    if membership is None or membership.role != MembershipRole.LEGAL_PERSON:
        raise Http404
    return membership


def access_system_admin(request: HttpRequest) -> User:
    """The logged-in DPF system admin (系统管理员); everyone else gets 404."""
    staff = access_staff(request)
    if staff.staff_role not in SYSTEM_ADMIN_ROLES:
        raise Http404
    return staff


def access_region_for_staff(staff: User, region_code: str) -> Region:
    """A region inside the staff member's jurisdiction (their region or below); any other is 404."""
    region = Region.objects.filter(code=region_code).first()
    if region is None or not staff.oversees_code(region.code):
        raise Http404
    return region


def access_staff(request: HttpRequest) -> User:
    """The logged-in DPF staff member."""
    user = request.user
    if not user.is_authenticated or getattr(user, "kind", None) != AccountKind.STAFF:
        raise Http404
    assert isinstance(user, User)
    return user


def access_employer_for_staff(request: HttpRequest, pk: int) -> Employer:
    """An employer whose 残联主管部门 lies in the logged-in staff member's jurisdiction (窗口申报, 单位查询);
    404 for any other."""
    staff = access_staff(request)
    employer = Employer.objects.select_related("dpf_region").filter(pk=pk).first()
    if employer is None or not staff.oversees_code(employer.dpf_region_id):
        raise Http404
    return employer


def access_registry_person_for_staff(request: HttpRequest, id_number: str) -> RegistryPerson:
    """The registry person with `id_number` when their household region (户籍地) lies in the staff member's
    jurisdiction; 404 for a person elsewhere, the same answer as for a number the registry does not know, so
    that the look-up does not tell whether someone is registered in another province. Raises IdentifierError
    for an invalid number."""
    staff = access_staff(request)
    person = registry_person_lookup(id_number)
    if person is None or not staff.oversees_code(person.household_region):
        raise Http404
    return person


def audit_scope(staff: User) -> str | None:
    """The region-code prefix of the audit rows `staff` may search: "" (the whole country) for a national
    admin, their own jurisdiction's for a province, city or county admin (系统管理员), None for everyone
    else (reviewers and supervisors get 404)."""
    if staff.staff_role == StaffRole.NATIONAL_ADMIN:
        return ""
    if staff.staff_role == StaffRole.ADMIN and staff.region is not None:
        return staff.jurisdiction_prefix
    return None


def access_audit_searcher(request: HttpRequest) -> tuple[User, str]:
    """A system admin (national, province, city or county) who may search the audit log, with the prefix
    of what they may see; everyone else gets 404."""
    staff = access_staff(request)
    prefix = audit_scope(staff)
    if prefix is None:
        raise Http404
    return staff, prefix

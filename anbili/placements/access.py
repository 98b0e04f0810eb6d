"""The access gates for placements: an employer user sees only its current unit's placements, and looks a
person up in the disability registry only while registering that person (添加残疾人)."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from django.utils import timezone

from anbili.accounts.access import access_employer_for_employer_user, access_staff
from anbili.core.identifiers import validate_id_number
from anbili.employers.selectors import business_year_on
from anbili.placements.models import Placement, PlacementStatus
from anbili.placements.selectors import placement_detail, placement_of, placements_in_jurisdiction
from anbili.registry.models import RegistryPerson
from anbili.registry.selectors import registry_person_lookup


def access_placement_for_employer(request: HttpRequest, pk: int, *, details: bool = True) -> Placement:
    """The placement `pk` of the unit the user acts for now, with its details prefetched (contracts, months,
    evidence, certificates, events) unless `details=False`, for actions that hand the placement to a service
    which reads what it needs itself; 404 otherwise."""
    employer = access_employer_for_employer_user(request)
    try:
        return placement_detail(pk, employer) if details else placement_of(pk, employer)
    except Placement.DoesNotExist:
        raise Http404 from None


def access_placement_for_staff(request: HttpRequest, pk: int) -> Placement:
    """The placement `pk` with its details, when its employer's 残联主管部门 lies in the logged-in staff
    member's jurisdiction; 404 otherwise (another region's placement is not told to exist)."""
    staff = access_staff(request)
    try:
        return placement_detail(pk, within=placements_in_jurisdiction(staff))
    except Placement.DoesNotExist:
        raise Http404 from None


def access_registry_person_for_employer(
    request: HttpRequest, id_number: str
) -> tuple[RegistryPerson, Placement]:
    """The registry person with `id_number` and the unit's registration of them, when the unit the user acts
    for has that person's placement in progress (资料待完善) for the business year the portal works on: the
    look-up is part of 添加残疾人, which creates that draft first. 404 otherwise (no draft, another unit's,
    one already submitted or of another year, or a number the registry does not know): an employer cannot
    use the look-up to learn who is disabled. Raises IdentifierError for an invalid number."""
    employer = access_employer_for_employer_user(request)
    number = validate_id_number(id_number)
    year = business_year_on(timezone.localdate())
    placement = Placement.objects.filter(
        employer=employer, business_year=year, id_number=number, status=PlacementStatus.DRAFT
    ).first()
    if placement is None:
        raise Http404
    # The certificate in force at the end of the business year, as 添加残疾人 itself chose it.
    person = registry_person_lookup(number, on=date(year, 12, 31))
    if person is None:
        raise Http404
    return person, placement

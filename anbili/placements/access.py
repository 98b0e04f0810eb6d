"""The access gate for placements: an employer user sees only its current unit's placements."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from anbili.accounts.access import access_employer_for_employer_user
from anbili.placements.models import Placement
from anbili.placements.selectors import placement_detail, placement_of


def access_placement_for_employer(request: HttpRequest, pk: int, *, details: bool = True) -> Placement:
    """The placement `pk` of the unit the user acts for now, with its details prefetched (contracts, months,
    evidence, certificates, events) unless `details=False`, for actions that hand the placement to a service
    which reads what it needs itself; 404 otherwise."""
    employer = access_employer_for_employer_user(request)
    try:
        return placement_detail(pk, employer) if details else placement_of(pk, employer)
    except Placement.DoesNotExist:
        raise Http404 from None

"""Access gate for related units: only the unit the logged-in employer user acts for may reach its own rows.

Employers sit below accounts, so the request's employer is read by attribute, as accounts' middleware sets it.
"""

from django.http import Http404, HttpRequest

from anbili.employers.models import RelatedUnit


def access_related_unit_for_employer(request: HttpRequest, pk: int) -> RelatedUnit:
    """A related unit of the current unit; anyone else's is 404 (never reveal that it exists)."""
    employer = getattr(request, "employer", None)
    if employer is None:
        raise Http404
    unit = RelatedUnit.objects.select_related("agreement").filter(pk=pk, employer_id=employer.pk).first()
    if unit is None:
        raise Http404
    return unit

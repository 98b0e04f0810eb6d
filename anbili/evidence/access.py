"""Access gates for evidence files: the owning employer, or staff whose jurisdiction holds the employer.

Both raise 404 for anything else, so nobody learns that another unit's file exists. Evidence sits below
accounts and employers, so the user and employer are read by attribute (duck-typed), not imported.
"""

from typing import Any

from django.http import Http404, HttpRequest

from anbili.evidence.models import EvidenceFile


def access_evidence_for_employer(request: HttpRequest, pk: int) -> EvidenceFile:
    """An evidence file of the unit the logged-in employer user acts for now."""
    employer = getattr(request, "employer", None)
    if employer is None:
        raise Http404
    evidence = EvidenceFile.objects.filter(pk=pk, employer_id=employer.pk).first()
    if evidence is None:
        raise Http404
    return evidence


def access_evidence_for_staff(request: HttpRequest, pk: int) -> EvidenceFile:
    """An evidence file of an employer whose 残联主管部门 lies within the staff member's region."""
    staff: Any = request.user
    if not staff.is_authenticated or getattr(staff, "jurisdiction_prefix", None) is None:
        raise Http404
    evidence = EvidenceFile.objects.select_related("employer__dpf_region").filter(pk=pk).first()
    if evidence is None or not staff.oversees_code(evidence.employer.dpf_region_id):
        raise Http404
    return evidence

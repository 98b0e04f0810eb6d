"""Staff review system: download of evidence files of employers within the staff member's jurisdiction."""

from typing import cast

from django.http import HttpRequest, HttpResponse

from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record
from anbili.evidence.access import access_evidence_for_staff
from anbili.evidence.responses import evidence_file_response
from anbili.web.decorators import staff_required


@staff_required
def evidence_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access_evidence_for_staff(request, pk)
    response = evidence_file_response(evidence)
    # Recorded once the blob is open (a missing blob is a 404, not a download). The employer's 残联主管部门
    # is the row's region, so the admins of that jurisdiction find who read the unit's documents.
    try:
        audit_record(
            AuditAction.EVIDENCE_DOWNLOAD,
            request=request,
            obj=evidence,
            region_code=evidence.employer.dpf_region_id,
            detail={"purpose": evidence.purpose, "sha256": evidence.sha256},
        )
    except BaseException:
        response.close()  # no download without its audit row; do not leak the open blob
        raise
    # The guards are typed for HttpResponse; a FileResponse streams and is served the same way.
    return cast(HttpResponse, response)

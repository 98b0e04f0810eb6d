"""The one way an evidence file leaves the system: an attachment response after an access gate."""

from django.http import FileResponse, Http404, HttpRequest

from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record
from anbili.core.errors import ApplicationError
from anbili.evidence.models import EvidenceFile
from anbili.evidence.services import evidence_open


def evidence_file_response(
    evidence: EvidenceFile, *, request: HttpRequest, action: AuditAction
) -> FileResponse:
    """Serve a checked evidence file as a download with its checked type, never inline, and record it:
    `action` is `evidence_download` for staff, `document_view` for the employer's own users."""
    try:
        handle = evidence_open(evidence)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    # Recorded once the blob is open (a missing blob is a 404, not a download). The employer's 残联主管部门
    # is the row's region, so the admins of that jurisdiction find who read the unit's documents.
    try:
        audit_record(
            action,
            request=request,
            obj=evidence,
            region_code=evidence.employer.dpf_region_id,
            detail={"purpose": evidence.purpose, "sha256": evidence.sha256},
        )
    except BaseException:
        handle.close()  # no download without its audit row; do not leak the open blob
        raise
    # The extension was checked against the content at upload, so the display name is a safe download name.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or f"附件{evidence.extension}",
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["ETag"] = f'"{evidence.sha256}"'
    return response

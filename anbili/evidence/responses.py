"""The one way an evidence file leaves the system: an attachment response after an access gate."""

from django.http import FileResponse, Http404

from anbili.core.errors import ApplicationError
from anbili.evidence.models import EvidenceFile
from anbili.evidence.services import evidence_open


def evidence_file_response(evidence: EvidenceFile) -> FileResponse:
    """Serve a checked evidence file as a download with its checked type, never inline."""
    try:
        handle = evidence_open(evidence)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
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

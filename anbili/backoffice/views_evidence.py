"""Staff review system: download of evidence files of employers within the staff member's jurisdiction."""

from typing import cast

from django.http import HttpRequest, HttpResponse

from anbili.audit.models import AuditAction
from anbili.evidence.access import access_evidence_for_staff
from anbili.evidence.responses import evidence_file_response
from anbili.web.decorators import staff_required


@staff_required
def evidence_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access_evidence_for_staff(request, pk)
    response = evidence_file_response(evidence, request=request, action=AuditAction.EVIDENCE_DOWNLOAD)
    # The guards are typed for HttpResponse; a FileResponse streams and is served the same way.
    return cast(HttpResponse, response)

"""Employer portal: download of the current unit's own evidence files (附件)."""

from typing import cast

from django.http import HttpRequest, HttpResponse

from anbili.audit.models import AuditAction
from anbili.evidence.access import access_evidence_for_employer
from anbili.evidence.responses import evidence_file_response
from anbili.web.decorators import notice_confirmed_required


@notice_confirmed_required
def evidence_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access_evidence_for_employer(request, pk)
    # The guards are typed for HttpResponse; a FileResponse streams and is served the same way.
    response = evidence_file_response(evidence, request=request, action=AuditAction.DOCUMENT_VIEW)
    return cast(HttpResponse, response)

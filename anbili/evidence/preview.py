"""Inline previews of evidence files for the review screen (安置登记审核): an image as it is, a PDF page
rendered server-side to a PNG with PDFium (the `pypdfium2` wheel; decision 0007), so that the reviewer's
browser needs no PDF plug-in, script or CDN and never parses the employer's PDF itself.

The file leaves through `evidence_file_response` (the one way out: it opens the blob and writes the audit
row), called here with `document_view`; this module only turns its attachment into an inline response.
The type served is sniffed again from the bytes, never taken from the upload's name.
"""

from __future__ import annotations

from io import BytesIO
from typing import IO

import magic
import pypdfium2 as pdfium
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from anbili.audit.models import AuditAction
from anbili.evidence.models import EvidenceFile
from anbili.evidence.responses import evidence_file_response
from anbili.evidence.services import evidence_open

IMAGE_TYPES = ("image/jpeg", "image/png")
PDF_TYPE = "application/pdf"
PAGE_WIDTH = 1100  # pixels of a rendered page: legible at 1366 px and when zoomed to 200%
MAX_SCALE = 3.0  # a tiny page is not blown up beyond this
MAX_HEIGHT = 4000  # pixels: a strip-shaped page is scaled down rather than rendered huge
MAX_PAGES = 30  # pages offered inline; the rest is read in the download
_SNIFF_BYTES = 4096


def _sniff(handle: IO[bytes]) -> str:
    head = handle.read(_SNIFF_BYTES)
    handle.seek(0)
    content_type = magic.from_buffer(head, mime=True)
    return "image/jpeg" if content_type == "image/jpg" else content_type


def pdf_page_count(evidence: EvidenceFile) -> int:
    """The pages of a stored PDF (0 when it is not a PDF or cannot be read): reads the blob, shows nothing,
    so it is not an audited view."""
    if evidence.content_type != PDF_TYPE:
        return 0
    try:
        handle = evidence_open(evidence)
    except Exception:  # a missing blob: the preview itself says so (404)
        return 0
    try:
        if _sniff(handle) != PDF_TYPE:
            return 0
        document = pdfium.PdfDocument(handle.read())
        try:
            return len(document)
        finally:
            document.close()
    except pdfium.PdfiumError:
        return 0
    finally:
        handle.close()


def _render_page(data: bytes, page: int) -> bytes:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise Http404("PDF 文件无法预览，请下载查看") from exc
    try:
        if not 1 <= page <= min(len(document), MAX_PAGES):
            raise Http404("没有这一页")
        pdf_page = document[page - 1]
        width, height = pdf_page.get_size()
        scale = min(MAX_SCALE, PAGE_WIDTH / width) if width > 0 else 1.0
        if height > 0:
            scale = min(scale, MAX_HEIGHT / height)
        image = pdf_page.render(scale=scale).to_pil()
        out = BytesIO()
        image.save(out, "PNG", optimize=False)
        return out.getvalue()
    finally:
        document.close()


def _inline_headers(response: HttpResponse | FileResponse, content_type: str, filename: str) -> None:
    response["Content-Type"] = content_type
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"


def evidence_preview_response(evidence: EvidenceFile, *, request: HttpRequest, page: int = 1) -> HttpResponse:
    """An image inline, or page `page` (1-based) of a PDF as a PNG, after the caller's access gate; audited
    as a document view by `evidence_file_response`. Anything else (a type that is not one of the
    accepted three by its bytes, a page that does not exist, a PDF PDFium cannot read) is a 404, and the
    screen offers the download instead."""
    response = evidence_file_response(evidence, request=request, action=AuditAction.DOCUMENT_VIEW)
    handle: IO[bytes] = response.file_to_stream  # type: ignore[assignment]
    try:
        sniffed = _sniff(handle)
        if sniffed != evidence.content_type or sniffed not in (*IMAGE_TYPES, PDF_TYPE):
            raise Http404("该附件不能预览，请下载查看")
        if sniffed in IMAGE_TYPES:
            if page != 1:
                raise Http404("没有这一页")
            _inline_headers(response, sniffed, f"preview{evidence.extension}")
            return response  # type: ignore[return-value]  # streams the image as FileResponse does
        data = handle.read()
    except BaseException:
        handle.close()
        raise
    # Only the blob is closed: HttpResponse.close() would send request_finished in the middle of the request
    # (closing the database connection, among others). The discarded attachment response holds nothing else.
    handle.close()
    png = HttpResponse(_render_page(data, page))
    _inline_headers(png, "image/png", f"preview-{page}.png")
    png["ETag"] = f'"{evidence.sha256}-{page}"'
    return png

"""Active content and polyglots anywhere in an upload (issue #10 item 9): PDFs that run scripts or hand data
to other programs, wherever the action hangs, and web markers after the first kilobyte. Each case is refused
with its Chinese message on the file field and nothing is stored; files as scanners, phones and office
suites make them still pass."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anbili.core.errors import ApplicationError
from anbili.evidence import inspection
from anbili.evidence.models import EvidenceFile
from anbili.evidence.services import evidence_store
from tests.evidence.evidence_files import (
    jpeg_bytes,
    jpeg_with_comment,
    pdf_annotation_action,
    pdf_big_stream,
    pdf_bytes,
    pdf_catalog_aa,
    pdf_escaped_names,
    pdf_javascript_name_tree,
    pdf_js_after_eof,
    pdf_next_chain,
    pdf_object_stream,
    pdf_object_stream_aa,
    pdf_orphan_js,
    pdf_page_aa,
    pdf_uri_link,
    pdf_widget_aa,
    pdf_with_html_body,
    png_bytes,
    realistic_jpeg,
    realistic_pdf,
    stored_names,
)

pytestmark = pytest.mark.django_db

ACTIVE_PDF = "PDF 文件含有脚本、自动执行的操作或内嵌文件，不能作为附件上传，请另存为普通PDF后上传"
WEB_CONTENT = "文件含有网页或脚本内容，不能作为附件上传"


def _refusal(employer, name: str, content: bytes) -> ApplicationError:
    before = stored_names()
    with pytest.raises(ApplicationError) as refused:
        evidence_store(
            employer=employer,
            uploaded_by=None,
            upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
            purpose="contract",
        )
    assert refused.value.field == "file"
    assert not EvidenceFile.objects.exists()
    assert stored_names() == before
    return refused.value


ACTIVE_PDFS = [
    ("catalogue /AA script (before close)", pdf_catalog_aa),
    ("page /AA script (on open)", pdf_page_aa),
    ("link annotation /A JavaScript", lambda: pdf_annotation_action("/JavaScript")),
    ("link annotation /A Launch", lambda: pdf_annotation_action("/Launch")),
    ("link annotation /A SubmitForm", lambda: pdf_annotation_action("/SubmitForm")),
    ("link annotation /A ImportData", lambda: pdf_annotation_action("/ImportData")),
    ("form widget /AA script", pdf_widget_aa),
    ("GoTo open action with a /Next chain to a script", pdf_next_chain),
    ("/JS in an object nothing references", pdf_orphan_js),
    ("/Names /JavaScript tree", pdf_javascript_name_tree),
    ("open-action script inside a compressed object stream", lambda: pdf_object_stream(javascript=True)),
    ("page /AA pointing into a compressed object stream", pdf_object_stream_aa),
    ("names spelt with #xx escapes", pdf_escaped_names),
    ("script object appended after %%EOF (raw-bytes line)", pdf_js_after_eof),
]


@pytest.mark.parametrize(("case", "make"), ACTIVE_PDFS, ids=[case for case, _ in ACTIVE_PDFS])
def test_a_pdf_with_active_content_anywhere_is_refused(employer, case, make):
    refusal = _refusal(employer, "合同.pdf", make())
    assert refusal.code == "active_pdf", case
    assert refusal.message == ACTIVE_PDF


def test_the_object_stream_case_is_found_by_the_parser_not_only_by_bytes():
    """The script in a compressed object stream is invisible to a byte search: the object walk finds it."""
    content = pdf_object_stream(javascript=True)
    assert b"JavaScript" not in content
    assert inspection.find_raw_pdf_active_name(io.BytesIO(content)) is None


def test_the_appended_object_is_found_by_the_raw_bytes_line_not_by_the_parser():
    from pypdf import PdfReader

    content = pdf_js_after_eof()
    assert inspection.pdf_active_content(PdfReader(io.BytesIO(content), strict=False)) is None
    assert inspection.find_raw_pdf_active_name(io.BytesIO(content)) == b"/JavaScript"


@pytest.mark.parametrize(
    "uri", [b" JavaScript:app.alert(1)", b"vbscript:msgbox(1)", b"data:text/html,x", b"file:///c:/x"]
)
def test_a_link_to_a_script_or_local_file_is_refused(employer, uri):
    refusal = _refusal(employer, "link.pdf", pdf_uri_link(uri))
    assert refusal.code == "active_pdf"
    assert refusal.message == ACTIVE_PDF


def test_a_stream_too_long_for_the_parser_is_still_checked(employer):
    """pypdf does not read a stream over 75 MB; its dictionary is still read by the raw-bytes line, and a
    clean file of that size is stored (as a 99 MB scan must be)."""
    refusal = _refusal(employer, "big.pdf", pdf_big_stream(76, stream_entries=b"/JS (app.alert\\(1\\)) "))
    assert refusal.code == "active_pdf"
    content = pdf_big_stream(76)
    evidence = evidence_store(
        employer=employer, uploaded_by=None, upload=SimpleUploadedFile("big.pdf", content), purpose="contract"
    )
    assert evidence.size == len(content)


def test_a_link_to_a_web_page_is_fine(employer):
    evidence = evidence_store(
        employer=employer,
        uploaded_by=None,
        upload=SimpleUploadedFile("link.pdf", pdf_uri_link(b"https://www.cdpf.org.cn/")),
        purpose="contract",
    )
    assert evidence.content_type == "application/pdf"


POLYGLOTS = [
    ("jpeg with html at 2 KB", "photo.jpg", lambda: jpeg_with_comment(b"<html><body>hello</body></html>")),
    ("jpeg with a script at 2 KB", "photo.jpg", lambda: jpeg_with_comment(b"<SCRIPT>alert(1)</SCRIPT>")),
    ("jpeg with an svg at 5 KB", "photo.jpg", lambda: jpeg_with_comment(b"<svg onload=alert(1)>", at=5000)),
    (
        "jpeg with a doctype at 3 KB",
        "photo.jpg",
        lambda: jpeg_with_comment(b"<!DOCTYPE html><p>x</p>", at=3000),
    ),
    ("jpeg with an iframe", "photo.jpg", lambda: jpeg_with_comment(b"<iframe src=//x.test/>")),
    ("jpeg with php", "photo.jpg", lambda: jpeg_with_comment(b"<?php system($_GET[1]); ?>")),
    (
        "jpeg with a javascript: url",
        "photo.jpg",
        lambda: jpeg_with_comment(b"javascript:alert(document.domain)"),
    ),
    (
        "html after a png's end",
        "scan.png",
        lambda: png_bytes() + b"\x00" * 2048 + b"<html><script>x()</script>",
    ),
    ("pdf whose body after 1 KB is html", "c.pdf", pdf_with_html_body),
    ("html as the very last bytes", "photo.jpg", lambda: jpeg_bytes() + b"\x00" * 2000 + b"<html>"),
]


@pytest.mark.parametrize(("case", "name", "make"), POLYGLOTS, ids=[case for case, _, _ in POLYGLOTS])
def test_web_content_after_the_first_kilobyte_is_refused(employer, case, name, make):
    content = make()
    assert len(content) > 1024
    refusal = _refusal(employer, name, content)
    assert refusal.code == "polyglot", case
    assert refusal.message == WEB_CONTENT


@pytest.mark.parametrize("split", range(1, 12))
def test_a_marker_across_a_chunk_border_is_found(split):
    """Cut "<script>alert(1)" at every position across the border of two reading chunks."""
    chunk = 4096
    marker = b"<script>alert(1)</script>"
    content = b"\x00" * (chunk - split) + marker + b"\x00" * 100
    assert content[chunk - split : chunk] == marker[:split]
    assert inspection.find_web_marker(io.BytesIO(content), chunk=chunk) == b"<script"


def test_a_marker_across_a_real_one_megabyte_border_is_refused(employer):
    jpeg = jpeg_bytes()
    marker = b"<iframe src=//evil.test>"
    padding = inspection.SCAN_CHUNK - len(jpeg) - 5
    content = jpeg + b"\x00" * padding + marker
    assert content[inspection.SCAN_CHUNK - 5 : inspection.SCAN_CHUNK] == marker[:5]
    assert _refusal(employer, "big.jpg", content).message == WEB_CONTENT


@pytest.mark.parametrize("split", range(1, 12))
def test_a_raw_pdf_name_across_a_chunk_border_is_found(split):
    chunk = 4096
    name = b"/JavaScript"
    content = b"%PDF-1.7\n" + b" " * (chunk - 9 - split) + name + b" (x)\n"
    assert inspection.find_raw_pdf_active_name(io.BytesIO(content), chunk=chunk) == name


def test_raw_names_inside_stream_data_are_left_to_the_parser():
    content = b"%PDF-1.7\n1 0 obj\n<< /Length 20 >>\nstream\n/JS /JavaScript xx\nendstream\nendobj\n/Launch\n"
    assert inspection.find_raw_pdf_active_name(io.BytesIO(content), chunk=16) == b"/Launch"
    assert inspection.find_raw_pdf_active_name(io.BytesIO(content[:-8])) is None


def test_random_bytes_rarely_look_like_web_content():
    """64 MB of random bytes, as compressed image and PDF data look: no marker followed by text."""
    rng = random.Random(20261125)
    content = rng.randbytes(64 * 1024 * 1024)
    assert inspection.find_web_marker(io.BytesIO(content)) is None
    assert inspection.find_raw_pdf_active_name(io.BytesIO(b"%PDF-1.7\nstream\n" + content)) is None


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("scan.pdf", realistic_pdf, "application/pdf"),
        ("object-stream.pdf", lambda: pdf_object_stream(javascript=False), "application/pdf"),
        ("owner-password.pdf", lambda: pdf_bytes(password="secret", owner_only=True), "application/pdf"),
        ("photo.jpg", realistic_jpeg, "image/jpeg"),
        ("comment.jpg", lambda: jpeg_with_comment(b"Created with GIMP <3 and html-free text"), "image/jpeg"),
        ("noise.png", lambda: png_bytes((800, 600), noise=True), "image/png"),
    ],
)
def test_files_as_scanners_phones_and_office_suites_make_them_still_pass(employer, name, make, content_type):
    content = make()
    evidence = evidence_store(
        employer=employer, uploaded_by=None, upload=SimpleUploadedFile(name, content), purpose="contract"
    )
    assert evidence.content_type == content_type
    assert evidence.size == len(content)

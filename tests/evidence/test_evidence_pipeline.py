"""The upload pipeline: valid files stored with their sha256 under our own name; hostile files refused with a
Chinese message naming the file field, and nothing stored."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from anbili.core.errors import ApplicationError
from anbili.evidence.models import EvidenceFile, EvidencePurpose
from anbili.evidence.services import (
    evidence_bytes,
    evidence_display_name,
    evidence_orphans_delete,
    evidence_store,
)
from tests.evidence.evidence_files import (
    jpeg_bytes,
    jpeg_with_pdf_inside,
    pdf_bytes,
    png_bomb,
    png_bytes,
    stored_names,
    zip_bytes,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _store(employer, name: str, content: bytes, purpose: str = EvidencePurpose.CONTRACT) -> EvidenceFile:
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return evidence_store(employer=employer, uploaded_by=None, upload=upload, purpose=purpose)


@pytest.mark.parametrize(
    ("name", "content_factory", "content_type"),
    [
        ("劳动合同.jpg", jpeg_bytes, "image/jpeg"),
        ("scan.JPEG", jpeg_bytes, "image/jpeg"),
        ("工资发放证明.png", png_bytes, "image/png"),
        ("contract.pdf", pdf_bytes, "application/pdf"),
        ("owner-password.pdf", lambda: pdf_bytes(password="secret", owner_only=True), "application/pdf"),
    ],
)
def test_valid_files_are_stored_with_their_sha256_under_a_generated_name(
    employer, name, content_factory, content_type
):
    content = content_factory()
    user = UserFactory()
    upload = SimpleUploadedFile(name, content, content_type="text/plain")  # the browser's type is ignored
    evidence = evidence_store(employer=employer, uploaded_by=user, upload=upload, purpose="wage_proof")

    evidence.refresh_from_db()
    assert evidence.employer == employer
    assert evidence.uploaded_by == user
    assert evidence.purpose == EvidencePurpose.WAGE_PROOF
    assert evidence.content_type == content_type
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.original_name == name
    assert evidence.storage_name.startswith("evidence/")
    assert name.rsplit(".", 1)[0] not in evidence.storage_name
    assert evidence_bytes(evidence) == content


HOSTILE = [
    (
        "exe renamed to pdf",
        "invoice.pdf",
        lambda: b"MZ\x90\x00\x03" + b"\x00" * 300,
        "type",
        "不是允许的格式",
    ),
    ("exe renamed to jpg", "photo.jpg", lambda: b"MZ\x90\x00\x03" + b"\x00" * 300, "type", "不是允许的格式"),
    (
        "html disguised as png",
        "image.png",
        lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "type",
        "不是允许的格式",
    ),
    ("zip disguised as png", "image.png", zip_bytes, "type", "不是允许的格式"),
    ("jpeg renamed to pdf", "contract.pdf", jpeg_bytes, "extension", "扩展名与文件内容不符"),
    ("pdf renamed to png", "contract.png", pdf_bytes, "extension", "扩展名与文件内容不符"),
    ("no extension", "contract", pdf_bytes, "extension", "扩展名与文件内容不符"),
    ("jpeg carrying a pdf header", "photo.jpg", jpeg_with_pdf_inside, "polyglot", "同时含有图片和PDF"),
    (
        "png with a zip appended (GIFAR-like)",
        "photo.png",
        lambda: png_bytes() + zip_bytes(),
        "polyglot",
        "压缩包",
    ),
    ("pdf with a zip appended", "c.pdf", lambda: pdf_bytes() + zip_bytes(), "polyglot", "压缩包"),
    (
        "jpeg with a zip and trailing bytes appended",
        "photo.jpg",
        lambda: jpeg_bytes() + zip_bytes() + b"\x00" * 16,
        "polyglot",
        "压缩包",
    ),
    (
        "truncated pdf",
        "contract.pdf",
        lambda: pdf_bytes()[: len(pdf_bytes()) // 2],
        "damaged",
        "PDF 文件不完整",
    ),
    (
        "garbage with a pdf header",
        "contract.pdf",
        lambda: b"%PDF-1.7\n" + b"\x00garbage\xff" * 50 + b"\n%%EOF\n",
        "damaged",
        "PDF 文件已损坏",
    ),
    ("password-protected pdf", "secret.pdf", lambda: pdf_bytes(password="s3cret"), "encrypted", "打开密码"),
    ("pdf with javascript", "js.pdf", lambda: pdf_bytes(javascript=True), "active_pdf", "脚本"),
    ("truncated jpeg", "photo.jpg", lambda: jpeg_bytes((400, 300))[:600], "damaged", "图片文件已损坏"),
    (
        "truncated png",
        "photo.png",
        lambda: png_bytes((64, 64), noise=True)[:300],
        "damaged",
        "图片文件已损坏",
    ),
    ("decompression bomb png", "bomb.png", png_bomb, "dimensions", "图片尺寸异常"),
    ("empty file", "empty.pdf", lambda: b"", "empty", "空文件"),
    (
        "traversal name with a system file",
        "../../etc/passwd.pdf",
        lambda: b"root:x:0:0:root:/root:/bin/sh\n",
        "type",
        "不是允许的格式",
    ),
    ("name of dots only", "...", pdf_bytes, "name", "文件名无效"),
]


@pytest.mark.parametrize(
    ("case", "name", "content_factory", "code", "message"), HOSTILE, ids=[h[0] for h in HOSTILE]
)
def test_hostile_files_are_refused_with_a_clear_message_and_nothing_is_stored(
    employer, case, name, content_factory, code, message
):
    before = stored_names()
    with pytest.raises(ApplicationError) as refused:
        _store(employer, name, content_factory())
    assert refused.value.code == code, case
    assert refused.value.field == "file"
    assert message in refused.value.message
    assert not EvidenceFile.objects.exists()
    assert stored_names() == before


def test_oversize_is_refused_by_the_setting(employer, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    content = png_bytes((64, 64), noise=True)
    assert len(content) > 1024
    before = stored_names()
    with pytest.raises(ApplicationError) as refused:
        _store(employer, "big.png", content)
    assert refused.value.message == "上传文件大小不能超过1KB"
    assert refused.value.code == "too_large"
    assert stored_names() == before
    assert not EvidenceFile.objects.exists()


def test_the_default_limit_is_100mb_as_the_screens_say(settings):
    assert settings.EVIDENCE_MAX_BYTES == 100 * 1024 * 1024


def test_oversize_is_caught_while_streaming_even_when_the_declared_size_lies(employer, settings):
    settings.EVIDENCE_MAX_BYTES = 2048
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 5000)
    upload.size = 10  # a client-declared size is not trusted
    with pytest.raises(ApplicationError, match="上传文件大小不能超过2KB"):
        evidence_store(employer=employer, uploaded_by=None, upload=upload, purpose="contract")


def test_image_pixel_limit_is_a_setting(employer, settings):
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 100
    with pytest.raises(ApplicationError, match="40×30"):
        _store(employer, "photo.jpg", jpeg_bytes((40, 30)))
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 1200
    assert _store(employer, "photo.jpg", jpeg_bytes((40, 30))).content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\劳动合同.pdf", "劳动合同.pdf"),
        ("C:\\fakepath\\合同.pdf", "合同.pdf"),
        ("con\x00trol\x1f.pdf", "control.pdf"),
        (".hidden.pdf", "hidden.pdf"),
    ],
)
def test_names_are_reduced_for_display_and_never_used_as_paths(employer, name, shown):
    assert evidence_display_name(name) == shown
    upload = SimpleUploadedFile("x.pdf", pdf_bytes())
    upload._name = name  # bypass Django's own basename, as a hand-made multipart body could
    evidence = evidence_store(employer=employer, uploaded_by=None, upload=upload, purpose="contract")
    assert evidence.original_name == shown
    assert ".." not in evidence.storage_name and "\\" not in evidence.storage_name
    assert evidence.storage_name.rsplit("/", 1)[-1].removesuffix(".pdf").isalnum()


def test_unknown_purpose_is_refused(employer):
    with pytest.raises(ApplicationError) as refused:
        _store(employer, "c.pdf", pdf_bytes(), purpose="passport")
    assert refused.value.field == "purpose"


FOUND: list[tuple[str, int]] = []


def fake_scanner(file, *, sha256: str, size: int) -> str | None:
    FOUND.append((sha256, size))
    return "Eicar-Test-Signature" if b"EICAR" in file.read() else None


def broken_scanner(file, *, sha256: str, size: int) -> str | None:
    raise ConnectionRefusedError("clamd down")


def test_virus_scanner_is_called_when_configured_and_can_refuse(employer, settings):
    settings.EVIDENCE_VIRUS_SCANNER = f"{__name__}.fake_scanner"
    FOUND.clear()
    clean = pdf_bytes()
    assert _store(employer, "clean.pdf", clean).sha256 == hashlib.sha256(clean).hexdigest()
    assert [(hashlib.sha256(clean).hexdigest(), len(clean))] == FOUND

    infected = pdf_bytes() + b"% EICAR-STANDARD-ANTIVIRUS-TEST-FILE\n"
    before = stored_names()
    with pytest.raises(ApplicationError, match="病毒扫描") as refused:
        _store(employer, "infected.pdf", infected)
    assert refused.value.code == "virus"
    assert stored_names() == before
    assert EvidenceFile.objects.count() == 1


def test_an_unavailable_scanner_refuses_the_upload(employer, settings):
    settings.EVIDENCE_VIRUS_SCANNER = f"{__name__}.broken_scanner"
    with pytest.raises(ApplicationError, match="病毒扫描服务暂时不可用"):
        _store(employer, "clean.pdf", pdf_bytes())
    assert not EvidenceFile.objects.exists()


def test_no_scanner_by_default(settings):
    assert settings.EVIDENCE_VIRUS_SCANNER == ""


def test_a_rolled_back_caller_leaves_a_blob_that_the_orphan_sweep_removes(employer):
    kept = _store(employer, "kept.pdf", pdf_bytes())
    before = stored_names()
    with pytest.raises(RuntimeError), transaction.atomic():
        _store(employer, "lost.pdf", pdf_bytes())
        raise RuntimeError("the caller's own row failed")
    orphans = stored_names() - before
    assert len(orphans) == 1
    assert not EvidenceFile.objects.exclude(pk=kept.pk).exists()

    assert evidence_orphans_delete() == []  # too young: its transaction might still be open
    assert set(evidence_orphans_delete(older_than=timedelta(0))) == orphans
    assert stored_names() == before
    assert default_storage.exists(kept.storage_name)


def test_upload_field_shows_the_screens_hint_and_accepts_only_the_four_types(settings):
    from anbili.evidence.forms import EvidenceFileField

    field = EvidenceFileField(label="劳动合同")
    assert field.help_text == "上传文件大小不能超过100MB，格式仅限“jpeg”、“jpg”、“png”、“pdf”"
    assert field.widget.attrs["accept"] == ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"
    settings.EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    assert EvidenceFileField().help_text.startswith("上传文件大小不能超过20MB")


@given(
    prefix=st.sampled_from([b"%PDF-1.4\n", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b""]),
    body=st.binary(max_size=2048),
    eof=st.booleans(),
    name=st.sampled_from(["a.pdf", "a.jpg", "a.png", "a.jpeg"]),
)
@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_arbitrary_bytes_are_either_stored_or_refused_never_an_error(employer, prefix, body, eof, name):
    content = prefix + body + (b"\n%%EOF\n" if eof else b"")
    try:
        evidence = _store(employer, name, content)
    except ApplicationError as exc:
        assert exc.field == "file" and exc.message
    else:
        assert evidence.sha256 == hashlib.sha256(content).hexdigest()

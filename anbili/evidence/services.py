"""The one upload pipeline: every evidence file in the system is checked and stored by `evidence_store`.

Order of the checks: size, name, type by content (python-magic) and its agreement with the extension,
polyglot markers, structure (Pillow for images, pypdf for PDFs), then the optional virus scanner. Only a file
that passes everything is written to storage, under a name we generate.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import tempfile
import unicodedata
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

import magic
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from PIL import Image, UnidentifiedImageError

from anbili.core.errors import ApplicationError
from anbili.evidence.inspection import find_raw_pdf_active_name, find_web_marker, pdf_active_content
from anbili.evidence.models import ACCEPTED_EXTENSIONS, CONTENT_TYPE_EXTENSION, EvidenceFile, EvidencePurpose

logger = logging.getLogger(__name__)

STORAGE_PREFIX = "evidence"
FIELD = "file"
ACCEPTED_HINT = "格式仅限“jpeg”、“jpg”、“png”、“pdf”"
# PDF readers look for the header within the first 1024 bytes; an image holding one there is a polyglot.
_PDF_HEADER_WINDOW = 1024
_ZIP_EOCD = b"PK\x05\x06"
_ZIP_EOCD_MIN = 22
_ZIP_MAX_COMMENT = 0xFFFF
_CHUNK = 1024 * 1024
_NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
_ACTIVE_PDF_MESSAGE = "PDF 文件含有脚本、自动执行的操作或内嵌文件，不能作为附件上传，请另存为普通PDF后上传"


def _refuse(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, field=FIELD, code=code)


def size_text(limit: int) -> str:
    """A byte count as the screens write it: "100MB", "1KB"."""
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)}MB"
    if limit >= 1024:
        return f"{limit / 1024:.0f}KB"
    return f"{limit}字节"


def evidence_display_name(name: str | None) -> str:
    """The uploader's file name reduced to a harmless display string (no directories, no control chars)."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _NAME_UNSAFE.sub("", text).strip().lstrip(".").strip()
    if len(text) > 200:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else text[:200]
    return text


def _extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot else ""


@dataclass(frozen=True)
class _Spooled:
    """The upload copied once to a private temporary file while its size and sha256 are taken."""

    file: IO[bytes]
    size: int
    sha256: str
    head: bytes
    tail: bytes


def _spool(upload: UploadedFile, limit: int) -> _Spooled:
    """Copy the upload once, hashing it and stopping as soon as it grows past the limit."""
    digest = hashlib.sha256()
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  # closed by the caller
    size = 0
    head = b""
    tail = b""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        upload.seek(0)
    for chunk in upload.chunks(_CHUNK):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise _refuse(f"上传文件大小不能超过{size_text(limit)}", "too_large")
        digest.update(chunk)
        spool.write(chunk)
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        tail = (tail + chunk)[-(_ZIP_EOCD_MIN + _ZIP_MAX_COMMENT) :]
    spool.seek(0)
    return _Spooled(spool, size, digest.hexdigest(), head, tail)


def _has_zip_directory(tail: bytes) -> bool:
    """Whether the file's last 64 KB hold a ZIP end-of-central-directory record (a GIFAR-like polyglot).

    ZIP readers find the archive from this record at the end, whatever comes before it. Besides the
    signature the record must say "single disk" and fit its comment in the file, so that random bytes of
    compressed image or PDF data (about one chance in 2^64 per file) do not match.
    """
    start = len(tail)
    while (pos := tail.rfind(_ZIP_EOCD, 0, start)) >= 0:
        record = tail[pos : pos + _ZIP_EOCD_MIN]
        if len(record) == _ZIP_EOCD_MIN:
            disk, cd_disk, entries_here, entries_total = (
                int.from_bytes(record[k : k + 2], "little") for k in (4, 6, 8, 10)
            )
            comment_length = int.from_bytes(record[20:22], "little")
            single_disk = disk == 0 and cd_disk == 0 and entries_here == entries_total
            if single_disk and pos + _ZIP_EOCD_MIN + comment_length <= len(tail):
                return True
        start = pos
    return False


def _sniff(spooled: _Spooled) -> str:
    """The content type libmagic reads from the first bytes (never from the name)."""
    if spooled.size == 0:
        raise _refuse("上传的文件是空文件，请重新选择", "empty")
    content_type = magic.from_buffer(spooled.head, mime=True)
    if content_type == "image/jpg":
        content_type = "image/jpeg"
    if content_type not in ACCEPTED_EXTENSIONS:
        raise _refuse(f"文件内容不是允许的格式，{ACCEPTED_HINT}", "type")
    return content_type


def _check_extension(name: str, content_type: str) -> None:
    ext = _extension(name)
    if ext not in ACCEPTED_EXTENSIONS[content_type]:
        expected = "、".join(f"“{e.lstrip('.')}”" for e in ACCEPTED_EXTENSIONS[content_type])
        raise _refuse(f"文件扩展名与文件内容不符：内容为{expected}格式，请勿修改扩展名", "extension")


def _check_polyglot(spooled: _Spooled, content_type: str) -> None:
    head = spooled.head[:_PDF_HEADER_WINDOW].lower()
    if content_type != "application/pdf" and b"%pdf-" in head:
        raise _refuse("文件同时含有图片和PDF的内容，无法确认文件类型，请重新导出后上传", "polyglot")
    # The whole file, not its head: a page or script anywhere is read by whatever sniffs for it.
    marker = find_web_marker(spooled.file)
    if marker is not None:
        logger.info("evidence refused: web marker %r", marker)
        raise _refuse("文件含有网页或脚本内容，不能作为附件上传", "polyglot")
    if _has_zip_directory(spooled.tail):
        raise _refuse("文件末尾附带了压缩包内容，不能作为附件上传，请重新导出后上传", "polyglot")


def _check_image(file: IO[bytes], content_type: str) -> None:
    """Sane dimensions from the header, then a cheap decode: bombs and damaged images are refused."""
    limit = settings.EVIDENCE_MAX_IMAGE_PIXELS
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning becomes an error; our limit below gives the user's message.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=["JPEG"] if content_type == "image/jpeg" else ["PNG"]) as image:
                width, height = image.size
                if width < 1 or height < 1 or width * height > limit:
                    raise _refuse(
                        f"图片尺寸异常（{width}×{height} 像素），超过允许的 {limit:,} 像素，请压缩后上传",
                        "dimensions",
                    )
                if content_type == "image/jpeg":
                    # Decode at 1/8 scale: truncated or corrupt data fails, without holding a full bitmap.
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    image.load()
                else:
                    image.verify()
    except ApplicationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(f"图片尺寸异常，超过允许的 {limit:,} 像素，请压缩后上传", "dimensions") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        logger.info("evidence image refused: %s", exc.__class__.__name__)
        raise _refuse("图片文件已损坏或不完整，请重新选择", "damaged") from None


def _check_pdf(file: IO[bytes], spooled: _Spooled) -> None:
    """A complete PDF that parses, opens without a password and runs no code."""
    from pypdf import PdfReader

    if not spooled.head.startswith(b"%PDF-"):
        raise _refuse("PDF 文件头不正确，文件可能已损坏", "damaged")
    if b"%%EOF" not in spooled.tail[-2048:]:
        raise _refuse("PDF 文件不完整（可能上传中断或文件已截断），请重新选择", "damaged")
    file.seek(0)
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _refuse("PDF 文件设置了打开密码，审核人员无法查看，请取消密码后上传", "encrypted")
        if len(reader.pages) < 1:
            raise _refuse("PDF 文件没有页面，请重新选择", "damaged")
        for page in reader.pages:
            page.mediabox  # noqa: B018  # walking every page proves the page tree is sound
        finding = pdf_active_content(reader)
    except ApplicationError:
        raise
    except Exception as exc:  # any parser failure on hostile input is a refusal
        logger.info("evidence pdf refused: %s", exc.__class__.__name__)
        raise _refuse("PDF 文件已损坏，无法打开，请重新选择", "damaged") from None
    if finding is None:
        # Second line: objects no cross-reference names (after %%EOF, or found only by a viewer's repair).
        raw = find_raw_pdf_active_name(file)
        finding = f"raw {raw.decode('latin-1')}" if raw is not None else None
    if finding is not None:
        logger.info("evidence pdf refused as active content: %s", finding)
        raise _refuse(_ACTIVE_PDF_MESSAGE, "active_pdf")


def _virus_scan(file: IO[bytes], *, sha256: str, size: int) -> None:
    """Call the configured scanner; no answer counts as a refusal (fail closed)."""
    path = settings.EVIDENCE_VIRUS_SCANNER
    if not path:
        return
    scanner: Callable[..., str | None] = import_string(path)
    file.seek(0)
    try:
        threat = scanner(file, sha256=sha256, size=size)
    except Exception:  # the scanner's own failure must not let a file through
        logger.exception("evidence virus scanner failed for sha256=%s", sha256)
        raise _refuse("病毒扫描服务暂时不可用，请稍后再上传", "scanner_unavailable") from None
    if threat:
        logger.warning("evidence refused by virus scanner: sha256=%s threat=%s", sha256, threat)
        raise _refuse("文件未通过病毒扫描，不能上传", "virus")


def _storage_name(content_type: str) -> str:
    """A name we make up: date folders and a random id, never anything from the uploader."""
    now = timezone.now()
    return f"{STORAGE_PREFIX}/{now:%Y/%m}/{uuid.uuid4().hex}{CONTENT_TYPE_EXTENSION[content_type]}"


def evidence_store(*, employer: Any, uploaded_by: Any, upload: UploadedFile, purpose: str) -> EvidenceFile:
    """Check an upload and store it for `employer`; refuse with a Chinese message and store nothing."""
    if purpose not in EvidencePurpose.values:
        raise ApplicationError("附件的材料类型无效", field="purpose")
    if upload is None:
        raise _refuse("请选择要上传的文件", "required")
    display_name = evidence_display_name(upload.name)
    if not display_name:
        raise _refuse("文件名无效，请重命名后上传", "name")
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _refuse(f"上传文件大小不能超过{size_text(limit)}", "too_large")
    spooled = _spool(upload, limit)
    try:
        content_type = _sniff(spooled)
        _check_extension(display_name, content_type)
        _check_polyglot(spooled, content_type)
        if content_type == "application/pdf":
            _check_pdf(spooled.file, spooled)
        else:
            _check_image(spooled.file, content_type)
        _virus_scan(spooled.file, sha256=spooled.sha256, size=spooled.size)
        spooled.file.seek(0)
        # The blob is written before the row, so a committed row always has its blob. If the caller's
        # transaction rolls back, the blob is unreferenced and `evidence_orphans_delete` removes it.
        name = default_storage.save(_storage_name(content_type), File(spooled.file))
        try:
            with transaction.atomic():
                evidence = EvidenceFile.objects.create(
                    employer=employer,
                    purpose=purpose,
                    original_name=display_name,
                    content_type=content_type,
                    size=spooled.size,
                    sha256=spooled.sha256,
                    storage_name=name,
                    uploaded_by=uploaded_by,
                )
        except Exception:
            default_storage.delete(name)
            raise
    finally:
        spooled.file.close()
    logger.info(
        "evidence stored: id=%s employer=%s purpose=%s type=%s size=%s sha256=%s",
        evidence.pk,
        getattr(employer, "pk", None),
        purpose,
        content_type,
        spooled.size,
        spooled.sha256,
    )
    return evidence


def evidence_open(evidence: EvidenceFile) -> IO[bytes]:
    """The stored blob of an evidence row, opened for reading."""
    try:
        return default_storage.open(evidence.storage_name, "rb")
    except (FileNotFoundError, OSError) as exc:
        logger.error("evidence blob missing: id=%s name=%s", evidence.pk, evidence.storage_name)
        raise ApplicationError("附件文件已丢失，请联系系统管理员", field=FIELD, code="missing") from exc


def evidence_orphans_delete(*, older_than: timedelta = timedelta(hours=1)) -> list[str]:
    """Delete stored blobs that no evidence row names (left by a caller's rolled-back transaction).

    Blobs younger than `older_than` are kept: their transaction may still be open.
    """
    cutoff = timezone.now() - older_than
    known = set(EvidenceFile.objects.values_list("storage_name", flat=True))
    deleted: list[str] = []
    for name in _storage_walk(STORAGE_PREFIX):
        if name in known:
            continue
        try:
            created = default_storage.get_created_time(name)
        except (NotImplementedError, OSError):
            created = None
        if created is not None and created > cutoff:
            continue
        default_storage.delete(name)
        deleted.append(name)
    if deleted:
        logger.warning("evidence orphans deleted: %d blob(s)", len(deleted))
    return deleted


def _storage_walk(prefix: str) -> list[str]:
    try:
        directories, files = default_storage.listdir(prefix)
    except (FileNotFoundError, NotImplementedError):
        return []
    names = [f"{prefix}/{f}" for f in files]
    for directory in directories:
        names.extend(_storage_walk(f"{prefix}/{directory}"))
    return names


def evidence_bytes(evidence: EvidenceFile) -> bytes:
    """The whole stored blob (for small files in tests and previews)."""
    with evidence_open(evidence) as handle:
        return handle.read()

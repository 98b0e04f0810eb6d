"""Files for the evidence tests: valid ones and a corpus of hostile ones, all made in memory."""

import io
import struct
import zipfile
import zlib

from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def jpeg_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (32, 24), noise: bool = False) -> bytes:
    buffer = io.BytesIO()
    image = Image.effect_noise(size, 80).convert("RGB") if noise else Image.new("RGB", size, (10, 120, 200))
    image.save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes(*, password: str | None = None, owner_only: bool = False, javascript: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hi');"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if password is not None:
        writer.encrypt(
            user_password="" if owner_only else password, owner_password=password, algorithm="AES-128"
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload/Evil.class", b"\xca\xfe\xba\xbe" + b"\x00" * 40)
    return buffer.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid-looking PNG header announcing huge dimensions, followed by a few bytes of compressed zeros."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_with_pdf_inside() -> bytes:
    """A JPEG whose first comment segment carries a PDF header: image viewers and PDF readers both open it."""
    jpeg = jpeg_bytes()
    comment = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return jpeg[:2] + segment + jpeg[2:]


def stored_names() -> set[str]:
    """Every blob currently in storage under evidence/."""

    def walk(prefix: str) -> set[str]:
        try:
            directories, files = default_storage.listdir(prefix)
        except FileNotFoundError:
            return set()
        names = {f"{prefix}/{f}" for f in files}
        for directory in directories:
            names |= walk(f"{prefix}/{directory}")
        return names

    return walk("evidence")

"""Files for the evidence tests: valid ones and a corpus of hostile ones, all made in memory."""

import io
import struct
import zipfile
import zlib

from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


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


# --- PDFs with active content anywhere (issue #10 item 9) ---------------------------------------------------


def _js_action(script: str = "app.alert('hi');") -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(script)}
    )


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def _pdf_writer_bytes(build) -> bytes:
    """A one-page PDF made by pypdf, after `build(writer, page)` has added what the case needs."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    build(writer, page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _annotate(writer, page, action_key: str, action: DictionaryObject, subtype: str = "/Link") -> None:
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (50, 50, 200, 80)]),
        }
    )
    if action_key == "/AA":
        annotation[NameObject("/AA")] = DictionaryObject({NameObject("/E"): writer._add_object(action)})
    else:
        annotation[NameObject(action_key)] = writer._add_object(action)
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def pdf_catalog_aa() -> bytes:
    """Document-level additional action: a script run before the document closes (/WC)."""

    def build(writer, page):
        writer._root_object[NameObject("/AA")] = DictionaryObject(
            {NameObject("/WC"): writer._add_object(_js_action())}
        )

    return _pdf_writer_bytes(build)


def pdf_page_aa() -> bytes:
    """A page's additional action: a script run when the page opens (/O)."""

    def build(writer, page):
        page[NameObject("/AA")] = DictionaryObject(
            {NameObject("/O"): _js_action()}
        )  # direct, not a reference

    return _pdf_writer_bytes(build)


def pdf_annotation_action(kind: str) -> bytes:
    """A link annotation whose /A action is of `kind` (/JavaScript, /Launch, /SubmitForm, /ImportData)."""
    entries = {
        "/JavaScript": {"JS": TextStringObject("this.exportDataObject({cName:'x'});")},
        "/Launch": {
            "F": TextStringObject("cmd.exe"),
            "Win": DictionaryObject({NameObject("/F"): TextStringObject("cmd.exe")}),
        },
        "/SubmitForm": {"F": TextStringObject("http://127.0.0.1:9/collect")},
        "/ImportData": {"F": TextStringObject("data.fdf")},
    }[kind]
    return _pdf_writer_bytes(lambda writer, page: _annotate(writer, page, "/A", _action(kind, **entries)))


def pdf_widget_aa() -> bytes:
    """A form widget's additional action (/E, cursor enters): the usual home of form scripts."""
    return _pdf_writer_bytes(
        lambda writer, page: _annotate(writer, page, "/AA", _js_action(), subtype="/Widget")
    )


def pdf_next_chain() -> bytes:
    """An innocent GoTo open action whose /Next chain (an array, two deep) ends in a script."""

    def build(writer, page):
        script = writer._add_object(_js_action())
        middle = writer._add_object(
            _action("/GoTo", D=ArrayObject([page.indirect_reference, NameObject("/Fit")]), Next=script)
        )
        first = _action(
            "/GoTo", D=ArrayObject([page.indirect_reference, NameObject("/Fit")]), Next=ArrayObject([middle])
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(first)

    return _pdf_writer_bytes(build)


def pdf_orphan_js() -> bytes:
    """A /JS entry in an object that nothing references (some viewers still find it on repair)."""

    def build(writer, page):
        writer._add_object(DictionaryObject({NameObject("/JS"): TextStringObject("app.alert(1)")}))

    return _pdf_writer_bytes(build)


def pdf_javascript_name_tree() -> bytes:
    """Document-level JavaScript in the catalogue's /Names /JavaScript tree (run when the file opens)."""

    def build(writer, page):
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("init"), writer._add_object(_js_action())])}
        )
        names = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
        writer._root_object[NameObject("/Names")] = writer._add_object(names)

    return _pdf_writer_bytes(build)


def pdf_escaped_names() -> bytes:
    """An open-action script whose names are spelt with #xx escapes (/S /Java#53cript, /J#53): the same
    names to a PDF reader, different bytes to a grep."""
    pages = dict(_PAGES)
    pages[1] = (
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Java#53cript /J#53 (app.alert\\(1\\)) >> >>"
    )
    return _pdf_from_objects(pages, {})


def pdf_js_after_eof() -> bytes:
    """A clean PDF with an extra object appended after %%EOF that no cross-reference lists."""
    return pdf_bytes() + b"99 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n"


def _pdf_from_objects(
    plain: dict[int, bytes], compressed: dict[int, bytes], root: int = 1, prelude: bytes = b""
) -> bytes:
    """A PDF 1.5 with a cross-reference stream: `prelude` after the header, `plain` objects written as
    usual, `compressed` ones inside one FlateDecode object stream (pypdf cannot write these, so the bytes
    are made here)."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n" + prelude)
    offsets: dict[int, tuple[int, int, int]] = {}
    for number, body in sorted(plain.items()):
        offsets[number] = (1, len(out), 0)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    numbers = sorted(compressed)
    stream_number = max([*plain, *compressed]) + 1
    if numbers:
        header = b""
        data = b""
        for index, number in enumerate(numbers):
            header += b"%d %d " % (number, len(data))
            data += compressed[number] + b"\n"
            offsets[number] = (2, stream_number, index)
        payload = zlib.compress(header + data)
        offsets[stream_number] = (1, len(out), 0)
        out += (
            b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (stream_number, len(numbers), len(header), len(payload))
            + payload
            + b"\nendstream\nendobj\n"
        )
    xref_number = stream_number + 1
    offsets[xref_number] = (1, len(out), 0)
    size = xref_number + 1
    rows = b"\x00\x00\x00\x00\x00\xff\xff"  # object 0, free
    for number in range(1, size):
        kind, field2, field3 = offsets.get(number, (0, 0, 0))
        rows += struct.pack(">BIH", kind, field2, field3)
    rows_compressed = zlib.compress(rows)
    xref_offset = len(out)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Filter /FlateDecode /Length %d >>\n"
        % (xref_number, size, root, len(rows_compressed))
        + b"stream\n"
        + rows_compressed
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    )
    return bytes(out)


_PAGES = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
}


def pdf_object_stream(*, javascript: bool) -> bytes:
    """A PDF whose catalogue lives in a compressed object stream, with an open-action script there or not."""
    action = b" /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>" if javascript else b""
    return _pdf_from_objects(dict(_PAGES), {1: b"<< /Type /Catalog /Pages 2 0 R" + action + b" >>"})


def pdf_object_stream_aa() -> bytes:
    """A plain catalogue whose page's /AA points at a script action kept in a compressed object stream."""
    pages = dict(_PAGES)
    pages[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    pages[3] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O 4 0 R >> >>"
    return _pdf_from_objects(pages, {4: b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"})


def pdf_big_stream(megabytes: int, *, stream_entries: bytes = b"") -> bytes:
    """A page whose content stream is `megabytes` long (pypdf itself parses streams only up to 75 MB), with
    `stream_entries` added to that stream's dictionary."""
    pages = dict(_PAGES)
    pages[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    pages[3] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    data = b"% " + b"0" * (megabytes * 1024 * 1024)
    pages[4] = b"<< /Length %d %s>>\nstream\n" % (len(data), stream_entries) + data + b"\nendstream"
    return _pdf_from_objects(pages, {})


def pdf_uri_link(uri: bytes) -> bytes:
    """A page with a link annotation opening `uri`, kept in a compressed object stream (so that only the
    parser sees it, not the byte search for web markers)."""
    pages = dict(_PAGES)
    pages[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    pages[3] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"
    link = b"<< /Type /Annot /Subtype /Link /Rect [50 50 200 80] /A << /S /URI /URI (" + uri + b") >> >>"
    return _pdf_from_objects(pages, {4: link})


# --- polyglots: web content after the first kilobyte ------------------------------------------------------


def jpeg_with_comment(text: bytes, *, at: int = 2048) -> bytes:
    """A valid JPEG whose comment segment carries `text` at about byte `at` (after filler)."""
    jpeg = jpeg_bytes()
    comment = b"\x00" * max(0, at - 6) + text
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return jpeg[:2] + segment + jpeg[2:]


def pdf_with_html_body(
    text: bytes = b"<html><body><script>alert(document.cookie)</script></body></html>",
) -> bytes:
    """A valid PDF whose bytes after the first kilobyte hold an HTML page (as PDF comment lines, which a
    PDF reader skips and an HTML parser reads)."""
    pages = dict(_PAGES)
    pages[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    prelude = b"%" + b"x" * 1100 + b"\n%" + text + b"\n"
    return _pdf_from_objects(pages, {}, prelude=prelude)


def realistic_pdf() -> bytes:
    """What a scanner or office suite makes: compressed text, a noise image, a web link, an outline and a
    GoTo open action. Active-content and marker checks must let it through."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    Image.effect_noise((600, 400), 90).convert("RGB").save(buffer, "PDF", resolution=150)
    scanned = PdfReader(io.BytesIO(buffer.getvalue()))
    writer.add_page(scanned.pages[0])
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 72 770 Td (Labour contract 2024) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (72, 700, 300, 720)]),
            NameObject("/A"): _action("/URI", URI=TextStringObject("https://www.cdpf.org.cn/")),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    writer.add_outline_item(title="第一页", page_number=0)
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [page.indirect_reference, NameObject("/Fit")]
    )
    writer.add_metadata({"/Producer": "Scanner 3.1", "/Title": "劳动合同"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def realistic_jpeg(size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A photo-like JPEG of random noise (entropy-coded data is as random as bytes get) with EXIF."""
    buffer = io.BytesIO()
    image = Image.effect_noise(size, 120).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    exif[0x0110] = "Model X"  # Model
    image.save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()

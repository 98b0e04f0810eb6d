"""Hostile XLSX files built in the tests: zip bombs (shared strings, one huge cell, a lying size header) and
XML attacks (billion laughs, XXE, external DTD, damaged XML). Each starts from a real openpyxl workbook so
that, without the guard, the readers would really parse it."""

from __future__ import annotations

import io
import struct
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
MIB = 1024 * 1024
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_SHARED_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
)


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_members(content: bytes, members: dict[str, bytes]) -> bytes:
    """The workbook with some members replaced or added (stored deflated, as Excel does)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in members:
                target.writestr(info.filename, source.read(info.filename))
        for name, data in members.items():
            target.writestr(name, data)
    return buffer.getvalue()


def sheet_xml(cell_text: str = "x", *, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet {_NS}><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>{cell_text}</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()


def billion_laughs(content: bytes) -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    return replace_members(content, {SHEET: sheet_xml("&lol9;", prolog=f"<!DOCTYPE worksheet [{entities}]>")})


def xxe(content: bytes) -> bytes:
    prolog = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return replace_members(content, {SHEET: sheet_xml("&xxe;", prolog=prolog)})


def external_dtd(content: bytes) -> bytes:
    prolog = '<!DOCTYPE worksheet SYSTEM "http://127.0.0.1:9/evil.dtd">'
    return replace_members(content, {SHEET: sheet_xml(prolog=prolog)})


def damaged_xml(content: bytes) -> bytes:
    """The workbook's own sheet cut off two thirds in: the first rows (the header) still read."""
    sheet = zipfile.ZipFile(io.BytesIO(content)).read(SHEET)
    return replace_members(content, {SHEET: sheet[: len(sheet) * 2 // 3]})


def _stream_member(target: zipfile.ZipFile, name: str, head: bytes, filler: bytes, size: int, tail: bytes):
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    block = filler * (MIB // len(filler))
    with target.open(info, "w", force_zip64=True) as member:
        member.write(head)
        for _ in range(size // len(block)):
            member.write(block)
        member.write(tail)


def bomb(content: bytes, *, member: str, inflated: int) -> bytes:
    """The workbook with `member` inflating to about `inflated` bytes of valid XML (written as a stream,
    so building it costs the test little memory): shared strings with one huge string, or a sheet whose
    one cell holds it."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml" and member == SHARED:
                data = data.replace(b"</Types>", _SHARED_TYPE + b"</Types>")  # so that openpyxl reads it
            if info.filename != member:
                target.writestr(info.filename, data)
        if member == SHARED:
            head = f'<?xml version="1.0"?><sst {_NS} count="1" uniqueCount="1"><si><t>'.encode()
            tail = b"</t></si></sst>"
        else:
            head, tail = sheet_xml("\x00").split(b"\x00")
        _stream_member(target, member, head, b"a", inflated, tail)
    return buffer.getvalue()


def lying_sizes(content: bytes, *, inflated: int) -> bytes:
    """A sheet that inflates to `inflated` bytes while both its headers declare 1 KiB: a reader that
    trusts the inflater instead of the declared size keeps going."""
    data = bomb(content, member=SHEET, inflated=inflated)
    archive = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    # Written with zip64 extras: the real sizes sit in the extra fields of both headers.
    fake = 1024
    _patch_zip64(archive, info.header_offset, local=True, size=fake)
    offset = 0
    while (offset := data.find(b"PK\x01\x02", offset)) != -1:
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46 : offset + 46 + name_length] == SHEET.encode():
            _patch_zip64(archive, offset, local=False, size=fake)
            break
        offset += 4
    return bytes(archive)


def _patch_zip64(archive: bytearray, offset: int, *, local: bool, size: int) -> None:
    """Replace the uncompressed size of one header, in its plain field or its zip64 extra field."""
    name_at, fixed = (26, 30) if local else (28, 46)
    name_length, extra_length = struct.unpack_from("<HH", archive, offset + name_at)
    size_at = offset + (22 if local else 24)
    if struct.unpack_from("<I", archive, size_at)[0] != 0xFFFFFFFF:
        struct.pack_into("<I", archive, size_at, size)
        return
    extra = offset + fixed + name_length
    end = extra + extra_length
    while extra < end:
        tag, length = struct.unpack_from("<HH", archive, extra)
        if tag == 0x0001:
            struct.pack_into("<Q", archive, extra + 4, size)  # the uncompressed size comes first
            return
        extra += 4 + length

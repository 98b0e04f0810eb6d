"""Checks an XLSX archive before any reader parses it: zip bombs and hostile XML are refused up front.

Readers trust the archive: openpyxl reads the shared strings whole into memory and python-calamine (Rust)
inflates members without regard to the sizes the archive declares, so a 1.5 MB upload can inflate to
gigabytes. Here every member is inflated as a stream with a hard limit (memory stays at one chunk), its
declared and actual sizes and its compression ratio are checked, and every XML part is run through expat
with any DTD refused: Excel never writes one, and a DTD is what entity expansion (billion laughs) and
external entities (XXE) need. Readers differ in what they do with a DTD (openpyxl through defusedxml raises,
calamine ignores it); refusing it here gives every reader the same answer. The archive checks themselves are
`anbili.core.zip_guard`'s, shared with the archive of contract files.
"""

from __future__ import annotations

import zipfile
from typing import IO
from xml.parsers import expat

from anbili.core.errors import ApplicationError
from anbili.core.zip_guard import CHUNK, MIB, ArchiveRefused, ZipLimits, check_declared, inflate, opened

__all__ = ["CHUNK", "MIB", "UnreadableWorkbook", "ZipLimits", "check_xlsx"]

_DAMAGED = "文件已损坏或不是有效的 XLSX 文件"


class UnreadableWorkbook(ApplicationError):
    """The archive is damaged or hostile; `reason` says why in words a user can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"无法读取该 Excel 文件（{reason}）", field="file", code="unreadable")
        self.reason = reason


class _DtdRefused(Exception):
    pass


def _refuse_dtd(*_args: object) -> int:
    raise _DtdRefused


def check_xlsx(file: IO[bytes], limits: ZipLimits) -> None:
    """Raise UnreadableWorkbook unless `file` is a zip whose members inflate within `limits` and whose XML
    parts are well-formed and carry no DTD. The file is left at position 0."""
    try:
        with opened(file) as archive:
            members = archive.infolist()
            check_declared(members, limits)
            inflated = 0
            for info in members:
                inflated = _check_member(archive, info, limits, inflated)
    except ArchiveRefused as exc:
        raise UnreadableWorkbook(exc.reason or _DAMAGED) from None


def _looks_like_xml(head: bytes) -> bool:
    # A reader follows the relationships to any part name, so content decides, not the extension.
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"))


def _xml_parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits, inflated: int) -> int:
    """Inflate one member as a stream within the limits, running an XML part through expat as it comes;
    the running total of inflated bytes."""
    parsers: list[expat.XMLParserType] = []

    def parse(chunk: bytes, first: bool) -> None:
        if first and _looks_like_xml(chunk):
            parsers.append(_xml_parser())
        if parsers:
            _feed(parsers[0], chunk, final=False)

    inflated = inflate(archive, info, limits, inflated, parse)
    if parsers:
        _feed(parsers[0], b"", final=True)
    return inflated


def _feed(parser: expat.XMLParserType, chunk: bytes, *, final: bool) -> None:
    try:
        parser.Parse(chunk, final)
    except _DtdRefused:
        raise UnreadableWorkbook("文件中含有不允许的 DTD 或实体声明") from None
    except expat.ExpatError:
        raise UnreadableWorkbook("文件内容已损坏，XML 格式错误") from None

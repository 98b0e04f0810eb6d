"""Checks an XLSX archive before any reader parses it: zip bombs and hostile XML are refused up front.

Readers trust the archive: openpyxl reads the shared strings whole into memory and python-calamine (Rust)
inflates members without regard to the sizes the archive declares, so a 1.5 MB upload can inflate to
gigabytes. Here every member is inflated as a stream with a hard limit (memory stays at one chunk), its
declared and actual sizes and its compression ratio are checked, and every XML part is run through expat
with any DTD refused: Excel never writes one, and a DTD is what entity expansion (billion laughs) and
external entities (XXE) need. Readers differ in what they do with a DTD (openpyxl through defusedxml raises,
calamine ignores it); refusing it here gives every reader the same answer.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

from anbili.core.errors import ApplicationError

CHUNK = 64 * 1024
MIB = 1024 * 1024
# Excel, WPS and LibreOffice write stored or deflated members; bzip2 and LZMA reach far higher ratios.
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


@dataclass(frozen=True)
class ZipLimits:
    """How far an archive may inflate. The ratio is judged only on members above `ratio_floor` bytes:
    small parts compress oddly well or badly and cannot hurt."""

    max_member_bytes: int
    max_total_bytes: int
    max_ratio: int = 100
    ratio_floor: int = MIB
    max_members: int = 1000


class UnreadableWorkbook(ApplicationError):
    """The archive is damaged or hostile; `reason` says why in words a user can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"无法读取该 Excel 文件（{reason}）", field="file", code="unreadable")
        self.reason = reason


class _DtdRefused(Exception):
    pass


def _refuse_dtd(*_args: object) -> int:
    raise _DtdRefused


def _megabytes(size: int) -> str:
    return f"{size // MIB}MB"


def check_xlsx(file: IO[bytes], limits: ZipLimits) -> None:
    """Raise UnreadableWorkbook unless `file` is a zip whose members inflate within `limits` and whose XML
    parts are well-formed and carry no DTD. The file is left at position 0."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            _check_declared(members, limits)
            inflated = 0
            for info in members:
                inflated = _check_member(archive, info, limits, inflated)
    except UnreadableWorkbook:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError):
        raise UnreadableWorkbook("文件已损坏或不是有效的 XLSX 文件") from None
    except RuntimeError:  # zipfile's word for an encrypted member
        raise UnreadableWorkbook("文件已加密或设置了密码") from None
    finally:
        file.seek(0)


def _check_declared(members: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """What the central directory declares, before a byte is inflated."""
    if len(members) > limits.max_members:
        raise UnreadableWorkbook(f"压缩包内文件过多（超过 {limits.max_members} 个）")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise UnreadableWorkbook("文件已加密或设置了密码")
        if info.compress_type not in _METHODS:
            raise UnreadableWorkbook("文件使用了不支持的压缩方式")
        _check_size(info, info.file_size, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnreadableWorkbook(f"解压后总大小超过 {_megabytes(limits.max_total_bytes)}")


def _check_size(info: zipfile.ZipInfo, size: int, limits: ZipLimits) -> None:
    if size > limits.max_member_bytes:
        raise UnreadableWorkbook(f"其中 {info.filename} 解压后超过 {_megabytes(limits.max_member_bytes)}")
    if size > limits.ratio_floor and size > limits.max_ratio * max(info.compress_size, 1):
        raise UnreadableWorkbook(
            f"其中 {info.filename} 的压缩比异常（超过 {limits.max_ratio} 倍），疑似压缩炸弹"
        )


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
    """Inflate one member as a stream (never more than its declared size, which zipfile enforces, and
    never past the limits even if the count were off); the running total of inflated bytes."""
    if info.is_dir():
        return inflated
    parser: expat.XMLParserType | None = None
    size = 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            if parser is None and size == 0:
                parser = _xml_parser() if _looks_like_xml(chunk) else None
            size += len(chunk)
            inflated += len(chunk)
            _check_size(info, size, limits)
            if inflated > limits.max_total_bytes:
                raise UnreadableWorkbook(f"解压后总大小超过 {_megabytes(limits.max_total_bytes)}")
            if parser is not None:
                _feed(parser, chunk, final=False)
    if size != info.file_size:  # zipfile checks the CRC too; a short member is as damaged as a long one
        raise UnreadableWorkbook("文件已损坏或不是有效的 XLSX 文件")
    if parser is not None:
        _feed(parser, b"", final=True)
    return inflated


def _feed(parser: expat.XMLParserType, chunk: bytes, *, final: bool) -> None:
    try:
        parser.Parse(chunk, final)
    except _DtdRefused:
        raise UnreadableWorkbook("文件中含有不允许的 DTD 或实体声明") from None
    except expat.ExpatError:
        raise UnreadableWorkbook("文件内容已损坏，XML 格式错误") from None

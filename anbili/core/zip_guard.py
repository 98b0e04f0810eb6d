"""Inflating an uploaded ZIP archive as if it were hostile: the one place that judges an archive's sizes,
ratios, members, compression methods and names before anything reads a member.

Two users: `anbili.core.xlsx_guard` (an XLSX workbook is a ZIP) and the archive of contract files that
批量登记 takes (`check_archive`). Every member is inflated as a stream with a hard limit (memory stays at one
chunk), its declared and actual sizes and its compression ratio are checked, and the running total is
bounded. `check_archive` also refuses names that could reach outside a folder if anyone wrote them to disk
(``../``, absolute paths, drive letters, backslash traversal), names with control characters, duplicate
names (zipfile would silently read the last) and symbolic links. Nothing here writes a member to disk under
its own name; callers store members through their own pipelines (the evidence store sniffs the type).

Refusals raise `ArchiveRefused` with a reason in Chinese; the caller wraps it in its own ApplicationError
(its field, its words for the archive). Django-free.
"""

from __future__ import annotations

import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

CHUNK = 64 * 1024
MIB = 1024 * 1024
# Excel, WPS, LibreOffice, Windows and 7-Zip's default write stored or deflated members; bzip2 and LZMA
# reach far higher ratios and are refused.
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_UTF8_NAMES = 0x800
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")
# Litter that archivers add beside the files a user chose: skipped, never reported.
_LITTER_FOLDERS = {"__MACOSX"}
_LITTER_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class ZipLimits:
    """How far an archive may inflate. The ratio is judged only on members above `ratio_floor` bytes:
    small parts compress oddly well or badly and cannot hurt."""

    max_member_bytes: int
    max_total_bytes: int
    max_ratio: int = 100
    ratio_floor: int = MIB
    max_members: int = 1000


class ArchiveRefused(Exception):
    """The archive is hostile or damaged. `reason` says why in words a user can act on; None means
    damaged, which each caller words for its own kind of file."""

    def __init__(self, reason: str | None = None) -> None:
        super().__init__(reason or "damaged")
        self.reason = reason


@dataclass(frozen=True)
class ArchiveMember:
    """One file of a checked archive: its path as the user sees it (folders with "/") and its last part."""

    path: str
    name: str
    info: zipfile.ZipInfo


def size_text(size: int) -> str:
    return f"{size // MIB}MB"


def shown_name(name: str, limit: int = 80) -> str:
    """A member name fit for a message: no control characters, not endless."""
    text = _CONTROL.sub("", name)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def refusing() -> Iterator[None]:
    """zipfile's failures (damaged data, a wrong CRC, an encrypted member) as ArchiveRefused."""
    try:
        yield
    except ArchiveRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError, ValueError):
        raise ArchiveRefused() from None
    except RuntimeError:  # zipfile's word for an encrypted member
        raise ArchiveRefused("文件已加密或设置了密码") from None


@contextmanager
def opened(file: IO[bytes]) -> Iterator[zipfile.ZipFile]:
    """The archive, with zipfile's failures turned into ArchiveRefused; the file is left at position 0."""
    file.seek(0)
    try:
        with refusing(), zipfile.ZipFile(file) as archive:
            yield archive
    finally:
        file.seek(0)


def check_declared(members: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """What the central directory declares, before a byte is inflated."""
    if len(members) > limits.max_members:
        raise ArchiveRefused(f"压缩包内文件过多（超过 {limits.max_members} 个）")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise ArchiveRefused("文件已加密或设置了密码")
        if info.compress_type not in _METHODS:
            raise ArchiveRefused("文件使用了不支持的压缩方式")
        check_size(info, info.file_size, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveRefused(f"解压后总大小超过 {size_text(limits.max_total_bytes)}")


def check_size(info: zipfile.ZipInfo, size: int, limits: ZipLimits) -> None:
    name = shown_name(info.filename)
    if size > limits.max_member_bytes:
        raise ArchiveRefused(f"其中 {name} 解压后超过 {size_text(limits.max_member_bytes)}")
    if size > limits.ratio_floor and size > limits.max_ratio * max(info.compress_size, 1):
        raise ArchiveRefused(f"其中 {name} 的压缩比异常（超过 {limits.max_ratio} 倍），疑似压缩炸弹")


def inflate(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: ZipLimits,
    inflated: int,
    sink: Callable[[bytes, bool], None] | None = None,
) -> int:
    """Inflate one member as a stream (never more than its declared size, which zipfile enforces, and never
    past the limits even if the count were off), handing each chunk to `sink` (chunk, first); returns the
    running total of inflated bytes."""
    if info.is_dir():
        return inflated
    size = 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            first = size == 0
            size += len(chunk)
            inflated += len(chunk)
            check_size(info, size, limits)
            if inflated > limits.max_total_bytes:
                raise ArchiveRefused(f"解压后总大小超过 {size_text(limits.max_total_bytes)}")
            if sink is not None:
                sink(chunk, first)
    if size != info.file_size:  # zipfile checks the CRC too; a short member is as damaged as a long one
        raise ArchiveRefused()
    return inflated


def _decoded_name(info: zipfile.ZipInfo) -> str:
    """The member name as the user typed it: Windows in Chinese writes GBK without the UTF-8 flag, which
    zipfile decodes as cp437."""
    if info.flag_bits & _UTF8_NAMES:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _safe_parts(raw: str) -> list[str]:
    """The path's folders and name, or ArchiveRefused for a name that could leave its folder."""
    shown = shown_name(raw)
    if _CONTROL.search(raw):
        raise ArchiveRefused(f"其中 {shown} 的文件名含有控制字符")
    path = raw.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        raise ArchiveRefused(f"其中 {shown} 的文件名是绝对路径")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ArchiveRefused(f"其中 {shown} 的文件名含有“..”，指向压缩包以外的位置")
    return parts


def _is_litter(parts: list[str]) -> bool:
    return (
        bool(set(parts[:-1]) & _LITTER_FOLDERS)
        or parts[-1].lower() in _LITTER_NAMES
        or (parts[-1].startswith("._"))
    )


def _is_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def check_archive(file: IO[bytes], limits: ZipLimits) -> list[ArchiveMember]:
    """Raise ArchiveRefused unless `file` is a ZIP whose names are safe and unique and whose members inflate
    within `limits` (each is inflated once, as a stream, and thrown away); the files it holds, in archive
    order, without folders and archivers' litter (__MACOSX, .DS_Store, Thumbs.db). The file is left at 0."""
    with opened(file) as archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise ArchiveRefused(f"压缩包内文件过多（超过 {limits.max_members} 个）")
        members: list[ArchiveMember] = []
        seen: dict[str, str] = {}
        for info in infos:
            raw = _decoded_name(info)
            parts = _safe_parts(raw)
            if _is_link(info):
                raise ArchiveRefused(f"其中 {shown_name(raw)} 是符号链接")
            if info.is_dir() or not parts:
                continue
            path = "/".join(parts)
            key = unicodedata.normalize("NFKC", path).casefold()
            if key in seen:
                raise ArchiveRefused(f"压缩包内有重复的文件：{shown_name(path)}")
            seen[key] = path
            if not _is_litter(parts):
                members.append(ArchiveMember(path=path, name=parts[-1], info=info))
        check_declared(infos, limits)
        inflated = 0
        for info in infos:
            inflated = inflate(archive, info, limits, inflated)
    return members


def read_member(archive: zipfile.ZipFile, member: ArchiveMember, limits: ZipLimits, target: IO[bytes]) -> int:
    """Copy one member of an archive `check_archive` accepted into `target` (still bounded by `limits`);
    its size. `target` is left at position 0."""

    def write(chunk: bytes, _first: bool) -> None:
        target.write(chunk)

    with refusing():
        inflate(archive, member.info, limits, 0, write)
    target.seek(0)
    return member.info.file_size

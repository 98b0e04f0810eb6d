"""The ZIP guard on its own (the archive of contract files of 批量登记): zip bombs, traversal and duplicate
names, too many members, links, methods, encryption, names in GBK, and a member read back within limits."""

import io
import stat
import warnings
import zipfile

import pytest

from anbili.core.zip_guard import MIB, ArchiveRefused, ZipLimits, check_archive, read_member
from tests.core import xlsx_files

LIMITS = ZipLimits(max_member_bytes=4 * MIB, max_total_bytes=6 * MIB, max_ratio=100, ratio_floor=MIB)
PDF = b"%PDF-1.4\n" + b"0" * 100 + b"\n%%EOF\n"
ID = "150102198506150031"


def _zip(members, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An archive of (name or ZipInfo, data) pairs, written as given (duplicates included)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names some tests need
        with zipfile.ZipFile(buffer, "w", method) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return buffer.getvalue()


def _reason(content: bytes, limits: ZipLimits = LIMITS) -> str | None:
    with pytest.raises(ArchiveRefused) as error:
        check_archive(io.BytesIO(content), limits)
    return error.value.reason


def test_a_plain_archive_gives_its_files_without_folders_or_litter():
    content = _zip(
        [
            ("合同/", b""),
            (f"合同/{ID}.pdf", PDF),
            ("150102198701010013.jpg", b"\xff\xd8\xff"),
            ("__MACOSX/合同/._150102198506150031.pdf", b"x"),
            ("合同/.DS_Store", b"x"),
            ("Thumbs.db", b"x"),
        ]
    )
    stream = io.BytesIO(content)
    stream.seek(7)
    members = check_archive(stream, LIMITS)
    assert [(m.path, m.name) for m in members] == [
        (f"合同/{ID}.pdf", f"{ID}.pdf"),
        ("150102198701010013.jpg", "150102198701010013.jpg"),
    ]
    assert stream.tell() == 0
    with zipfile.ZipFile(stream) as archive:
        target = io.BytesIO()
        assert read_member(archive, members[0], LIMITS, target) == len(PDF)
    assert target.read() == PDF


def test_a_zip_bomb_is_refused_by_its_ratio():
    # 3 MiB of one byte deflate to a few KiB: under the size limits, far over the ratio.
    assert "压缩比异常" in _reason(_zip([(f"{ID}.pdf", b"\x00" * (3 * MIB))]))


def test_a_member_over_the_size_limit_is_refused_before_inflating():
    # Stored, so the ratio is 1: only the size limit can catch it.
    content = _zip([(f"{ID}.pdf", b"\x01" * (5 * MIB))], zipfile.ZIP_STORED)
    assert "解压后超过 4MB" in _reason(content)


def test_the_total_over_the_limit_is_refused():
    members = [(f"15010219850615{i:04d}.pdf", b"\x01" * (2 * MIB)) for i in range(4)]
    assert "解压后总大小超过 6MB" in _reason(_zip(members, zipfile.ZIP_STORED))


def test_sizes_are_checked_while_inflating_not_only_as_declared():
    # A member whose headers declare 1 KiB inflates to 8 MiB: it is cut at the declared size (damaged).
    lying = xlsx_files.lying_sizes(xlsx_files.workbook([["x"]]), inflated=8 * MIB)
    roomy = ZipLimits(max_member_bytes=64 * MIB, max_total_bytes=64 * MIB, max_ratio=10_000)
    assert _reason(lying, roomy) is None  # None: damaged, worded by the caller


@pytest.mark.parametrize(
    "name",
    [
        f"../{ID}.pdf",
        f"合同/../../{ID}.pdf",
        f"/etc/{ID}.pdf",
        f"C:/Users/{ID}.pdf",
        f"..\\..\\{ID}.pdf",
        f"\\\\server\\share\\{ID}.pdf",
        f"c:{ID}.pdf",
    ],
)
def test_traversal_and_absolute_names_are_refused(name):
    reason = _reason(_zip([(f"{ID[:-1]}1.pdf", PDF), (name, PDF)]))
    assert "绝对路径" in reason or "“..”" in reason


def test_a_backslash_is_a_folder_separator_not_a_way_out():
    members = check_archive(io.BytesIO(_zip([(f"合同\\{ID}.pdf", PDF)])), LIMITS)
    assert [(m.path, m.name) for m in members] == [(f"合同/{ID}.pdf", f"{ID}.pdf")]


def test_control_characters_in_a_name_are_refused():
    # (zipfile itself cuts a name at a NUL byte.)
    assert "控制字符" in _reason(_zip([(f"{ID}\x1b[8m.exe.pdf", PDF)]))
    assert "控制字符" in _reason(_zip([(f"{ID}\r\n.pdf", PDF)]))


@pytest.mark.parametrize(
    "names",
    [
        [f"{ID}.pdf", f"{ID}.pdf"],  # zipfile would silently read the last
        [f"{ID}.pdf", f"{ID}.PDF"],  # one file on Windows and macOS
        [f"合同/{ID}.pdf", f"合同\\{ID}.pdf"],
    ],
)
def test_duplicate_names_are_refused(names):
    assert "重复的文件" in _reason(_zip([(name, PDF) for name in names]))


def test_too_many_members_are_refused_before_inflating():
    limits = ZipLimits(MIB, MIB, max_members=4)
    assert "文件过多" in _reason(_zip([(f"{i}.pdf", PDF) for i in range(5)]), limits)


def test_other_compression_methods_are_refused():
    assert "不支持的压缩方式" in _reason(_zip([(f"{ID}.pdf", PDF)], zipfile.ZIP_LZMA))
    assert "不支持的压缩方式" in _reason(_zip([(f"{ID}.pdf", PDF)], zipfile.ZIP_BZIP2))


def test_an_encrypted_member_is_refused():
    content = bytearray(_zip([(f"{ID}.pdf", PDF)], zipfile.ZIP_STORED))
    # Set the "encrypted" flag in the central directory and the local header.
    for signature, at in ((b"PK\x01\x02", 8), (b"PK\x03\x04", 6)):
        offset = content.find(signature)
        content[offset + at] |= 0x1
    assert "加密" in _reason(bytes(content))


def test_a_symbolic_link_is_refused():
    info = zipfile.ZipInfo(f"{ID}.pdf")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert "符号链接" in _reason(_zip([(info, b"/etc/passwd")]))


def test_a_gbk_name_without_the_utf8_flag_reads_as_typed():
    # What Windows in Chinese writes: the name in GBK, no UTF-8 flag (zipfile alone reads it as cp437).
    content = _zip_with_raw_name("合同附件.pdf".encode("gbk"))
    assert [m.name for m in check_archive(io.BytesIO(content), LIMITS)] == ["合同附件.pdf"]


def _zip_with_raw_name(raw: bytes) -> bytes:
    """A stored archive with one member whose name bytes are `raw` (an ASCII name of the same length is
    written, so the UTF-8 flag stays clear, then replaced in both headers)."""
    placeholder = b"x" * len(raw)
    content = bytearray(_zip([(placeholder.decode(), PDF)], zipfile.ZIP_STORED))
    for offset in (content.find(placeholder), content.rfind(placeholder)):
        content[offset : offset + len(raw)] = raw
    return bytes(content)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", PDF])
def test_what_is_not_a_zip_is_refused_as_damaged(content):
    assert _reason(content) is None

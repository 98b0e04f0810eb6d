"""The XLSX archive guard on its own: declared and actual sizes, ratio, members, DTDs, damaged XML."""

import io
import zipfile

import pytest

from anbili.core.xlsx_guard import MIB, UnreadableWorkbook, ZipLimits, check_xlsx
from tests.core import xlsx_files

LIMITS = ZipLimits(max_member_bytes=4 * MIB, max_total_bytes=6 * MIB, max_ratio=100, ratio_floor=MIB)
GOOD = xlsx_files.workbook([["身份证号", "姓名"], ["150102198503010011", "张三"]])


def _reason(content: bytes, limits: ZipLimits = LIMITS) -> str:
    with pytest.raises(UnreadableWorkbook) as error:
        check_xlsx(io.BytesIO(content), limits)
    assert error.value.field == "file"
    assert error.value.message.startswith("无法读取该 Excel 文件")
    return error.value.reason


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_real_workbook_and_the_bulk_template_pass():
    from anbili.placements.bulk import INFLATE_LIMITS, bulk_template_xlsx

    check_xlsx(io.BytesIO(GOOD), LIMITS)
    check_xlsx(io.BytesIO(bulk_template_xlsx()), INFLATE_LIMITS)


def test_the_file_is_left_at_its_start():
    stream = io.BytesIO(GOOD)
    stream.seek(10)
    check_xlsx(stream, LIMITS)
    assert stream.tell() == 0


def test_a_member_declared_over_the_limit_is_refused_before_inflating():
    # Stored, so the ratio is 1: only the size limit can catch it.
    assert "解压后超过 4MB" in _reason(_zip({"xl/big.bin": b"\x01" * (5 * MIB)}))


def test_the_total_over_the_limit_is_refused():
    members = {f"xl/part{i}.bin": b"\x01" * (2 * MIB) for i in range(4)}
    assert "解压后总大小超过 6MB" in _reason(_zip(members))


def test_a_high_ratio_member_is_refused_but_small_parts_may_compress_well():
    assert "压缩比异常" in _reason(
        _zip({"xl/a.xml": b"<a>" + b"a" * (2 * MIB) + b"</a>"}, zipfile.ZIP_DEFLATED)
    )
    # Under the ratio floor a 1000:1 part is harmless.
    check_xlsx(
        io.BytesIO(_zip({"xl/a.xml": b"<a>" + b"a" * 500_000 + b"</a>"}, zipfile.ZIP_DEFLATED)), LIMITS
    )


def test_sizes_are_checked_while_inflating_not_only_as_declared():
    # The headers declare 1 KiB; the data inflates to 8 MiB. It stops at the declared size (damaged).
    lying = xlsx_files.lying_sizes(GOOD, inflated=8 * MIB)
    roomy = ZipLimits(max_member_bytes=64 * MIB, max_total_bytes=64 * MIB, max_ratio=10_000)
    assert "已损坏" in _reason(lying, roomy)


def test_too_many_members_and_other_compression_methods_are_refused():
    assert "文件过多" in _reason(
        _zip({f"x{i}.xml": b"<a/>" for i in range(5)}), ZipLimits(MIB, MIB, max_members=4)
    )
    assert "不支持的压缩方式" in _reason(_zip({"xl/a.xml": b"<a/>"}, zipfile.ZIP_LZMA))


def test_not_a_zip_is_refused():
    assert "已损坏" in _reason(b"PK\x03\x04 not really a zip")


@pytest.mark.parametrize(
    "build", [xlsx_files.billion_laughs, xlsx_files.xxe, xlsx_files.external_dtd], ids=lambda f: f.__name__
)
def test_dtds_are_refused(build):
    assert "DTD" in _reason(build(GOOD))


def test_a_dtd_in_a_part_with_another_extension_is_refused():
    # A reader follows the relationships to whatever the part is called.
    hostile = xlsx_files.replace_members(
        GOOD, {"xl/worksheets/sheet1.dat": b"\n <!DOCTYPE a [<!ENTITY b 'c'>]><a/>"}
    )
    assert "DTD" in _reason(hostile)


def test_a_utf16_part_with_a_dtd_is_refused():
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'
    assert "DTD" in _reason(xlsx_files.replace_members(GOOD, {xlsx_files.SHEET: text.encode("utf-16")}))


def test_damaged_xml_is_refused():
    assert "XML 格式错误" in _reason(xlsx_files.damaged_xml(GOOD))

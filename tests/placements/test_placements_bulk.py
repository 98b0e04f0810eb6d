"""The Excel template and the bulk registration with its per-row report (the rows' contract files are
tests/placements/test_placements_bulk_files.py's)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from anbili.core.errors import ApplicationError
from anbili.placements import services
from anbili.placements.bulk import HEADERS
from anbili.placements.models import Placement, PlacementStatus, PlacementStep
from tests.evidence.evidence_files import pdf_bytes
from tests.placements.placement_data import TODAY, YEAR, new_id_number, registry_person

pytestmark = pytest.mark.django_db


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([f"*{h}" for h in HEADERS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(
    id_number, *, name="", contract_type="劳动合同", start="2024-07-01", end="2026-06-30", graduate="否"
):
    return [
        id_number,
        name,
        "城镇",
        "150102",
        "内蒙古自治区呼和浩特市新城区新华大街3号",
        "13900002222",
        graduate,
        contract_type,
        start,
        end,
        "装配工",
        "3000",
        "",
        "",
        "",
    ]


def _import(employer, user, content, name="安置人员.xlsx", files=()):
    return services.placements_bulk_import(
        employer=employer,
        actor=user,
        business_year=YEAR,
        today=TODAY,
        content=content,
        file_name=name,
        contract_files=list(files),
    )


def contract_pdf(id_number: str) -> SimpleUploadedFile:
    """The row's contract file, named by the ID number as the form asks."""
    return SimpleUploadedFile(f"{id_number}.pdf", pdf_bytes())


def test_template_has_the_headers_and_text_id_column():
    book = load_workbook(io.BytesIO(services.bulk_template_xlsx()))
    sheet = book.active
    assert [c.value.lstrip("*") for c in sheet[1]] == HEADERS
    assert sheet["A1"].value == "*身份证号"
    assert sheet["A3"].number_format == "@"


def test_the_empty_template_is_refused_with_a_message(employer, user):
    with pytest.raises(ApplicationError) as error:
        _import(employer, user, services.bulk_template_xlsx())
    assert error.value.field == "file" and "没有填写" in error.value.message


def test_rows_are_confirmed_need_evidence_or_wrong_with_row_numbers(employer, user):
    good, partial, unknown = new_id_number(), new_id_number(), new_id_number()
    registry_person(good, name="赵一", payer=employer.uscc)
    registry_person(partial, name="钱二", payer=employer.uscc, months=range(1, 10))
    content = _workbook(
        [
            _row(good),
            _row(partial),
            _row(unknown),  # not in the registry and no name
            _row(new_id_number(), name="孙三", start="2025-01-01", end="2025-06-30"),
            _row("150102198503010010", name="李四"),
            _row(new_id_number(), name="周五", graduate="是"),
            _row(good),
        ]
    )
    files = [contract_pdf(number) for number in (good, partial, unknown)]
    report = _import(employer, user, content, files=files)
    outcomes = [(r.row_number, r.outcome) for r in report.rows]
    assert outcomes == [
        (2, "confirmed"),
        (3, "needs_evidence"),
        (4, "wrong"),
        (5, "wrong"),
        (6, "wrong"),
        (7, "wrong"),
        (8, "wrong"),
    ]
    messages = {r.row_number: r.message for r in report.rows}
    assert messages[4].startswith("第4行「姓名」")
    assert "第5行「合同结束日期」" in messages[5] and "不足1年" in messages[5]
    assert "第6行「身份证号」" in messages[6]
    assert "学历学位证明" in messages[7]
    assert "与第2行重复" in messages[8]
    assert "202510：工资信息、社保参保状态、医保参保状态" in messages[3]
    assert report.summary == (
        "共 7 行：系统核验通过并确认 1 人，需补充材料 1 人，待上传合同附件 0 人，数据有误 5 行"
    )
    assert report.rows[0].id_number_masked.startswith("150102") and "*" in report.rows[0].id_number_masked
    confirmed = Placement.objects.get(id_number=good)
    assert confirmed.status == PlacementStatus.CONFIRMED and confirmed.confirmed_by == "system"
    assert confirmed.contracts.get().contract_file.original_name == f"{good}.pdf"
    draft = Placement.objects.get(id_number=partial)
    assert draft.status == PlacementStatus.DRAFT and draft.step == PlacementStep.SELECT
    # Wrong rows leave nothing behind.
    assert Placement.objects.filter(employer=employer).count() == 2


def test_a_file_that_is_not_the_template_is_refused(employer, user):
    with pytest.raises(ApplicationError) as error:
        _import(employer, user, b"id,name\n", name="list.csv")
    assert error.value.field == "file" and ".xlsx" in error.value.message
    with pytest.raises(ApplicationError) as error:
        _import(employer, user, b"PK\x03\x04 not really a workbook")
    assert error.value.field == "file"
    book = Workbook()
    book.active.append(["姓名", "身份证号"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ApplicationError) as error:
        _import(employer, user, buffer.getvalue())
    assert "表头" in error.value.message

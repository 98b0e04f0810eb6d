"""批量登记 in the browser with an axe scan of every page: the workbook and a ZIP of contract files are
uploaded, the report says per row confirmed / waiting for its contract file, and lists the file no row
names (masked); the draft's 合同管理 opens with 合同附件待上传; a hostile archive is refused on its field."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from anbili.core.identifiers import make_id_number
from anbili.core.masking import mask
from anbili.employers.models import Employer
from anbili.evidence.models import EvidenceFile
from anbili.placements.models import Placement, PlacementStatus, PlacementStep
from anbili.placements.services import bulk_template_xlsx
from tests.browser.test_browser_placements import _shot
from tests.browser.test_browser_unit import QINGCHENG, _login, _open_window
from tests.evidence.evidence_files import pdf_bytes
from tests.portal.test_portal_placements import registry_person

pytestmark = pytest.mark.browser

YEAR = timezone.localdate().year - 1
WITH_FILE = make_id_number("150102", date(1984, 3, 3), 41)
WITHOUT_FILE = make_id_number("150102", date(1987, 5, 5), 43)
STRANGER = make_id_number("150102", date(1990, 1, 1), 51)
FILES_LABEL = "合同附件（可多选，或一个 ZIP 压缩包）"


def _workbook(tmp_path: Path) -> str:
    book = load_workbook(io.BytesIO(bulk_template_xlsx()))
    sheet = book.active
    for r, number in enumerate((WITH_FILE, WITHOUT_FILE), start=3):
        row = [number, "", "城镇", "150102", "呼和浩特市新城区新华大街8号", "13800002222", "否", "劳动合同"]
        row += [f"{YEAR - 1}-01-01", f"{YEAR + 2}-12-31", "装配工", "5000"]
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value)
    path = tmp_path / "批量登记.xlsx"
    book.save(path)
    return str(path)


def _archive(tmp_path: Path, members: dict[str, bytes], name: str = "合同附件.zip") -> str:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return str(path)


def test_bulk_with_a_zip_of_contract_files_reports_each_row(journey, demo, tmp_path):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    registry_person(WITH_FILE, "韩有合同", employer.uscc, range(1, 13))
    registry_person(WITHOUT_FILE, "韩无合同", employer.uscc, range(1, 13))
    page = journey.page
    _login(journey, employer.uscc)
    journey.goto("/portal/placements/bulk/")
    expect(page.get_by_label(FILES_LABEL)).to_have_attribute("multiple", "")

    # A hostile archive first: refused on the files' field, nothing registered.
    page.get_by_label("批量登记表（Excel）").set_input_files(_workbook(tmp_path))
    page.get_by_label(FILES_LABEL).set_input_files(
        _archive(tmp_path, {f"../{WITH_FILE}.pdf": pdf_bytes()}, "坏的.zip")
    )
    journey.navigate(lambda: page.get_by_role("button", name="上传并登记").click())
    error = page.locator("#id_contract_files_error")
    expect(error).to_contain_text("无法读取合同附件压缩包")
    expect(error).to_contain_text(f"../{mask(WITH_FILE)}.pdf")  # the member's ID number masked
    expect(page.get_by_label(FILES_LABEL)).to_have_attribute("aria-invalid", "true")
    assert not Placement.objects.filter(employer=employer).exists()
    _shot(page, "bulk-hostile-zip")

    members = {f"合同附件/{WITH_FILE}.pdf": pdf_bytes(), f"合同附件/{STRANGER}.pdf": pdf_bytes()}
    page.get_by_label("批量登记表（Excel）").set_input_files(_workbook(tmp_path))
    page.get_by_label(FILES_LABEL).set_input_files(_archive(tmp_path, members))
    journey.navigate(lambda: page.get_by_role("button", name="上传并登记").click())
    expect(page.get_by_test_id("bulk-summary")).to_have_text(
        "共 2 行：系统核验通过并确认 1 人，需补充材料 0 人，待上传合同附件 1 人，数据有误 0 行"
    )
    report = page.get_by_test_id("bulk-report")
    expect(report.get_by_role("row").nth(1)).to_contain_text("系统核验通过，已确认")
    expect(report.get_by_role("row").nth(2)).to_contain_text("待上传合同附件")
    expect(report.get_by_role("row").nth(2)).to_contain_text("未上传该人员的「合同附件」")
    unmatched = page.get_by_test_id("bulk-unmatched")
    expect(unmatched).to_contain_text(f"合同附件/{mask(STRANGER)}.pdf")
    expect(unmatched).not_to_contain_text(STRANGER)
    expect(report).not_to_contain_text(WITHOUT_FILE)
    _shot(page, "bulk-zip-report")
    assert EvidenceFile.objects.filter(employer=employer).count() == 1

    # The draft's 合同管理 opens from the report and says what is missing.
    draft = Placement.objects.get(employer=employer, id_number=WITHOUT_FILE)
    assert draft.status == PlacementStatus.DRAFT and draft.step == PlacementStep.CONTRACTS
    journey.navigate(
        lambda: report.get_by_role("row").nth(2).get_by_role("link", name="上传合同附件").click()
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：合同管理")
    expect(page.get_by_test_id("contract-file-missing")).to_have_text("合同附件待上传")
    _shot(page, "bulk-draft-contracts")

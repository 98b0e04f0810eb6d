"""残疾证管理 in the browser (seed 002, domain.md step 4): the page says which months the current certificate
leaves uncovered, a wrong date is named at its field, the earlier certificate is added with its real dates
and shows the months it covers, and it is removed after a confirmation. Every state gets an axe scan."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from anbili.employers.models import Employer
from anbili.placements.models import PlacementCertificate
from tests.browser.conftest import shot
from tests.browser.test_browser_unit import QINGCHENG, _login, _open_window
from tests.placements.placement_data import YEAR, new_id_number, ready_draft, registry_person

pytestmark = pytest.mark.browser


def _shot(page: Page, name: str) -> None:
    shot(page, f"certificates-{name}")


def _png(tmp_path: Path) -> str:
    from tests.evidence.evidence_files import png_bytes

    path = tmp_path / "残疾证.png"
    path.write_bytes(png_bytes())
    return str(path)


def test_add_the_earlier_certificate_and_remove_it(journey, demo, tmp_path):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    number = new_id_number(date(1983, 7, 19))
    registry_person(number, name="韩换证", payer=employer.uscc, level=2, certificate_from=date(YEAR, 4, 10))
    placement = ready_draft(employer, employer.memberships.first().user, number)
    page = journey.page
    _login(journey, employer.uscc)
    journey.goto(f"/portal/placements/{placement.pk}/certificates/")
    expect(page.get_by_test_id("historical-need")).to_contain_text(f"{YEAR}年1月至3月没有有效的残疾证")
    expect(page.get_by_test_id("certificates")).to_contain_text(f"{YEAR}年4月至12月")
    _shot(page, "need")

    def fill(valid_until: str) -> None:
        page.get_by_label("残疾证号").fill(f"{number}42")
        page.get_by_label("证件类型").select_option(label="残疾人证")
        page.get_by_label("残疾类别").select_option(label="肢体残疾")
        page.get_by_label("残疾等级").select_option(label="2级")
        page.get_by_label("有效期起").fill(f"{YEAR - 9}-04-10")
        page.get_by_label("有效期止").fill(valid_until)
        page.get_by_label("残疾证影像").set_input_files(_png(tmp_path))

    # A date after the current certificate's start is named at its field.
    fill(f"{YEAR}-06-30")
    journey.navigate(lambda: page.get_by_role("button", name="添加").click())
    expect(page.get_by_label("有效期止")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_valid_until_error")).to_contain_text(
        f"不能晚于当前残疾证的有效期起 {YEAR}-04-10"
    )
    _shot(page, "error")

    fill(f"{YEAR}-04-09")
    journey.navigate(lambda: page.get_by_role("button", name="添加").click())
    expect(page.get_by_role("status").first).to_contain_text("已添加历史残疾证")
    row = page.get_by_test_id("certificates").locator("tr", has_text="单位补充（待审核）")
    expect(row).to_contain_text(f"{YEAR}年1月至4月")
    _shot(page, "added")

    remove = row.get_by_role("link", name=re.compile(rf"删除\s*补充的残疾证\s*{number}42"))
    journey.navigate(lambda: remove.click())
    confirm = page.get_by_role("region", name="确认删除补充的历史残疾证")
    expect(confirm).to_contain_text(f"{YEAR}年1月至4月不再由该证件计入")
    _shot(page, "confirm")
    journey.navigate(lambda: confirm.get_by_role("button", name="确认删除").click())
    expect(page.get_by_role("status").first).to_contain_text("已删除补充的历史残疾证")
    expect(page.get_by_test_id("certificates")).not_to_contain_text("单位补充")
    assert not PlacementCertificate.objects.filter(placement=placement).exists()
    _shot(page, "removed")

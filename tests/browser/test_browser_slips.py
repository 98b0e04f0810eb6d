"""Slips lose nothing, in the browser (issue 11, items 2 and 3), with an axe scan of every page: no
placement before the unit information (the pages link to it), 重新登记 asks first, 合同管理's "保存，下一步"
keeps a filled contract, and the home page's 年审申报进度 follows the data."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from anbili.core.identifiers import make_id_number
from anbili.employers.models import Employer, UnitYearProfile
from anbili.placements import services
from anbili.placements.models import ConfirmedBy, Placement, PlacementContract, PlacementStatus
from tests.browser.conftest import blank_pdf, shot
from tests.browser.test_browser_unit import QINGCHENG, _login, _open_window
from tests.factories import unit_info_saved

pytestmark = pytest.mark.browser

YEAR = timezone.localdate().year - 1
PERSON_ID = make_id_number("150102", date(1986, 4, 18), 73)


def _shot(page: Page, name: str) -> None:
    shot(page, f"slips-{name}")


def _placed(employer: Employer, status: str, seq: int, **fields: object) -> Placement:
    # The workflow's states are set directly here: the pages only read them.
    return Placement.objects.create(
        employer=employer,
        business_year=YEAR,
        id_number=make_id_number("150102", date(1980, 1, 1), seq),
        name=f"安置{seq}号",
        sex="男",
        birth_date=date(1980, 1, 1),
        status=status,
        **fields,
    )


def test_unit_information_first_then_the_home_progress_follows_the_data(journey, demo):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    UnitYearProfile.objects.filter(employer=employer).delete()  # a first use: no unit information yet
    page = journey.page
    _login(journey, employer.uscc)
    journey.scan()

    # A new unit: the first step is the unit information, and it links there.
    progress = page.get_by_test_id("progress")
    current = progress.locator('[aria-current="step"]')
    expect(current).to_contain_text("1. 单位信息")
    expect(current).to_contain_text("进行中")
    expect(progress.get_by_role("link", name="前往单位信息维护管理")).to_be_visible()
    _shot(page, "home-new-unit")

    # Placements cannot start yet: the list says why and links to 单位信息维护管理.
    journey.goto("/portal/placements/")
    missing = page.get_by_test_id("unit-info-missing")
    expect(missing).to_contain_text("需先对本单位信息进行维护管理")
    expect(page.get_by_role("link", name="+ 添加残疾人")).to_have_count(0)
    _shot(page, "list-unit-info-missing")
    journey.navigate(lambda: missing.get_by_role("link", name="前往单位信息维护管理").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("单位信息维护管理")

    # Saved (here through the factory; the form is driven in test_browser_unit): step 2 is current.
    unit_info_saved(employer)
    journey.goto("/portal/")
    expect(progress.locator("li").first).to_contain_text("已完成")
    expect(current).to_contain_text("2. 安置登记")
    expect(current).to_contain_text("本业务年度尚未登记安置人员")

    # Placements of every state: the steps say what the counters say.
    _placed(employer, PlacementStatus.CONFIRMED, 81, confirmed_by=ConfirmedBy.SYSTEM)
    _placed(employer, PlacementStatus.PENDING, 82)
    _placed(employer, PlacementStatus.REJECTED, 83)
    journey.goto("/portal/")
    expect(page.get_by_test_id("counters")).to_contain_text("已登记 3 人")
    expect(progress.locator("li").nth(1)).to_contain_text("已登记 3 人，均已提交")
    expect(current).to_contain_text("3. 审核")
    expect(current).to_contain_text("待审核 1 人，已审核确认 1 人，审核不通过 1 人")
    expect(progress.locator("li").nth(3)).to_contain_text("未开始")
    _shot(page, "home-review")

    Placement.objects.filter(employer=employer, status=PlacementStatus.PENDING).update(
        status=PlacementStatus.CONFIRMED, confirmed_by=ConfirmedBy.REVIEWER
    )
    journey.goto("/portal/")
    expect(current).to_contain_text("需处理")
    expect(current).to_contain_text("重新登记或删除")
    _shot(page, "home-attention")

    Placement.objects.filter(employer=employer, status=PlacementStatus.REJECTED).delete()
    journey.goto("/portal/")
    expect(current).to_contain_text("4. 完成申报")
    expect(current).to_contain_text("请在“残疾人安置管理”中点击“完成申报”")
    _shot(page, "home-declare")


def test_reregister_asks_first_with_the_keyboard(journey, demo):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    unit_info_saved(employer)
    placement = _placed(employer, PlacementStatus.CONFIRMED, 84, confirmed_by=ConfirmedBy.SYSTEM)
    page = journey.page
    _login(journey, employer.uscc)
    journey.goto("/portal/placements/")
    row = page.get_by_test_id("placement-row").first
    journey.navigate(lambda: row.get_by_role("link", name="重新登记").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("重新登记安置人员")
    resets = page.get_by_test_id("reregister-resets")
    expect(resets).to_contain_text("资料待完善")
    expect(resets).to_contain_text("安置月份")
    _shot(page, "reregister-confirm")

    # 取消 changes nothing.
    journey.navigate(lambda: page.get_by_role("link", name="取消").click())
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED

    # The confirmation, with the keyboard: Tab to the button, Enter.
    journey.goto(f"/portal/placements/{placement.pk}/reregister/")
    button = page.get_by_role("button", name="确认重新登记")
    button.focus()
    journey.navigate(lambda: page.keyboard.press("Enter"))
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：基本信息")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.DRAFT


def test_save_and_next_keeps_a_filled_contract(journey, demo, tmp_path):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    unit_info_saved(employer)
    today = timezone.localdate()
    user = employer.memberships.first().user
    placement = services.placement_start(
        employer=employer, actor=user, id_number=PERSON_ID, business_year=YEAR, today=today
    )
    services.placement_person_update(
        placement_id=placement.pk,
        employer=employer,
        actor=user,
        today=today,
        name="韩合同",
        household_type="urban",
        household_region="150102",
        household_address="呼和浩特市新城区新华大街1号",
        phone="13800001111",
        is_graduate=False,
    )
    page = journey.page
    _login(journey, employer.uscc)
    journey.goto(f"/portal/placements/{placement.pk}/contracts/")

    # A slip first: the end date makes the contract shorter than a year, and 岗位工种 is forgotten.
    page.get_by_label("是否为劳务派遣").select_option(label="否")
    page.get_by_label("关联单位关系").select_option(label="本单位")
    page.get_by_label("合同类型").select_option(label="劳动合同")
    page.get_by_label("合同开始日期").fill(f"{YEAR}-01-01")
    page.get_by_label("合同结束日期").fill(f"{YEAR}-06-30")
    page.get_by_label("合同月薪（元）").fill("5000")
    for label in ("社保参保单位", "医保参保单位", "工资发放单位"):
        page.get_by_label(label).select_option(employer.uscc)
    page.get_by_label("合同文件").set_input_files(blank_pdf(tmp_path, "劳动合同.pdf"))
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：合同管理")
    expect(page.get_by_label("岗位工种")).to_have_attribute("aria-invalid", "true")
    # 不足1年, in the same answer:
    expect(page.get_by_label("合同结束日期")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("合同月薪（元）")).to_have_value("5000")  # what was typed stays
    assert not PlacementContract.objects.exists()
    _shot(page, "contracts-next-errors")

    page.get_by_label("合同结束日期").fill(f"{YEAR + 2}-12-31")
    page.get_by_label("岗位工种").fill("装配工")
    page.get_by_label("合同文件").set_input_files(blank_pdf(tmp_path, "劳动合同.pdf"))
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：残疾证管理")
    assert PlacementContract.objects.get(placement=placement).post == "装配工"
    _shot(page, "contracts-next-saved")

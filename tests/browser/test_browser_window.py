"""Browser journey of 窗口申报 (window registration) with an axe scan of every page: a county reviewer finds
the unit from 残疾人安置管理, registers a person at the window through every step (scans attached), finds
the registration in the staff search, and the unit's clerk then logs in and sees it, marked 现场申报."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from anbili.core.identifiers import make_id_number
from anbili.demo.seed import DEMO_PASSWORD
from anbili.employers.models import Employer
from anbili.placements.models import Channel, Placement, PlacementEvent, PlacementStatus
from tests.browser.conftest import blank_pdf, shot
from tests.browser.test_browser_unit import QINGCHENG, _login, _open_window
from tests.factories import unit_info_saved
from tests.portal.test_portal_placements import registry_person

pytestmark = pytest.mark.browser

YEAR = timezone.localdate().year - 1
PERSON_ID = make_id_number("150102", date(1987, 9, 12), 35)


def _shot(page: Page, name: str) -> None:
    shot(page, f"window-{name}")


def test_staff_registers_at_the_window_and_the_employer_sees_it(journey, demo, tmp_path):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    unit_info_saved(employer)
    registry_person(PERSON_ID, "韩窗口", employer.uscc, range(1, 9))
    page = journey.page

    # A county reviewer logs in and goes from 残疾人安置管理 to 窗口申报.
    journey.goto("/backoffice/login/")
    page.get_by_label("用户名").fill("xincheng_reviewer")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    journey.navigate(lambda: page.get_by_role("button", name="登录").click())
    journey.navigate(
        lambda: (
            page.get_by_role("navigation", name="主菜单").get_by_role("link", name="残疾人安置管理").click()
        ),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("残疾人安置管理")
    _shot(page, "staff-search-empty")
    journey.navigate(lambda: page.get_by_role("link", name="窗口申报（现场为单位办理安置登记）").click())
    page.get_by_label("单位名称或统一社会信用代码").fill("青城")
    journey.navigate(lambda: page.get_by_role("button", name="查找单位").click())
    expect(page.get_by_test_id("window-employers")).to_contain_text(QINGCHENG)
    _shot(page, "picker")
    journey.navigate(lambda: page.get_by_role("link", name=re.compile("办理安置登记")).first.click())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"窗口申报：{QINGCHENG}")
    _shot(page, "register-empty")

    # 添加残疾人 → 基本信息: every step page names the unit served.
    journey.navigate(lambda: page.get_by_role("link", name="添加残疾人").click())
    expect(page.get_by_test_id("acting-for")).to_contain_text(QINGCHENG)
    page.get_by_label("身份证号").fill(PERSON_ID)
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：基本信息")
    expect(page.get_by_test_id("acting-for")).to_contain_text(QINGCHENG)
    expect(page.locator("#id_name")).to_have_value("韩窗口")
    page.get_by_label("户籍地类型").select_option(label="城镇")
    page.get_by_label("联系电话").fill("13800003333")
    page.get_by_label("户籍地址").fill("呼和浩特市新城区新华大街9号")
    page.get_by_label("是否高校毕业生").select_option(label="否")
    _shot(page, "person")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    # 合同管理 with the contract scanned at the window (the input offers the document camera).
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：合同管理")
    upload = page.get_by_label("合同文件")
    expect(upload).to_have_attribute("accept", "image/*,application/pdf")
    expect(upload).to_have_attribute("capture", "environment")
    page.get_by_label("是否为劳务派遣").select_option(label="否")
    page.get_by_label("关联单位关系").select_option(label="本单位")
    page.get_by_label("合同类型").select_option(label="劳动合同")
    page.get_by_label("合同开始日期").fill(f"{YEAR - 1}-01-01")
    page.get_by_label("合同结束日期").fill(f"{YEAR + 2}-12-31")
    page.get_by_label("岗位工种").fill("检验员")
    page.get_by_label("合同月薪（元）").fill("5200")
    for label in ("社保参保单位", "医保参保单位", "工资发放单位"):
        page.get_by_label(label).select_option(employer.uscc)
    upload.set_input_files(blank_pdf(tmp_path, "劳动合同扫描.pdf"))
    journey.navigate(lambda: page.get_by_role("button", name="添加合同").click())
    expect(page.get_by_test_id("contracts")).to_contain_text("检验员")
    _shot(page, "contracts")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    # 残疾证管理 → 人员信息校验: months 9 and 10 fail, so their evidence is scanned too.
    expect(page.get_by_test_id("certificates")).to_contain_text(f"{PERSON_ID}44")
    _shot(page, "certificates")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：人员信息校验")
    expect(page.get_by_label(f"勾选 {YEAR}01")).to_be_checked()
    page.get_by_label(f"勾选 {YEAR}09").check()
    page.get_by_label(f"勾选 {YEAR}10").check()
    _shot(page, "verify")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：上传附件")
    expect(page.get_by_label("上传工资发放证明")).to_have_attribute("capture", "environment")
    page.get_by_label("上传工资发放证明").set_input_files(blank_pdf(tmp_path, "工资.pdf"))
    page.get_by_label("上传社会保险缴费凭证").set_input_files(blank_pdf(tmp_path, "社保.pdf"))
    page.get_by_label("上传医疗保险缴费凭证").set_input_files(blank_pdf(tmp_path, "医保.pdf"))
    _shot(page, "upload")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    # Back on the unit's register: pending, the ID number masked.
    expect(page.get_by_role("status").first).to_contain_text("您的相关资料已保存成功")
    register = page.get_by_test_id("window-register")
    expect(register).to_contain_text("韩窗口")
    expect(register).to_contain_text("待审核")
    expect(register).to_contain_text(f"{PERSON_ID[:6]}********{PERSON_ID[-4:]}")
    _shot(page, "register-pending")
    placement = Placement.objects.get(employer=employer, id_number=PERSON_ID)
    assert placement.status == PlacementStatus.PENDING
    events = PlacementEvent.objects.filter(placement_ref=placement.pk)
    assert {e.channel for e in events} == {Channel.WINDOW}

    # The staff search finds it by the last four digits.
    journey.goto("/backoffice/placements/")
    page.get_by_label("身份证号或姓名").fill(PERSON_ID[-4:])
    journey.navigate(lambda: page.get_by_role("button", name="查询").click())
    expect(page.get_by_test_id(f"staff-placement-{placement.pk}")).to_contain_text("待审核")
    _shot(page, "staff-search")
    journey.navigate(lambda: page.get_by_role("button", name="退出").click())

    # The unit's clerk sees the registration and that it was done at the window.
    _login(journey, employer.uscc)
    journey.scan()
    journey.goto("/portal/placements/")
    row = page.get_by_test_id("placement-row").filter(has_text=f"{PERSON_ID[:6]}********{PERSON_ID[-4:]}")
    expect(row).to_contain_text("待审核")
    journey.navigate(lambda: row.get_by_role("link", name=re.compile("^查看")).click())
    expect(page.get_by_test_id("placement-status")).to_have_text("待审核")
    expect(page.locator("main")).to_contain_text("现场申报")
    _shot(page, "employer-view")

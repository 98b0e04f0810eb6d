"""Browser journeys of 单位信息维护管理, 关联单位 and the portal home, with an axe scan of every page.

The unit information is edited with the keyboard only (Tab, typing, arrow keys, Enter)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.demo.seed import DEMO_PASSWORD
from anbili.employers.models import Employer, RelatedUnit, UnitYearProfile
from anbili.employers.selectors import PlacementFigures
from anbili.portal import views as portal_views
from anbili.regions.models import DeclarationWindow
from anbili.registry.models import DispatchFiling, PartnerKind
from tests.browser.conftest import blank_pdf, shot

pytestmark = pytest.mark.browser

QINGCHENG = "呼和浩特市青城电子科技有限公司"


def _shot(page: Page, name: str) -> None:
    shot(page, f"{name}")


def _open_window() -> None:
    today = timezone.localdate()
    DeclarationWindow.objects.filter(year=today.year).update(
        opens=today.replace(month=1, day=1), closes=today.replace(month=12, day=31)
    )


def _tab_to(page: Page, target: Locator, limit: int = 120) -> None:
    """Press Tab until `target` has the focus: proves it is reachable without a mouse."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"not reachable with Tab: {target}")


def _type_into(page: Page, target: Locator, text: str) -> None:
    _tab_to(page, target)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def _login(journey, account: str) -> None:
    page = journey.page
    journey.goto("/portal/login/")
    _type_into(page, page.get_by_label("统一社会信用代码或经办人账号"), account)
    _type_into(page, page.get_by_label("密码"), DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.scan()
    expect(page.get_by_role("alertdialog", name="特别提示")).to_be_visible()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the 确认 button has the focus
    page.wait_for_load_state()


def _csp_errors(page: Page) -> list[str]:
    """CSP refusals caused by our own pages and scripts (axe, injected by the test, is not ours)."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and "Content Security Policy" in msg.text
            and "/static/" in msg.location.get("url", "")
            and errors.append(f"{msg.text} @ {msg.location}")
        ),
    )
    return errors


def test_unit_information_with_the_keyboard_only(journey, demo):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    # A unit registered before 经济性质 and 行业类别 existed: the form must ask for them. Its first use: the
    # demo's saved unit information of the year is removed.
    Employer.objects.filter(pk=employer.pk).update(economic_type="", industry="")
    UnitYearProfile.objects.filter(employer=employer).delete()
    page = journey.page
    errors = _csp_errors(page)
    _login(journey, employer.uscc)
    journey.scan()

    # From the home page to the menu entry with Tab and Enter.
    _tab_to(page, page.get_by_role("navigation", name="主菜单").get_by_role("link", name="单位信息维护管理"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("单位信息维护管理")
    expect(page.get_by_test_id("profile-state")).to_contain_text("尚未填写")
    journey.scan()
    _shot(page, "unit-info-empty")

    # Submitting the empty form names every missing field.
    _tab_to(page, page.get_by_role("button", name="保存"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("请按提示修改")
    expect(page.locator("#id_economic_type_error")).to_have_text("请选择「经济性质」")
    expect(page.get_by_label("经办人姓名")).to_have_attribute("aria-invalid", "true")
    journey.scan()
    _shot(page, "unit-info-errors")

    # Selects change with the arrow keys once focused: 私营经济 is the 3rd option, I the 9th section.
    _tab_to(page, page.get_by_label("经济性质"))
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    _tab_to(page, page.get_by_label("行业类别"))
    for _ in range(9):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("经济性质")).to_have_value("30")
    expect(page.get_by_label("行业类别")).to_have_value("I")
    _type_into(page, page.get_by_label("法人身份证号"), make_id_number("150102", date(1978, 5, 12), 13))
    _type_into(page, page.get_by_label("法人电话"), "13800000000")
    _type_into(page, page.get_by_label("上年度职工数"), "388")
    _type_into(page, page.get_by_label("经办人姓名"), "刘芳")
    _type_into(page, page.get_by_label("经办人电话"), "13900000000")
    _type_into(page, page.get_by_label("单位经营地址"), "呼和浩特市新城区新华大街1号")
    _type_into(page, page.get_by_label("单位注册地址"), "呼和浩特市新城区新华大街1号")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # implicit submission from a text field
    expect(page.get_by_role("status").filter(has_text="单位信息已保存")).to_be_visible()
    expect(page.get_by_test_id("profile-state")).to_contain_text("本业务年度单位信息已确认")
    journey.scan()
    _shot(page, "unit-info-saved")

    employer.refresh_from_db()
    assert (employer.economic_type, employer.industry, employer.legal_person_phone) == (
        "30",
        "I",
        "13800000000",
    )
    profile = UnitYearProfile.objects.get(employer=employer)
    assert (profile.employee_count, profile.agent_name) == (388, "刘芳") and profile.confirmed_at

    # The home page now shows the first step done, in words.
    journey.goto("/portal/")
    expect(page.get_by_test_id("progress").locator("li").first).to_contain_text("已完成")
    expect(page.get_by_test_id("progress").locator('[aria-current="step"]')).to_contain_text("安置登记")
    _shot(page, "home-unit-done")
    assert not errors, errors


def test_related_unit_add_edit_delete_with_an_agreement_pdf(journey, demo, tmp_path):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    dispatch_uscc = make_uscc("91150102MA0DPQ001")
    DispatchFiling.objects.create(
        company_uscc=dispatch_uscc,
        company_name="呼和浩特市塞北劳务派遣有限公司",
        region_code="150000",
        filing_number="NMG-LWPQ-0001",
        valid_from=timezone.localdate() - timedelta(days=200),
        source=PartnerKind.DISPATCH_FILING,
        received_at=timezone.now(),
    )
    page = journey.page
    _login(journey, employer.uscc)
    journey.goto("/portal/unit/info/")
    page.get_by_role("link", name="添加关联单位").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("添加关联单位")
    journey.scan()
    _shot(page, "related-unit-add")

    page.get_by_label("关联关系").select_option(label="劳务派遣")
    page.get_by_label("统一社会信用代码").fill(dispatch_uscc)
    page.get_by_label("单位名称").fill("呼和浩特市塞北劳务派遣有限公司")
    page.get_by_label("协议或证明材料").set_input_files(str(blank_pdf(tmp_path, "劳务派遣协议.pdf")))
    page.get_by_role("button", name="确定").click()
    page.wait_for_load_state()
    table = page.get_by_test_id("related-units")
    expect(table).to_contain_text("呼和浩特市塞北劳务派遣有限公司")
    expect(table).to_contain_text("已备案（备案编号 NMG-LWPQ-0001")
    expect(table.get_by_role("link", name="劳务派遣协议.pdf")).to_be_visible()
    journey.scan()
    _shot(page, "unit-info-related")

    table.get_by_role("link", name="编辑").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("编辑关联单位")
    journey.scan()
    page.get_by_label("关联关系").select_option(label="第三方代发代缴")
    page.get_by_label("单位名称").fill("塞北人力资源代发代缴有限公司")
    page.get_by_label("协议或证明材料").set_input_files(str(blank_pdf(tmp_path, "关联证明.pdf")))
    page.get_by_role("button", name="确定").click()
    page.wait_for_load_state()
    expect(table).to_contain_text("第三方代发代缴")
    expect(table.get_by_role("link", name="关联证明.pdf")).to_be_visible()
    journey.scan()

    table.get_by_role("link", name="删除").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("删除关联单位")
    journey.scan()
    _shot(page, "related-unit-delete")
    page.get_by_role("button", name="确定删除").click()
    page.wait_for_load_state()
    expect(table).to_contain_text("本业务年度尚未添加关联单位")
    journey.scan()
    assert not RelatedUnit.objects.filter(employer=employer, uscc=dispatch_uscc).exists()


def test_outside_the_window_the_unit_page_is_read_only(journey, demo):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    DeclarationWindow.objects.filter(year=today.year).update(opens=yesterday, closes=yesterday)
    page = journey.page
    _login(journey, Employer.objects.get(name=QINGCHENG).uscc)
    journey.scan()
    journey.goto("/portal/unit/info/")
    expect(page.get_by_test_id("window-closed")).to_contain_text("当前不在申报期内")
    expect(page.get_by_role("button", name="保存")).to_have_count(0)
    expect(page.get_by_role("link", name="添加关联单位")).to_have_count(0)
    _shot(page, "unit-info-readonly")


def test_home_chart_and_its_table(journey, demo, monkeypatch):
    figures = PlacementFigures(
        counters=(("已登记", 3), ("审核通过(系统)", 2), ("待审核", 1)),
        monthly=tuple((f"2025-{m:02d}", 3, 2 if m > 3 else 1) for m in range(1, 13)),
    )
    page = journey.page
    errors = _csp_errors(page)
    _login(journey, Employer.objects.get(name=QINGCHENG).uscc)
    journey.scan()
    expect(page.get_by_test_id("counters-empty")).to_contain_text("本业务年度尚未登记安置人员")
    _shot(page, "home-empty")

    # Figures stood in for here to drive the chart (the portal passes the real ones to the home summary).
    monkeypatch.setattr(portal_views, "placement_home_figures", lambda employer, year: figures)
    journey.goto("/portal/")
    chart = page.locator("#placement-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("chart-table")).to_contain_text("2025-12")
    journey.scan()
    _shot(page, "home-chart")
    assert not errors, errors

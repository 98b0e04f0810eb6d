"""Browser journeys of 残疾人安置管理 with an axe scan of every page: add → verify → select → upload → save
once with the mouse and once with the keyboard only, a dispatch person with a free month choice, and the
list with its counters, 重新登记 and 删除."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from anbili.core.identifiers import make_id_number
from anbili.employers.models import Employer
from anbili.placements.models import Placement, PlacementMonth, PlacementStatus
from anbili.registry.models import DispatchFiling, PartnerKind
from tests.browser.conftest import blank_pdf, shot
from tests.browser.test_browser_unit import QINGCHENG, _login, _open_window, _tab_to, _type_into
from tests.factories import unit_info_saved
from tests.portal.test_portal_placements import registry_person

pytestmark = pytest.mark.browser

YEAR = timezone.localdate().year - 1
PERSON_ID = make_id_number("150102", date(1986, 4, 18), 71)


def _shot(page: Page, name: str) -> None:
    shot(page, f"placements-{name}")


def test_add_verify_select_upload_save_with_the_mouse(journey, demo, tmp_path):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    unit_info_saved(employer)  # placements start once the year's unit information is saved
    registry_person(PERSON_ID, "韩安置", employer.uscc, range(1, 9))
    page = journey.page
    _login(journey, employer.uscc)

    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="残疾人安置管理").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("残疾人安置管理")
    expect(page.get_by_test_id("counters")).to_contain_text("已登记 0 人")
    journey.scan()
    _shot(page, "list-empty")

    journey.navigate(lambda: page.get_by_role("link", name="+ 添加残疾人").click())
    _shot(page, "add")
    page.get_by_label("身份证号").fill(PERSON_ID)
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    # 基本信息: the registry filled the name, sex, age and 户籍地; the starred rest is typed in.
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：基本信息")
    expect(page.locator("#id_name")).to_have_value("韩安置")
    expect(page.get_by_test_id("sex")).to_contain_text("男")
    expect(page.locator("#id_household_region")).to_have_value("150102")
    # 学历信息 shows only for a graduate (with script; without it the fieldset stays visible).
    expect(page.locator("#graduate-fields")).to_be_hidden()
    page.get_by_label("是否高校毕业生").select_option(label="是")
    expect(page.locator("#graduate-fields")).to_be_visible()
    journey.scan()
    _shot(page, "person-graduate")
    page.get_by_label("是否高校毕业生").select_option(label="否")
    page.get_by_label("户籍地类型").select_option(label="城镇")
    page.get_by_label("联系电话").fill("13800002222")
    page.get_by_label("户籍地址").fill("呼和浩特市新城区新华大街8号")
    _shot(page, "person")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    # 合同管理: a full-year labour contract, all payers the unit itself.
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：合同管理")
    page.get_by_label("是否为劳务派遣").select_option(label="否")
    page.get_by_label("关联单位关系").select_option(label="本单位")
    page.get_by_label("合同类型").select_option(label="劳动合同")
    page.get_by_label("合同开始日期").fill(f"{YEAR - 1}-01-01")
    page.get_by_label("合同结束日期").fill(f"{YEAR + 2}-12-31")
    page.get_by_label("岗位工种").fill("装配工")
    page.get_by_label("合同月薪（元）").fill("5000")
    for label in ("社保参保单位", "医保参保单位", "工资发放单位"):
        page.get_by_label(label).select_option(employer.uscc)
    page.get_by_label("合同文件").set_input_files(blank_pdf(tmp_path, "劳动合同.pdf"))
    journey.navigate(lambda: page.get_by_role("button", name="添加合同").click())
    expect(page.get_by_test_id("contracts")).to_contain_text("装配工")
    _shot(page, "contracts")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    # 残疾证管理: the registry certificate is listed.
    expect(page.get_by_test_id("certificates")).to_contain_text(f"{PERSON_ID}44")
    _shot(page, "certificates")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    # 人员信息校验: months 1-8 passed and are locked selected; 9-12 fail wage, pension and medical.
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：人员信息校验")
    table = page.get_by_test_id("verification")
    expect(page.get_by_label(f"勾选 {YEAR}01")).to_be_checked()
    expect(page.get_by_label(f"勾选 {YEAR}01")).to_be_disabled()
    expect(table.get_by_test_id(f"month-{YEAR}09")).to_contain_text("不通过")
    row = table.get_by_test_id(f"month-{YEAR}09")
    row.locator("summary").first.click()
    expect(row.locator("details").first).to_contain_text("来源")
    journey.scan()
    _shot(page, "verify")
    page.get_by_label(f"勾选 {YEAR}09").check()
    page.get_by_label(f"勾选 {YEAR}10").check()
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    # Upload step: one file per failed check kind.
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：上传附件")
    uploads = page.get_by_test_id("uploads")
    for label in ("工资发放证明", "社会保险缴费凭证", "医疗保险缴费凭证"):
        expect(uploads).to_contain_text(label)
    _shot(page, "upload")
    page.get_by_label("上传工资发放证明").set_input_files(blank_pdf(tmp_path, "工资.pdf"))
    page.get_by_label("上传社会保险缴费凭证").set_input_files(blank_pdf(tmp_path, "社保.pdf"))
    page.get_by_label("上传医疗保险缴费凭证").set_input_files(blank_pdf(tmp_path, "医保.pdf"))
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    expect(page.get_by_role("status").first).to_contain_text(
        "您的相关资料已保存成功，请留意残联主管部门的审核进度。"
    )
    expect(page.get_by_test_id("placement-status")).to_have_text("待审核")
    _shot(page, "view-pending")
    placement = Placement.objects.get(employer=employer, id_number=PERSON_ID)
    assert placement.status == PlacementStatus.PENDING
    assert PlacementMonth.objects.filter(placement=placement, selected=True).count() == 10

    # The list with its counters; 重新登记 then 删除.
    journey.goto("/portal/placements/")
    expect(page.get_by_test_id("counters")).to_contain_text("已登记 1 人")
    expect(page.get_by_test_id("counters")).to_contain_text("待审核 1 人")
    expect(page.get_by_test_id("totals")).to_contain_text("本次累计安置确认 8 个月，累计安置核定 8 个月")
    rows = page.get_by_test_id("placement-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("韩*置")
    expect(rows.first).to_contain_text(f"{PERSON_ID[:6]}********{PERSON_ID[-4:]}")
    _shot(page, "list-pending")
    # 重新登记 asks first (issue 11): the confirmation says what is reset.
    journey.navigate(lambda: rows.first.get_by_role("link", name="重新登记").click())
    expect(page.get_by_test_id("reregister-resets")).to_contain_text("资料待完善")
    journey.navigate(lambda: page.get_by_role("button", name="确认重新登记").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：基本信息")
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.DRAFT
    journey.goto("/portal/placements/")
    expect(page.get_by_test_id("counters")).to_contain_text("资料待完善 1 人")
    _shot(page, "list-draft")
    journey.navigate(
        lambda: page.get_by_test_id("placement-row").first.get_by_role("link", name="删除").click()
    )
    _shot(page, "delete")
    journey.navigate(lambda: page.get_by_role("button", name="确认删除").click())
    expect(page.get_by_test_id("counters")).to_contain_text("已登记 0 人")
    assert not Placement.objects.filter(pk=placement.pk).exists()


def _choose(page: Page, label: str, presses: int) -> None:
    """Pick an option of a select with the arrow keys once it has the focus."""
    _tab_to(page, page.get_by_label(label))
    for _ in range(presses):
        page.keyboard.press("ArrowDown")


def _date(page: Page, label: str, value: date) -> None:
    _type_into(page, page.get_by_label(label), f"{value:%Y-%m-%d}")


def _attach(page: Page, label: str, path: str) -> None:
    """Open the file chooser with the keyboard (Enter or Space on the focused control) and pick the file."""
    control = page.get_by_label(label)
    # Headless Chromium now and then ignores a key press on a file control (right after focus, or right after
    # another chooser closed): check the focus, press again, and give it a moment between tries.
    for attempt in range(6):
        _tab_to(page, control)
        try:
            with page.expect_file_chooser(timeout=3000) as chooser:
                page.keyboard.press("Space" if attempt % 2 else "Enter")
        except PlaywrightTimeoutError:
            page.wait_for_timeout(300)
            continue
        chooser.value.set_files(path)
        return
    raise AssertionError(f"the file chooser of {label} did not open from the keyboard")


def _enter(journey, target) -> None:
    _tab_to(journey.page, target)
    with journey.page.expect_navigation():
        journey.page.keyboard.press("Enter")
    journey.page.wait_for_load_state()
    journey.scan()


def test_add_verify_select_upload_save_with_the_keyboard_only(journey, demo, tmp_path):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    unit_info_saved(employer)  # placements start once the year's unit information is saved
    registry_person(PERSON_ID, "韩安置", employer.uscc, range(1, 11))
    page = journey.page
    _login(journey, employer.uscc)

    _enter(journey, page.get_by_role("navigation", name="主菜单").get_by_role("link", name="残疾人安置管理"))
    _enter(journey, page.get_by_role("link", name="+ 添加残疾人"))
    _type_into(page, page.get_by_label("身份证号"), PERSON_ID)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.scan()

    expect(page.locator("#id_name")).to_have_value("韩安置")
    _choose(page, "户籍地类型", 1)  # 城镇
    _type_into(page, page.get_by_label("联系电话"), "13800003333")
    _type_into(page, page.get_by_label("户籍地址"), "呼和浩特市新城区新华大街9号")
    _choose(page, "是否高校毕业生", 2)  # 否
    _enter(journey, page.get_by_role("button", name="保存，下一步"))

    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：合同管理")
    _choose(page, "是否为劳务派遣", 2)  # 否
    _choose(page, "关联单位关系", 1)  # 本单位
    _choose(page, "合同类型", 1)  # 劳动合同
    _date(page, "合同开始日期", date(YEAR - 1, 1, 1))
    _date(page, "合同结束日期", date(YEAR + 2, 12, 31))
    _type_into(page, page.get_by_label("岗位工种"), "质检员")
    _type_into(page, page.get_by_label("合同月薪（元）"), "5200")
    for label in ("社保参保单位", "医保参保单位", "工资发放单位"):
        _choose(page, label, 1)  # 本单位
    _attach(page, "合同文件", blank_pdf(tmp_path, "劳动合同.pdf"))
    _enter(journey, page.get_by_role("button", name="添加合同"))
    _shot(page, "keyboard-contracts")
    expect(page.get_by_test_id("contracts")).to_contain_text("质检员")
    _enter(journey, page.get_by_role("button", name="保存，下一步"))
    _enter(journey, page.get_by_role("button", name="保存，下一步"))

    # 人员信息校验: months 11 and 12 fail; select 11 with Space, then upload with the keyboard.
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：人员信息校验")
    row = page.get_by_test_id(f"month-{YEAR}11")
    _tab_to(page, row.locator("summary").first)
    page.keyboard.press("Enter")  # the reason disclosure opens from the keyboard
    expect(row.locator("details").first).to_have_attribute("open", "")
    _tab_to(page, page.get_by_label(f"勾选 {YEAR}11"))
    page.keyboard.press("Space")
    expect(page.get_by_label(f"勾选 {YEAR}11")).to_be_checked()
    _enter(journey, page.get_by_role("button", name="保存，下一步"))
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记：上传附件")
    _attach(page, "上传工资发放证明", blank_pdf(tmp_path, "工资.pdf"))
    _attach(page, "上传社会保险缴费凭证", blank_pdf(tmp_path, "社保.pdf"))
    _attach(page, "上传医疗保险缴费凭证", blank_pdf(tmp_path, "医保.pdf"))
    _enter(journey, page.get_by_role("button", name="保存，下一步"))
    expect(page.get_by_test_id("placement-status")).to_have_text("待审核")
    _shot(page, "keyboard-saved")
    placement = Placement.objects.get(employer=employer, id_number=PERSON_ID)
    assert placement.status == PlacementStatus.PENDING
    assert sorted(placement.months.filter(selected=True).values_list("month", flat=True)) == [
        YEAR * 100 + m for m in range(1, 12)
    ]


def test_dispatch_person_chooses_months_freely(journey, demo, tmp_path):
    _open_window()
    employer = Employer.objects.get(name="南昌市赣江食品有限公司")
    unit_info_saved(employer)
    dispatch = Employer.objects.get(name="江西赣才劳务派遣有限公司")
    DispatchFiling.objects.create(
        company_uscc=dispatch.uscc,
        company_name=dispatch.name,
        region_code="360000",
        filing_number="JX-LWPQ-0001",
        valid_from=date(YEAR - 1, 1, 1),
        source=PartnerKind.DISPATCH_FILING,
        received_at=timezone.now(),
    )
    person = make_id_number("360102", date(1990, 8, 8), 33)
    registry_person(person, "欧阳派遣", dispatch.uscc, range(1, 13))
    page = journey.page
    _login(journey, employer.uscc)
    journey.goto("/portal/placements/add/")
    page.get_by_label("身份证号").fill(person)
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())
    page.get_by_label("户籍地类型").select_option(label="农村")
    page.get_by_label("联系电话").fill("13800004444")
    page.get_by_label("户籍地址").fill("南昌市东湖区八一大道1号")
    page.get_by_label("是否高校毕业生").select_option(label="否")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    page.get_by_label("是否为劳务派遣").select_option(label="是")
    page.get_by_label("关联单位关系").select_option(label="其他关联关系")
    page.get_by_label("合同类型").select_option(label="劳务派遣劳动合同")
    page.get_by_label("合同开始日期").fill(f"{YEAR - 1}-01-01")
    page.get_by_label("合同结束日期").fill(f"{YEAR + 1}-12-31")
    page.get_by_label("岗位工种").fill("包装工")
    page.get_by_label("合同月薪（元）").fill("4800")
    page.get_by_label("劳务派遣单位").select_option(dispatch.uscc)
    for label in ("社保参保单位", "医保参保单位", "工资发放单位"):
        page.get_by_label(label).select_option(dispatch.uscc)
    page.get_by_label("合同文件").set_input_files(blank_pdf(tmp_path, "劳动合同.pdf"))
    page.get_by_label("劳务派遣协议").set_input_files(blank_pdf(tmp_path, "劳务派遣协议.pdf"))
    journey.navigate(lambda: page.get_by_role("button", name="添加合同").click())
    expect(page.get_by_test_id("contracts")).to_contain_text("包装工")
    _shot(page, "dispatch-contracts")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())

    # Every other check passed, but the agreement waits for the DPF (seed 004: 待审核 lists 劳务派遣协议):
    # no month is locked or ticked for the employer, who picks the first half of the year; no further
    # file is asked, the agreement being the evidence.
    expect(page.get_by_text("该人员为劳务派遣人员，可自行选择安置登记月份")).to_be_visible()
    expect(page.get_by_text("劳务派遣协议尚待残联审核，审核通过后该月方可计入").first).to_be_attached()
    expect(page.get_by_test_id("awaits-review")).to_contain_text("无需另行上传材料")
    for month in range(1, 13):
        box = page.get_by_label(f"勾选 {YEAR}{month:02d}")
        expect(box).to_be_enabled()
        expect(box).not_to_be_checked()
    for month in range(1, 7):
        page.get_by_label(f"勾选 {YEAR}{month:02d}").check()
    _shot(page, "dispatch-verify")
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())
    expect(page.get_by_test_id("placement-status")).to_have_text("待审核")
    placement = Placement.objects.get(employer=employer, id_number=person)
    assert placement.status == PlacementStatus.PENDING
    assert sorted(placement.months.filter(selected=True).values_list("month", flat=True)) == [
        YEAR * 100 + m for m in range(1, 7)
    ]
    journey.goto("/portal/placements/")
    expect(page.get_by_test_id("counters")).to_contain_text("待审核 1 人")
    _shot(page, "dispatch-list")


def test_window_closed_list_is_read_only(journey, demo):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    unit_info_saved(employer)  # placements start once the year's unit information is saved
    Placement.objects.create(
        employer=employer,
        business_year=YEAR,
        id_number=PERSON_ID,
        name="韩安置",
        sex="男",
        birth_date=date(1986, 4, 18),
    )
    page = journey.page
    _login(journey, employer.uscc)
    from anbili.regions.models import DeclarationWindow

    today = timezone.localdate()
    DeclarationWindow.objects.filter(year=today.year).update(
        opens=today.replace(month=1, day=1), closes=today - timedelta(days=1)
    )
    journey.goto("/portal/placements/")
    expect(page.get_by_test_id("window-closed")).to_be_visible()
    expect(page.get_by_role("link", name="+ 添加残疾人")).to_have_count(0)
    expect(page.get_by_test_id("placement-row").first.get_by_role("link", name="查看")).to_be_visible()
    _shot(page, "list-closed")


def test_bulk_registration_report_and_zoom(journey, demo, tmp_path):
    from openpyxl import load_workbook

    from anbili.placements.services import bulk_template_xlsx

    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    unit_info_saved(employer)  # placements start once the year's unit information is saved
    registry_person(PERSON_ID, "韩安置", employer.uscc, range(1, 13))
    book = load_workbook(io.BytesIO(bulk_template_xlsx()))
    sheet = book.active
    row = [PERSON_ID, "", "城镇", "150102", "呼和浩特市新城区新华大街8号", "13800002222", "否", "劳动合同"]
    row += [f"{YEAR - 1}-01-01", f"{YEAR + 2}-12-31", "装配工", "5000"]
    for c, value in enumerate(row, start=1):
        sheet.cell(row=3, column=c, value=value)
    for c, value in enumerate(["123", "", "城镇"], start=1):
        sheet.cell(row=4, column=c, value=value)
    path = tmp_path / "批量登记.xlsx"
    book.save(path)
    page = journey.page
    _login(journey, employer.uscc)
    journey.goto("/portal/placements/bulk/")
    _shot(page, "bulk")
    page.get_by_label("批量登记表（Excel）").set_input_files(str(path))
    contract = blank_pdf(tmp_path, f"{PERSON_ID}.pdf")
    page.get_by_label("合同附件（可多选，或一个 ZIP 压缩包）").set_input_files(contract)
    journey.navigate(lambda: page.get_by_role("button", name="上传并登记").click())
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("系统核验通过并确认 1 人")
    expect(page.get_by_test_id("bulk-report")).to_contain_text("第4行「是否高校毕业生」")
    _shot(page, "bulk-report")

    # 200% zoom (a 640 px wide viewport): the page does not scroll sideways; wide tables scroll in their
    # own labelled, focusable region.
    page.set_viewport_size({"width": 640, "height": 900})
    placement = Placement.objects.get(employer=employer, id_number=PERSON_ID)
    for path in ("/portal/placements/", f"/portal/placements/{placement.pk}/verify/"):
        journey.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > 645)"
            ".slice(0, 6).map(e => e.tagName + '.' + e.className)"
        )
        assert overflow <= 0, (path, wide)
    region = page.get_by_role("region", name="2025 业务年度人员信息校验（韩安置）".replace("2025", str(YEAR)))
    expect(region).to_have_attribute("tabindex", "0")
    _shot(page, "verify-zoom")

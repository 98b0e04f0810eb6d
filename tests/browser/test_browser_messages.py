"""Issue 11 items 5-6 in the browser: 经办人管理 names each faulty field in Chinese at once (an empty required
field, a bad phone) and refuses a password like the account name; 添加残疾人 names a hidden character with
its place (not "当前为19位") and reads full-width digits; the list finds the person by the last four digits.
An axe scan of every state."""

from datetime import date

import pytest
from playwright.sync_api import expect

from anbili.accounts.models import User
from anbili.core.identifiers import make_id_number
from anbili.core.masking import mask
from anbili.demo.seed import DEMO_PASSWORD
from anbili.employers.models import Employer

pytestmark = pytest.mark.browser


def _login_confirmed(journey, account: str) -> None:
    page = journey.page
    journey.goto("/portal/login/")
    page.get_by_label("统一社会信用代码或经办人账号").fill(account)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_load_state()
    dialog = page.get_by_role("alertdialog", name="特别提示")
    expect(dialog).to_be_visible()
    journey.scan()
    dialog.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    journey.scan()


def test_agent_form_names_the_empty_field_the_bad_phone_and_a_password_like_the_account(journey, demo):
    unit = Employer.objects.get(name="呼和浩特市青城电子科技有限公司")
    page = journey.page
    _login_confirmed(journey, unit.uscc)
    journey.goto("/portal/account/agents/")
    page.get_by_label("经办人账号").fill("hr_newclerk")
    page.get_by_label("经办人手机号").fill("123")
    page.get_by_label("初始密码").fill("Agent@Pass2026")
    page.get_by_role("button", name="授权经办人").click()
    page.wait_for_load_state()

    name, phone = page.get_by_label("经办人姓名"), page.get_by_label("经办人手机号")
    expect(page.locator("#id_full_name_error")).to_have_text("请填写「经办人姓名」")
    expect(page.locator("#id_phone_error")).to_have_text(
        "「经办人手机号」格式不正确，请填写11 位手机号，例如 13800000000"
    )
    for field in (name, phone):
        expect(field).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_attribute("aria-describedby", "id_full_name_error")
    expect(page.get_by_text("这个字段是必填项")).to_have_count(0)
    journey.scan()
    page.screenshot(path="/tmp/d_agents_errors.png", full_page=True)

    name.fill("新经办人")
    phone.fill("137 0000 0000")
    page.get_by_label("初始密码").fill("hr_newclerk2026")
    page.get_by_role("button", name="授权经办人").click()
    page.wait_for_load_state()
    expect(page.locator("#id_password_error")).to_have_text("密码不能与账号相同或相近，请换一个")
    journey.scan()
    assert not User.objects.filter(username="hr_newclerk").exists()

    page.get_by_label("初始密码").fill("Agent@Pass2026")
    page.get_by_role("button", name="授权经办人").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").filter(has_text="已授权经办人")).to_contain_text("新经办人")
    journey.scan()
    assert User.objects.get(username="hr_newclerk").phone == "13700000000"


def test_add_names_a_hidden_character_and_the_list_finds_the_person_by_the_last_digits(journey, demo):
    unit = Employer.objects.get(name="呼和浩特市青城电子科技有限公司")
    number = make_id_number("150102", date(1986, 4, 5), 777)
    page = journey.page
    _login_confirmed(journey, unit.uscc)
    journey.goto("/portal/placements/add/")
    field = page.get_by_label("身份证号")
    field.fill("\u200b" + number)  # pasted from a web page with a zero-width space in front
    page.get_by_role("button", name="保存，下一步").click()
    page.wait_for_load_state()
    expect(page.locator("#id_id_number_error")).to_have_text(
        "「身份证号」第1个字符处含有不可见字符，请删除后重新输入"
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    journey.scan()
    page.screenshot(path="/tmp/d_add_hidden.png", full_page=True)

    field.fill(number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")))  # typed 全角
    page.get_by_role("button", name="保存，下一步").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("基本信息")
    journey.scan()

    journey.goto("/portal/placements/")
    page.get_by_label("身份证号或姓名").fill(number[-4:])
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()
    rows = page.get_by_test_id("placement-row")
    expect(rows.filter(has_text=mask(number))).to_have_count(1)
    for text in rows.all_inner_texts():
        assert number[-4:] in text
    journey.scan()
    page.screenshot(path="/tmp/d_search_tail.png", full_page=True)

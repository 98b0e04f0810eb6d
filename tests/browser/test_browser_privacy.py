"""人员信息校验 names no other employer (issue: portal privacy): a person who worked for another unit in
January-March (placed and confirmed there) and for the clerk's unit from April. The reasons of January and
the sources of April's passed checks are opened on the page; neither the other unit's name nor its USCC
appears anywhere, while the unit's own USCC is cited. Every page gets an axe scan."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from anbili.employers.models import Employer
from anbili.placements import services
from anbili.placements.models import PlacementStatus
from anbili.registry.models import MedicalMonth, PensionMonth, WageMonth
from tests.browser.conftest import shot
from tests.browser.test_browser_unit import QINGCHENG, _login, _open_window
from tests.placements.placement_data import TODAY, YEAR, new_id_number, payments, ready_draft, registry_person

pytestmark = pytest.mark.browser

OTHER = "兴和县人民医院"  # another legal person's unit: not in the clerk's unit switcher


def _shot(page: Page, name: str) -> None:
    shot(page, f"privacy-{name}")


def test_the_verification_page_names_no_other_employer(journey, demo):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    other = Employer.objects.get(name=OTHER)
    number = new_id_number(date(1979, 11, 23))
    registry_person(number, name="韩共用", payer=other.uscc, months=range(1, 4))
    payments(number, payer=employer.uscc, months=range(4, 13))
    april = {
        "id_number": number,
        "month": YEAR * 100 + 4,
        "region_code": "150102",
        "received_at": timezone.now(),
    }
    WageMonth.objects.create(payer_uscc=other.uscc, amount=Decimal("800"), source="wage", **april)
    PensionMonth.objects.create(
        payer_uscc=other.uscc, amount=Decimal("500"), source="social_insurance", **april
    )
    MedicalMonth.objects.create(
        payer_uscc=other.uscc, amount=Decimal("200"), source="medical_insurance", **april
    )
    other_user = other.memberships.first().user
    theirs = ready_draft(other, other_user, number)
    services.placement_months_save(
        placement_id=theirs.pk,
        employer=other,
        actor=other_user,
        today=TODAY,
        months=[YEAR * 100 + m for m in range(1, 4)],
        evidence={},
    )
    theirs.refresh_from_db()
    assert theirs.status == PlacementStatus.CONFIRMED
    ours = ready_draft(employer, employer.memberships.first().user, number)

    page = journey.page
    _login(journey, employer.uscc)
    journey.goto(f"/portal/placements/{ours.pk}/verify/")
    table = page.get_by_test_id("verification")
    january = table.get_by_test_id(f"month-{YEAR}01")
    for details in january.locator("details").all():
        details.locator("summary").click()
    expect(january).to_contain_text("该月已被其他单位安置登记")
    expect(january).to_contain_text("该月工资记录不在合同约定的工资发放单位")
    expect(january).to_contain_text("该月社保记录不在合同约定的社保参保单位")
    expect(page.get_by_label(f"勾选 {YEAR}01")).to_be_disabled()  # held by the other unit
    april_row = table.get_by_test_id(f"month-{YEAR}04")
    for details in april_row.locator("details").all():
        details.locator("summary").click()
    expect(april_row).to_contain_text(f"工资发放数据（{employer.uscc}）")
    journey.scan()
    _shot(page, "verify-sources")
    text = page.locator("body").inner_text()
    html = page.content()
    for secret in (other.uscc, other.name):
        assert secret not in text and secret not in html, secret

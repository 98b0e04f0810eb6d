"""What the employer sees after a registry correction: the new verdicts with the new batch's source and
received time (Beijing time) on 人员信息校验, and a confirmed month that the correction fails flagged on
人员信息校验, 查看 and the list; the reviewer's selector finds the same month."""

from datetime import UTC, datetime

import pytest
import time_machine

from anbili.placements import services
from anbili.placements.models import MonthOutcomeChoice, PlacementMonth, PlacementStatus
from anbili.placements.selectors import placement_months_regressed
from anbili.registry.services import import_batch_create, import_batch_run
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.placements.placement_data import TODAY, YEAR, new_id_number, ready_draft, registry_person

pytestmark = pytest.mark.django_db

WAGE_HEADER = "身份证号,发放单位统一社会信用代码,所属年月,工资金额,发放地行政区划代码"
FIRST = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)
LATER = datetime(2026, 6, 2, 7, 30, tzinfo=UTC)  # 2026-06-02 15:30 Beijing time, inside the window
MARCH = YEAR * 100 + 3
FLAG = "该月原已确认，最新数据核验不通过（2026-06-02 15:30 北京时间）"


@pytest.fixture
def confirmed(employer, user):
    """Two placements confirmed by the system (every month auto-passed) at FIRST."""
    with time_machine.travel(FIRST, tick=False):
        placements = []
        for _ in range(2):
            number = new_id_number()
            registry_person(number, payer=employer.uscc)
            draft = ready_draft(employer, user, number)
            services.placement_months_save(
                placement_id=draft.pk,
                employer=employer,
                actor=user,
                today=TODAY,
                months=[YEAR * 100 + m for m in range(1, 13)],
                evidence={},
            )
            draft.refresh_from_db()
            assert draft.status == PlacementStatus.CONFIRMED
            placements.append(draft)
    return placements


@pytest.fixture
def corrected(confirmed, employer, django_capture_on_commit_callbacks):
    """March's wage of the first person corrected to 1,000 元 (below the minimum wage) at LATER."""
    line = f"{confirmed[0].id_number},{employer.uscc},{MARCH},1000.00,150102"
    with time_machine.travel(LATER, tick=False), django_capture_on_commit_callbacks(execute=True):
        batch = import_batch_create(kind="wage", content=f"{WAGE_HEADER}\n{line}\n".encode(), enqueue=False)
        batch = import_batch_run(batch_id=batch.pk)
    assert batch.status == "done" and batch.rows_updated == 1
    return confirmed


@pytest.fixture
def portal(client, user, employer):
    client.force_login(user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = employer.pk
    session[NOTICE_SESSION_KEY] = True
    session.save()
    return client


def _page(client, url: str) -> str:
    with time_machine.travel(LATER, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_correction_fails_a_confirmed_month_and_flags_it(corrected):
    march = PlacementMonth.objects.get(placement=corrected[0], month=MARCH)
    assert march.outcome == MonthOutcomeChoice.AUTO_CONFIRMED  # the outcome stays: review decides
    assert march.auto_passed is False and march.regressed_at == LATER
    assert not PlacementMonth.objects.filter(placement=corrected[1], regressed_at__isnull=False).exists()


def test_the_verify_page_shows_the_new_verdict_with_the_new_source_and_received_time(corrected, portal):
    page = _page(portal, f"/portal/placements/{corrected[0].pk}/verify/")
    # The wage cell of March cites the correction batch: 工资发放数据, received 15:30 Beijing time.
    row = page[page.index(f'data-testid="month-{MARCH}"') :]
    row = row[: row.index("</tr>")]
    assert "不通过" in row and "接收时间 2026-06-02 15:30" in row and "工资发放数据" in row
    assert FLAG in row
    assert 'data-testid="regressed-alert"' in page and FLAG in page
    # Other months still cite the first delivery.
    january = page[page.index(f'data-testid="month-{YEAR * 100 + 1}"') :]
    assert "接收时间 2026-05-11 10:00" in january[: january.index("</tr>")]


def test_the_flag_names_the_failing_check_and_reason(corrected):
    from anbili.placements.selectors import placement_detail, verification_rows

    rows = verification_rows(placement_detail(corrected[0].pk, corrected[0].employer))
    march = next(r for r in rows if r.month == MARCH)
    wage = next(c for c in march.cells if c.code == "wage")
    assert march.regressed_text == f"{FLAG}：{wage.label}：{wage.message}"
    assert [r.month for r in rows if r.regressed_text] == [MARCH]


def test_view_and_list_flag_the_month(corrected, portal):
    view = _page(portal, f"/portal/placements/{corrected[0].pk}/")
    assert f'data-testid="regressed-{MARCH}"' in view and FLAG in view
    other = _page(portal, f"/portal/placements/{corrected[1].pk}/")
    assert "regressed" not in other
    listing = _page(portal, "/portal/placements/")
    assert 'data-testid="regressed-summary"' in listing
    assert "1 人共 1 个原已确认的月份" in listing
    assert listing.count('data-testid="regressed-count"') == 1 and "其中 1 个月最新数据核验不通过" in listing


def test_nothing_is_flagged_before_a_correction(confirmed, portal):
    assert "regressed" not in _page(portal, "/portal/placements/")
    assert "regressed" not in _page(portal, f"/portal/placements/{confirmed[0].pk}/verify/")


def test_the_reviewer_selector_finds_the_regressed_month(corrected, employer):
    (month,) = placement_months_regressed(region_prefix=employer.dpf_region_id[:2], business_year=YEAR)
    assert (month.placement_id, month.month) == (corrected[0].pk, MARCH)
    assert month.placement.employer == employer
    assert list(placement_months_regressed(employer=employer)) == [month]
    assert not placement_months_regressed(region_prefix="36").exists()
    assert not placement_months_regressed(business_year=YEAR + 1).exists()

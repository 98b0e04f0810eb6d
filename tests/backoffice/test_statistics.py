"""申办系统 → 统计: every figure equals a count made here independently on generated data, inside the staff
member's jurisdiction only, in a number of queries that does not grow with the placements."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anbili.accounts.models import StaffRole
from anbili.placements.models import PlacementEvent, PlacementStatus
from anbili.placements.selectors import placements_in_jurisdiction
from anbili.rules.checks import CheckCode
from anbili.stats.models import CheckTally, PlacementFigure
from anbili.stats.selectors import BACKLOG_BUCKETS, statistics_for
from anbili.stats.services import stats_figures_refresh
from tests.backoffice.stats_data import DECISIONS, YEAR, generate
from tests.factories import StaffFactory, region

pytestmark = pytest.mark.django_db
BACKEND = "anbili.accounts.backends.AccountBackend"

# (staff region, the employers' region codes it oversees)
JURISDICTIONS = [
    ("150102", lambda code: code == "150102"),  # a county
    ("150100", lambda code: code.startswith("1501")),  # a city
    ("150000", lambda code: code.startswith("15")),  # a province
    ("360102", lambda code: code == "360102"),  # another province's county
]


def _staff(code: str, role: str = StaffRole.REVIEWER):
    return StaffFactory(staff_role=role, region=region(code))


@pytest.fixture
def data(regions):
    generated = generate(240)
    stats_figures_refresh(YEAR)
    return generated


@pytest.mark.parametrize(("code", "inside"), JURISDICTIONS)
def test_status_and_region_counts(data, code, inside):
    staff = _staff(code)
    figures = statistics_for(staff, YEAR)
    mine = [p for p in data.placements if inside(p.employer.dpf_region_id)]
    assert figures.by_status == {s: sum(p.status == s for p in mine) for s in PlacementStatus.values}
    length = {2: 4}.get(len(staff.jurisdiction_prefix), 6)
    expected_regions = Counter(p.employer.dpf_region_id[:length] for p in mine)
    assert {k: sum(v.values()) for k, v in figures.by_region.items()} == dict(expected_regions)
    assert figures.total == len(mine)
    # The same jurisdiction as every other staff path.
    assert figures.total == placements_in_jurisdiction(staff).filter(business_year=YEAR).count()


def test_province_sees_cities_and_city_sees_counties(data):
    province = statistics_for(_staff("150000"), YEAR)
    assert set(province.by_region) == {"1501", "1502"}
    assert province.region_names["1501"] == "呼和浩特市"
    city = statistics_for(_staff("150100"), YEAR)
    assert set(city.by_region) == {"150102", "150103"}
    assert city.region_names["150102"] == "新城区"


@pytest.mark.parametrize(("code", "inside"), JURISDICTIONS)
def test_pass_rates_equal_the_selected_months_verdicts(data, code, inside):
    staff = _staff(code)
    rates = {r.code: r for r in statistics_for(staff, YEAR).rates}
    months = [m for m in data.months if m.selected and inside(m.placement.employer.dpf_region_id)]
    for check in CheckCode:
        had = [m for m in months if check.value in m.checks]
        assert rates[check.value].months == len(had), check
        assert rates[check.value].passed == sum(m.checks[check.value]["passed"] for m in had), check


def test_most_failing_source_and_its_label(data):
    figures = statistics_for(_staff("150000"), YEAR)
    worst = max(figures.rates, key=lambda r: r.failed)
    assert figures.most_failing.failed == worst.failed
    sources = {r.code: r.source for r in figures.rates}
    assert sources["wage"] == "工资" and sources["pension"] == "社保" and sources["medical"] == "医保"
    assert sources["certificate"] == "残疾人人口基础库"


@pytest.mark.parametrize(("code", "inside"), JURISDICTIONS)
def test_backlog_buckets(data, code, inside):
    staff = _staff(code)
    today = timezone.localdate()
    figures = statistics_for(staff, YEAR, today=today)
    pending = [
        p for p in data.placements if p.status == PlacementStatus.PENDING and inside(p.employer.dpf_region_id)
    ]
    expected: Counter = Counter()
    for p in pending:
        days = (today - timezone.localdate(p.registered_at)).days if p.registered_at else 0
        label = next(
            lbl for lbl, low, high in BACKLOG_BUCKETS if days >= low and (high is None or days <= high)
        )
        expected[label] += 1
    assert dict(figures.backlog) == {label: expected[label] for label, _, _ in BACKLOG_BUCKETS}
    assert figures.backlog_total == len(pending)
    dated = [timezone.localdate(p.registered_at) for p in pending if p.registered_at]
    assert figures.oldest_days == ((today - min(dated)).days if dated else None)


@pytest.mark.parametrize(("code", "inside"), JURISDICTIONS)
def test_decisions_per_reviewer(data, code, inside):
    staff = _staff(code)
    expected: dict[str, Counter] = {}
    for event in data.events:
        if event.transition in DECISIONS and inside(event.employer.dpf_region_id):
            expected.setdefault(event.actor.full_name, Counter())[event.transition] += 1
    got = {row.reviewer.split("（")[0]: row.counts for row in statistics_for(staff, YEAR).decisions}
    assert got == {name: {t: c[t] for t in DECISIONS} for name, c in expected.items()}


def test_the_page_shows_the_figures_of_the_jurisdiction_only(client, data):
    client.force_login(_staff("150102"), backend=BACKEND)
    response = client.get(reverse("backoffice:statistics"), {"year": YEAR})
    assert response.status_code == 200
    page = response.content.decode()
    county = [p for p in data.placements if p.employer.dpf_region_id == "150102"]
    assert f'data-testid="placements-total">{len(county)}<' in page
    pending = sum(p.status == PlacementStatus.PENDING for p in county)
    assert f'data-testid="backlog-total">{pending}<' in page
    assert "统计时间：" in page and "尚未统计" not in page
    assert 'id="statistics-data" type="application/json"' in page
    assert 'role="img"' in page and "<caption>" in page
    # Reviewers of other regions never appear in this county's decisions.
    assert "审核员150102" in page
    assert "审核员360102" not in page and "审核员150203" not in page


def test_a_year_never_counted_says_so(client, regions):
    client.force_login(_staff("150102"), backend=BACKEND)
    page = client.get(reverse("backoffice:statistics"), {"year": YEAR - 2}).content.decode()
    assert "尚未统计" in page


def test_a_bad_year_names_the_field(client, regions):
    client.force_login(_staff("150102"), backend=BACKEND)
    response = client.get(reverse("backoffice:statistics"), {"year": "1900"})
    assert response.status_code == 400
    assert "业务年度" in response.content.decode()


def test_refresh_replaces_the_years_rows(data):
    tallies = CheckTally.objects.filter(business_year=YEAR).count()
    figures = PlacementFigure.objects.filter(business_year=YEAR).count()
    stats_figures_refresh(YEAR)
    assert CheckTally.objects.filter(business_year=YEAR).count() == tallies
    assert PlacementFigure.objects.filter(business_year=YEAR).count() == figures
    assert tallies == len({p.employer.dpf_region_id for p in data.placements}) * len(CheckCode)


def test_refresh_of_one_region_keeps_the_others(data):
    before = statistics_for(_staff("150000"), YEAR).total
    stats_figures_refresh(YEAR, "150102")
    assert statistics_for(_staff("150000"), YEAR).total == before


def test_refresh_follows_a_reverification_task(regions):
    from anbili.placements.tasks import placements_reverify

    generate(20)
    assert not CheckTally.objects.filter(business_year=YEAR).exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        placements_reverify.enqueue(YEAR)
    assert CheckTally.objects.filter(business_year=YEAR).exists()


def test_refresh_follows_a_status_change(regions):
    data = generate(5)
    staff = _staff("150000")
    placement = data.placements[0]
    assert statistics_for(staff, YEAR).computed_at is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        PlacementEvent.objects.create(
            placement=placement,
            placement_ref=placement.pk,
            employer=placement.employer,
            business_year=YEAR,
            transition="approve",
            actor=data.reviewers[0],
        )
    assert statistics_for(staff, YEAR).computed_at is not None


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("backoffice:statistics"), {"year": YEAR}).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_placements(client, regions):
    staff = _staff("150000", StaffRole.SUPERVISOR)
    client.force_login(staff, backend=BACKEND)
    generate(10, seed=1)
    stats_figures_refresh(YEAR)
    small = _page_queries(client)
    generate(200, seed=2)
    stats_figures_refresh(YEAR)
    assert _page_queries(client) == small


def test_old_pending_placements_fall_in_the_last_bucket(regions):
    data = generate(30, seed=3)
    stats_figures_refresh(YEAR)
    old = [
        p
        for p in data.placements
        if p.status == PlacementStatus.PENDING
        and p.registered_at
        and p.employer.dpf_region_id.startswith("15")
    ]
    assert old, "the generator made pending placements"
    later = timezone.localdate() + timedelta(days=100)
    backlog = dict(statistics_for(_staff("150000"), YEAR, today=later).backlog)
    assert backlog["30天以上"] == len(old)


@pytest.mark.django_db(transaction=True)
def test_overlapping_refreshes_never_double_the_figures(regions):
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises the writing transactions itself")
    data = generate(60, seed=5)
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            stats_figures_refresh(YEAR)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert statistics_for(_staff("150000"), YEAR).total == sum(
        p.employer.dpf_region_id.startswith("15") for p in data.placements
    )


def test_the_command_refreshes_the_years_asked(regions):
    from io import StringIO

    from django.core.management import call_command

    from anbili.stats.models import TallyRun

    generate(10, seed=9)
    out = StringIO()
    call_command("stats_refresh", "--year", str(YEAR), stdout=out)
    assert "2025 业务年度统计完成" in out.getvalue()
    assert TallyRun.objects.filter(business_year=YEAR, region_prefix="").count() == 1
    assert statistics_for(_staff("150000"), YEAR).total > 0


def test_a_registry_batch_without_months_refreshes_the_open_years():
    from anbili.stats.services import _years_of

    touched = _years_of("anbili.placements.tasks.placements_reverify_touched_task", [1, [[0, None]]], {})
    this_year = timezone.localdate().year
    assert touched == {this_year - 1, this_year}
    assert _years_of("anbili.placements.tasks.placements_reverify", [2024], {}) == {2024}
    assert _years_of(
        "anbili.placements.tasks.placements_reverify_touched_task", [], {"touched": [[2025, []]]}
    ) == {2025}

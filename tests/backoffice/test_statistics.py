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
from anbili.placements.models import PlacementStatus
from anbili.placements.selectors_stats import (
    BACKLOG_BUCKETS,
    placement_backlog,
    placement_status_region_counts,
    reviewer_decisions,
)
from anbili.rules.checks import CheckCode
from anbili.stats.models import CheckTally
from anbili.stats.selectors import check_pass_rates
from anbili.stats.services import check_tallies_refresh
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
    check_tallies_refresh(YEAR)
    return generated


@pytest.mark.parametrize(("code", "inside"), JURISDICTIONS)
def test_status_and_region_counts(data, code, inside):
    staff = _staff(code)
    counts = placement_status_region_counts(staff, YEAR)
    mine = [p for p in data.placements if inside(p.employer.dpf_region_id)]
    assert counts.by_status == {s: sum(p.status == s for p in mine) for s in PlacementStatus.values}
    length = {2: 4}.get(len(staff.jurisdiction_prefix), 6)
    expected_regions = Counter(p.employer.dpf_region_id[:length] for p in mine)
    assert {k: sum(v.values()) for k, v in counts.by_region.items()} == dict(expected_regions)
    assert counts.total == len(mine)


def test_province_sees_cities_and_city_sees_counties(data):
    province = placement_status_region_counts(_staff("150000"), YEAR)
    assert set(province.by_region) == {"1501", "1502"}
    city = placement_status_region_counts(_staff("150100"), YEAR)
    assert set(city.by_region) == {"150102", "150103"}


@pytest.mark.parametrize(("code", "inside"), JURISDICTIONS)
def test_pass_rates_equal_the_selected_months_verdicts(data, code, inside):
    staff = _staff(code)
    rates = {r.code: r for r in check_pass_rates(staff.jurisdiction_prefix, YEAR).rates}
    months = [m for m in data.months if m.selected and inside(m.placement.employer.dpf_region_id)]
    for check in CheckCode:
        had = [m for m in months if check.value in m.checks]
        assert rates[check.value].months == len(had), check
        assert rates[check.value].passed == sum(m.checks[check.value]["passed"] for m in had), check


def test_most_failing_source_and_its_label(data):
    rates = check_pass_rates("15", YEAR)
    worst = max(rates.rates, key=lambda r: r.failed)
    assert rates.most_failing.failed == worst.failed
    sources = {r.code: r.source for r in rates.rates}
    assert sources["wage"] == "工资" and sources["pension"] == "社保" and sources["medical"] == "医保"
    assert sources["certificate"] == "残疾人人口基础库"


@pytest.mark.parametrize(("code", "inside"), JURISDICTIONS)
def test_backlog_buckets(data, code, inside, frozen_clock):
    staff = _staff(code)
    now = timezone.now()
    backlog = placement_backlog(staff, YEAR, now=now)
    pending = [
        p for p in data.placements if p.status == PlacementStatus.PENDING and inside(p.employer.dpf_region_id)
    ]
    expected = Counter()
    for p in pending:
        days = (now - p.registered_at).days if p.registered_at else 0
        label = next(
            lbl for lbl, low, high in BACKLOG_BUCKETS if days >= low and (high is None or days <= high)
        )
        expected[label] += 1
    assert dict(backlog.buckets) == {label: expected[label] for label, _, _ in BACKLOG_BUCKETS}
    assert backlog.total == len(pending)
    dated = [p.registered_at for p in pending if p.registered_at]
    assert backlog.oldest_days == ((now - min(dated)).days if dated else None)


@pytest.mark.parametrize(("code", "inside"), JURISDICTIONS)
def test_decisions_per_reviewer(data, code, inside):
    staff = _staff(code)
    expected: dict[str, Counter] = {}
    for event in data.events:
        if event.transition in DECISIONS and inside(event.employer.dpf_region_id):
            expected.setdefault(event.actor.full_name, Counter())[event.transition] += 1
    got = {row.reviewer.split("（")[0]: row.counts for row in reviewer_decisions(staff, YEAR)}
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
    # Another province's reviewers never appear in this county's decisions.
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
    before = CheckTally.objects.filter(business_year=YEAR).count()
    check_tallies_refresh(YEAR)
    assert CheckTally.objects.filter(business_year=YEAR).count() == before
    assert before == len({p.employer.dpf_region_id for p in data.placements}) * len(CheckCode)


def test_refresh_follows_a_reverification_task(regions):
    from anbili.placements.tasks import placements_reverify

    generate(20)
    assert not CheckTally.objects.filter(business_year=YEAR).exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        placements_reverify.enqueue(YEAR)
    assert CheckTally.objects.filter(business_year=YEAR).exists()


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("backoffice:statistics"), {"year": YEAR}).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_placements(client, regions):
    staff = _staff("150000", StaffRole.SUPERVISOR)
    client.force_login(staff, backend=BACKEND)
    generate(10, seed=1)
    check_tallies_refresh(YEAR)
    small = _page_queries(client)
    generate(200, seed=2)
    check_tallies_refresh(YEAR)
    assert _page_queries(client) == small


def test_old_pending_placements_fall_in_the_last_bucket(regions, frozen_clock):
    data = generate(30, seed=3)
    staff = _staff("150000")
    old = [
        p
        for p in data.placements
        if p.status == PlacementStatus.PENDING
        and p.registered_at
        and p.employer.dpf_region_id.startswith("15")
    ]
    assert old, "the generator made pending placements"
    backlog = dict(placement_backlog(staff, YEAR, now=timezone.now() + timedelta(days=100)).buckets)
    assert backlog["30天以上"] == len(old)

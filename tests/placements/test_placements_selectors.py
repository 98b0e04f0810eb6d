"""The list, its counters and totals, the constant query count, search, access and the home figures."""

from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from anbili.placements import services
from anbili.placements.access import access_placement_for_employer
from anbili.placements.models import (
    MonthOutcomeChoice,
    Placement,
    PlacementMonth,
    PlacementStatus,
)
from anbili.placements.selectors import (
    placement_counters,
    placement_home_figures,
    placement_list,
)
from tests.placements.placement_data import TODAY, YEAR, new_id_number, ready_draft, registry_person

pytestmark = pytest.mark.django_db


def _save(placement, employer, user, months=(), evidence=None):
    return services.placement_months_save(
        placement_id=placement.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        months=list(months),
        evidence=evidence,
    )


@pytest.fixture
def registered(employer, user):
    """One confirmed severe person (24 核定), one draft, one pending with a reviewer decision later."""
    severe = new_id_number()
    registry_person(severe, name="施嵘", payer=employer.uscc, level=2)
    confirmed = _save(ready_draft(employer, user, severe), employer, user)
    draft_number = new_id_number()
    registry_person(draft_number, name="景晓东", payer=employer.uscc, months=range(1, 7))
    draft = ready_draft(employer, user, draft_number)
    return confirmed, draft


def test_list_annotates_month_counts_and_certificate(employer, user, registered):
    confirmed, draft = registered
    rows = {row.pk: row for row in placement_list(employer, YEAR)}
    row = rows[confirmed.pk]
    assert (row.registered_months, row.confirmed_months, row.credited_months, row.rejected_months) == (
        12,
        12,
        24,
        0,
    )
    assert row.certificate_number == f"{confirmed.id_number}42"
    assert (rows[draft.pk].registered_months, rows[draft.pk].credited_months) == (0, 0)


def test_counters_and_totals(employer, user, registered):
    _, draft = registered
    counters = placement_counters(employer, YEAR)
    assert counters.items == [
        ("已登记", 2),
        ("审核通过(系统)", 1),
        ("审核通过(人工)", 0),
        ("待审核", 0),
        ("资料待完善", 1),
        ("部分审核不通过", 0),
        ("审核不通过", 0),
    ]
    assert counters.totals_text == "本次累计安置确认 12 个月，累计安置核定 24 个月"
    # A reviewer confirms a pending placement with one month rejected: 人工 counter, rejected month counted.
    PlacementMonth.objects.filter(placement=draft, month=202507).update(selected=True, outcome="rejected")
    PlacementMonth.objects.filter(placement=draft, month__lte=202506).update(
        selected=True, outcome=MonthOutcomeChoice.CONFIRMED
    )
    Placement.objects.filter(pk=draft.pk).update(status=PlacementStatus.PENDING)
    services.placement_transition(placement_id=draft.pk, name="partly_reject", by="reviewer", actor=user)
    counters = placement_counters(employer, YEAR)
    assert (counters.partly_rejected, counters.draft, counters.confirmed_months) == (1, 0, 18)
    row = placement_list(employer, YEAR).get(pk=draft.pk)
    assert (row.registered_months, row.confirmed_months, row.rejected_months) == (7, 6, 1)


def test_search_by_id_number_or_name(employer, user, registered):
    confirmed, draft = registered
    assert [p.pk for p in placement_list(employer, YEAR, query="施嵘")] == [confirmed.pk]
    assert [p.pk for p in placement_list(employer, YEAR, query=draft.id_number)] == [draft.pk]
    assert [p.pk for p in placement_list(employer, YEAR, query=draft.id_number[:17])] == [draft.pk]
    assert list(placement_list(employer, YEAR, query="不存在")) == []


def test_list_query_count_does_not_grow_with_rows(employer, user):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = list(placement_list(employer, YEAR))
            [(r.registered_months, r.certificate_number, r.get_status_display()) for r in rows]
            placement_counters(employer, YEAR)
        return len(captured)

    for _ in range(2):
        number = new_id_number()
        registry_person(number, payer=employer.uscc)
        _save(ready_draft(employer, user, number), employer, user)
    few = count_queries()
    for _ in range(8):
        number = new_id_number()
        registry_person(number, payer=employer.uscc)
        _save(ready_draft(employer, user, number), employer, user)
    assert placement_list(employer, YEAR).count() == 10
    assert count_queries() == few == 3


def test_other_employers_rows_are_not_listed(employer, user, registered):
    from tests.factories import EmployerFactory

    assert list(placement_list(EmployerFactory(), YEAR)) == []


def test_access_gate_is_404_for_another_employer(employer, user, registered):
    from tests.factories import EmployerFactory

    confirmed, _ = registered
    request = RequestFactory().get("/")
    request.employer = employer
    assert access_placement_for_employer(request, confirmed.pk).pk == confirmed.pk
    request.employer = EmployerFactory()
    with pytest.raises(Http404):
        access_placement_for_employer(request, confirmed.pk)


def test_home_figures_empty_until_placements_then_counts_per_month(employer, user, registered):
    from tests.factories import EmployerFactory

    assert placement_home_figures(EmployerFactory(), YEAR) is None
    figures = placement_home_figures(employer, YEAR)
    assert figures is not None
    assert ("已登记", 2) in figures.counters
    assert figures.monthly[0] == ("2025-01", 1, 1)
    assert figures.chart_data["months"][11] == "2025-12"


def test_home_page_shows_the_real_counters(client, employer, user, registered, monkeypatch):
    from django.utils import timezone

    from anbili.web.decorators import NOTICE_SESSION_KEY

    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    client.force_login(user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = employer.pk
    session[NOTICE_SESSION_KEY] = True
    session.save()
    response = client.get("/portal/")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="counters"' in text and "审核通过(系统) <strong>1</strong>" in text
    assert date(2025, 1, 1).strftime("%Y-%m") in text

"""Staff paths by region (issue 12 item 1): on every staff page of one of A's objects, the reviewers outside
A's jurisdiction (another county of the same city, another province) get 404; and the counts, lists,
exports and statistics they do see never include A's data."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from anbili.core.masking import mask
from anbili.placements.models import Placement
from anbili.stats.services import stats_figures_refresh
from tests.security.test_security_matrix import EXPECTED, _login, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

NAME = "乌兰其其格"
OUTSIDE = ("reviewer_county_other", "reviewer_other")
INSIDE = ("reviewer_a", "reviewer_city", "reviewer_prov")
# Staff pages that list, count or export the jurisdiction's placements (those that exist so far).
AGGREGATES = ("backoffice:statistics", "backoffice:placements", "backoffice:placements_export")
AGGREGATES += ("backoffice:placement_review",)


def _object_pages(kwargs: dict) -> list[str]:
    """The backoffice GET pages of one of A's objects (a pk in the URL) that A's own reviewer may open."""
    return sorted(
        name
        for name, cells in EXPECTED.items()
        if name.startswith("backoffice:") and name in kwargs and cells["reviewer_a"] == 200
    )


def test_the_matrix_bars_outsiders_from_every_object_page(world):  # noqa: F811
    _, kwargs = world
    pages = _object_pages(kwargs)
    assert "backoffice:evidence_download" in pages and "backoffice:notice_detail" in pages
    for name in pages:
        for role in OUTSIDE:
            assert EXPECTED[name][role] == 404, (name, role)
        for role in INSIDE:
            assert EXPECTED[name][role] == 200, (name, role)


@pytest.mark.parametrize("role", OUTSIDE)
def test_outsiders_get_404_on_every_object_page(client, world, role):  # noqa: F811
    users, kwargs = world
    _login(client, users[role])
    wrong = []
    for name in _object_pages(kwargs):
        status = client.get(reverse(name, kwargs=kwargs[name])).status_code
        if status != 404:
            wrong.append(f"{name}: {status}")
    assert not wrong


def _aggregate_urls() -> list[str]:
    urls = []
    for name in AGGREGATES:
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return urls


def _text(response) -> str:
    """A page's text, or every cell of an exported workbook."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    return body.decode("utf-8", errors="replace")


def _a_placement() -> Placement:
    placement = Placement.objects.get(name="安置人")
    # A name no heading contains; pending, so that queues and backlogs would show it.
    Placement.objects.filter(pk=placement.pk).update(status="pending", name=NAME)
    placement.refresh_from_db()
    return placement


@pytest.mark.parametrize("role", OUTSIDE)
def test_outsiders_lists_counts_and_exports_never_hold_a(client, world, role):  # noqa: F811
    users, _ = world
    placement = _a_placement()
    stats_figures_refresh(placement.business_year)
    _login(client, users[role])
    for url in _aggregate_urls():
        year = placement.business_year
        response = client.get(url, {"year": year, "business_year": year})
        if response.status_code == 405:  # an export: POSTed with the search's year
            response = client.post(url, {"year": year, "business_year": year})
        assert response.status_code == 200, url
        text = _text(response)
        assert mask(placement.id_number) not in text and NAME not in text, url
        if url == reverse("backoffice:statistics"):
            assert 'data-testid="placements-total">0<' in text
            assert 'data-testid="backlog-total">0<' in text


@pytest.mark.parametrize("role", INSIDE)
def test_statistics_of_a_jurisdiction_holding_a_count_it(client, world, role):  # noqa: F811
    users, _ = world
    placement = _a_placement()
    stats_figures_refresh(placement.business_year)
    _login(client, users[role])
    text = client.get(reverse("backoffice:statistics"), {"year": placement.business_year}).content.decode()
    assert 'data-testid="placements-total">1<' in text
    assert 'data-testid="backlog-total">1<' in text

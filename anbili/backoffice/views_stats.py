"""Staff review system: 统计 (statistics of one business year inside the staff member's jurisdiction)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from anbili.accounts.access import access_staff
from anbili.placements.models import PlacementStatus
from anbili.placements.selectors_stats import DECISION_TRANSITIONS
from anbili.stats.forms import StatisticsYearForm
from anbili.stats.selectors import Statistics, statistics_for
from anbili.stats.services import stats_refresh_enqueue
from anbili.web.decorators import staff_required

# How long a queued refresh of a never-counted year stops the page from queueing another.
REFRESH_QUEUED_SECONDS = 600


def _chart_data(figures: Statistics, regions: list[str]) -> dict[str, Any]:
    """The figures the charts draw (the same as the tables show), for the json_script block."""
    statuses = list(PlacementStatus)
    return {
        "statuses": [s.label for s in statuses],
        "by_status": [figures.by_status.get(s.value, 0) for s in statuses],
        "regions": [figures.region_names.get(code, code) for code in regions],
        "by_region": [[figures.by_region[code].get(s.value, 0) for code in regions] for s in statuses],
        "checks": [f"{r.label}·{r.source}" for r in figures.rates],
        "pass_rates": [r.rate for r in figures.rates],
        "backlog_labels": [label for label, _ in figures.backlog],
        "backlog": [n for _, n in figures.backlog],
    }


@staff_required
def statistics_view(request: HttpRequest) -> HttpResponse:
    staff = access_staff(request)
    if staff.jurisdiction_prefix is None:
        raise Http404
    form = StatisticsYearForm(request.GET or None)
    year = form.chosen_year()
    figures = statistics_for(staff, year)
    if figures.computed_at is None and cache.add(f"stats-refresh-queued:{year}", 1, REFRESH_QUEUED_SECONDS):
        stats_refresh_enqueue(year)
    regions = sorted(figures.by_region)
    context = {
        "staff": staff,
        "form": form,
        "year": year,
        "figures": figures,
        "statuses": list(PlacementStatus),
        "status_rows": [(s.label, figures.by_status.get(s.value, 0)) for s in PlacementStatus],
        "region_rows": [
            (
                figures.region_names.get(code, code),
                [figures.by_region[code].get(s.value, 0) for s in PlacementStatus],
                sum(figures.by_region[code].values()),
            )
            for code in regions
        ],
        "decision_labels": list(DECISION_TRANSITIONS.values()),
        "decisions": [
            (d.reviewer, [d.counts.get(t, 0) for t in DECISION_TRANSITIONS], d.total)
            for d in figures.decisions
        ],
        "chart_data": _chart_data(figures, regions),
    }
    return render(request, "backoffice/statistics.html", context, status=400 if form.errors else 200)

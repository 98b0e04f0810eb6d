"""Staff review system: 统计 (statistics of one business year inside the staff member's jurisdiction)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from anbili.accounts.access import access_staff
from anbili.placements.models import PlacementStatus
from anbili.placements.selectors_stats import (
    DECISION_TRANSITIONS,
    placement_backlog,
    placement_status_region_counts,
    reviewer_decisions,
    sub_region_names,
)
from anbili.stats.forms import StatisticsYearForm
from anbili.stats.selectors import check_pass_rates
from anbili.stats.services import stats_refresh_enqueue
from anbili.web.decorators import staff_required

# How long a queued refresh of a never-counted year stops the page from queueing another.
REFRESH_QUEUED_SECONDS = 600


def _chart_data(counts: Any, names: dict[str, str], rates: Any, backlog: Any) -> dict[str, Any]:
    """The figures the charts draw (the same as the tables show), for the json_script block."""
    statuses = list(PlacementStatus)
    return {
        "statuses": [s.label for s in statuses],
        "by_status": [counts.by_status.get(s.value, 0) for s in statuses],
        "regions": [names.get(code, code) for code in sorted(counts.by_region)],
        "by_region": [
            [counts.by_region[code].get(s.value, 0) for code in sorted(counts.by_region)] for s in statuses
        ],
        "checks": [f"{r.label}（{r.source}）" for r in rates.rates],
        "pass_rates": [r.rate for r in rates.rates],
        "backlog_labels": [label for label, _ in backlog.buckets],
        "backlog": [n for _, n in backlog.buckets],
    }


@staff_required
def statistics_view(request: HttpRequest) -> HttpResponse:
    staff = access_staff(request)
    prefix = staff.jurisdiction_prefix
    if prefix is None:
        raise Http404
    form = StatisticsYearForm(request.GET or None)
    year = form.chosen_year()
    counts = placement_status_region_counts(staff, year)
    names = sub_region_names(staff)
    rates = check_pass_rates(prefix, year)
    if rates.computed_at is None and cache.add(f"stats-refresh-queued:{year}", 1, REFRESH_QUEUED_SECONDS):
        stats_refresh_enqueue(year)
    backlog = placement_backlog(staff, year)
    region_rows = [
        (names.get(code, code), [cells.get(s.value, 0) for s in PlacementStatus], sum(cells.values()))
        for code, cells in sorted(counts.by_region.items())
    ]
    context = {
        "staff": staff,
        "form": form,
        "year": year,
        "statuses": list(PlacementStatus),
        "counts": counts,
        "status_rows": [(s.label, counts.by_status.get(s.value, 0)) for s in PlacementStatus],
        "region_rows": region_rows,
        "rates": rates,
        "backlog": backlog,
        "decision_labels": list(DECISION_TRANSITIONS.values()),
        "decisions": [
            (d.reviewer, [d.counts[t] for t in DECISION_TRANSITIONS], d.total)
            for d in reviewer_decisions(staff, year)
        ],
        "chart_data": _chart_data(counts, names, rates, backlog),
    }
    return render(request, "backoffice/statistics.html", context, status=400 if form.errors else 200)

"""Staff review system: the review queue (安置登记审核, seed 004), the placements waiting for a reviewer in
the staff member's jurisdiction, oldest first, filtered and paged, with counts per kind and risk signals."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from anbili.accounts.access import access_staff
from anbili.accounts.selectors import regions_in_jurisdiction
from anbili.backoffice.forms_queue import ReviewQueueForm
from anbili.placements.selectors_queue import QueueKind, queue_rows, review_queue
from anbili.web.decorators import staff_required

PAGE_SIZE = 20
DETAIL_URL_NAME = "backoffice:placement_review_detail"


class _CountedPaginator(Paginator):
    """A paginator told its count (the queue's aggregate has it already: one query fewer)."""

    def __init__(self, object_list, per_page, *, count: int) -> None:  # type: ignore[no-untyped-def]
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _detail_url(pk: int) -> str:
    """The review screen of an item, or "" while that page does not exist yet."""
    try:
        return reverse(DETAIL_URL_NAME, kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


@staff_required
def review_queue_view(request: HttpRequest) -> HttpResponse:
    staff = access_staff(request)
    regions = regions_in_jurisdiction(staff)
    if staff.jurisdiction_prefix == "":
        # A national admin picks a province or a city: the counties of the whole country (≈ 2,900) would
        # make the picker unusable.
        regions = regions.filter(level__lte=2)
    form = ReviewQueueForm(request.GET or None, regions=regions)
    filters = form.filters()
    queryset, counts = review_queue(staff, filters)
    total = counts.per_kind[QueueKind(filters.kind)] if filters.kind else counts.total
    page = _CountedPaginator(queryset, PAGE_SIZE, count=total).get_page(request.GET.get("page"))
    rows = queue_rows(list(page.object_list))
    for row in rows:
        row.url = _detail_url(row.pk)
    context = {"form": form, "page": page, "rows": rows, "counts": counts, "filters": filters, "staff": staff}
    return render(request, "backoffice/review_queue.html", context, status=400 if form.errors else 200)

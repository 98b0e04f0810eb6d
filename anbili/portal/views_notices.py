"""Employer portal: 通知公告 list (keyword search, paging, read marks) and 通知公告详情."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anbili.accounts.access import access_employer_for_employer_user
from anbili.accounts.models import User
from anbili.notices.access import access_notice_for_employer
from anbili.notices.forms import NoticeSearchForm
from anbili.notices.selectors import notice_list_for_employer
from anbili.notices.services import notice_mark_read
from anbili.web.decorators import notice_confirmed_required

PAGE_SIZE = 15


@notice_confirmed_required
def notice_list_view(request: HttpRequest) -> HttpResponse:
    employer = access_employer_for_employer_user(request)
    form = NoticeSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    user = request.user
    assert isinstance(user, User)
    page = Paginator(notice_list_for_employer(employer, user=user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/notices.html", {"form": form, "page": page, "query": query})


@notice_confirmed_required
def notice_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access_notice_for_employer(request, pk)
    user = request.user
    assert isinstance(user, User)
    notice_mark_read(user=user, employer=access_employer_for_employer_user(request), notice=notice)
    back = request.GET.get("back", "")
    # Only our own list's query string goes back into the 返回 link.
    back_query = back if back.startswith(("q=", "page=")) else ""
    return render(request, "portal/notice_detail.html", {"notice": notice, "back_query": back_query})

"""Staff review system: 通知公告 of the jurisdiction — list, publish, edit, withdraw and publish again."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anbili.accounts.access import access_staff
from anbili.accounts.selectors import regions_in_jurisdiction
from anbili.core.errors import ApplicationError
from anbili.notices.access import access_notice_for_staff
from anbili.notices.forms import NoticeForm, NoticeSearchForm
from anbili.notices.selectors import notice_list_for_staff
from anbili.notices.services import (
    notice_can_publish,
    notice_publish,
    notice_republish,
    notice_unpublish,
    notice_update,
)
from anbili.web.decorators import staff_required
from anbili.web.forms import form_add_application_error

PAGE_SIZE = 20


@staff_required
def notice_list_view(request: HttpRequest) -> HttpResponse:
    staff = access_staff(request)
    can_publish = notice_can_publish(staff)
    regions = regions_in_jurisdiction(staff).select_related("parent", "parent__parent")
    form = NoticeForm(request.POST or None, regions=regions) if can_publish else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                notice = notice_publish(staff=staff, **form.cleaned_data)
            except ApplicationError as exc:
                form_add_application_error(form, exc)
            else:
                messages.success(request, f"已发布通知公告：{notice.title}")
                return redirect("backoffice:notices")
    search = NoticeSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(notice_list_for_staff(staff, query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "search": search, "query": query, "page": page, "can_publish": can_publish}
    status = 400 if form is not None and form.errors else 200
    return render(request, "backoffice/notices.html", context, status=status)


@staff_required
def notice_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access_notice_for_staff(request, pk)
    staff = access_staff(request)
    can_publish = notice_can_publish(staff)
    form = None
    if can_publish:
        regions = regions_in_jurisdiction(staff).select_related("parent", "parent__parent")
        initial = {"title": notice.title, "body": notice.body, "region_code": notice.region_id}
        form = NoticeForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                notice_update(staff=staff, notice_id=notice.pk, **form.cleaned_data)
            except ApplicationError as exc:
                form_add_application_error(form, exc)
            else:
                messages.success(request, "通知公告已保存")
                return redirect("backoffice:notice_detail", pk=notice.pk)
    context = {"notice": notice, "form": form, "can_publish": can_publish}
    status = 400 if form is not None and form.errors else 200
    return render(request, "backoffice/notice_detail.html", context, status=status)


@require_POST
@staff_required
def notice_publish_toggle_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access_notice_for_staff(request, pk)
    staff = access_staff(request)
    if not notice_can_publish(staff):
        raise Http404
    try:
        if notice.is_published:
            notice_unpublish(staff=staff, notice_id=notice.pk)
            messages.success(request, f"已撤回通知公告：{notice.title}")
        else:
            notice_republish(staff=staff, notice_id=notice.pk)
            messages.success(request, f"已重新发布通知公告：{notice.title}")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    if request.POST.get("next") == "detail":
        return redirect("backoffice:notice_detail", pk=notice.pk)
    return redirect("backoffice:notices")

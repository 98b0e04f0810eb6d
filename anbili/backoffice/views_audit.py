"""Staff review system: 审计日志 search for system admins (national, province, city, county), within their
jurisdiction."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anbili.accounts.access import access_audit_searcher
from anbili.audit.forms import AuditSearchForm
from anbili.audit.selectors import audit_entries_search
from anbili.web.decorators import staff_required

PAGE_SIZE = 50


@staff_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    staff, prefix = access_audit_searcher(request)
    form = AuditSearchForm(request.GET or None)
    page = Paginator(audit_entries_search(prefix, form.search()), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "staff": staff}
    return render(request, "backoffice/audit.html", context, status=400 if form.errors else 200)

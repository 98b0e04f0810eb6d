"""Staff review system: 高拍仪插件 (the document-camera help page, linked from the header)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anbili.accounts.access import access_staff
from anbili.web.decorators import staff_required


@staff_required
def scanner_help_view(request: HttpRequest) -> HttpResponse:
    access_staff(request)
    return render(request, "backoffice/scanner_help.html")

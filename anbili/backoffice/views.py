"""Staff review system (申办系统) pages: login, home, system management entry, password."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anbili.accounts.access import access_staff
from anbili.accounts.forms import StaffLoginForm
from anbili.accounts.models import StaffRole
from anbili.accounts.services import staff_login_check
from anbili.web.account_pages import password_page
from anbili.web.decorators import staff_required
from anbili.web.login import login_page


def login_view(request: HttpRequest) -> HttpResponse:
    return login_page(
        request,
        form_class=StaffLoginForm,
        check=lambda req, account, password: staff_login_check(req, username=account, password=password),
        template="backoffice/login.html",
        success_url="backoffice:home",
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("backoffice:login")


@staff_required
def home_view(request: HttpRequest) -> HttpResponse:
    staff = access_staff(request)
    return render(request, "backoffice/home.html", {"staff": staff})


@staff_required
def system_view(request: HttpRequest) -> HttpResponse:
    staff = access_staff(request)
    is_admin = staff.staff_role == StaffRole.ADMIN
    return render(request, "backoffice/system.html", {"staff": staff, "is_admin": is_admin})


@staff_required
def password_view(request: HttpRequest) -> HttpResponse:
    return password_page(request, template="backoffice/password.html", done_url="backoffice:home")

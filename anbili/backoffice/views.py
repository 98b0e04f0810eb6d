"""Staff review system (申办系统) pages: login, home, system management entry, password."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anbili.accounts.access import access_region_for_staff, access_staff, access_system_admin, audit_scope
from anbili.accounts.forms import StaffForm, StaffLoginForm
from anbili.accounts.selectors import regions_in_jurisdiction, staff_list_in_jurisdiction
from anbili.accounts.services import staff_create, staff_login_check
from anbili.core.errors import ApplicationError
from anbili.web.account_pages import password_page
from anbili.web.decorators import staff_required
from anbili.web.forms import form_add_application_error
from anbili.web.login import login_page
from anbili.web.redirects import safe_next


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
    target = safe_next(request, "backoffice:login")
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect(target)


@staff_required
def home_view(request: HttpRequest) -> HttpResponse:
    staff = access_staff(request)
    return render(request, "backoffice/home.html", {"staff": staff})


@staff_required
def system_view(request: HttpRequest) -> HttpResponse:
    # 系统管理 is the system admins' (the menu hides it from everyone else): 404 for other staff.
    staff = access_system_admin(request)
    context = {"staff": staff, "can_search_audit": audit_scope(staff) is not None}
    return render(request, "backoffice/system.html", context)


@staff_required
def staff_list_view(request: HttpRequest) -> HttpResponse:
    admin = access_system_admin(request)
    regions = regions_in_jurisdiction(admin)
    form = StaffForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        access_region_for_staff(admin, form.cleaned_data["region_code"])
        try:
            created = staff_create(created_by=admin, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(
                request, f"已创建工作人员账号：{created.username}（{created.get_staff_role_display()}）"
            )
            return redirect("backoffice:staff")
    context = {"form": form, "staff_members": staff_list_in_jurisdiction(admin)}
    return render(request, "backoffice/staff.html", context, status=400 if form.errors else 200)


@staff_required
def password_view(request: HttpRequest) -> HttpResponse:
    return password_page(request, template="backoffice/password.html", done_url="backoffice:home")

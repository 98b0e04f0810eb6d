"""Account pages that both front ends share."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from anbili.accounts.forms import PasswordChangeForm
from anbili.accounts.models import User
from anbili.accounts.services import password_change
from anbili.core.errors import ApplicationError
from anbili.web.forms import form_add_application_error


def password_page(request: HttpRequest, *, template: str, done_url: str) -> HttpResponse:
    """Change one's own password; the session stays logged in."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        assert isinstance(user, User)
        try:
            password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码修改成功")
            return redirect(done_url)
    return render(request, template, {"form": form}, status=400 if form.errors else 200)

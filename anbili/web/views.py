"""Error pages in the users' language."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A stale or missing CSRF token, explained without jargon."""
    return render(request, "403_csrf.html", status=403)

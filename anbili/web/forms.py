"""Helpers shared by the pages of both front ends."""

from django import forms

from anbili.core.errors import ApplicationError


def form_add_application_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)

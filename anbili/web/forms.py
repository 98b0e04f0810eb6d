"""Helpers shared by the pages of both front ends. The form base and the field builders are in
`anbili.forms` (below every app, so that the forms of accounts and notices use them too); re-exported here."""

from django import forms

from anbili.core.errors import ApplicationError
from anbili.forms import NamedForm, PhoneField, required_messages, text_field

__all__ = [
    "NamedForm",
    "PhoneField",
    "form_add_application_error",
    "form_add_other_errors",
    "required_messages",
    "text_field",
]


def form_add_application_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form: each of its problems
    (a contract refused for three reasons shows all three, each at its own field)."""
    for error in exc.errors:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)


def form_add_other_errors(form: forms.Form, exc: ApplicationError) -> None:
    """Like form_add_application_error for a form that already refused some fields itself: the service's
    problems at the other fields are added, so that one submit shows every problem (a field keeps the
    form's own message rather than a second one about the same input)."""
    faulted = set(form.errors)
    for error in exc.errors:
        field = error.field if error.field in form.fields else None
        if field is None or field not in faulted:
            form.add_error(field, error.message)

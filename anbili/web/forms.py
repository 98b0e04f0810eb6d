"""Helpers shared by the pages of both front ends."""

from django import forms

from anbili.core.errors import ApplicationError


def form_add_application_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form: each of its problems
    (a contract refused for three reasons shows all three, each at its own field)."""
    for error in exc.errors:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)


def required_messages(label: str, *, choose: bool = False) -> dict[str, str]:
    """The "required" message naming the field, as the screens word it (请填写/请选择「…」)."""
    return {"required": f"请{'选择' if choose else '填写'}「{label}」"}


def text_field(
    label: str, *, required: bool = True, max_length: int = 200, help_text: str = ""
) -> forms.CharField:
    """A text input whose messages name the field."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        error_messages={
            **required_messages(label),
            "max_length": f"「{label}」不能超过 %(limit_value)d 个字",
        },
    )

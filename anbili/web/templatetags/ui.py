"""Form rendering with Bootstrap classes and the ARIA links a screen reader needs."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

from anbili.core.messages import join_messages

register = template.Library()


@register.inclusion_tag("forms/field.html")
def field_group(field: BoundField) -> dict[str, object]:
    """A labelled control with its hint and error announced through aria-describedby."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    described = []
    attrs: dict[str, str | bool] = {}
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        css += " is-invalid"
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if field.field.required:
        # aria-required instead of `required`: the server's Chinese message, not the browser's, explains.
        attrs["aria-required"] = "true"
    attrs["class"] = css
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return {
        "field": field,
        "widget": SafeString(field.as_widget(attrs=attrs)),
        "is_check": "check" in css,
        # Several problems of one field on one line, without stray punctuation ("。；").
        "errors": join_messages(field.errors),
    }

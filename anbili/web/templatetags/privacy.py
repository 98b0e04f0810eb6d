"""Masking filters for templates: `{% load privacy %}` then `{{ value|mask }}` (PIPL, 6+4 for IDs)."""

from django import template

from anbili.core import masking

register = template.Library()


@register.filter
def mask(value: object) -> str:
    """An ID, certificate or phone number with its middle hidden (anbili.core.masking.mask)."""
    return masking.mask(str(value)) if value else ""


@register.filter
def mask_name(value: object) -> str:
    """A person's name with the middle (or the family name of a two-character name) hidden."""
    return masking.mask_name(str(value)) if value else ""

"""Masking of personal data in lists, exports and logs (PIPL: ID numbers and disability data are
sensitive personal information)."""

from __future__ import annotations


def mask(value: str | None) -> str:
    """Hide the middle of an identifier with `*` of the same length: first 6 and last 4 shown for 18+ chars.

    Shorter values show proportionally less (first n//3, at most 6; last n//4, at most 4) so that a short
    value such as a phone number is never shown almost whole; values of 1-2 characters are hidden entirely.
    """
    if not value:
        return ""
    text = value.strip()
    length = len(text)
    head = min(6, length // 3)
    tail = min(4, length // 4)
    return text[:head] + "*" * (length - head - tail) + text[length - tail :]


def mask_name(name: str | None) -> str:
    """Mask a person's name as the seed screens do: "施嵘" → "*嵘", "景晓东" → "景*东"."""
    if not name:
        return ""
    text = name.strip()
    if len(text) <= 1:
        return "*" * len(text)
    if len(text) == 2:
        return "*" + text[1]
    return text[0] + "*" * (len(text) - 2) + text[-1]

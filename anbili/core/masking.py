"""Masking of personal data in lists, exports and logs (PIPL: ID numbers and disability data are
sensitive personal information)."""

from __future__ import annotations

import re


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


# An ID number (18 characters, the last a digit or X) or a disability certificate number (the ID number and
# two more digits: category and level), standing alone: not inside a longer run of letters or digits, which
# would be something else (a USCC, a hash, a token).
_IDENTIFIER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?:\d{2})?(?![0-9A-Za-z])")


def mask_identifiers(text: str) -> str:
    """Mask every ID or certificate number inside free text (log lines, audit labels, error details)."""
    if not text or len(text) < 18:
        return text
    return _IDENTIFIER_IN_TEXT.sub(lambda found: mask(found.group()), text)

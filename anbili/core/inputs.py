"""What every service does first with a typed value: normalise it once and refuse it with a Chinese message
naming the field (pure Python; the employer and placement services share it).

Normalisation: Unicode NFKC (full-width letters, digits and spaces become half-width, as the registry and
tax systems store them), surrounding spaces trimmed and inner runs of spaces collapsed to one. Hidden
characters (zero-width spaces and joiners, bidi controls, other control characters) are refused, not
silently dropped: they arrive from copy-pasting out of Word or web pages, and a name or number carrying one
would never match the registry; the message says where the character is so that it can be deleted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from datetime import date
from typing import Any

from anbili.core.errors import ApplicationError

# Whitespace a typed value may contain; it is collapsed rather than refused.
_SPACES = frozenset("\t\n\r\x0b\x0c")


def hidden_character_position(text: str) -> int | None:
    """The 1-based position of the first invisible character (Unicode categories Cf and Cc other than
    ordinary whitespace, e.g. U+200B zero-width space, U+202E right-to-left override, U+FEFF), else None."""
    for index, char in enumerate(text, start=1):
        if char in _SPACES:
            continue
        if unicodedata.category(char) in ("Cf", "Cc"):
            return index
    return None


def normalized_text(value: Any, field: str, label: str) -> str:
    """The value as text: hidden characters refused, NFKC, whitespace trimmed and collapsed."""
    raw = "" if value is None else str(value)
    position = hidden_character_position(raw)
    if position is not None:
        raise ApplicationError(
            f"「{label}」第{position}个字符处含有不可见字符，请删除后重新输入",
            field=field,
            code="hidden_character",
        )
    return " ".join(unicodedata.normalize("NFKC", raw).split())


def search_text(value: Any) -> str:
    """A search box's text, normalised like every input (NFKC, blanks trimmed and collapsed); hidden
    characters are dropped rather than refused (a search stores nothing, and the form refuses them first)."""
    raw = "" if value is None else str(value)
    visible = "".join(
        char for char in raw if char in _SPACES or unicodedata.category(char) not in ("Cf", "Cc")
    )
    return " ".join(unicodedata.normalize("NFKC", visible).split())


def text_value(value: Any, field: str, label: str, *, required: bool = True, limit: int | None = 200) -> str:
    """A text input: normalised; refused when required and empty, or longer than `limit` characters."""
    text = normalized_text(value, field, label)
    if required and not text:
        raise ApplicationError(f"请填写「{label}」", field=field, code="required")
    if limit is not None and len(text) > limit:
        raise ApplicationError(f"「{label}」不能超过 {limit} 个字", field=field, code="too_long")
    return text


def choice_value(
    value: Any, choices: Collection[str], field: str, label: str, *, required: bool = True
) -> str:
    """One of `choices` (codes, not labels); "" when optional and not chosen."""
    text = normalized_text(value, field, label)
    if not text:
        if required:
            raise ApplicationError(f"请选择「{label}」", field=field, code="required")
        return ""
    if text not in choices:
        raise ApplicationError(f"「{label}」的选项无效，请重新选择", field=field, code="invalid_choice")
    return text


def date_value(value: Any, field: str, label: str, *, required: bool = True) -> date | None:
    """A date, given as a date or as ISO text (full-width digits accepted); None when optional and empty."""
    if isinstance(value, date):
        return value
    text = normalized_text(value, field, label)
    if not text:
        if required:
            raise ApplicationError(f"请填写「{label}」", field=field, code="required")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(
            f"「{label}」不是有效日期（例如 2025-01-01）", field=field, code="date"
        ) from None

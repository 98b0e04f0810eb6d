"""Several Chinese messages shown as one line: each clause's own closing punctuation dropped, duplicates left
out, joined by "；" (so never "。；" or "；；")."""

from __future__ import annotations

from collections.abc import Iterable

# What may close a clause; the separator takes its place.
_CLOSING = "。；;，,、.  \t\n"


def join_messages(messages: Iterable[object], separator: str = "；") -> str:
    """The messages as one line: ["至少需要 8 位。", "不能全是数字；"] gives "至少需要 8 位；不能全是数字"."""
    parts: list[str] = []
    for message in messages:
        text = str(message).strip().rstrip(_CLOSING)
        if text and text not in parts:
            parts.append(text)
    return separator.join(parts)

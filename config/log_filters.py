"""Logging filters wired into LOGGING (config/settings/base.py)."""

from __future__ import annotations

import logging

from anbili.core.masking import mask_identifiers


class MaskIdentifiersFilter(logging.Filter):
    """Mask ID and certificate numbers (first 6, last 4) in the whole line a handler will write (PIPL).

    Paths in request warnings and access logs, a psycopg DETAIL quoting a key value in a traceback, or an
    argument passed by any library all end up in the formatted message, the exception text or the stack, so
    those three are masked rather than the format string. The record is rewritten in place: it is shared by
    every handler, and one that has no filter (say, a test's capture handler) must not see the number either.
    Rewriting is idempotent, so a record passing several filtered handlers is masked once in effect.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_identifiers(message)
        if masked != message:
            # The args are folded into the message: a masked message with the original args could not be
            # formatted again, and the args are where the numbers usually are. A record without a number
            # keeps its args (code reading them, such as a test of a log line, still can).
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is formatted (and masked) once here.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_identifiers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_identifiers(record.stack_info)
        return True

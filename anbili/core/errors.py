"""The one error type that services raise: it carries messages the user can read (Simplified Chinese)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input: `field` names the input at fault (None: the form as a whole)."""

    message: str
    field: str | None = None
    code: str = "invalid"


class ApplicationError(Exception):
    """A refused action: `message` is shown to the user; `field` names the input at fault, if any.

    `errors` holds every problem found (one, unless built by `ApplicationError.of`): a page shows each
    beside its own field, while `message`, `field` and `code` stay those of the first problem (with all
    messages joined in `message`) for callers that show one line."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str = "invalid",
        errors: Sequence[FieldError] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.errors: tuple[FieldError, ...] = tuple(errors) or (FieldError(message, field, code),)

    @classmethod
    def of(cls, errors: Sequence[FieldError]) -> ApplicationError:
        """One error carrying several problems (at least one)."""
        if not errors:
            raise ValueError("ApplicationError.of needs at least one error")
        first = errors[0]
        message = "；".join(dict.fromkeys(error.message for error in errors))
        return cls(message, field=first.field, code=first.code, errors=errors)

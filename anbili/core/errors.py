"""The one error type that services raise: it carries messages the user can read (Simplified Chinese)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from anbili.core.messages import join_messages

T = TypeVar("T")


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
        message = join_messages(error.message for error in errors)
        return cls(message, field=first.field, code=first.code, errors=errors)


class ErrorCollector:
    """Runs each check of a form's inputs and keeps every refusal, so that the form shows all of its problems
    at once instead of one per submit.

        check = ErrorCollector()
        name = check(text_value, data.name, "name", "姓名")  # None when refused
        check.raise_if_any()  # one ApplicationError.of(every problem), in the order checked
    """

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def __call__(self, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return parse(*args, **kwargs)
        except ApplicationError as exc:
            self.errors.extend(exc.errors)
            return None

    def add(self, message: str, field: str | None = None, code: str = "invalid") -> None:
        self.errors.append(FieldError(message, field, code))

    def failed(self, field: str) -> bool:
        """Whether a problem was already found at `field` (later checks of it are then pointless)."""
        return any(error.field == field for error in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ApplicationError.of(self.errors)

"""The one error type that services raise: it carries a message the user can read (Simplified Chinese)."""


class ApplicationError(Exception):
    """A refused action: `message` is shown to the user; `field` names the input at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

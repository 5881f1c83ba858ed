"""DomainError: the one exception services raise for a rule a request broke."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the request; ``code`` is stable and machine-readable.

    ``status`` is the HTTP status the API answers with (409 for conflicts such as
    ``insufficient_stock``, 404 for missing records, 422 for invalid input by default).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        status: int = 422,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status
        self.details = dict(details or {})
        if field is not None:
            self.details.setdefault("field", field)

"""Use cases of identity and access."""

from __future__ import annotations

from typing import Any


def authenticate_token(raw_token: str) -> Any:
    """Return the active ApiToken for a raw token string, or None."""
    return None

"""Pure rules of events and webhooks: names of event types, signatures, payload limits."""

from __future__ import annotations

import hashlib
import hmac
import re

EVENT_TYPE_PATTERN = re.compile(r"^[A-Z][A-Za-z0-9]{2,99}$")
ALL_EVENT_TYPES = "*"
RESPONSE_BODY_LIMIT = 2048  # characters of a receiver's answer kept on a delivery
SIGNATURE_SCHEME = "v1"


def is_event_type(name: str) -> bool:
    """True for names like ``OrderConfirmed``: a capital letter, then letters and digits."""
    return bool(EVENT_TYPE_PATTERN.match(name))


def signature(secret: str, timestamp: int, body: str) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed with the endpoint's secret."""
    message = f"{timestamp}.{body}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: str) -> str:
    """The X-Valuechain-Signature value: ``t=<unix>,v1=<hex>``."""
    return f"t={timestamp},{SIGNATURE_SCHEME}={signature(secret, timestamp, body)}"


def verify_signature_header(
    secret: str, header: str, body: str, now: int, tolerance_seconds: int = 300
) -> bool:
    """What a receiver does: recompute the HMAC, compare in constant time, refuse stale ones."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, parts.get(SIGNATURE_SCHEME, ""))


def truncate(text: str, limit: int = RESPONSE_BODY_LIMIT) -> str:
    """At most ``limit`` characters."""
    return text if len(text) <= limit else text[:limit]

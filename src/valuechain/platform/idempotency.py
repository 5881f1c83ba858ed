"""Idempotency-Key for API POSTs: a retried request gets the first one's response, once.

A client sends ``Idempotency-Key: <1..255 printable ASCII characters>`` with a POST under
``/api/``. The first request with a key claims it (an in-progress record committed in its
own short transaction, unique per principal and key), runs, and stores its response. A
repeat with the same request replays that response with ``Idempotent-Replayed: true`` and
runs nothing; the same key with a different request is refused (422
``idempotency_key_reused``); a repeat while the first still runs gets 409
``idempotency_request_in_progress``. Records live ``IDEMPOTENCY_KEY_TTL_HOURS`` (at least 24).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from valuechain.platform.api import error_response
from valuechain.platform.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
MIN_TTL_HOURS = 24
ABANDONED_AFTER = dt.timedelta(minutes=5)
# Outcomes the client should be free to retry with the same key: auth and rate limits.
_NOT_STORED_STATUSES = frozenset({401, 403, 429})


def is_valid_key(key: str) -> bool:
    """True for 1..255 printable ASCII characters."""
    return 1 <= len(key) <= MAX_KEY_LENGTH and all(" " <= char <= "~" for char in key)


def request_principal(request: HttpRequest) -> str | None:
    """Who owns the key: the API token (hashed) and/or the session user in their tenant.

    None for an anonymous request, which authentication will refuse anyway.
    """
    authorization = request.headers.get("Authorization", "")
    user = getattr(request, "user", None)
    session_user = user.pk if user is not None and user.is_authenticated else None
    tenant = getattr(request, "tenant", None)
    if not authorization and session_user is None:
        return None
    # The session part keeps two users who send the same bogus header apart.
    identity = f"{authorization}\n{session_user}\n{getattr(tenant, 'pk', None)}"
    kind = "token" if authorization else "session"
    return f"{kind}:{hashlib.sha256(identity.encode('utf-8', 'surrogateescape')).hexdigest()}"


def request_fingerprint(request: HttpRequest) -> str:
    """sha256 of method, path, query string and body (size and type for huge uploads)."""
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if limit is not None and length > limit:
        # Reading the body of a large upload would refuse it; its size and type stand in.
        digest.update(f"{length}\0{request.content_type}".encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def ttl_hours() -> int:
    """How long records are kept: the setting, never less than 24 hours."""
    return max(MIN_TTL_HOURS, int(getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 48)))


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete records older than the TTL; returns how many went."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=ttl_hours())
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _insert_claim(principal: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Insert the in-progress record in its own short transaction; None if the key is taken."""
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                principal=principal, key=key, request_fingerprint=fingerprint
            )
    except IntegrityError:  # a concurrent request with the same key inserted first
        return None


def _claim(principal: str, key: str, fingerprint: str) -> IdempotencyRecord | HttpResponse:
    """Claim the key: the record to run the request under, or the response to answer now."""
    records = IdempotencyRecord.objects.filter(principal=principal, key=key)
    # Looking first keeps the usual replay free of a failed INSERT (and of its rollback).
    existing = records.first()
    if existing is None:
        claimed = _insert_claim(principal, key, fingerprint)
        if claimed is not None:
            return claimed
        existing = records.first()
    if existing is None:  # released again between the failed insert and this read
        return _in_progress()
    if existing.request_fingerprint != fingerprint:
        return error_response(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request; use a new key.",
            {"field": HEADER},
        )
    if existing.completed:
        return _replay(existing)
    now = timezone.now()
    if existing.created_at < now - ABANDONED_AFTER:
        taken = IdempotencyRecord.objects.filter(
            pk=existing.pk, completed=False, created_at=existing.created_at
        ).update(created_at=now)
        if taken:
            existing.created_at = now
            return existing
    return _in_progress()


def _in_progress() -> HttpResponse:
    return error_response(
        409,
        "idempotency_request_in_progress",
        "A request with this Idempotency-Key is still running; retry when it has finished.",
        {"field": HEADER},
    )


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body),
        status=record.status_code or 200,
        content_type=record.content_type or "application/json",
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _settle(record: IdempotencyRecord, response: HttpResponse) -> None:
    """Store a final response, or release the key when the client should retry."""
    status = response.status_code
    storable = status < 500 and status not in _NOT_STORED_STATUSES and not response.streaming
    if not storable:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=status,
        content_type=response.get("Content-Type", "")[:100],
        body=response.content,
        completed=True,
    )


class IdempotencyMiddleware:
    """Replays the stored response of a POST repeated with the same Idempotency-Key."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not is_valid_key(key):
            return error_response(
                422,
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 printable ASCII characters.",
                {"field": HEADER},
            )
        principal = request_principal(request)
        if principal is None:
            return self.get_response(request)
        record = _claim(principal, key, request_fingerprint(request))
        if isinstance(record, HttpResponse):
            return record
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        _settle(record, response)
        return response

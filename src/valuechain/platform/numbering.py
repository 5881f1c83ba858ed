"""Document numbers such as ``SO-000123`` from a per-tenant sequence per document kind.

``next_number`` locks the sequence row and increments it in the caller's transaction, so
two transactions never get the same number and a rolled-back one gives its number back.
Gaps appear only when a number is reserved (``POST /sequences/{key}/next``) and never used,
or when a caller takes it before opening its own transaction: sales orders do, so concurrent
orders hold the row for one statement rather than their whole transaction (an order that
then fails leaves a gap, as with Odoo's standard sequences; see docs/commerce.md).
"""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.models import DocumentSequence
from valuechain.platform.tenancy.context import require_tenant_id

# A name, not a number: keys never look like record ids in URLs.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
PREFIX_MAX_LENGTH = 20
MAX_PADDING = 20
MAX_VALUE = 10**18  # well inside the bigint column
DEFAULT_PADDING = 6


def default_prefix(key: str) -> str:
    """The prefix a new sequence gets when none is given: 'so' -> 'SO-' (cut to fit the column)."""
    return f"{key.upper()[: PREFIX_MAX_LENGTH - 1]}-"


def format_number(prefix: str, value: int, padding: int) -> str:
    """'SO-' + 123 padded to 6 digits -> 'SO-000123'."""
    return f"{prefix}{value:0{padding}d}"


def _valid_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise DomainError(
            "invalid_sequence_key",
            "A sequence key is 1-40 lower-case letters, digits, '-' or '_', starting with a "
            "letter (for example 'so').",
            field="key",
        )
    return key


def _valid_prefix(prefix: str) -> str:
    if (
        not isinstance(prefix, str)
        or len(prefix) > PREFIX_MAX_LENGTH
        or not prefix.isprintable()
        or prefix != prefix.strip()
    ):
        raise DomainError(
            "invalid_prefix",
            f"The prefix is up to {PREFIX_MAX_LENGTH} printable characters without leading or "
            "trailing spaces.",
            field="prefix",
        )
    return prefix


def _valid_padding(padding: int) -> int:
    if isinstance(padding, bool) or not isinstance(padding, int) or not 0 <= padding <= MAX_PADDING:
        raise DomainError(
            "invalid_padding",
            f"Padding is a whole number from 0 to {MAX_PADDING}.",
            field="padding",
        )
    return padding


def _locked_sequence(key: str, prefix: str | None, padding: int) -> DocumentSequence:
    """The tenant's sequence row, created on first use, locked until the transaction ends."""
    sequence = DocumentSequence.objects.select_for_update().filter(key=key).first()
    if sequence is not None:
        return sequence
    # INSERT … ON CONFLICT DO NOTHING: a concurrent first use waits for the other insert
    # instead of failing, and then both lock the one row.
    DocumentSequence.objects.bulk_create(
        [
            DocumentSequence(
                tenant_id=require_tenant_id(),
                key=key,
                prefix=default_prefix(key) if prefix is None else _valid_prefix(prefix),
                padding=_valid_padding(padding),
            )
        ],
        ignore_conflicts=True,
    )
    return DocumentSequence.objects.select_for_update().get(key=key)


def next_number(key: str, prefix: str | None = None, padding: int = DEFAULT_PADDING) -> str:
    """Take the next number of the tenant's sequence ``key`` (e.g. 'so' -> 'SO-000123').

    ``prefix`` and ``padding`` apply only when the sequence is created by this call;
    afterwards the stored configuration wins. Runs in the caller's transaction if any, so the
    row stays locked until that transaction ends (gapless). Taking a number is not audited:
    the document that carries it is, and a counter entry per document would double the trail.
    """
    key = _valid_key(key)
    with transaction.atomic():
        taken = _increment(key)
        if taken is None:
            _locked_sequence(key, prefix, padding)
            taken = _increment(key)
        assert taken is not None  # the row exists now and is locked by this transaction
    value, row_prefix, row_padding = taken
    return format_number(row_prefix, value, row_padding)


def _increment(key: str) -> tuple[int, str, int] | None:
    """Bump the sequence in one statement (it locks the row); (value taken, prefix, padding)."""
    table = DocumentSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_value = next_value + 1, updated_at = %s "  # noqa: S608
            "WHERE tenant_id = %s AND key = %s RETURNING next_value - 1, prefix, padding",
            [timezone.now(), require_tenant_id(), key],
        )
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), str(row[1]), int(row[2]))


@transaction.atomic
def configure_sequence(
    key: str,
    *,
    prefix: str | None = None,
    padding: int | None = None,
    next_value: int | None = None,
) -> DocumentSequence:
    """Set a sequence's prefix, padding or next value (creating it); it never moves back."""
    key = _valid_key(key)
    sequence = _locked_sequence(
        key, prefix, DEFAULT_PADDING if padding is None else _valid_padding(padding)
    )
    if prefix is not None:
        sequence.prefix = _valid_prefix(prefix)
    if padding is not None:
        sequence.padding = _valid_padding(padding)
    if next_value is not None:
        if (
            isinstance(next_value, bool)
            or not isinstance(next_value, int)
            or not 1 <= next_value <= MAX_VALUE
        ):
            raise DomainError(
                "invalid_next_value",
                f"The next value is a whole number from 1 to {MAX_VALUE}.",
                field="next_value",
            )
        if next_value < sequence.next_value:
            raise DomainError(
                "sequence_backwards",
                f"The next value may only move forward: {sequence.key} is at "
                f"{sequence.next_value}, so it cannot be set to {next_value} (numbers would "
                "repeat).",
                field="next_value",
                details={"current": sequence.next_value},
            )
        sequence.next_value = next_value
    sequence.save()
    return sequence


def sequences() -> QuerySet[DocumentSequence]:
    """The tenant's sequences by key."""
    return DocumentSequence.objects.order_by("key")


def preview(sequence: DocumentSequence) -> str:
    """The number the sequence will hand out next."""
    return format_number(sequence.prefix, sequence.next_value, sequence.padding)

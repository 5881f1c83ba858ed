"""Inbound e-mail: file a raw RFC 822 message on the timelines of the contacts it concerns.

Every From/To/Cc address that belongs to a contact (``find_party_by_identifier``) gets one
e-mail interaction. The direction is *outbound* when the sender is a member of the tenant
(they BCC'd or forwarded their own mail) and *inbound* otherwise. ``(source, external_id)``
with ``source="inbound_email"`` and ``external_id = Message-ID + party`` makes a resend
harmless. A message concerning no contact is parked as an unmatched interaction carrying
the sender's address (the existing review queue). Attachments are stored through the
attachments kernel on each new interaction; a file refused by type or size is skipped
and reported, not fatal. A staff member's forward *as attachment* (one message/rfc822
part) is filed as the inner message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from valuechain.crm.customers import interactions, queries
from valuechain.crm.customers.models import Account, Interaction
from valuechain.platform.attachments import services as attachments
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

SOURCE = "inbound_email"
INTERACTION_LABEL = "customers.interaction"
MAX_EXTERNAL_ID = 200
BLANK_LINES = re.compile(r"\n{3,}")


@dataclass
class FiledEmail:
    """What filing one message did."""

    message_id: str
    direction: str
    interactions: list[dict[str, Any]] = field(default_factory=list)
    attachments: int = 0
    skipped_attachments: list[dict[str, str]] = field(default_factory=list)

    @property
    def created(self) -> bool:
        """Whether anything new was stored (False for a resend)."""
        return any(row["created"] for row in self.interactions)


def _invalid(message: str) -> DomainError:
    return DomainError("invalid_message", message, field="message")


def parse_message(raw: bytes) -> EmailMessage:
    """The message parsed with ``policy.default``; DomainError when it is not an e-mail."""
    if not raw or not raw.strip():
        raise _invalid("The message is empty.")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; anything it raises means garbage
        raise _invalid("The message could not be parsed as RFC 822.") from exc
    if not isinstance(message, EmailMessage) or not _addresses(message, "from"):
        raise _invalid("The message has no From address; send the raw RFC 822 message.")
    return message


def _addresses(message: Message, header: str) -> list[str]:
    try:
        values = [str(value) for value in message.get_all(header, [])]
    except Exception:  # a header too broken to decode counts as absent
        return []
    return [addr.strip().lower() for _, addr in getaddresses(values) if "@" in addr]


def _message_id(message: EmailMessage, raw: bytes) -> str:
    value = str(message.get("message-id", "") or "").strip()
    return value or f"<sha256-{hashlib.sha256(raw).hexdigest()}@valuechain>"


def _occurred_at(message: EmailMessage) -> dt.datetime:
    try:
        moment = parsedate_to_datetime(str(message.get("date", "")))
    except (TypeError, ValueError, IndexError):
        return timezone.now()
    if moment is None:
        return timezone.now()
    return timezone.make_aware(moment, dt.UTC) if timezone.is_naive(moment) else moment


def _text_body(message: EmailMessage) -> str:
    """The plain-text body, else the HTML one as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = str(part.get_content())
    except (LookupError, UnicodeError, KeyError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_subtype() == "html":
        content = html.unescape(strip_tags(re.sub(r"(?i)<br\s*/?>|</p>", "\n", content)))
    return BLANK_LINES.sub("\n\n", content.replace("\r\n", "\n")).strip()


def _files(message: EmailMessage) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for part in message.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found.append((part.get_filename() or "attachment", payload))
    return found


def _staff_emails(addresses: set[str]) -> set[str]:
    """Which of the addresses are active members of the tenant."""
    if not addresses:
        return set()
    rows = Membership.objects.filter(
        tenant_id=require_tenant_id(), is_active=True, user__email__in=addresses
    ).values_list("user__email", flat=True)
    return {email.lower() for email in rows}


def _unwrap_forward(message: EmailMessage, sender_is_staff: bool) -> EmailMessage:
    """A staff member's forward-as-attachment: the inner message is the one to file."""
    if not sender_is_staff:
        return message
    inner = [p for p in message.iter_attachments() if p.get_content_type() == "message/rfc822"]
    if len(inner) != 1:
        return message
    wrapped = inner[0].get_payload()
    candidate = wrapped[0] if isinstance(wrapped, list) and wrapped else wrapped
    if isinstance(candidate, EmailMessage) and _addresses(candidate, "from"):
        return candidate
    return message


def _external_id(message_id: str, suffix: str) -> str:
    value = f"{message_id}|{suffix}"
    if len(value) <= MAX_EXTERNAL_ID:
        return value
    return f"sha256-{hashlib.sha256(message_id.encode()).hexdigest()}|{suffix}"


def _parties(addresses: list[str]) -> list[tuple[str, Any]]:
    """Each distinct contact owning one of the addresses, in the order first met."""
    seen: set[tuple[str, int]] = set()
    parties: list[tuple[str, Any]] = []
    for address in addresses:
        party = queries.find_party_by_identifier("email", address)
        if party is None:
            continue
        key = ("account" if isinstance(party, Account) else "person", party.pk)
        if key not in seen:
            seen.add(key)
            parties.append((address, party))
    return parties


@transaction.atomic
def file_inbound_email(raw: bytes) -> FiledEmail:
    """Parse a raw message and file it on the matching contacts' timelines (idempotent)."""
    outer = parse_message(raw)
    outer_sender = _addresses(outer, "from")[0]
    message = _unwrap_forward(outer, bool(_staff_emails({outer_sender})))
    sender = _addresses(message, "from")[0]
    to, cc = _addresses(message, "to"), _addresses(message, "cc")
    staff = _staff_emails({sender, *to, *cc})
    direction = "outbound" if sender in staff else "inbound"
    candidates = [a for a in [sender, *to, *cc] if a not in staff]
    message_id = _message_id(message, raw)
    base: dict[str, Any] = {
        "channel": "email",
        "kind": "email",
        "direction": direction,
        "occurred_at": _occurred_at(message),
        "actor_name": sender[:200],
        "subject": " ".join(str(message.get("subject", "") or "").split())[:300],
        "body": _text_body(message),
        "payload": {
            "message_id": message_id,
            "from": sender,
            "to": to,
            "cc": cc,
            "date": str(message.get("date", "") or ""),
        },
        "source": SOURCE,
    }
    result = FiledEmail(message_id=message_id, direction=direction)
    files = _files(message)
    rows: list[dict[str, Any]] = []
    for _, party in _parties(candidates):
        kind = "account" if isinstance(party, Account) else "person"
        rows.append(
            {
                **base,
                f"{kind}_id": party.pk,
                "external_id": _external_id(message_id, f"{kind}:{party.pk}"),
            }
        )
    if not rows:
        rows.append(
            {
                **base,
                "identifier_kind": "email",
                "identifier_value": sender,
                "external_id": _external_id(message_id, "unmatched"),
            }
        )
    for row in rows:
        interaction, created = interactions.record_interaction(row)
        result.interactions.append(_summary(interaction, created))
        if created:
            _attach_files(interaction, files, result)
    publish(
        "InboundEmailFiled",
        {
            "message_id": message_id,
            "direction": direction,
            "interaction_ids": [row["id"] for row in result.interactions],
            "created": result.created,
        },
    )
    return result


def _summary(interaction: Interaction, created: bool) -> dict[str, Any]:
    return {
        "id": interaction.pk,
        "person_id": interaction.person_id,
        "account_id": interaction.account_id,
        "status": interaction.status,
        "created": created,
    }


def _attach_files(
    interaction: Interaction, files: list[tuple[str, bytes]], result: FiledEmail
) -> None:
    for filename, content in files:
        try:
            with transaction.atomic():
                attachments.attach(INTERACTION_LABEL, interaction.pk, content, filename)
        except DomainError as refused:
            result.skipped_attachments.append({"filename": filename, "code": refused.code})
        else:
            result.attachments += 1

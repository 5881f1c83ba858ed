"""Inbound e-mail: raw RFC 822 messages filed on contacts' timelines, with attachments."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Interaction
from valuechain.platform.attachments.models import Attachment
from valuechain.platform.tenancy.context import tenant_context

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def _message(
    sender: str = "Ada Lovelace <ADA@example.com>",
    to: str = "sales@alpha.test",
    cc: str = "",
    subject: str = "Order question",
    text: str | None = "Can you ship 20 units?",
    html: str | None = None,
    files: tuple[tuple[str, bytes, str], ...] = (),
    message_id: str | None = "<m1@example.com>",
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = "Mon, 02 Mar 2026 09:30:00 +0100"
    if message_id:
        message["Message-ID"] = message_id
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, content, mime in files:
        maintype, subtype = mime.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


def _send(client: Client, raw: bytes, **extra):
    return client.post("/api/v1/inbound-email", data=raw, content_type="message/rfc822", **extra)


def _rows(tenant) -> list[Interaction]:
    with tenant_context(tenant):
        return list(Interaction.objects.order_by("pk"))


def _attachments(tenant) -> list[tuple[str, str, str]]:
    with tenant_context(tenant):
        return list(
            Attachment.objects.order_by("pk").values_list("filename", "mime_type", "target_id")
        )


def test_customer_mail_is_filed_inbound_with_its_attachment(client_a, tenant_a, ada):
    raw = _message(
        files=(("offer.pdf", PDF, "application/pdf"), ("tool.pdf", EXE, "application/pdf"))
    )
    response = _send(client_a, raw)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["direction"] == "inbound"
    assert body["message_id"] == "<m1@example.com>"
    assert body["attachments"] == 1
    assert body["skipped_attachments"] == [
        {"filename": "tool.pdf", "code": "file_type_not_allowed"}
    ]
    [row] = _rows(tenant_a)
    assert body["interactions"] == [
        {
            "id": row.pk,
            "person_id": ada.pk,
            "account_id": None,
            "status": "matched",
            "created": True,
        }
    ]
    assert (row.channel, row.kind, row.direction, row.source) == (
        "email",
        "email",
        "inbound",
        "inbound_email",
    )
    assert row.external_id == f"<m1@example.com>|person:{ada.pk}"
    assert row.subject == "Order question"
    assert row.body == "Can you ship 20 units?"
    assert row.occurred_at.isoformat() == "2026-03-02T08:30:00+00:00"
    assert row.payload == {
        "message_id": "<m1@example.com>",
        "from": "ada@example.com",
        "to": ["sales@alpha.test"],
        "cc": [],
        "date": "Mon, 02 Mar 2026 09:30:00 +0100",
    }
    assert _attachments(tenant_a) == [("offer.pdf", "application/pdf", str(row.pk))]


def test_resending_is_idempotent(client_a, tenant_a, ada):
    raw = _message(files=(("offer.pdf", PDF, "application/pdf"),))
    assert _send(client_a, raw).status_code == 201
    again = _send(client_a, raw)
    assert again.status_code == 200
    assert again.json()["interactions"][0]["created"] is False
    assert len(_rows(tenant_a)) == 1
    assert len(_attachments(tenant_a)) == 1


def test_staff_bcc_is_outbound_for_every_contact(client_a, tenant_a, admin_a, ada):
    with tenant_context(tenant_a, actor=admin_a.user):
        grace = customers.create_person(first_name="Grace", last_name="Hopper")
        customers.add_email("person", grace.pk, email="grace@example.com")
    raw = _message(
        sender="admin@alpha.test",
        to="ada@example.com, unknown@example.com",
        cc="Grace <grace@example.com>",
        text=None,
        html="<p>Hello&nbsp;Ada,</p><p>see <b>the offer</b></p>",
        message_id="<out-1@alpha.test>",
    )
    response = _send(client_a, raw)
    assert response.status_code == 201, response.content
    assert response.json()["direction"] == "outbound"
    rows = _rows(tenant_a)
    assert [(r.person_id, r.direction) for r in rows] == [
        (ada.pk, "outbound"),
        (grace.pk, "outbound"),
    ]
    assert rows[0].body == "Hello\xa0Ada,\nsee the offer"


def test_forward_as_attachment_files_the_inner_message(client_a, tenant_a, ada):
    inner = _message(message_id="<inner@example.com>")
    outer = EmailMessage()
    outer["From"] = "admin@alpha.test"
    outer["To"] = "crm@alpha.test"
    outer["Subject"] = "Fwd: Order question"
    outer["Message-ID"] = "<fwd@alpha.test>"
    outer.set_content("FYI")
    from email import message_from_bytes, policy

    outer.add_attachment(message_from_bytes(inner, policy=policy.default))
    response = _send(client_a, bytes(outer))
    assert response.status_code == 201, response.content
    assert response.json()["direction"] == "inbound"
    [row] = _rows(tenant_a)
    assert (row.person_id, row.subject, row.payload["message_id"]) == (
        ada.pk,
        "Order question",
        "<inner@example.com>",
    )


def test_unknown_sender_is_parked_unmatched(client_a, tenant_a, ada):
    response = _send(client_a, _message(sender="stranger@example.org", message_id=None))
    assert response.status_code == 201
    [row] = _rows(tenant_a)
    assert (row.status, row.identifier_kind, row.identifier_value) == (
        "unmatched",
        "email",
        "stranger@example.org",
    )
    assert row.external_id.startswith("<sha256-") and row.external_id.endswith("|unmatched")
    assert (
        _send(client_a, _message(sender="stranger@example.org", message_id=None)).status_code == 200
    )


def test_multipart_upload_field(client_a, tenant_a, ada):
    upload = SimpleUploadedFile("mail.eml", _message(), content_type="message/rfc822")
    response = client_a.post("/api/v1/inbound-email", data={"message": upload})
    assert response.status_code == 201, response.content
    assert len(_rows(tenant_a)) == 1


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \r\n", b"this is not an e-mail at all", b"Subject: no sender\r\n\r\nhello"],
)
def test_malformed_messages_are_refused(client_a, tenant_a, ada, raw):
    response = _send(client_a, raw)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_message"
    assert response.json()["details"]["field"] == "message"
    assert _rows(tenant_a) == []


def test_bad_requests(client_a, tenant_a, admin_a, ada, token_for, settings):
    response = client_a.post("/api/v1/inbound-email", data={"other": "x"})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_message")
    response = client_a.post("/api/v1/inbound-email", data="{}", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    settings.INBOUND_EMAIL_MAX_BYTES = 100
    response = _send(client_a, _message())
    assert (response.status_code, response.json()["code"]) == (413, "message_too_large")
    settings.INBOUND_EMAIL_MAX_BYTES = 10**7
    reader = token_for(admin_a, ["crm:read"])
    response = _send(Client(), _message(), HTTP_AUTHORIZATION=f"Bearer {reader}")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    writer = token_for(admin_a, ["crm:write"])
    assert _rows(tenant_a) == []
    assert _send(Client(), _message(), HTTP_AUTHORIZATION=f"Bearer {writer}").status_code == 201


def test_other_tenant_contacts_do_not_match(client_b, tenant_b, ada):
    response = _send(client_b, _message())
    assert response.status_code == 201
    [row] = _rows(tenant_b)
    assert row.status == "unmatched"

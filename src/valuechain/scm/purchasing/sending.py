"""The purchase order as a PDF, and e-mailing it to the supplier.

Sending a draft confirms it (as ``services.submit_order`` does) when no approval rule
applies; an order that needs approval must be approved first. Sending an order already in
force sends it again (a changed delivery date, a lost mail) and records the new time.
The mail leaves after the transaction commits, so a refused or rolled-back send mails nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.pdf import Column, DocumentPdf
from valuechain.scm.procurement.domain import INCOTERM_NAMES
from valuechain.scm.purchasing import queries
from valuechain.scm.purchasing.approval import required_role
from valuechain.scm.purchasing.models import PurchaseOrder
from valuechain.scm.purchasing.services import locked_order, payload, refuse_move

# States in which the order stands with the supplier and may be (re)sent.
RESENDABLE = ("sent", "partially_received", "received")
COLUMNS: tuple[Column, ...] = (
    ("Pos", 15, False),
    ("Our SKU", 25, False),
    ("Your SKU", 55, False),
    ("Description", 85, False),
    ("Qty", 140, True),
    ("Unit", 143, False),
    ("Price", 170, True),
    ("Amount", 195, True),
)


def render_pdf(order: PurchaseOrder, *, compress: bool = True) -> bytes:
    """The order as an A4 PDF (lines loaded by ``queries.order``); ``compress=False`` keeps
    the text readable in the bytes (tests)."""
    source = queries.edi_source(order)
    document = DocumentPdf(
        f"Purchase order {order.number}", f"PURCHASE ORDER {order.number}", compress=compress
    )
    incoterm = order.incoterm
    if incoterm:
        incoterm = f"{incoterm} ({INCOTERM_NAMES.get(incoterm, '')}) {order.incoterm_place}"
    document.facts(
        [
            f"Date {order.order_date.isoformat()} · currency {order.currency}"
            f" · payment {order.payment_terms_days} days net",
            f"Incoterms 2020: {incoterm.strip() if incoterm else 'not agreed'}"
            + (f" · wanted by {order.requested_on.isoformat()}" if order.requested_on else ""),
        ]
    )
    document.parties(
        45,
        [
            (title, [party.name[:40], party.code, f"GLN {party.gln}" if party.gln else ""])
            for title, party in zip(("Buyer", "Supplier", "Ship to"), source.parties, strict=True)
        ],
    )
    document.table(
        25,
        COLUMNS,
        (
            [
                str(line.position),
                line.sku[:18],
                line.supplier_sku[:18],
                line.description[:32],
                f"{line.quantity.normalize():f}",
                line.uom,
                f"{line.unit_price.normalize():f}",
                f"{line.net_amount:.2f}",
            ]
            for line in order.lines.all()
        ),
    )
    document.total(f"Total net {order.net_total:.2f} {order.currency}")
    if order.note:
        document.closing(1, order.note[:120], size=8)
    return document.finish()


def _address(explicit: str, order: PurchaseOrder) -> str:
    address = (explicit or "").strip() or queries.supplier_email(order)
    if not address:
        raise DomainError(
            "email_required",
            f"{order.supplier.code} has no e-mail address on its account; enter one.",
            field="email",
        )
    try:
        validate_email(address)
    except ValidationError:
        raise DomainError(
            "invalid_email", f"{address!r} is not an e-mail address.", field="email"
        ) from None
    return address


@transaction.atomic
def send_order(order_id: int, *, email: str = "", message: str = "") -> PurchaseOrder:
    """E-mail the order's PDF to the supplier and record it; a draft comes into force (sent)."""
    order = locked_order(order_id)
    if order.state == "draft":
        role = required_role(order.base_net_total)
        if role:
            raise DomainError(
                "approval_required",
                f"{order.number} needs approval ({role}) before it is sent; submit it for "
                "approval.",
                field="state",
                status=409,
                details={"role": role},
            )
        if not order.lines.exists():
            raise DomainError(
                "no_lines", f"Order {order.number} has no lines to order.", status=409
            )
        refuse_move(order, "sent", "sent")
    elif order.state not in RESENDABLE:
        raise DomainError(
            "invalid_transition",
            f"Order {order.number} is {order.state.replace('_', ' ')}: it cannot be sent"
            + (" before it is approved." if order.state == "to_approve" else "."),
            field="state",
            status=409,
            details={"state": order.state, "to": "sent"},
        )
    full = queries.order(order.pk)
    address = _address(email, full)
    pdf = render_pdf(full)
    mail = EmailMessage(
        subject=f"Purchase order {order.number}",
        body=message
        or (
            f"Please find attached our purchase order {order.number} of "
            f"{order.order_date.isoformat()}. Kindly confirm the delivery date."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )
    mail.attach(f"{order.number}.pdf", pdf, "application/pdf")
    first = order.state == "draft"
    order.state = "sent"
    order.sent_at = timezone.now()
    order.sent_to = address
    order.save()
    transaction.on_commit(lambda: mail.send(fail_silently=False))
    publish("PurchaseOrderSent", payload(order, sent_to=address, confirmed=first))
    return order

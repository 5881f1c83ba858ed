"""Requests for quotation: ask several suppliers, record their quotes (the buyer, or the
supplier through the API a portal would call), compare them side by side and award the RFQ
— whole or per line — into purchase orders, one per awarded supplier.

The comparison converts every quoted price into the tenant's base currency at today's rate
and scores the offers of each line with procurement's weighted ranking (price, lead time,
lead-time spread from the supplier's record, on-time and quality when measured), so an RFQ
and an item's supplier ranking agree on what "best" means. Expired quotes are shown but
never ranked nor awarded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.fx import rate_on, tenant_base_currency
from valuechain.platform.inputs import clean_number, clean_text
from valuechain.platform.money import normalize_currency
from valuechain.platform.numbering import next_number
from valuechain.platform.tenancy.context import current
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import supply
from valuechain.scm.inventory.models import SupplyRequest
from valuechain.scm.procurement import domain as procurement
from valuechain.scm.procurement.models import Supplier, SupplierProduct
from valuechain.scm.procurement.services import selection_settings, weights_of
from valuechain.scm.purchasing import services
from valuechain.scm.purchasing.models import (
    PurchaseOrder,
    Quote,
    QuoteLine,
    Rfq,
    RfqLine,
    RfqSupplier,
)
from valuechain.scm.purchasing.proposals import expected_date
from valuechain.scm.purchasing.services import not_found

OPEN_RFQ_STATES = ("draft", "sent")
RFQ_SORTS = ("number", "state", "requested_on", "created_at")


def _rfq_payload(rfq: Rfq, **extra: Any) -> dict[str, Any]:
    return {"rfq_id": rfq.pk, "number": rfq.number, "state": rfq.state, **extra}


def _locked_rfq(rfq_id: Any) -> Rfq:
    rfq = (
        Rfq.objects.select_for_update().filter(pk=rfq_id).first()
        if isinstance(rfq_id, int) and not isinstance(rfq_id, bool)
        else None
    )
    if rfq is None:
        raise not_found("rfq")
    return rfq


def _open(rfq: Rfq, action: str) -> None:
    if rfq.state not in OPEN_RFQ_STATES:
        raise DomainError(
            "invalid_transition",
            f"RFQ {rfq.number} is {rfq.state}: it cannot be {action}.",
            field="state",
            status=409,
            details={"state": rfq.state},
        )


def _suppliers(ids: Iterable[Any]) -> list[Supplier]:
    wanted = sorted({i for i in ids if isinstance(i, int) and not isinstance(i, bool)})
    rows = list(Supplier.objects.filter(pk__in=wanted, is_active=True).order_by("pk"))
    if len(rows) != len(wanted):
        raise not_found("supplier", "supplier_ids")
    return rows


# --- RFQs -----------------------------------------------------------------------------------


@transaction.atomic
def create_rfq(
    *,
    warehouse_id: int,
    lines: Iterable[Mapping[str, Any]],
    supplier_ids: Iterable[int] = (),
    requested_on: Any = None,
    reply_by: Any = None,
    note: str = "",
) -> Rfq:
    """A draft RFQ: items and quantities for a warehouse, the suppliers invited to quote."""
    warehouse = services._warehouse(warehouse_id)
    rfq = Rfq.objects.create(
        number=next_number("rfq", prefix="RFQ-"),
        warehouse=warehouse,
        requested_on=services._date(requested_on, "requested_on"),
        reply_by=services._date(reply_by, "reply_by"),
        note=clean_text(note, "note", 2000),
        buyer_id=current().actor_id,
    )
    rows = list(lines)
    if not rows:
        raise DomainError("lines_required", "Add at least one item to quote.", field="lines")
    for position, data in enumerate(rows, start=1):
        variant = Variant.objects.filter(pk=data.get("variant_id")).first()
        if variant is None:
            raise not_found("variant", "variant_id")
        RfqLine.objects.create(
            rfq=rfq,
            position=position,
            variant=variant,
            supply_request=_proposal(data.get("supply_request_id"), variant, warehouse, position),
            quantity=clean_number(
                data.get("quantity"),
                "quantity",
                places=4,
                maximum=services.MAX_QUANTITY,
                positive=True,
            ),
        )
    for supplier in _suppliers(supplier_ids):
        RfqSupplier.objects.create(rfq=rfq, supplier=supplier)
    publish("RfqCreated", _rfq_payload(rfq))
    return rfq


def _proposal(
    request_id: Any, variant: Variant, warehouse: Any, position: int
) -> SupplyRequest | None:
    """The open supply request an RFQ line quotes for: same item, same warehouse."""
    if request_id is None:
        return None
    request = SupplyRequest.objects.filter(pk=request_id).first()
    if request is None:
        raise not_found("supply request", f"lines[{position - 1}].supply_request_id")
    if request.variant_id != variant.pk or request.warehouse_id != warehouse.pk:
        raise DomainError(
            "supply_request_mismatch",
            f"That supply request is for another item or warehouse than line {position}.",
            field=f"lines[{position - 1}].supply_request_id",
        )
    if request.state != "open":
        raise _not_open(request, f"lines[{position - 1}].supply_request_id")
    return request


def _not_open(request: SupplyRequest, field_name: str) -> DomainError:
    return DomainError(
        "already_ordered",
        f"Supply request {request.pk} is {request.state} already (ordered or cancelled).",
        field=field_name,
        status=409,
        details={"supply_request_id": request.pk},
    )


@transaction.atomic
def invite(rfq_id: int, supplier_id: int) -> RfqSupplier:
    """Invite one more supplier to quote on an open RFQ."""
    rfq = _locked_rfq(rfq_id)
    _open(rfq, "changed")
    (supplier,) = _suppliers([supplier_id])
    try:
        with transaction.atomic():
            row = RfqSupplier.objects.create(rfq=rfq, supplier=supplier)
    except IntegrityError as exc:
        raise DomainError(
            "already_invited", f"{supplier.code} is already invited.", status=409
        ) from exc
    publish("RfqChanged", _rfq_payload(rfq, invited=supplier.pk))
    return row


def _supplier_address(supplier: Supplier) -> str:
    from valuechain.crm.customers.models import EmailAddress

    return (
        EmailAddress.objects.filter(account_id=supplier.account_id)
        .order_by("-is_primary", "email", "pk")
        .values_list("email", flat=True)
        .first()
        or ""
    )


@transaction.atomic
def send_rfq(rfq_id: int, *, email: bool = True) -> Rfq:
    """Mark the RFQ sent; with ``email`` each invited supplier with an address gets the request.

    Suppliers without an e-mail address are asked another way (phone, portal); their row keeps
    an empty ``emailed_to``.
    """
    rfq = _locked_rfq(rfq_id)
    if rfq.state != "draft":
        raise DomainError(
            "invalid_transition",
            f"RFQ {rfq.number} is {rfq.state}: only drafts are sent.",
            field="state",
            status=409,
        )
    invitations = list(
        RfqSupplier.objects.filter(rfq=rfq).select_related("supplier__account").order_by("pk")
    )
    if not invitations:
        raise DomainError(
            "suppliers_required", "Invite at least one supplier.", field="supplier_ids", status=409
        )
    lines = list(RfqLine.objects.filter(rfq=rfq).select_related("variant").order_by("position"))
    body = "\n".join(
        f"{line.position}. {line.variant.sku} {line.variant.name}: {line.quantity.normalize():f}"
        for line in lines
    )
    now = timezone.now()
    mails = []
    for invitation in invitations:
        address = _supplier_address(invitation.supplier) if email else ""
        if address:
            mails.append(
                EmailMessage(
                    subject=f"Request for quotation {rfq.number}",
                    body=(
                        f"Please quote your unit price, lead time and minimum order quantity "
                        f"for:\n\n{body}\n\nDelivery to {rfq.warehouse.name}"
                        + (
                            f", wanted by {rfq.requested_on.isoformat()}"
                            if rfq.requested_on
                            else ""
                        )
                        + (
                            f". Please reply by {rfq.reply_by.isoformat()}."
                            if rfq.reply_by
                            else "."
                        )
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[address],
                )
            )
            invitation.emailed_to = address
            invitation.emailed_at = now
            invitation.save()
    rfq.state = "sent"
    rfq.sent_at = now
    rfq.save()
    transaction.on_commit(lambda: [mail.send(fail_silently=False) for mail in mails])
    publish("RfqSent", _rfq_payload(rfq, emailed=len(mails)))
    return rfq


@transaction.atomic
def cancel_rfq(rfq_id: int) -> Rfq:
    """Cancel an open RFQ (its quotes stay for the record)."""
    rfq = _locked_rfq(rfq_id)
    _open(rfq, "cancelled")
    rfq.state = "cancelled"
    rfq.closed_at = timezone.now()
    rfq.save()
    publish("RfqCancelled", _rfq_payload(rfq))
    return rfq


# --- quotes ---------------------------------------------------------------------------------


@transaction.atomic
def record_quote(
    rfq_id: int,
    *,
    supplier_id: int,
    lines: Iterable[Mapping[str, Any]],
    currency: str = "",
    valid_until: Any = None,
    note: str = "",
    channel: str = "buyer",
) -> Quote:
    """Record (or replace) a supplier's quote: per RFQ line a unit price, lead time and MOQ.

    Lines the supplier does not quote are left out. A supplier not yet invited is invited.
    """
    rfq = _locked_rfq(rfq_id)
    _open(rfq, "quoted")
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        raise not_found("supplier", "supplier_id")
    RfqSupplier.objects.get_or_create(rfq=rfq, supplier=supplier)
    rfq_lines = {line.pk: line for line in RfqLine.objects.filter(rfq=rfq)}
    rows = list(lines)
    if not rows:
        raise DomainError("lines_required", "Quote at least one line.", field="lines")
    Quote.objects.filter(rfq=rfq, supplier=supplier).delete()
    quote = Quote.objects.create(
        rfq=rfq,
        supplier=supplier,
        currency=normalize_currency(currency or supplier.currency, "currency"),
        valid_until=services._date(valid_until, "valid_until"),
        received_on=timezone.localdate(),
        channel=channel if channel in ("buyer", "api", "portal") else "buyer",
        note=clean_text(note, "note", 2000),
    )
    seen = set()
    for data in rows:
        line = rfq_lines.get(data.get("rfq_line_id"))
        if line is None:
            raise not_found("rfq line", "rfq_line_id")
        if line.pk in seen:
            raise DomainError(
                "duplicate_line", f"Line {line.position} is quoted twice.", field="lines"
            )
        seen.add(line.pk)
        QuoteLine.objects.create(
            quote=quote,
            rfq_line=line,
            unit_price=clean_number(
                data.get("unit_price"), "unit_price", places=6, maximum=services.MAX_PRICE
            ),
            lead_time_days=clean_number(
                data.get("lead_time_days", 0), "lead_time_days", places=2, maximum=Decimal(3650)
            ),
            min_order_quantity=clean_number(
                data.get("min_order_quantity", 0),
                "min_order_quantity",
                places=4,
                maximum=services.MAX_QUANTITY,
            ),
        )
    publish("QuoteRecorded", _rfq_payload(rfq, supplier_id=supplier.pk, quote_id=quote.pk))
    return quote


# --- comparison -----------------------------------------------------------------------------


@dataclass
class Offer:
    """One supplier's offer for one RFQ line, in its currency and the base currency."""

    quote_line: QuoteLine
    supplier: Supplier
    currency: str
    unit_price: Decimal
    quantity: Decimal  # the RFQ quantity raised to the quoted MOQ
    total: Decimal
    unit_price_base: Decimal | None
    total_base: Decimal | None
    lead_time_days: Decimal
    expired: bool
    problem: str = ""
    rank: int | None = None
    score: Decimal | None = None

    @property
    def best(self) -> bool:
        """The offer to award: rank 1 of its line."""
        return self.rank == 1


@dataclass
class LineComparison:
    """The offers for one RFQ line, best first, then the unranked ones."""

    line: RfqLine
    offers: list[Offer] = field(default_factory=list)

    @property
    def best(self) -> Offer | None:
        """The best-ranked offer, if any."""
        return next((offer for offer in self.offers if offer.best), None)


@dataclass
class Comparison:
    """An RFQ's quotes side by side: per line, and per supplier the total of what it quoted."""

    rfq: Rfq
    base_currency: str
    lines: list[LineComparison]
    suppliers: list[Supplier]
    totals_base: dict[int, Decimal]  # supplier id → base total of its (unexpired) offers


def rfq(rfq_id: int) -> Rfq:
    """One RFQ with lines, invitations and quotes loaded, or 404."""
    row = (
        Rfq.objects.select_related("warehouse")
        .prefetch_related(
            Prefetch(
                "lines", queryset=RfqLine.objects.select_related("variant").order_by("position")
            ),
            Prefetch(
                "invitations",
                queryset=RfqSupplier.objects.select_related("supplier__account").order_by("pk"),
            ),
            Prefetch(
                "quotes",
                queryset=Quote.objects.select_related("supplier__account")
                .prefetch_related("lines")
                .order_by("supplier__code"),
            ),
        )
        .filter(pk=rfq_id)
        .first()
    )
    if row is None:
        raise not_found("rfq")
    return row


def rfqs(*, state: str = "", q: str = "") -> QuerySet[Rfq]:
    """RFQs with their warehouse; ``q`` searches the number."""
    rows = Rfq.objects.select_related("warehouse")
    if state:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(number__icontains=q)
    return rows


def supplier_rfqs(supplier_id: int) -> QuerySet[Rfq]:
    """RFQs sent to one supplier (drafts are not shown to it), newest first."""
    return (
        Rfq.objects.select_related("warehouse")
        .filter(invitations__supplier_id=supplier_id)
        .exclude(state="draft")
        .order_by("-created_at", "-pk")
    )


def invited_rfq(rfq_id: int, supplier_id: int) -> Rfq:
    """An RFQ sent to the supplier, with lines and that supplier's quote only, or 404."""
    row = (
        supplier_rfqs(supplier_id)
        .prefetch_related(
            Prefetch(
                "lines", queryset=RfqLine.objects.select_related("variant").order_by("position")
            ),
            Prefetch(
                "quotes",
                queryset=Quote.objects.filter(supplier_id=supplier_id).prefetch_related("lines"),
            ),
        )
        .filter(pk=rfq_id)
        .first()
    )
    if row is None:
        raise not_found("rfq")
    return row


def compare(rfq_id: int, *, today: dt.date | None = None) -> Comparison:
    """Every quote of the RFQ side by side, ranked per line with procurement's weights."""
    found = rfq(rfq_id)
    on = today or timezone.localdate()
    base = tenant_base_currency()
    weights = weights_of(selection_settings())
    quotes = list(found.quotes.all())
    spreads = {
        (row.supplier_id, row.variant_id): row.lead_time_std_days
        for row in SupplierProduct.objects.filter(
            supplier_id__in=[q.supplier_id for q in quotes],
            variant_id__in=[line.variant_id for line in found.lines.all()],
        )
    }
    rates: dict[str, Decimal | None] = {}
    totals: dict[int, Decimal] = {}
    compared = []
    for line in found.lines.all():
        offers = []
        for quote in quotes:
            quote_line = next((ql for ql in quote.lines.all() if ql.rfq_line_id == line.pk), None)
            if quote_line is None:
                continue
            if quote.currency not in rates:
                try:
                    rates[quote.currency] = rate_on(quote.currency, base, on)
                except DomainError:
                    rates[quote.currency] = None
            rate = rates[quote.currency]
            quantity = max(line.quantity, quote_line.min_order_quantity)
            total = (quantity * quote_line.unit_price).quantize(Decimal("0.01"))
            expired = quote.valid_until is not None and quote.valid_until < on
            problem = "expired" if expired else ""
            if rate is None:
                problem = f"no {quote.currency}/{base} exchange rate"
            offers.append(
                Offer(
                    quote_line=quote_line,
                    supplier=quote.supplier,
                    currency=quote.currency,
                    unit_price=quote_line.unit_price,
                    quantity=quantity,
                    total=total,
                    unit_price_base=None if rate is None else (quote_line.unit_price * rate),
                    total_base=None if rate is None else (total * rate).quantize(Decimal("0.01")),
                    lead_time_days=quote_line.lead_time_days,
                    expired=expired,
                    problem=problem,
                )
            )
        rankable = [o for o in offers if not o.problem]
        candidates = [
            procurement.Candidate(
                key=o.quote_line.pk,
                code=o.supplier.code,
                # Compare what the line costs: a higher MOQ makes a lower price dearer.
                unit_price=(o.total_base or Decimal(0)) / line.quantity,
                lead_time_days=o.lead_time_days,
                lead_time_std_days=spreads.get((o.supplier.pk, line.variant_id), Decimal(0)),
            )
            for o in rankable
        ]
        by_key = {o.quote_line.pk: o for o in rankable}
        ordered = []
        for ranked in procurement.rank(candidates, weights):
            offer = by_key[ranked.candidate.key]
            offer.rank, offer.score = ranked.rank, ranked.score
            ordered.append(offer)
            totals[offer.supplier.pk] = totals.get(offer.supplier.pk, Decimal(0)) + (
                offer.total_base or Decimal(0)
            )
        unranked = sorted((o for o in offers if o.problem), key=lambda o: o.supplier.code)
        compared.append(LineComparison(line, ordered + unranked))
    suppliers = sorted({q.supplier.pk: q.supplier for q in quotes}.values(), key=lambda s: s.code)
    return Comparison(found, base, compared, suppliers, totals)


# --- award ----------------------------------------------------------------------------------


@transaction.atomic
def award(
    rfq_id: int,
    *,
    supplier_id: int | None = None,
    lines: Mapping[int, int] | None = None,
    order_date: dt.date | None = None,
) -> list[PurchaseOrder]:
    """Award the RFQ into draft purchase orders, one per awarded supplier; the RFQ closes.

    ``supplier_id`` awards every line to one supplier (it must have quoted them all);
    ``lines`` maps RFQ line ids to supplier ids; neither: each line goes to its best offer.
    """
    locked = _locked_rfq(rfq_id)
    _open(locked, "awarded")
    on = order_date or timezone.localdate()
    comparison = compare(locked.pk, today=on)
    chosen: dict[int, list[tuple[LineComparison, Offer]]] = {}
    for item in comparison.lines:
        wanted = supplier_id if supplier_id is not None else (lines or {}).get(item.line.pk)
        if wanted is None and lines is not None and supplier_id is None:
            continue  # a per-line award may leave lines unawarded
        offer = (
            item.best
            if wanted is None
            else next((o for o in item.offers if o.supplier.pk == wanted), None)
        )
        if offer is None:
            raise DomainError(
                "no_offer",
                f"Line {item.line.position} ({item.line.variant.sku}) has no quote "
                + ("from that supplier." if wanted else "that can be awarded."),
                field="lines",
                status=409,
                details={"rfq_line_id": item.line.pk},
            )
        if offer.expired:
            raise DomainError(
                "quote_expired",
                f"{offer.supplier.code}'s quote for line {item.line.position} has expired.",
                field="lines",
                status=409,
                details={"rfq_line_id": item.line.pk},
            )
        chosen.setdefault(offer.supplier.pk, []).append((item, offer))
    if not chosen:
        raise DomainError("nothing_awarded", "Award at least one line.", field="lines")
    # The proposals the awarded lines quote for, locked in primary-key order: a proposal
    # ordered meanwhile from the Proposals page is not ordered twice.
    request_ids = sorted(
        item.line.supply_request_id
        for members in chosen.values()
        for item, _offer in members
        if item.line.supply_request_id is not None
    )
    requests = {
        row.pk: row
        for row in SupplyRequest.objects.select_for_update()
        .filter(pk__in=request_ids)
        .order_by("pk")
    }
    for row in requests.values():
        if row.state != "open":
            raise _not_open(row, "lines")
    created = []
    for awarded_supplier, members in sorted(chosen.items()):
        currency = members[0][1].currency
        order = services.create_order(
            supplier_id=awarded_supplier,
            warehouse_id=locked.warehouse_id,
            currency=currency,
            order_date=on,
            requested_on=locked.requested_on,
            rfq_id=locked.pk,
            note=f"Awarded from {locked.number}.",
            lines=[
                {
                    "variant_id": item.line.variant_id,
                    "quantity": offer.quantity,
                    "unit_price": offer.unit_price,
                    "requested_on": locked.requested_on or expected_date(on, offer.lead_time_days),
                    "supply_request_id": item.line.supply_request_id
                    if item.line.supply_request_id in requests
                    else None,
                }
                for item, offer in members
            ],
        )
        for item, offer in members:
            QuoteLine.objects.filter(pk=offer.quote_line.pk).update(awarded=True)
            request_id = item.line.supply_request_id
            if request_id is not None and request_id in requests:
                supply.change_supply_request(
                    request_id,
                    state="ordered",
                    quantity=offer.quantity,
                    expected_on=locked.requested_on or expected_date(on, offer.lead_time_days),
                )
        created.append(order)
    locked.state = "closed"
    locked.closed_at = timezone.now()
    locked.save()
    publish(
        "RfqAwarded",
        _rfq_payload(locked, purchase_order_ids=[order.pk for order in created]),
    )
    return created

"""Use cases of customer returns (RMA): request, authorise / reject / cancel, receive into
quality, inspect with a disposition per line, close with a refund or credit record, and
mark the refund paid.

Every function runs in one transaction and raises DomainError with a stable code (nothing
is written then). Rows are locked in one order: the sales order (requesting, so two
requests cannot both claim the last returnable unit), then the RMA, then its lines in
primary-key order, then inventory's balance rows (inside inventory's own services). Two
receipts of the same RMA at once queue on the RMA row; the second then finds it received
and is refused, so stock is booked once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_text
from valuechain.platform.numbering import next_number
from valuechain.platform.tenancy.context import current
from valuechain.scm.inventory import movements
from valuechain.scm.inventory.services import location_of
from valuechain.scm.orders import aftersales
from valuechain.scm.orders.models import SalesOrder, SalesOrderLine
from valuechain.scm.returns import domain, queries
from valuechain.scm.returns.models import CustomerRefund, ReturnAuthorization, ReturnLine

SOURCE_TYPE = "returns.returnline"
RETURNABLE_ORDER_STATES = ("partially_shipped", "shipped", "closed")
MAX_LINES = 200


def _not_found(label: str, field: str | None = None) -> DomainError:
    return DomainError("not_found", f"No such {label}.", field=field, status=404)


def _payload(rma: ReturnAuthorization, **extra: Any) -> dict[str, Any]:
    return {
        "rma_id": rma.pk,
        "number": rma.number,
        "order_id": rma.order_id,
        "account_id": rma.account_id,
        "person_id": rma.person_id,
        "state": rma.state,
        **extra,
    }


def _locked(rma_id: int) -> ReturnAuthorization:
    rma = ReturnAuthorization.objects.select_for_update().filter(pk=rma_id).first()
    if rma is None:
        raise _not_found("return")
    return rma


def _locked_lines(rma: ReturnAuthorization) -> list[ReturnLine]:
    return list(
        ReturnLine.objects.select_for_update(of=("self",))
        .filter(rma=rma)
        .select_related("variant", "order_line")
        .order_by("pk")
    )


def _move(rma: ReturnAuthorization, target: str) -> None:
    domain.check_move(rma.state, target)
    rma.state = target


def _choice(value: Any, field: str, choices: Sequence[str], code: str) -> str:
    """One of the choices; ``invalid_<code>`` naming the input at fault otherwise."""
    text = str(value or "").strip()
    if text not in choices:
        raise DomainError(
            f"invalid_{code}",
            f"{text!r} is not a valid {code.replace('_', ' ')}; use one of {', '.join(choices)}.",
            field=field,
        )
    return text


def _id(value: Any, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError(
            "invalid_id", f"Give the {field.replace('_', ' ')}.", field=field
        ) from None


# --- request --------------------------------------------------------------------------------


def _wanted_lines(order: SalesOrder, raw_lines: Any) -> list[tuple[SalesOrderLine, Decimal, str]]:
    """(order line, quantity, reason code) per requested line, each checked."""
    if not isinstance(raw_lines, Sequence) or isinstance(raw_lines, (str, bytes)) or not raw_lines:
        raise DomainError("no_lines", "Name at least one order line to return.", field="lines")
    if len(raw_lines) > MAX_LINES:
        raise DomainError("too_many_lines", f"At most {MAX_LINES} lines.", field="lines")
    order_lines = {line.pk: line for line in SalesOrderLine.objects.filter(order=order)}
    seen: set[int] = set()
    wanted = []
    for index, raw in enumerate(raw_lines):
        field = f"lines[{index}]"
        line_id = _id(raw.get("order_line_id"), f"{field}.order_line_id")
        line = order_lines.get(line_id)
        if line is None:
            raise DomainError(
                "unknown_line",
                f"Line {line_id} is not on {order.number}.",
                field=f"{field}.order_line_id",
            )
        if line_id in seen:
            raise DomainError(
                "duplicate_line",
                "Name each order line once.",
                field=f"{field}.order_line_id",
            )
        seen.add(line_id)
        qty = domain.quantity(raw.get("quantity"), f"{field}.quantity")
        reason = _choice(
            raw.get("reason_code") or "other",
            f"{field}.reason_code",
            domain.REASON_CODES,
            "reason_code",
        )
        claims = queries.claims(line_id)
        domain.check_returnable(
            qty, line.shipped_quantity, claims, sku=line.sku, field=f"{field}.quantity"
        )
        wanted.append((line, qty, reason))
    return wanted


@transaction.atomic
def request_return(
    *,
    order_id: int,
    lines: Sequence[Mapping[str, Any]],
    reason: str = "",
    warehouse_id: int | None = None,
) -> ReturnAuthorization:
    """A customer's return request over shipped lines of one order.

    ``lines``: order_line_id, quantity, reason_code (``REASON_CODES``, default other).
    The goods come back to ``warehouse_id``, by default the warehouse the order shipped
    from. Refuses ``not_returnable`` (409, nothing shipped yet), ``exceeds_returnable``
    (409), ``unknown_line``, ``duplicate_line``, ``invalid_quantity``, ``no_lines``.
    """
    order = SalesOrder.objects.select_for_update().filter(pk=_id(order_id, "order_id")).first()
    if order is None:
        raise _not_found("sales order", "order_id")
    if order.state not in RETURNABLE_ORDER_STATES:
        raise DomainError(
            "not_returnable",
            f"{order.number} is {order.get_state_display()}; only shipped goods come back.",
            status=409,
            field="order_id",
            details={"state": order.state},
        )
    wanted = _wanted_lines(order, lines)
    warehouse = queries.return_warehouse(order.pk, warehouse_id)
    if warehouse is None:
        raise _not_found("warehouse", "warehouse_id")
    rma = ReturnAuthorization.objects.create(
        number=next_number("rma", prefix="RMA-"),
        order=order,
        account_id=order.account_id,
        person_id=order.person_id,
        warehouse=warehouse,
        reason=clean_text(reason, "reason", 500),
        requested_by_id=current().actor_id,
    )
    for line, qty, code in wanted:
        ReturnLine.objects.create(
            rma=rma, order_line=line, variant_id=line.variant_id, quantity=qty, reason_code=code
        )
    publish(
        "ReturnRequested",
        _payload(rma, lines={str(line.pk): str(qty) for line, qty, _code in wanted}),
    )
    return rma


# --- decisions ------------------------------------------------------------------------------


@transaction.atomic
def authorise(rma_id: int) -> ReturnAuthorization:
    """Accept the request: the customer may send the goods."""
    rma = _locked(rma_id)
    _move(rma, "authorised")
    rma.authorised_at = timezone.now()
    rma.save(update_fields=["state", "authorised_at", "updated_at"])
    publish("ReturnAuthorised", _payload(rma))
    return rma


@transaction.atomic
def reject(rma_id: int, *, note: str = "") -> ReturnAuthorization:
    """Refuse the request (out of the return window, not from us…), saying why."""
    rma = _locked(rma_id)
    _move(rma, "rejected")
    rma.decision_note = clean_text(note, "note", 300)
    rma.save(update_fields=["state", "decision_note", "updated_at"])
    publish("ReturnRejected", _payload(rma, note=rma.decision_note))
    return rma


@transaction.atomic
def cancel(rma_id: int, *, note: str = "") -> ReturnAuthorization:
    """Drop a return whose goods have not come back (the customer kept them)."""
    rma = _locked(rma_id)
    _move(rma, "cancelled")
    rma.decision_note = clean_text(note, "note", 300)
    rma.save(update_fields=["state", "decision_note", "updated_at"])
    publish("ReturnCancelled", _payload(rma, note=rma.decision_note))
    return rma


# --- receipt and inspection -----------------------------------------------------------------


@transaction.atomic
def receive(rma_id: int, quantities: Mapping[int, Any] | None = None) -> ReturnAuthorization:
    """Take the goods back into the warehouse's quality location, to inspect them.

    ``quantities`` per return line id (default: everything authorised); a line left out
    or at 0 did not come back and refunds nothing. Refuses ``invalid_state`` (409, e.g. a
    second receipt), ``exceeds_authorised`` (409), ``nothing_received``.
    """
    rma = _locked(rma_id)
    _move(rma, "received")
    lines = _locked_lines(rma)
    known = {line.pk for line in lines}
    given = {} if quantities is None else {int(k): v for k, v in quantities.items()}
    unknown = sorted(set(given) - known)
    if unknown:
        raise DomainError(
            "unknown_line", f"Line {unknown[0]} is not on {rma.number}.", field="quantities"
        )
    booked: dict[str, str] = {}
    for line in lines:
        field = f"quantities.{line.pk}"
        raw = given.get(line.pk, line.quantity if quantities is None else 0)
        qty = Decimal(0) if str(raw).strip() in ("0", "") else domain.quantity(raw, field)
        domain.check_received(qty, line.quantity, sku=line.variant.sku, field=field)
        if qty == 0:
            continue
        movements.return_goods(
            variant=line.variant,
            warehouse=rma.warehouse,
            quantity=qty,
            to_quality=True,
            reference=rma.number,
            source_type=SOURCE_TYPE,
            source_id=line.pk,
        )
        line.quantity_received = qty
        line.save(update_fields=["quantity_received", "updated_at"])
        booked[str(line.pk)] = str(qty)
    if not booked:
        raise DomainError(
            "nothing_received", "Enter what came back of at least one line.", field="quantities"
        )
    rma.received_at = timezone.now()
    rma.save(update_fields=["state", "received_at", "updated_at"])
    aftersales.record_customer_event(
        rma.order_id, "returned", f"{rma.number}: {len(booked)} line(s) received"
    )
    publish("ReturnReceived", _payload(rma, lines=booked))
    return rma


def _dispose(rma: ReturnAuthorization, line: ReturnLine) -> None:
    """Move a received line's goods out of quality to where its disposition sends them."""
    target = domain.DISPOSITIONS[line.disposition]
    if target == "quality":
        return  # refurbish and return to vendor: the goods wait in quality
    quality = location_of(rma.warehouse, "quality")
    if target == "scrap":
        movements.scrap(
            variant=line.variant,
            warehouse=rma.warehouse,
            quantity=line.quantity_received,
            location=quality,
            reference=rma.number,
        )
        return
    movements.post_move(
        kind="transfer",
        variant=line.variant,
        quantity=line.quantity_received,
        from_location=quality,
        to_location=location_of(rma.warehouse, "stock"),
        reference=rma.number,
        source_type=SOURCE_TYPE,
        source_id=line.pk,
    )


@transaction.atomic
def inspect(rma_id: int, results: Sequence[Mapping[str, Any]]) -> ReturnAuthorization:
    """Record each received line's condition and disposition, and move the goods.

    ``results``: line_id, condition (``CONDITIONS``), disposition (restock, refurbish,
    scrap, return_to_vendor), optional note. Every line that came back needs one.
    Restock moves the goods from quality to stock, scrap to the scrap location; refurbish
    and return to vendor leave them in quality.
    """
    rma = _locked(rma_id)
    _move(rma, "inspected")
    lines = {line.pk: line for line in _locked_lines(rma)}
    found: dict[int, Mapping[str, Any]] = {}
    for index, result in enumerate(results or []):
        line_id = _id(result.get("line_id"), f"results[{index}].line_id")
        if line_id not in lines:
            raise DomainError(
                "unknown_line",
                f"Line {line_id} is not on {rma.number}.",
                field=f"results[{index}].line_id",
            )
        found[line_id] = {**result, "index": index}
    received = [line for line in lines.values() if line.quantity_received > 0]
    for line in received:
        if line.pk not in found:
            raise DomainError(
                "inspection_incomplete",
                f"Inspect every line that came back: {line.variant.sku} has no result.",
                field="results",
                details={"line_id": line.pk},
            )
        result = found[line.pk]
        field = f"results[{result['index']}]"
        line.condition = _choice(
            result.get("condition"), f"{field}.condition", domain.CONDITIONS, "condition"
        )
        line.disposition = _choice(
            result.get("disposition"),
            f"{field}.disposition",
            tuple(domain.DISPOSITIONS),
            "disposition",
        )
        line.inspection_note = clean_text(result.get("note"), f"{field}.note", 300)
        line.save(update_fields=["condition", "disposition", "inspection_note", "updated_at"])
        _dispose(rma, line)
    rma.inspected_at = timezone.now()
    rma.save(update_fields=["state", "inspected_at", "updated_at"])
    publish(
        "ReturnInspected",
        _payload(rma, dispositions={str(line.pk): line.disposition for line in received}),
    )
    return rma


# --- close and refund -----------------------------------------------------------------------


@transaction.atomic
def close(rma_id: int, *, method: str = "refund") -> CustomerRefund:
    """Close an inspected return with its refund (to pay back) or credit note (pending).

    The amount is the order lines' price for the quantities received (domain docstring).
    """
    chosen = _choice(method or "refund", "method", domain.REFUND_METHODS, "method")
    rma = _locked(rma_id)
    _move(rma, "closed")
    lines = _locked_lines(rma)
    order = rma.order
    amounts = domain.refund_amounts(
        (
            domain.PricedReturn(
                line.quantity_received,
                line.order_line.unit_price,
                line.order_line.discount_percent,
                line.order_line.tax_rate,
            )
            for line in lines
        ),
        order.currency,
    )
    key, prefix = ("refund", "RF-") if chosen == "refund" else ("credit-note", "CN-")
    refund = CustomerRefund.objects.create(
        number=next_number(key, prefix=prefix),
        rma=rma,
        order=order,
        method=chosen,
        currency=order.currency,
        net_amount=amounts.net,
        tax_amount=amounts.tax,
        gross_amount=amounts.gross,
    )
    rma.closed_at = timezone.now()
    rma.save(update_fields=["state", "closed_at", "updated_at"])
    label = "refund" if chosen == "refund" else "credit note"
    aftersales.record_customer_event(
        order.pk, "refunded", f"{refund.number}: {label} of {amounts.gross} {order.currency}"
    )
    publish(
        "ReturnClosed",
        _payload(
            rma,
            refund_id=refund.pk,
            refund_number=refund.number,
            method=chosen,
            gross_amount=str(amounts.gross),
            currency=order.currency,
        ),
    )
    return refund


@transaction.atomic
def mark_refund_paid(refund_id: int, *, reference: str = "") -> CustomerRefund:
    """Record that the refund was paid out (or the credit note used up)."""
    refund = CustomerRefund.objects.select_for_update().filter(pk=refund_id).first()
    if refund is None:
        raise _not_found("refund")
    if refund.state != "pending":
        raise DomainError(
            "refund_not_pending",
            f"{refund.number} is {refund.state} already.",
            status=409,
            details={"state": refund.state},
        )
    refund.state = "paid"
    refund.paid_at = timezone.now()
    refund.payment_reference = clean_text(reference, "reference", 100)
    refund.save(update_fields=["state", "paid_at", "payment_reference", "updated_at"])
    publish(
        "CustomerRefundPaid",
        {
            "refund_id": refund.pk,
            "number": refund.number,
            "rma_id": refund.rma_id,
            "gross_amount": str(refund.gross_amount),
            "currency": refund.currency,
        },
    )
    return refund

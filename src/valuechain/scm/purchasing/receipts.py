"""What receipts mean for purchase orders: the received, accepted, rejected, billed and
returned quantities of order lines, the order's receipt state and the lines' supply requests.

Receiving, quality and payables call these inside their own transaction (one context changes
another only through that context's services). Locks: the order row, then its lines in
primary-key order; the caller takes them before inventory locks any balance row (a receipt
books stock after it holds the lines, and quality reports an inspection's outcome before it
moves the goods), so a receipt and an inspection of the same line never wait on each other in
opposite orders. Payables locks only the lines (a bill after the bill row; a return to vendor
after the return row and quality's held inspections, before moving the goods).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from valuechain.scm.inventory import supply
from valuechain.scm.purchasing import domain
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine

LINE_RECEIPT_FIELDS = ["received_quantity", "accepted_quantity", "updated_at"]
LINE_INSPECTION_FIELDS = ["accepted_quantity", "rejected_quantity", "updated_at"]


def lock_for_receipt(
    purchase_order_id: int,
) -> tuple[PurchaseOrder, list[PurchaseOrderLine]] | None:
    """The order and all its lines, locked (the order, then the lines in primary-key order);
    None when the current tenant has no such order."""
    order = PurchaseOrder.objects.select_for_update().filter(pk=purchase_order_id).first()
    if order is None:
        return None
    lines = list(PurchaseOrderLine.objects.select_for_update().filter(order=order).order_by("pk"))
    return order, lines


def record_received(
    order: PurchaseOrder,
    lines: list[PurchaseOrderLine],
    received: Mapping[int, Decimal],
    accepted: Mapping[int, Decimal],
) -> list[PurchaseOrderLine]:
    """Add a receipt's quantities (per line id; accepted = booked to stock without inspection)
    to the order's locked ``lines``, then move the order's state and settle supply requests.

    Returns the changed lines in primary-key order.
    """
    changed = [line for line in lines if line.pk in received or line.pk in accepted]
    changed.sort(key=lambda line: line.pk)
    for line in changed:
        line.received_quantity += received.get(line.pk, domain.ZERO)
        line.accepted_quantity += accepted.get(line.pk, domain.ZERO)
        line.save(update_fields=LINE_RECEIPT_FIELDS)
    refresh_receipt_state(order, lines)
    _settle_supply_requests(changed)
    return changed


def refresh_receipt_state(order: PurchaseOrder, lines: list[PurchaseOrderLine]) -> None:
    """Put the locked order in the state its lines' receipts mean (sent, partially received,
    received), when the states allow that move; an order closed meanwhile stays closed."""
    ordered, received = domain.order_receipt_totals(
        (line.quantity, line.received_quantity) for line in lines
    )
    state = domain.receipt_state(ordered, received)
    if state != order.state and domain.can_move(order.state, state):
        order.state = state
        order.save(update_fields=["state", "updated_at"])


def _settle_supply_requests(lines: list[PurchaseOrderLine]) -> None:
    """A fully received line's supply request is done; a partly received one waits for the
    rest only (so the stock received is not counted as incoming as well)."""
    for line in lines:
        if line.supply_request_id is None:
            continue
        request = line.supply_request
        if request is None or request.state not in ("open", "ordered"):
            continue
        if line.received_quantity >= line.quantity:
            supply.change_supply_request(request.pk, state="done")
        elif line.open_quantity < request.quantity:
            supply.change_supply_request(request.pk, quantity=line.open_quantity)


def record_inspected(po_line_id: int, accepted: Decimal, rejected: Decimal) -> PurchaseOrderLine:
    """Add an inspection's accepted and rejected quantities to a purchase order line (locked)."""
    line = PurchaseOrderLine.objects.select_for_update().get(pk=po_line_id)
    line.accepted_quantity += accepted
    line.rejected_quantity += rejected
    line.save(update_fields=LINE_INSPECTION_FIELDS)
    return line


def lock_lines(line_ids: Iterable[int]) -> dict[int, PurchaseOrderLine]:
    """Order lines by id, locked in primary-key order (a bill or a return to vendor)."""
    ids = sorted(set(line_ids))
    return {
        line.pk: line
        for line in PurchaseOrderLine.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }


def record_billed(
    lines: Mapping[int, PurchaseOrderLine], billed: Mapping[int, Decimal], sign: int
) -> None:
    """Add (sign 1) or take back (sign -1) a bill's quantities (per line id) on locked lines."""
    for line_id in sorted(billed):
        line = lines[line_id]
        line.billed_quantity += sign * billed[line_id]
        line.save(update_fields=["billed_quantity"])


def record_returned(
    lines: Mapping[int, PurchaseOrderLine], returned: Mapping[int, Decimal]
) -> None:
    """Add a shipped return to vendor's quantities (per line id) to the locked lines."""
    for line_id in sorted(returned):
        line = lines[line_id]
        line.returned_quantity += returned[line_id]
        line.save(update_fields=["returned_quantity"])

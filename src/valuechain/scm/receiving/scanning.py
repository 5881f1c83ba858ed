"""Scanning against a purchase order: what a scanned or typed code adds to the pending
receipt. Reads only; ``services.receive`` books the pending lines.

A code is parsed and classified by the bar-code context (GS1 element strings with (01) GTIN,
(10) lot, (17) expiry and (37) count, bare GTINs, SSCCs, SKUs). An item counts against the
first line of its variant with something still open; an SSCC adds the package lines of the
order's expected ship notice. Unknown codes, items not on the order and counts beyond the
over-receipt tolerance are refused with a message for the code field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from valuechain.platform.errors import DomainError
from valuechain.scm.barcodes import queries as barcodes
from valuechain.scm.barcodes.scan import parse_code
from valuechain.scm.inventory import services as inventory
from valuechain.scm.purchasing.models import PurchaseOrder
from valuechain.scm.receiving import domain, queries
from valuechain.scm.receiving.services import quantity_text, tolerance_percent


@dataclass(frozen=True)
class PendingLine:
    """A quantity waiting to be received: PO line, lot and expiry (ISO text or "")."""

    po_line_id: int
    quantity: Decimal
    lot_number: str = ""
    expires_on: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The session / JSON form."""
        return {
            "po_line_id": self.po_line_id,
            "quantity": str(self.quantity),
            "lot_number": self.lot_number,
            "expires_on": self.expires_on,
        }


@dataclass(frozen=True)
class ScanMatch:
    """What one scan adds: lines (one for an item, a package's for an SSCC) and the ASN."""

    lines: list[PendingLine]
    message: str
    asn_id: int | None = None
    sscc: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def pending_from(data: Sequence[Any]) -> list[PendingLine]:
    """Pending lines from their session / JSON form (bad entries dropped)."""
    result = []
    for raw in data or []:
        try:
            result.append(
                PendingLine(
                    int(raw["po_line_id"]),
                    Decimal(str(raw["quantity"])),
                    str(raw.get("lot_number") or ""),
                    str(raw.get("expires_on") or ""),
                )
            )
        except (KeyError, TypeError, ValueError, ArithmeticError):
            continue
    return result


def merge(pending: Sequence[PendingLine], adding: Sequence[PendingLine]) -> list[PendingLine]:
    """Add scans to the pending list: the same line, lot and expiry add up."""
    totals: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    for row in [*pending, *adding]:
        totals[(row.po_line_id, row.lot_number, row.expires_on)] += row.quantity
    return [PendingLine(k[0], q, k[1], k[2]) for k, q in totals.items() if q > 0]


def pending_by_line(pending: Sequence[PendingLine]) -> dict[int, Decimal]:
    """Pending quantity per PO line."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for row in pending:
        totals[row.po_line_id] += row.quantity
    return dict(totals)


def _quantity(value: Any, scanned: int | None) -> Decimal:
    if value in (None, ""):
        return Decimal(scanned) if scanned else Decimal(1)
    try:
        return inventory.clean_quantity(value)
    except DomainError as error:
        raise DomainError(error.code, error.message, field="quantity") from None


def _check_tolerance(order: PurchaseOrder, adding: Sequence[PendingLine], pending: Any) -> None:
    lines = {line.pk: line for line in order.lines.all()}
    tolerance = tolerance_percent()
    totals = pending_by_line(pending)
    for row in adding:
        line = lines[row.po_line_id]
        totals[line.pk] = totals.get(line.pk, domain.ZERO) + row.quantity
        if domain.exceeds_tolerance(
            line.quantity, line.received_quantity, totals[line.pk], tolerance
        ):
            allowed = domain.allowed_quantity(line.quantity, tolerance)
            raise DomainError(
                "over_receipt",
                f"{line.sku}: {quantity_text(line.received_quantity + totals[line.pk])} would be"
                f" received of {quantity_text(line.quantity)} ordered; at most"
                f" {quantity_text(allowed)} can be.",
                field="code",
                status=409,
            )


def _sscc_match(order: PurchaseOrder, sscc: str) -> ScanMatch:
    notice = queries.expected_asn_for_sscc(order.pk, sscc)
    if notice is None:
        raise DomainError(
            "unknown_sscc",
            f"Package {sscc} is on no expected ship notice of {order.number}.",
            field="code",
            status=404,
        )
    lines = [
        PendingLine(
            row.po_line_id,
            row.quantity,
            row.lot_number,
            row.expires_on.isoformat() if row.expires_on else "",
        )
        for row in notice.lines.filter(sscc=sscc).order_by("pk")
    ]
    return ScanMatch(
        lines, f"Package {sscc} of ship notice {notice.number}", asn_id=notice.pk, sscc=sscc
    )


def resolve(
    order: PurchaseOrder,
    code: str,
    pending: Sequence[PendingLine] = (),
    *,
    quantity: Any = None,
    lot_number: str = "",
    expires_on: str = "",
) -> ScanMatch:
    """What scanning ``code`` adds to ``pending`` on ``order`` (nothing is written).

    Refused (field "code"): ``empty_code`` and GS1 errors, ``unknown_code``,
    ``not_on_order``, ``unknown_sscc``, ``over_receipt``; ``invalid_quantity`` (field
    "quantity").
    """
    normalised, elements = parse_code(code)
    found = barcodes.resolve(normalised, elements)
    if found.kind == "sscc":
        match = _sscc_match(order, found.sscc)
        _check_tolerance(order, match.lines, pending)
        return match
    if found.kind != "item" or found.variant is None:
        raise DomainError(
            "unknown_code",
            f"{normalised} is no known item (GTIN or SKU) or package.",
            field="code",
            status=404,
        )
    variant = found.variant
    open_lines = [
        domain.OpenLine(line.pk, line.variant_id, line.quantity, line.received_quantity, p)
        for line in order.lines.all()
        for p in [pending_by_line(pending).get(line.pk, domain.ZERO)]
    ]
    chosen = domain.line_for_item(open_lines, variant.pk)
    if chosen is None:
        raise DomainError(
            "not_on_order",
            f"{variant.sku} ({variant.display_name}) is not on purchase order {order.number}.",
            field="code",
        )
    amount = _quantity(quantity, found.count)
    lot = found.lot or str(lot_number or "").strip()
    expiry = str(found.expires_on) if found.expires_on else str(expires_on or "").strip()
    line = PendingLine(chosen.line_id, amount, lot, expiry)
    _check_tolerance(order, [line], pending)
    text = f"{quantity_text(amount)} x {variant.sku}" + (f", lot {lot}" if lot else "")
    return ScanMatch([line], text)

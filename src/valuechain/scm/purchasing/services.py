"""Use cases of purchase orders: create and edit while draft, submit (confirm), cancel, close.

Every function runs in one transaction, locks the order it changes (``select_for_update``),
checks the move with ``domain.can_move``, raises DomainError with a stable code and the field
at fault, and publishes a past-tense event. The exchange rate to the tenant's base currency
is fixed at the order date and the base total follows every line change, so approval, reports
and stock valuation read one stored number. Approval lives in approval.py, e-mailing the PDF
in sending.py, RFQs in rfq.py and supply requests in proposals.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.fx import rate_on, tenant_base_currency
from valuechain.platform.inputs import clean_choice, clean_number, clean_text
from valuechain.platform.money import normalize_currency
from valuechain.platform.numbering import next_number
from valuechain.platform.tenancy.context import current
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import supply
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.procurement import domain as procurement
from valuechain.scm.procurement.models import Supplier, SupplierProduct
from valuechain.scm.purchasing import domain
from valuechain.scm.purchasing.models import (
    DeliveryLocation,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchasingSettings,
)

MAX_QUANTITY = Decimal("99999999999999")
MAX_PRICE = Decimal("999999999999")
MAX_TERMS_DAYS = 3650
PRICE_PLACES = Decimal("0.000001")
UOM_MAX = 10
HEADER_FIELDS = {
    "order_date",
    "requested_on",
    "incoterm",
    "incoterm_place",
    "payment_terms_days",
    "note",
    "currency",
    "warehouse_id",
}


def not_found(label: str, field: str | None = None) -> DomainError:
    """The 404 of a record that does not exist in the current tenant."""
    return DomainError(
        f"{label.replace(' ', '_')}_not_found", f"No such {label}.", field=field, status=404
    )


def refuse_move(order: PurchaseOrder, to: str, action: str) -> None:
    """Raise invalid_transition unless the order may move to ``to`` (the one check of moves)."""
    if not domain.can_move(order.state, to):
        raise DomainError(
            "invalid_transition",
            f"Order {order.number} is {order.state.replace('_', ' ')}: it cannot be {action}.",
            field="state",
            status=409,
            details={"state": order.state, "to": to},
        )


def payload(order: PurchaseOrder, **extra: Any) -> dict[str, Any]:
    """The common part of every purchase-order event."""
    return {
        "purchase_order_id": order.pk,
        "number": order.number,
        "supplier_id": order.supplier_id,
        "state": order.state,
        **extra,
    }


def locked_order(order_id: Any) -> PurchaseOrder:
    """The order, locked for this transaction, or 404."""
    if isinstance(order_id, bool) or not isinstance(order_id, int):
        raise not_found("purchase order")
    order = PurchaseOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise not_found("purchase order")
    return order


def _editable(order: PurchaseOrder) -> None:
    if order.state not in domain.EDITABLE_STATES:
        raise DomainError(
            "not_editable",
            f"Order {order.number} is {order.state.replace('_', ' ')}; only drafts can change.",
            field="state",
            status=409,
        )


def _date(value: Any, field: str, *, required: bool = False) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise DomainError(
                f"{field}_required", f"Enter the {field.replace('_', ' ')}.", field=field
            )
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(
            f"invalid_{field}", f"The {field.replace('_', ' ')} is not a date.", field=field
        ) from None


def _terms(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TERMS_DAYS:
        raise DomainError(
            "invalid_payment_terms_days",
            f"Payment terms are whole days from 0 to {MAX_TERMS_DAYS}.",
            field="payment_terms_days",
        )
    return value


def fixed_rate(currency: str, on: dt.date) -> Decimal:
    """The rate of ``currency`` into the base currency on the order date (fx_rate_missing)."""
    return rate_on(currency, tenant_base_currency(), on)


def _warehouse(warehouse_id: Any) -> Warehouse:
    row = (
        Warehouse.objects.filter(pk=warehouse_id, is_active=True).first()
        if isinstance(warehouse_id, int)
        else None
    )
    if row is None:
        raise not_found("warehouse", "warehouse_id")
    return row


def _supplier(supplier_id: Any) -> Supplier:
    row = Supplier.objects.filter(pk=supplier_id).first() if isinstance(supplier_id, int) else None
    if row is None:
        raise not_found("supplier", "supplier_id")
    if not row.is_active:
        raise DomainError(
            "supplier_inactive",
            f"Supplier {row.code} is inactive; reactivate it to order from it.",
            field="supplier_id",
        )
    return row


# --- totals ---------------------------------------------------------------------------------


def recompute(order: PurchaseOrder) -> None:
    """Net total from the lines and the base total at the fixed rate (saved)."""
    nets = PurchaseOrderLine.objects.filter(order=order).values_list("net_amount", flat=True)
    order.net_total = sum(nets, Decimal(0))
    order.base_net_total = domain.base_amount(order.net_total, order.fx_rate)
    order.save()


# --- lines ----------------------------------------------------------------------------------


def price_for(product: SupplierProduct, quantity: Decimal, currency: str, on: dt.date) -> Decimal:
    """The supplier product's unit price for ``quantity`` from its breaks, in ``currency``.

    A price list in another currency than the order's is converted at the order date's rate.
    """
    breaks = [
        procurement.PriceBreak(b.min_quantity, b.unit_price)
        for b in product.price_breaks.order_by("min_quantity")
    ]
    try:
        price = procurement.applicable_break(breaks, quantity).unit_price
    except procurement.NoPrice:
        raise DomainError(
            "no_price",
            f"{product.supplier.code} has no price for {quantity.normalize():f} of "
            f"{product.variant.sku}; enter the unit price.",
            field="unit_price",
        ) from None
    if product.currency != currency:
        price = (price * rate_on(product.currency, currency, on)).quantize(PRICE_PLACES)
    return price


def _line_values(order: PurchaseOrder, data: Mapping[str, Any]) -> dict[str, Any]:
    """Clean one line's input: the variant, its supplier product, quantity, price, date."""
    variant_id = data.get("variant_id")
    variant = (
        Variant.objects.select_related("product").filter(pk=variant_id).first()
        if isinstance(variant_id, int) and not isinstance(variant_id, bool)
        else None
    )
    if variant is None:
        raise not_found("variant", "variant_id")
    quantity = clean_number(
        data.get("quantity"), "quantity", places=4, maximum=MAX_QUANTITY, positive=True
    )
    product = None
    if data.get("supplier_product_id") is not None:
        product = SupplierProduct.objects.filter(pk=data["supplier_product_id"]).first()
        if product is None or product.variant_id != variant.pk:
            raise not_found("supplier product", "supplier_product_id")
        if product.supplier_id != order.supplier_id:
            raise DomainError(
                "wrong_supplier",
                "That supplied product belongs to another supplier.",
                field="supplier_product_id",
            )
    else:
        product = SupplierProduct.objects.filter(
            supplier_id=order.supplier_id, variant=variant
        ).first()
    if data.get("unit_price") not in (None, ""):
        unit_price = clean_number(data["unit_price"], "unit_price", places=6, maximum=MAX_PRICE)
    elif product is not None:
        unit_price = price_for(product, quantity, order.currency, order.order_date)
    else:
        raise DomainError(
            "unit_price_required",
            f"{variant.sku} has no price list at this supplier; enter the unit price.",
            field="unit_price",
        )
    uom = clean_text(data.get("uom") or "EA", "uom", UOM_MAX).upper()
    return {
        "variant": variant,
        "supplier_product": product,
        "sku": variant.sku,
        "supplier_sku": product.supplier_sku if product else "",
        "gtin": variant.gtin,
        "description": (variant.name or variant.product.name)[:200],
        "uom": uom,
        "quantity": quantity,
        "unit_price": unit_price,
        "net_amount": domain.line_net(quantity, unit_price),
        "requested_on": _date(data.get("requested_on"), "requested_on") or order.requested_on,
    }


def _add_lines(order: PurchaseOrder, lines: Iterable[Mapping[str, Any]]) -> list[PurchaseOrderLine]:
    last = (
        PurchaseOrderLine.objects.filter(order=order)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
        or 0
    )
    created = []
    for index, data in enumerate(lines):
        try:
            values = _line_values(order, data)
        except DomainError as error:
            error.details.setdefault("line", index + 1)
            raise
        created.append(
            PurchaseOrderLine.objects.create(
                order=order,
                position=last + index + 1,
                supply_request_id=data.get("supply_request_id"),
                **values,
            )
        )
    return created


# --- orders ---------------------------------------------------------------------------------


@transaction.atomic
def create_order(
    *,
    supplier_id: int,
    warehouse_id: int,
    lines: Iterable[Mapping[str, Any]] = (),
    currency: str = "",
    order_date: Any = None,
    requested_on: Any = None,
    incoterm: str | None = None,
    incoterm_place: str = "",
    payment_terms_days: int | None = None,
    note: str = "",
    rfq_id: int | None = None,
) -> PurchaseOrder:
    """A draft order to a supplier; currency, terms and incoterm default to the supplier's.

    Lines without a price take it from the supplier's price breaks for their quantity.
    """
    supplier = _supplier(supplier_id)
    warehouse = _warehouse(warehouse_id)
    on = _date(order_date, "order_date") or timezone.localdate()
    money = normalize_currency(currency or supplier.currency, "currency")
    order = PurchaseOrder.objects.create(
        number=next_number("po", prefix="PO-"),
        supplier=supplier,
        warehouse=warehouse,
        currency=money,
        fx_rate=fixed_rate(money, on),
        order_date=on,
        requested_on=_date(requested_on, "requested_on"),
        incoterm=clean_choice(
            (supplier.incoterm if incoterm is None else incoterm).upper(),
            "incoterm",
            procurement.INCOTERMS,
            blank=True,
        ),
        incoterm_place=clean_text(incoterm_place, "incoterm_place", 100),
        payment_terms_days=_terms(
            supplier.payment_terms_days if payment_terms_days is None else payment_terms_days
        ),
        note=clean_text(note, "note", 2000),
        buyer_id=current().actor_id,
        rfq_id=rfq_id,
    )
    _add_lines(order, lines)
    recompute(order)
    publish("PurchaseOrderCreated", payload(order, net_total=str(order.net_total)))
    return order


@transaction.atomic
def update_order(order_id: int, **changes: Any) -> PurchaseOrder:
    """Change a draft's header; a new date or currency fixes the rate again (lines kept)."""
    unknown = set(changes) - HEADER_FIELDS
    if unknown:
        raise DomainError("invalid_field", f"Cannot change {', '.join(sorted(unknown))}.")
    order = locked_order(order_id)
    _editable(order)
    if "warehouse_id" in changes:
        order.warehouse = _warehouse(changes["warehouse_id"])
    if "order_date" in changes:
        order.order_date = (
            _date(changes["order_date"], "order_date", required=True) or order.order_date
        )
    if "requested_on" in changes:
        order.requested_on = _date(changes["requested_on"], "requested_on")
    if "incoterm" in changes:
        order.incoterm = clean_choice(
            str(changes["incoterm"] or "").upper(), "incoterm", procurement.INCOTERMS, blank=True
        )
    if "incoterm_place" in changes:
        order.incoterm_place = clean_text(changes["incoterm_place"], "incoterm_place", 100)
    if "payment_terms_days" in changes:
        order.payment_terms_days = _terms(changes["payment_terms_days"])
    if "note" in changes:
        order.note = clean_text(changes["note"], "note", 2000)
    if "currency" in changes:
        order.currency = normalize_currency(changes["currency"], "currency")
    order.fx_rate = fixed_rate(order.currency, order.order_date)
    recompute(order)
    publish("PurchaseOrderChanged", payload(order, changed=sorted(changes)))
    return order


@transaction.atomic
def add_line(order_id: int, **line: Any) -> PurchaseOrderLine:
    """Add a line to a draft (price from the supplier's breaks unless given)."""
    order = locked_order(order_id)
    _editable(order)
    (created,) = _add_lines(order, [line])
    recompute(order)
    publish("PurchaseOrderChanged", payload(order, changed=["lines"]))
    return created


def _locked_line(line_id: Any) -> tuple[PurchaseOrder, PurchaseOrderLine]:
    found = PurchaseOrderLine.objects.filter(pk=line_id).values_list("order_id", flat=True).first()
    if found is None:
        raise not_found("purchase order line")
    order = locked_order(found)
    _editable(order)
    return order, PurchaseOrderLine.objects.select_for_update().get(pk=line_id)


@transaction.atomic
def update_line(line_id: int, **changes: Any) -> PurchaseOrderLine:
    """Change a draft line's quantity, unit price, unit or requested date."""
    unknown = set(changes) - {"quantity", "unit_price", "requested_on", "uom"}
    if unknown:
        raise DomainError("invalid_field", f"Cannot change {', '.join(sorted(unknown))}.")
    order, line = _locked_line(line_id)
    if "quantity" in changes:
        line.quantity = clean_number(
            changes["quantity"], "quantity", places=4, maximum=MAX_QUANTITY, positive=True
        )
        if "unit_price" not in changes and line.supplier_product is not None:
            # A new quantity may reach another price break.
            line.unit_price = price_for(
                line.supplier_product, line.quantity, order.currency, order.order_date
            )
    if changes.get("unit_price") not in (None, ""):
        line.unit_price = clean_number(
            changes["unit_price"], "unit_price", places=6, maximum=MAX_PRICE
        )
    if "requested_on" in changes:
        line.requested_on = _date(changes["requested_on"], "requested_on")
    if changes.get("uom"):
        line.uom = clean_text(changes["uom"], "uom", UOM_MAX).upper()
    line.net_amount = domain.line_net(line.quantity, line.unit_price)
    line.save()
    recompute(order)
    publish("PurchaseOrderChanged", payload(order, changed=["lines"]))
    return line


@transaction.atomic
def remove_line(line_id: int) -> PurchaseOrder:
    """Delete a draft line (a supply request it came from is put back as a proposal)."""
    order, line = _locked_line(line_id)
    from valuechain.scm.purchasing.proposals import release_requests

    release_requests([line])
    line.delete()
    recompute(order)
    publish("PurchaseOrderChanged", payload(order, changed=["lines"]))
    return order


@transaction.atomic
def submit_order(order_id: int) -> PurchaseOrder:
    """Confirm a draft: to approval when a rule applies to its base total, else in force (sent).

    "sent" means the order stands with the supplier and goods may arrive against it; e-mailing
    the PDF (sending.py) is a separate action that records when and to whom it went.
    """
    from valuechain.scm.purchasing.approval import required_role

    order = locked_order(order_id)
    if order.state != "draft":
        raise DomainError(
            "invalid_transition",
            f"Order {order.number} is {order.state.replace('_', ' ')}: only drafts are submitted.",
            field="state",
            status=409,
            details={"state": order.state, "to": "to_approve"},
        )
    lines = PurchaseOrderLine.objects.filter(order=order).count()
    if not lines:
        raise DomainError(
            "no_lines", f"Order {order.number} has no lines to order.", field="lines", status=409
        )
    # The rate may have been fixed days ago; confirmation uses the order date's rate as stored.
    role = required_role(order.base_net_total)
    to = "to_approve" if role else "sent"
    refuse_move(order, to, "submitted")
    order.state = to
    order.approval_role = role or ""
    order.refusal_reason = ""
    order.save()
    publish(
        "PurchaseOrderSubmitted" if role else "PurchaseOrderConfirmed",
        payload(order, base_net_total=str(order.base_net_total), approval_role=role or ""),
    )
    return order


@transaction.atomic
def cancel_order(order_id: int, reason: str = "") -> PurchaseOrder:
    """Cancel an order nothing has arrived against; its supply requests become proposals again."""
    order = locked_order(order_id)
    refuse_move(order, "cancelled", "cancelled")
    lines = list(PurchaseOrderLine.objects.select_for_update().filter(order=order).order_by("pk"))
    if any(line.received_quantity > 0 for line in lines):
        raise DomainError(
            "already_received",
            f"Goods have arrived against {order.number}; close it instead.",
            field="state",
            status=409,
        )
    from valuechain.scm.purchasing.proposals import release_requests

    release_requests(lines)
    order.state = "cancelled"
    order.closed_at = timezone.now()
    if reason:
        order.note = clean_text(f"{order.note} Cancelled: {reason}".strip(), "note", 2000)
    order.save()
    publish("PurchaseOrderCancelled", payload(order, reason=reason))
    return order


@transaction.atomic
def close_order(order_id: int) -> PurchaseOrder:
    """Close an order: nothing more is expected (what is still open will not come).

    A supply request still ordered on a line is done: its open rest no longer counts as
    incoming, so the next replenishment run proposes again what is still missing.
    """
    order = locked_order(order_id)
    refuse_move(order, "closed", "closed")
    for request_id in (
        PurchaseOrderLine.objects.filter(order=order, supply_request__state="ordered")
        .order_by("supply_request_id")
        .values_list("supply_request_id", flat=True)
    ):
        supply.change_supply_request(request_id, state="done")
    order.state = "closed"
    order.closed_at = timezone.now()
    order.save()
    publish("PurchaseOrderClosed", payload(order))
    return order


# --- identifiers ----------------------------------------------------------------------------


def _gln(value: Any) -> str:
    text = str(value or "").strip()
    if text:
        problem = procurement.gln_problem(text)
        if problem:
            raise DomainError("invalid_gln", problem, field="gln")
    return text


@transaction.atomic
def set_buyer_gln(gln: str) -> PurchasingSettings:
    """Record the tenant's own GLN, the buying party of its orders (empty clears it)."""
    row, _ = PurchasingSettings.objects.select_for_update().get_or_create()
    row.buyer_gln = _gln(gln)
    row.save()
    publish("PurchasingSettingsChanged", {"buyer_gln": row.buyer_gln})
    return row


@transaction.atomic
def set_delivery_location(warehouse_id: int, gln: str) -> DeliveryLocation:
    """Record the GLN of a warehouse as a ship-to party."""
    warehouse = _warehouse(warehouse_id)
    row, _ = DeliveryLocation.objects.select_for_update().get_or_create(
        warehouse=warehouse, defaults={"gln": ""}
    )
    row.gln = _gln(gln)
    row.save()
    publish("DeliveryLocationChanged", {"warehouse_id": warehouse.pk, "gln": row.gln})
    return row

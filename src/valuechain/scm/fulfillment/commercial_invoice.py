"""The commercial invoice of a cross-border shipment, as a PDF drawn with ReportLab.

Customs want, per line, what the goods are (description, HS code), where they were made
(country of origin), how many, their value and their net weight. The value is what the
customer pays before tax: the order line's unit price less its discount, times the quantity
in this shipment, rounded to the currency per line (the same rounding as the order, so a
line shipped in one go is worth exactly its net amount). The total is the sum of the
rounded lines. Net weights are the variants' unit weights times the quantities; a variant
without a weight prints "—" and leaves the total marked incomplete.

The invoice is refused (``not_cross_border``, ``country_unknown``, 409) when the ship-to
country is the warehouse's or either is unknown, and (``customs_data_missing``, 409) when a
product lacks its HS code or country of origin: the error lists them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from valuechain.crm.customers.models import Address
from valuechain.platform.errors import DomainError
from valuechain.platform.money import Money
from valuechain.platform.pdf import Column, DocumentPdf
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.fulfillment.models import Package, PackageLine, Shipment

HUNDRED = Decimal(100)
WEIGHT = Decimal("0.001")
CONTENT_TYPE = "application/pdf"


@dataclass(frozen=True)
class InvoiceLine:
    """One product on the invoice, with the quantity of it in the shipment."""

    description: str
    sku: str
    hs_code: str
    origin: str
    quantity: Decimal
    unit_value: Decimal
    total: Decimal
    net_weight_kg: Decimal | None


@dataclass(frozen=True)
class CommercialInvoice:
    """Everything the PDF prints, computed before drawing (tests read it too)."""

    shipment_number: str
    order_number: str
    issued_on: date
    currency: str
    incoterm: str
    seller: list[str]
    buyer: list[str]
    ship_to: list[str]
    carrier: str
    tracking_number: str
    package_count: int
    gross_weight_kg: Decimal | None
    lines: list[InvoiceLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """The sum of the rounded line values."""
        return sum((line.total for line in self.lines), Decimal(0))

    @property
    def net_weight_kg(self) -> Decimal:
        """The sum of the known net weights."""
        return sum((line.net_weight_kg or Decimal(0) for line in self.lines), Decimal(0))

    @property
    def weight_complete(self) -> bool:
        """Whether every line's net weight is known."""
        return all(line.net_weight_kg is not None for line in self.lines)


def _address(rows: list[Address], kinds: tuple[str, ...]) -> Address | None:
    for kind in kinds:
        for row in rows:
            if row.kind == kind:
                return row
    return rows[0] if rows else None


def _address_lines(address: Address | None) -> list[str]:
    if address is None:
        return []
    place = " ".join(part for part in (address.postal_code, address.city) if part)
    parts = [address.line1, address.line2, place, address.region, address.country]
    return [part for part in parts if part]


def _parties(shipment: Shipment) -> tuple[list[str], list[str]]:
    """The buyer's name and address, and the ship-to (the order's, with the street if known)."""
    order = shipment.order
    if order.person is not None:
        name = order.person.full_name
    elif order.account is not None:
        name = order.account.name
    else:
        name = ""
    rows: list[Address] = []
    for key, value in (("person", order.person), ("account", order.account)):
        if value is not None:
            rows += list(Address.objects.filter(**{key: value}).order_by("-is_default", "pk"))
    buyer = [name or "Walk-in customer", *_address_lines(_address(rows, ("billing", "shipping")))]
    street = _address(
        [row for row in rows if row.country == order.ship_to_country], ("shipping", "billing")
    )
    if street is not None:
        ship_to = [name, *_address_lines(street)]
    else:
        place = [order.ship_to_postal_code, order.ship_to_region, order.ship_to_country]
        ship_to = [name, " ".join(part for part in place if part)]
    return buyer, [line for line in ship_to if line]


def _check_countries(shipment: Shipment) -> None:
    origin = shipment.warehouse.country
    destination = shipment.order.ship_to_country
    if not origin or not destination:
        raise DomainError(
            "country_unknown",
            "Set the warehouse's country and the order's ship-to country first: a commercial "
            "invoice is for shipments crossing a border.",
            status=409,
            details={"warehouse_country": origin, "ship_to_country": destination},
        )
    if origin.upper() == destination.upper():
        raise DomainError(
            "not_cross_border",
            f"{shipment.number} stays in {origin}: no commercial invoice is needed.",
            status=409,
            details={"warehouse_country": origin, "ship_to_country": destination},
        )


def build(shipment_id: int) -> CommercialInvoice:
    """The invoice's contents for a shipment of the tenant (``not_found`` otherwise)."""
    shipment = (
        Shipment.objects.select_related("order", "order__account", "order__person", "warehouse")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        raise DomainError("not_found", "No such shipment.", status=404)
    _check_countries(shipment)
    contents = list(
        PackageLine.objects.filter(package__shipment=shipment)
        .select_related("order_line", "variant", "variant__product")
        .order_by("order_line__position", "order_line_id", "pk")
    )
    quantities: dict[int, Decimal] = {}
    lines_by_id = {}
    for row in contents:
        quantities[row.order_line_id] = quantities.get(row.order_line_id, Decimal(0)) + row.quantity
        lines_by_id[row.order_line_id] = row
    missing = []
    for row in lines_by_id.values():
        product = row.variant.product
        gaps = [
            label
            for label, value in (
                ("HS code", product.hs_code),
                ("country of origin", product.country_of_origin),
            )
            if not value
        ]
        if gaps:
            missing.append((row.variant.sku, gaps))
    if missing:
        listed = "; ".join(f"{sku} ({', '.join(gaps)})" for sku, gaps in missing)
        raise DomainError(
            "customs_data_missing",
            f"Customs need the HS code and country of origin of every product. Missing: {listed}.",
            status=409,
            details={"missing": [{"sku": sku, "fields": gaps} for sku, gaps in missing]},
        )
    order = shipment.order
    lines = []
    for line_id, quantity in quantities.items():
        row = lines_by_id[line_id]
        order_line = row.order_line
        unit = Decimal(order_line.unit_price) * (HUNDRED - order_line.discount_percent) / HUNDRED
        weight = row.variant.weight_kg
        lines.append(
            InvoiceLine(
                description=order_line.description,
                sku=order_line.sku,
                hs_code=row.variant.product.hs_code,
                origin=row.variant.product.country_of_origin.upper(),
                quantity=quantity,
                unit_value=unit,
                total=Money(unit * quantity, order.currency).rounded().amount,
                net_weight_kg=None if weight is None else (weight * quantity).quantize(WEIGHT),
            )
        )
    packages = list(Package.objects.filter(shipment=shipment))
    weights = [package.declared_weight_kg for package in packages]
    warehouse = shipment.warehouse
    tenant = Tenant.objects.get(pk=require_tenant_id())
    seller = [
        tenant.name,
        warehouse.name,
        " ".join(filter(None, [warehouse.postal_code, warehouse.country])),
    ]
    buyer, ship_to = _parties(shipment)
    incoterm = " ".join(part for part in (order.incoterm, order.incoterm_place) if part)
    return CommercialInvoice(
        shipment_number=shipment.number,
        order_number=order.number,
        issued_on=timezone.localdate(shipment.shipped_at),
        currency=order.currency,
        incoterm=incoterm,
        seller=[line for line in seller if line],
        buyer=buyer,
        ship_to=ship_to,
        carrier=shipment.carrier_name,
        tracking_number=shipment.tracking_number,
        package_count=len(packages),
        gross_weight_kg=(
            sum((w for w in weights if w is not None), Decimal(0))
            if weights and all(w is not None for w in weights)
            else None
        ),
        lines=lines,
    )


# --- drawing --------------------------------------------------------------------------------


def number_text(value: Decimal, places: int = 2) -> str:
    """A value with at least ``places`` decimals and no trailing zeros beyond them."""
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(places, '0')}" if places else whole


def quantity_text(value: Decimal) -> str:
    """A quantity without trailing zeros: 3, 2.5."""
    text = format(value.normalize(), "f")
    return text


COLUMNS: tuple[Column, ...] = (
    ("Description", 15, False),
    ("HS code", 78, False),
    ("Origin", 100, False),
    ("Qty", 125, True),
    ("Unit value", 148, True),
    ("Total", 172, True),
    ("Net kg", 195, True),
)


def _cells(line: InvoiceLine) -> list[str]:
    weight = "—" if line.net_weight_kg is None else number_text(line.net_weight_kg, 3)
    return [
        f"{line.description[:34]} ({line.sku})",
        line.hs_code,
        line.origin,
        quantity_text(line.quantity),
        number_text(line.unit_value),
        number_text(line.total),
        weight,
    ]


def render_pdf(invoice: CommercialInvoice, *, compress: bool = True) -> bytes:
    """The invoice as an A4 PDF; ``compress=False`` keeps the text readable in the bytes."""
    document = DocumentPdf(
        f"Commercial invoice {invoice.shipment_number}", "COMMERCIAL INVOICE", compress=compress
    )
    document.facts(
        [
            f"Invoice for shipment {invoice.shipment_number} · order {invoice.order_number}",
            f"Date {invoice.issued_on.isoformat()} · currency {invoice.currency}"
            f" · Incoterms 2020: {invoice.incoterm or 'not agreed'}",
            f"Carrier {invoice.carrier} · tracking {invoice.tracking_number or '—'}"
            f" · {invoice.package_count} package(s)",
        ]
    )
    document.parties(
        50,
        [
            ("Seller / exporter", invoice.seller),
            ("Buyer", invoice.buyer),
            ("Ship to", invoice.ship_to),
        ],
    )
    document.table(35, COLUMNS, (_cells(line) for line in invoice.lines))
    document.total(f"Total value {number_text(invoice.total)} {invoice.currency}")
    net = number_text(invoice.net_weight_kg, 3) + (
        "" if invoice.weight_complete else " (incomplete)"
    )
    gross = "—" if invoice.gross_weight_kg is None else number_text(invoice.gross_weight_kg, 3)
    document.closing(1, f"Net weight {net} kg · gross weight {gross} kg", right=True)
    document.closing(3, "We declare that the information on this invoice is true and correct.")
    return document.finish()

"""API shapes of fulfillment: pick lists, packages, shipments and the settings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from valuechain.scm.fulfillment.queries import PackageFilters, PickListFilters, ShipmentFilters


class SettingsOut(Schema):
    """The tenant's fulfillment settings."""

    gs1_company_prefix: str
    sscc_extension_digit: int
    default_tare_kg: Decimal


class SettingsPatch(Schema):
    """Changes to the settings; fields left out stay as they are."""

    gs1_company_prefix: str | None = Field(None, description="6 to 12 digits")
    sscc_extension_digit: int | None = Field(None, description="0 to 9")
    default_tare_kg: Decimal | None = None


# --- pick lists -----------------------------------------------------------------------------


class PickListIn(Schema):
    """A new pick list over what is reserved in a warehouse and on no list yet."""

    warehouse_id: int
    order_ids: list[int] | None = Field(None, description="Only these orders; all when left out")
    assignee_id: int | None = None


class PickListPatch(Schema):
    """A new assignee (null: nobody)."""

    assignee_id: int | None = None


class PickLineOut(Schema):
    """One stop of a pick list."""

    id: int
    sequence: int
    order_id: int = Field(..., alias="order_line.order_id")
    order_number: str = Field(..., alias="order_line.order.number")
    order_line_id: int
    reservation_id: int | None
    variant_id: int
    sku: str = Field(..., alias="variant.sku")
    gtin: str = Field(..., alias="variant.gtin")
    location_id: int
    location_code: str = Field(..., alias="location.code")
    lot_id: int | None
    lot_number: str | None = Field(None, alias="lot.number")
    quantity: Decimal
    quantity_picked: Decimal
    quantity_packed: Decimal
    quantity_shipped: Decimal


class PickListOut(Schema):
    """A pick list with its counts."""

    id: int
    number: str
    warehouse_id: int
    warehouse_code: str = Field(..., alias="warehouse.code")
    state: str
    assignee_id: int | None
    line_count: int
    order_count: int
    created_at: datetime
    done_at: datetime | None


class PickListDetailOut(PickListOut):
    """A pick list with its lines in walking order."""

    lines: list[PickLineOut] = Field(..., alias="line_rows")


class PickListListFilters(Schema):
    """Filters of the pick list list."""

    state: str | None = None
    warehouse_id: int | None = None
    assignee_id: int | None = None

    def as_filters(self) -> PickListFilters:
        """The query-side filters."""
        return PickListFilters(
            state=self.state, warehouse_id=self.warehouse_id, assignee_id=self.assignee_id
        )


class PickIn(Schema):
    """A quantity picked on one line."""

    line_id: int
    quantity: Decimal = Decimal("1")


class PickScanIn(Schema):
    """A pick by scan: the location's code, then the item's code."""

    location: str = Field(..., description="The location's code (as on its label)")
    code: str = Field(..., description="GTIN, GS1 element string (01 + 10) or SKU")
    quantity: Decimal = Decimal("1")


# --- packages -------------------------------------------------------------------------------


class PackageIn(Schema):
    """A new, empty package for an order."""

    order_id: int
    warehouse_id: int
    tare_kg: Decimal | None = Field(None, description="Empty: the settings' default tare")


class PackItemIn(Schema):
    """A picked quantity to put in the package."""

    pick_line_id: int
    quantity: Decimal


class PackIn(Schema):
    """Items to pack, by pick list line."""

    items: list[PackItemIn]


class PackScanIn(Schema):
    """A pack by scan: the item's code."""

    code: str
    quantity: Decimal = Decimal("1")


class PackageCloseIn(Schema):
    """The measured weight and size of a package being sealed."""

    weight_kg: Decimal | None = Field(None, description="Empty: computed from the contents")
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None


class PackageLineOut(Schema):
    """One content line of a package."""

    id: int
    pick_line_id: int
    order_line_id: int
    variant_id: int
    sku: str = Field(..., alias="variant.sku")
    lot_number: str | None = Field(None, alias="lot.number")
    quantity: Decimal


class PackageOut(Schema):
    """A package with its weights."""

    id: int
    sscc: str
    order_id: int
    order_number: str = Field(..., alias="order.number")
    warehouse_id: int
    state: str
    shipment_id: int | None
    weight_kg: Decimal | None
    tare_kg: Decimal
    computed_weight_kg: Decimal | None
    declared_weight_kg: Decimal | None
    length_cm: Decimal | None
    width_cm: Decimal | None
    height_cm: Decimal | None
    line_count: int
    item_count: Decimal
    packed_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_item_count(obj: Any) -> Decimal:
        """The summed quantities with the four decimals of every quantity (SQLite drops them)."""
        return Decimal(str(obj.item_count or 0)).quantize(Decimal("0.0001"))


class PackageDetailOut(PackageOut):
    """A package with its contents."""

    lines: list[PackageLineOut] = Field(..., alias="line_rows")


class PackageListFilters(Schema):
    """Filters of the package list."""

    state: str | None = None
    order_id: int | None = None
    shipment_id: int | None = None
    warehouse_id: int | None = None

    def as_filters(self) -> PackageFilters:
        """The query-side filters."""
        return PackageFilters(
            state=self.state,
            order_id=self.order_id,
            shipment_id=self.shipment_id,
            warehouse_id=self.warehouse_id,
        )


# --- shipments ------------------------------------------------------------------------------


class ShipmentIn(Schema):
    """Packed packages of one order to ship, with the carrier and tracking number."""

    package_ids: list[int]
    carrier_name: str = Field(..., max_length=100)
    tracking_number: str = Field("", max_length=100)
    shipped_at: datetime | None = None


class ShipmentPatch(Schema):
    """Corrections to the carrier or tracking number, or delivery."""

    carrier_name: str | None = Field(None, max_length=100)
    tracking_number: str | None = Field(None, max_length=100)
    state: str | None = Field(None, description="'delivered' records the delivery")


class ShipmentOut(Schema):
    """A shipment."""

    id: int
    number: str
    order_id: int
    order_number: str = Field(..., alias="order.number")
    warehouse_id: int
    carrier_name: str
    tracking_number: str
    state: str
    shipped_at: datetime
    delivered_at: datetime | None
    package_count: int


class ShipmentListFilters(Schema):
    """Filters of the shipment list."""

    state: str | None = None
    order_id: int | None = None
    warehouse_id: int | None = None
    carrier: str | None = Field(None, description="Part of the carrier's name")
    q: str | None = Field(None, description="Part of the shipment, tracking or order number")

    def as_filters(self) -> ShipmentFilters:
        """The query-side filters."""
        return ShipmentFilters(
            state=self.state,
            order_id=self.order_id,
            warehouse_id=self.warehouse_id,
            carrier=self.carrier,
            q=self.q,
        )


# --- tracking -------------------------------------------------------------------------------


class TrackingEventIn(Schema):
    """One event a carrier reports for a shipment."""

    occurred_at: datetime = Field(..., description="When it happened, with the time zone")
    status: str = Field(
        ...,
        description="info_received, in_transit, out_for_delivery, delivered, exception, returned",
    )
    code: str = Field("", max_length=50, description="The carrier's own event code")
    location: str = Field("", max_length=200)
    description: str = Field("", max_length=300)


class TrackedEventIn(TrackingEventIn):
    """A carrier event naming its shipment by tracking number."""

    tracking_number: str = Field(..., max_length=100)


class TrackingEventOut(Schema):
    """A recorded tracking event."""

    id: int
    shipment_id: int
    occurred_at: datetime
    status: str
    code: str
    location: str
    description: str


class TrackingResultOut(Schema):
    """What an ingestion did to one shipment."""

    shipment_id: int = Field(..., alias="shipment.pk")
    shipment_number: str = Field(..., alias="shipment.number")
    shipment_state: str = Field(..., alias="shipment.state")
    delivered_at: datetime | None = Field(None, alias="shipment.delivered_at")
    order_id: int = Field(..., alias="shipment.order_id")
    order_state: str = Field(..., alias="order_state")
    recorded: list[TrackingEventOut]
    duplicates: int

"""API shapes of inventory."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

Number = Decimal | int | str  # checked by the services: invalid_<field> with the field


class WarehouseIn(Schema):
    """A new warehouse; its locations (CODE/STOCK, …) are created with it."""

    code: str = Field(..., max_length=20, examples=["DC1"])
    name: str = Field(..., max_length=200)
    priority: int = Field(10, description="Lower is tried first when allocating")
    country: str = Field("", max_length=2, description="ISO alpha-2")
    postal_code: str = Field("", max_length=20)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    is_store: bool = False


class WarehousePatch(Schema):
    """Changes to a warehouse; fields left out stay as they are."""

    name: str | None = None
    priority: int | None = None
    country: str | None = None
    postal_code: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    is_store: bool | None = None
    is_active: bool | None = None


class WarehouseOut(Schema):
    """A warehouse of the network."""

    id: int
    code: str
    name: str
    priority: int
    country: str
    postal_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    is_store: bool
    is_active: bool


class LocationIn(Schema):
    """A bin under a warehouse: code ``<WH>/<KIND>/<suffix>``."""

    warehouse_id: int
    kind: str = Field(
        "stock", description="receiving, stock, quality, packing, shipping, scrap, transit"
    )
    suffix: str = Field(..., examples=["A-01-02"])
    name: str = ""
    pick_order: int = 0


class LocationOut(Schema):
    """A location (warehouse_id null for virtual ones: SUPPLIER, CUSTOMER, …)."""

    id: int
    code: str
    name: str
    kind: str
    warehouse_id: int | None
    pick_order: int
    is_active: bool


class MoveIn(Schema):
    """A stock move to post.

    - ``receipt``: from the supplier into ``location_id`` or the warehouse's stock;
    - ``return``: from the customer (``to_quality`` puts it in quality control);
    - ``scrap``: free stock to the warehouse's scrap location;
    - ``adjustment``: ``quantity`` signed (+ found, - lost) at ``location_id`` or stock;
    - ``shipment``: free stock out to the customer at once (a sale without reservation);
    - ``consume`` / ``produce`` / ``transfer``: between ``from_location_id`` and ``to_location_id``.
    """

    kind: str
    variant_id: int
    quantity: Number
    warehouse_id: int | None = None
    location_id: int | None = None
    from_location_id: int | None = None
    to_location_id: int | None = None
    lot_number: str = ""
    expires_on: date | None = None
    to_quality: bool = False
    reference: str = Field("", max_length=100)
    unit_cost: Number | None = Field(
        None, description="Receipts: cost per unit in the base currency; empty: current cost"
    )


class MoveOut(Schema):
    """One ledger entry."""

    id: int
    kind: str
    variant_id: int
    sku: str = Field(..., alias="variant.sku")
    lot: str | None = Field(None, alias="lot.number")
    quantity: Decimal
    from_location: str = Field(..., alias="from_location.code")
    to_location: str = Field(..., alias="to_location.code")
    reference: str
    source_type: str
    source_id: int | None
    actor_id: int | None
    moved_at: datetime
    unit_cost: Decimal = Field(..., description="Base currency, 6 decimals")
    value: Decimal = Field(..., description="Base currency, 2 decimals; COGS on shipments")


class MoveFilters(Schema):
    """Filters of the ledger list."""

    variant_id: int | None = None
    warehouse_id: int | None = None
    location_id: int | None = None
    kind: str | None = None
    lot: str | None = None
    reference: str | None = Field(None, description="Part of the reference")
    source_type: str | None = None
    source_id: int | None = None
    since: date | None = None
    until: date | None = None


class BalanceOut(Schema):
    """Quantities of a variant (and lot) at a location."""

    id: int
    variant_id: int
    sku: str = Field(..., alias="variant.sku")
    location_id: int
    location: str = Field(..., alias="location.code")
    warehouse_id: int | None = Field(None, alias="location.warehouse_id")
    lot: str | None = Field(None, alias="lot.number")
    expires_on: date | None = Field(None, alias="lot.expires_on")
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal
    outgoing: Decimal


class QuantitiesOut(Schema):
    """A variant's quantities at one warehouse."""

    warehouse_id: int
    warehouse_code: str
    warehouse_name: str
    is_store: bool
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal
    outgoing: Decimal


class AtpOut(Schema):
    """Available to promise on a day."""

    variant_id: int
    date: date
    warehouse_id: int | None
    available: Decimal
    incoming: Decimal
    atp: Decimal


class TransferIn(Schema):
    """Ship stock from one warehouse to another (arrives through in-transit)."""

    variant_id: int
    from_warehouse_id: int
    to_warehouse_id: int
    quantity: Number
    lot_number: str = ""
    expected_on: date | None = None
    reference: str = Field("", max_length=100)


class TransferOut(Schema):
    """An inter-warehouse transfer."""

    id: int
    number: str
    variant_id: int
    sku: str = Field(..., alias="variant.sku")
    from_warehouse_id: int
    to_warehouse_id: int
    quantity: Decimal
    state: str
    expected_on: date | None
    shipped_at: datetime
    received_at: datetime | None


class CountLineIn(Schema):
    """What was counted at a location."""

    location_id: int
    variant_id: int
    lot_number: str = ""
    counted: Number


class CountIn(Schema):
    """A cycle count of some locations of a warehouse."""

    warehouse_id: int
    lines: list[CountLineIn]
    note: str = Field("", max_length=200)
    apply: bool = Field(False, description="Post the differences at once")


class CountLineOut(Schema):
    """A counted line, with the books' quantity and the difference once applied."""

    id: int
    location_id: int
    variant_id: int
    lot: str | None = Field(None, alias="lot.number")
    counted: Decimal
    expected: Decimal | None
    difference: Decimal | None


class CountOut(Schema):
    """A cycle count."""

    id: int
    number: str
    warehouse_id: int
    state: str
    note: str
    applied_at: datetime | None
    lines: list[CountLineOut] = Field(default_factory=list)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.select_related("lot").order_by("pk"))


class RuleIn(Schema):
    """A min/max reorder rule."""

    variant_id: int
    warehouse_id: int
    min_quantity: Number
    max_quantity: Number
    is_active: bool = True


class RulePatch(Schema):
    """Changes to a rule."""

    min_quantity: Number | None = None
    max_quantity: Number | None = None
    is_active: bool | None = None


class RuleOut(Schema):
    """A min/max reorder rule."""

    id: int
    variant_id: int
    sku: str = Field(..., alias="variant.sku")
    warehouse_id: int
    min_quantity: Decimal
    max_quantity: Decimal
    is_active: bool


class ReplenishOut(Schema):
    """What a replenishment run proposed."""

    created: int
    supply_request_ids: list[int]


class SupplyIn(Schema):
    """A supply request (MTO from an order line, or a manual reorder proposal)."""

    variant_id: int
    warehouse_id: int
    quantity: Number
    reason: str = Field(..., description="reorder or mto")
    origin_type: str = ""
    origin_id: int | None = None
    expected_on: date | None = None
    note: str = Field("", max_length=200)


class SupplyPatch(Schema):
    """Move a request on or change its quantity / expected date."""

    state: str | None = Field(None, description="ordered, done, cancelled")
    quantity: Number | None = None
    expected_on: date | None = None


class SupplyOut(Schema):
    """A supply request."""

    id: int
    variant_id: int
    sku: str = Field(..., alias="variant.sku")
    warehouse_id: int
    quantity: Decimal
    reason: str
    origin_type: str
    origin_id: int | None
    state: str
    expected_on: date | None
    note: str
    created_at: datetime


class SettingsIn(Schema):
    """The tenant's inventory policy."""

    allow_negative_stock: bool | None = None
    fefo: bool | None = None
    costing_method: str | None = Field(
        None, description="average or fifo; refused while stock is valued"
    )


class SettingsOut(Schema):
    """The tenant's inventory policy."""

    allow_negative_stock: bool
    fefo: bool
    costing_method: str

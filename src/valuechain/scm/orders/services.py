"""Use cases of sales orders: create (draft), add lines, confirm, cancel, close, shipments.

Every function runs in one transaction, locks the order row first (then its lines in
primary-key order), raises DomainError with a stable code and the field at fault, records
the state change on the order's history (the customer's timeline) and publishes a
past-tense event (``SalesOrderCreated``, ``SalesOrderConfirmed``, ``SalesOrderShipped``…).

Confirming reserves stock through ``inventory.reservations.reserve`` (one demand per stocked
line, one per component of a kit line); a shortage raises the inventory context's 409
``insufficient_stock`` unchanged and the order stays a draft. Make-to-order lines reserve
nothing: each gets a supply request for exactly its quantity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from valuechain.crm.customers.models import Account, Address, Person
from valuechain.platform.audit.recorder import bulk_update_audited, snapshot
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_text
from valuechain.platform.money import normalize_currency
from valuechain.platform.numbering import next_number
from valuechain.platform.tenancy.context import current, require_tenant_id
from valuechain.scm.catalog import pricing
from valuechain.scm.catalog import queries as catalog_queries
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import reservations
from valuechain.scm.inventory import supply as supply_requests
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.orders import domain
from valuechain.scm.orders.models import SalesOrder, SalesOrderEvent, SalesOrderLine

SOURCE_TYPE = "orders.salesorderline"
SEQUENCE_KEY = "so"
MAX_LINES = 500
MAX_QUANTITY = Decimal("1000000000")
CONFIRM_LINE_FIELDS = [
    "reserved_quantity",
    "backordered_quantity",
    "supply_request_id",
    "supply_status",
]


# --- cleaning -------------------------------------------------------------------------------


def _decimal(value: Any, field: str, *, default: Decimal | None = None) -> Decimal:
    if value is None or value == "":
        if default is not None:
            return default
        raise DomainError(f"{field.rsplit('.', 1)[-1]}_required", "Enter a number.", field=field)
    if isinstance(value, (float, bool)):
        value = str(value)
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        name = field.rsplit(".", 1)[-1]
        raise DomainError(f"invalid_{name}", f"{value!r} is not a number.", field=field)
    return number


def _quantity(value: Any, field: str) -> Decimal:
    quantity = _decimal(value, field)
    if quantity <= 0 or quantity > MAX_QUANTITY or quantity.as_tuple().exponent < -4:  # type: ignore[operator]
        raise DomainError(
            "invalid_quantity",
            "The quantity must be above zero with at most 4 decimals.",
            field=field,
        )
    return quantity


def _percent(value: Any, field: str) -> Decimal:
    percent = _decimal(value, field, default=Decimal(0))
    if not Decimal(0) <= percent <= domain.MAX_DISCOUNT:
        raise DomainError(
            "invalid_discount", "The discount is a percentage from 0 to 100.", field=field
        )
    return percent


def _id(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"invalid_{field}", f"{field} must be a number.", field=field) from exc


def _date(value: Any, field: str) -> dt.date:
    if value in (None, ""):
        return timezone.localdate()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DomainError(
            f"invalid_{field}", f"{value!r} is not a date (YYYY-MM-DD).", field=field
        ) from exc


def _customer(account_id: Any, person_id: Any) -> tuple[Account | None, Person | None]:
    account_pk = _id(account_id, "account_id")
    person_pk = _id(person_id, "person_id")
    account = person = None
    if account_pk is not None:
        account = Account.objects.filter(pk=account_pk).first()
        if account is None:
            raise DomainError("unknown_account", "No such account.", field="account_id")
    if person_pk is not None:
        person = Person.objects.filter(pk=person_pk).first()
        if person is None:
            raise DomainError("unknown_person", "No such person.", field="person_id")
    if account is not None and person is not None and person.account_id != account.pk:
        raise DomainError(
            "person_not_of_account",
            f"{person} is not a contact of {account}.",
            field="person_id",
        )
    return account, person


def _default_ship_to(account: Account | None, person: Person | None) -> Address | None:
    """The customer's default shipping address (the person's first, then the account's)."""
    for party_field, party in (("person", person), ("account", account)):
        if party is None:
            continue
        rows = list(
            Address.objects.filter(**{party_field: party}).order_by("-is_default", "kind", "pk")
        )
        address = next((row for row in rows if row.kind == "shipping"), None)
        if address is not None or rows:
            return address or rows[0]
    return None


def _warehouse(warehouse_id: Any, code: Any = None) -> Warehouse | None:
    pk = _id(warehouse_id, "warehouse_id")
    if pk is not None:
        found = Warehouse.objects.filter(pk=pk, is_active=True).first()
    elif code:
        found = Warehouse.objects.filter(code=str(code).strip(), is_active=True).first()
    else:
        return None
    if found is None:
        raise DomainError(
            "unknown_warehouse",
            "No such active warehouse.",
            field="warehouse_code" if code and pk is None else "warehouse_id",
        )
    return found


@dataclass
class _Lookups:
    """What pricing a batch of lines reads once instead of once per line."""

    variants: dict[int, Variant] = dataclass_field(default_factory=dict)
    kits: set[int] = dataclass_field(default_factory=set)
    checked_for_kit: set[int] = dataclass_field(default_factory=set)
    tax_rates: dict[str, Decimal] = dataclass_field(default_factory=dict)


def _lookups(raw_lines: Sequence[Any]) -> _Lookups:
    """Load the lines' variants (by id) and which of them are kits, in two queries."""
    ids: set[int] = set()
    for raw in raw_lines:
        if isinstance(raw, Mapping):
            try:
                ids.add(int(raw.get("variant_id")))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue  # no id, or a bad one: _variant reports it for its line
    if not ids:
        return _Lookups()
    variants = {v.pk: v for v in Variant.objects.select_related("product").filter(pk__in=ids)}
    return _Lookups(
        variants=variants, kits=catalog_queries.kit_ids(variants), checked_for_kit=set(variants)
    )


def _variant(line: Mapping[str, Any], field: str, lookups: _Lookups) -> Variant:
    variant_id = _id(line.get("variant_id"), f"{field}.variant_id")
    queryset = Variant.objects.select_related("product")
    if variant_id is not None:
        variant = lookups.variants.get(variant_id) or queryset.filter(pk=variant_id).first()
    elif line.get("sku"):
        variant = queryset.filter(sku=str(line["sku"]).strip()).first()
    elif line.get("gtin"):
        found = catalog_queries.variant_by_gtin(str(line["gtin"]).strip())
        variant = queryset.filter(pk=found.pk).first() if found is not None else None
    else:
        raise DomainError(
            "variant_required", "Give variant_id, sku or gtin.", field=f"{field}.variant_id"
        )
    if variant is None or not variant.is_active or not variant.product.is_active:
        raise DomainError(
            "unknown_variant", "No such active product variant.", field=f"{field}.variant_id"
        )
    return variant


def _supply_kind(variant: Variant, lookups: _Lookups) -> str:
    product = variant.product
    if product.kind in ("service", "consumable"):
        return "none"
    if variant.pk not in lookups.checked_for_kit:
        lookups.checked_for_kit.add(variant.pk)
        if catalog_queries.kit_components(variant.pk):
            lookups.kits.add(variant.pk)
    if variant.pk in lookups.kits:
        return "kit"
    return "mto" if product.supply_mode == "mto" else "stock"


def _priced_line(
    order: SalesOrder,
    raw: Mapping[str, Any],
    field: str,
    position: int,
    lookups: _Lookups | None = None,
) -> SalesOrderLine:
    """A line of the order, priced from the price lists unless a unit price is given."""
    if not isinstance(raw, Mapping):
        raise DomainError("invalid_line", "Each line must be an object.", field=field)
    lookups = lookups or _Lookups()
    variant = _variant(raw, field, lookups)
    quantity = _quantity(raw.get("quantity"), f"{field}.quantity")
    discount = _percent(raw.get("discount_percent"), f"{field}.discount_percent")
    source = str(raw.get("price_source") or "")
    if raw.get("unit_price") not in (None, ""):
        unit_price = _decimal(raw.get("unit_price"), f"{field}.unit_price")
        if unit_price < 0:
            raise DomainError(
                "invalid_unit_price",
                "The unit price may not be negative.",
                field=f"{field}.unit_price",
            )
        source = source if source in domain.PRICE_SOURCES else "explicit"
    else:
        listed = pricing.unit_price(
            variant.pk,
            quantity=quantity,
            currency=order.currency,
            customer_group=order.customer_group,
            on=order.order_date,
        )
        if listed is None:
            raise DomainError(
                "no_price",
                f"No price list gives {variant.sku} a price in {order.currency}"
                f"{' for ' + order.customer_group if order.customer_group else ''}; "
                "enter a unit price.",
                field=f"{field}.unit_price",
                details={"variant_id": variant.pk, "currency": order.currency},
            )
        unit_price = listed
        source = "price_list"
    if raw.get("tax_rate") not in (None, ""):
        tax_rate = _decimal(raw.get("tax_rate"), f"{field}.tax_rate")
    else:
        tax_class = variant.product.tax_class or "standard"
        if tax_class not in lookups.tax_rates:
            lookups.tax_rates[tax_class] = pricing.tax_rate_of_class(
                tax_class, country=order.ship_to_country, region=order.ship_to_region
            )
        tax_rate = lookups.tax_rates[tax_class]
    amounts = domain.line_amounts(
        quantity,
        unit_price,
        currency=order.currency,
        discount_percent=discount,
        tax_rate=tax_rate,
    )
    return SalesOrderLine(
        order=order,
        position=position,
        variant=variant,
        description=variant.display_name[:200],
        sku=variant.sku,
        quantity=quantity,
        unit_price=unit_price,
        price_source=source,
        discount_percent=discount,
        tax_rate=tax_rate,
        net_amount=amounts.net,
        tax_amount=amounts.tax,
        gross_amount=amounts.gross,
        supply_kind=_supply_kind(variant, lookups),
    )


# --- history ----------------------------------------------------------------------------------


def _record(order: SalesOrder, state: str, detail: str = "") -> None:
    SalesOrderEvent.objects.create(
        order=order,
        state=state,
        account_id=order.account_id,
        person_id=order.person_id,
        occurred_at=timezone.now(),
        detail=detail[:300],
        actor_id=current().actor_id,
    )


def _payload(order: SalesOrder, **extra: Any) -> dict[str, Any]:
    return {
        "order_id": order.pk,
        "number": order.number,
        "channel": order.channel,
        "state": order.state,
        "account_id": order.account_id,
        "person_id": order.person_id,
        "currency": order.currency,
        "gross_total": str(order.gross_total),
        **extra,
    }


def _refresh_totals(order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    totals = domain.order_totals(
        (domain.LineAmounts(line.net_amount, line.tax_amount, line.gross_amount) for line in lines),
        order.currency,
    )
    order.net_total, order.tax_total, order.gross_total = totals.net, totals.tax, totals.gross


def _locked(order_id: Any) -> SalesOrder:
    pk = _id(order_id, "order_id")
    order = SalesOrder.objects.select_for_update().filter(pk=pk).first()
    if order is None:
        raise DomainError("not_found", "No such sales order.", status=404)
    return order


def _locked_lines(order: SalesOrder) -> list[SalesOrderLine]:
    return list(
        SalesOrderLine.objects.select_for_update(of=("self",))  # not the joined variants
        .filter(order=order)
        .select_related("variant", "variant__product")
        .order_by("pk")
    )


def _require_draft(order: SalesOrder) -> None:
    if order.state != "draft":
        raise DomainError(
            "not_draft",
            f"{order.number} is {domain.STATE_TITLES[order.state]}; only drafts can be changed.",
            status=409,
            details={"state": order.state},
        )


# --- use cases ----------------------------------------------------------------------------------


def create_order(data: Mapping[str, Any], *, number: str | None = None) -> SalesOrder:
    """Create a draft order with its lines, priced from the price lists (or as given).

    ``data``: channel, account_id and/or person_id (optional only for POS), currency
    (default the tenant's base currency), order_date, ship_to_country / region / postal_code
    (default the customer's shipping address), allow_split, accept_backorder, warehouse_id,
    external_reference, note, opportunity_id, and lines: variant_id (or sku, gtin),
    quantity, optional unit_price, discount_percent, tax_rate. ``number`` is one taken
    already; otherwise it is taken last, so the sequence row is locked only until the commit.
    """
    with transaction.atomic():
        return _create(data, number)[0]


def _create(data: Mapping[str, Any], number: str | None) -> tuple[SalesOrder, list[SalesOrderLine]]:
    """create_order's work inside the caller's transaction; the order and its new lines."""
    from valuechain.platform import fx

    channel = clean_choice(data.get("channel") or "web", "channel", domain.CHANNELS)
    account, person = _customer(data.get("account_id"), data.get("person_id"))
    if account is None and person is None and channel != "pos":
        raise DomainError(
            "customer_required",
            "Choose the customer: an account or a person.",
            field="account_id",
        )
    raw_currency = data.get("currency") or fx.tenant_base_currency()
    currency = normalize_currency(raw_currency)
    address = _default_ship_to(account, person)
    country = clean_text(
        data.get("ship_to_country") or (address.country if address else ""),
        "ship_to_country",
        2,
    ).upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise DomainError(
            "invalid_ship_to_country",
            "The country is a two-letter ISO code (DE, FR, US…).",
            field="ship_to_country",
        )
    lines = data.get("lines") or []
    if isinstance(lines, (str, bytes, Mapping)) or not isinstance(lines, Sequence):
        raise DomainError("invalid_lines", "Send the lines as a list.", field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError(
            "too_many_lines", f"An order has at most {MAX_LINES} lines.", field="lines"
        )
    order = SalesOrder(
        channel=channel,
        account=account,
        person=person,
        opportunity_id=_id(data.get("opportunity_id"), "opportunity_id"),
        currency=currency,
        order_date=_date(data.get("order_date"), "order_date"),
        customer_group=catalog_queries.customer_group_for(
            account_id=account.pk if account else (person.account_id if person else None),
            person_id=person.pk if person else None,
        ),
        ship_to_country=country,
        ship_to_region=clean_text(
            data.get("ship_to_region") or (address.region if address else ""),
            "ship_to_region",
            100,
        ),
        ship_to_postal_code=clean_text(
            data.get("ship_to_postal_code") or (address.postal_code if address else ""),
            "ship_to_postal_code",
            20,
        ),
        incoterm=domain.clean_incoterm(data.get("incoterm")),
        incoterm_place=clean_text(data.get("incoterm_place"), "incoterm_place", 100),
        allow_split=bool(data.get("allow_split", True)),
        accept_backorder=bool(data.get("accept_backorder", False)),
        warehouse=_warehouse(data.get("warehouse_id")),
        external_reference=clean_text(data.get("external_reference"), "external_reference", 100),
        note=str(data.get("note") or ""),
        created_by_id=current().actor_id,
    )
    lookups = _lookups(lines)
    priced = [
        _priced_line(order, raw, f"lines[{index}]", index + 1, lookups)
        for index, raw in enumerate(lines)
    ]
    _refresh_totals(order, priced)
    order.number = number or next_number(SEQUENCE_KEY)
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError as exc:
        if order.opportunity_id is not None:
            raise DomainError(
                "opportunity_already_ordered",
                "This opportunity already has a sales order.",
                status=409,
                field="opportunity_id",
            ) from exc
        raise DomainError(
            "duplicate_external_reference",
            f"An order of channel {channel} with reference {order.external_reference!r} "
            "exists already.",
            status=409,
            field="external_reference",
        ) from exc
    for line in priced:
        line.order = order
    SalesOrderLine.objects.bulk_create(
        [_stamped(line) for line in priced]  # bulk_create skips save(), which stamps
    )
    _record(order, "draft", f"{channel} order, {len(priced)} lines")
    publish("SalesOrderCreated", _payload(order, line_count=len(priced)))
    return order, priced


def _stamped(line: SalesOrderLine) -> SalesOrderLine:
    line.tenant_id = require_tenant_id()
    return line


def add_line(order_id: int, data: Mapping[str, Any]) -> SalesOrderLine:
    """Add a priced line to a draft order and update its totals."""
    with transaction.atomic():
        order = _locked(order_id)
        _require_draft(order)
        lines = _locked_lines(order)
        if len(lines) >= MAX_LINES:
            raise DomainError(
                "too_many_lines", f"An order has at most {MAX_LINES} lines.", field="lines"
            )
        position = max((line.position for line in lines), default=0) + 1
        line = _priced_line(order, data, "line", position)
        line.save()
        _refresh_totals(order, [*lines, line])
        order.save(update_fields=["net_total", "tax_total", "gross_total", "updated_at"])
        publish("SalesOrderLineAdded", _payload(order, line_id=line.pk, variant_id=line.variant_id))
    return line


def remove_line(order_id: int, line_id: int) -> None:
    """Remove a line from a draft order and update its totals."""
    with transaction.atomic():
        order = _locked(order_id)
        _require_draft(order)
        lines = _locked_lines(order)
        remaining = [line for line in lines if line.pk != line_id]
        if len(remaining) == len(lines):
            raise DomainError("not_found", "No such line on this order.", status=404)
        SalesOrderLine.objects.filter(pk=line_id).delete()
        _refresh_totals(order, remaining)
        order.save(update_fields=["net_total", "tax_total", "gross_total", "updated_at"])
        publish("SalesOrderLineRemoved", _payload(order, line_id=line_id))


def _default_supply_warehouse(order: SalesOrder) -> Warehouse:
    if order.warehouse is not None:
        return order.warehouse
    found = (
        Warehouse.objects.filter(is_active=True, is_store=False).order_by("priority", "pk").first()
        or Warehouse.objects.filter(is_active=True).order_by("priority", "pk").first()
    )
    if found is None:
        raise DomainError(
            "no_warehouse",
            "Create a warehouse first: make-to-order supply is requested for one.",
            status=409,
        )
    return found


def _demands(lines: Sequence[SalesOrderLine]) -> list[reservations.Demand]:
    demands: list[reservations.Demand] = []
    for line in lines:
        if line.supply_kind == "stock":
            demands.append(
                reservations.Demand(SOURCE_TYPE, line.pk, line.variant_id, line.quantity)
            )
        elif line.supply_kind == "kit":
            for component_id, per_kit in catalog_queries.kit_components(line.variant_id):
                demands.append(
                    reservations.Demand(SOURCE_TYPE, line.pk, component_id, line.quantity * per_kit)
                )
    return demands


def _apply_reservation(
    lines: Sequence[SalesOrderLine], outcome: reservations.ReservationOutcome
) -> None:
    """Write reserved and backordered quantities (in line units) onto the lines."""
    reserved: dict[int, Decimal] = {}
    for allocation in outcome.allocations:
        reserved[allocation.source_id] = (
            reserved.get(allocation.source_id, Decimal(0)) + allocation.quantity
        )
    for line in lines:
        if line.supply_kind == "stock":
            line.reserved_quantity = reserved.get(line.pk, Decimal(0))
            line.backordered_quantity = outcome.backordered.get(line.pk, Decimal(0))
        elif line.supply_kind == "kit":
            short = outcome.backordered.get(line.pk, Decimal(0))
            if short > 0:
                components = catalog_queries.kit_components(line.variant_id)
                total_per_kit = sum((per_kit for _, per_kit in components), Decimal(0))
                # Whole kits that cannot be assembled from what was reserved.
                missing_kits = min(line.quantity, -(-short // total_per_kit))
                line.backordered_quantity = missing_kits
                line.reserved_quantity = line.quantity - missing_kits
            else:
                line.reserved_quantity = line.quantity
                line.backordered_quantity = Decimal(0)


def confirm_order(order_id: int) -> SalesOrder:
    """Confirm a draft: reserve its stocked and kit lines, request supply for MTO lines.

    A shortage without backorder raises ``insufficient_stock`` (409, with the available
    quantity) and nothing changes; with backorder the rest is recorded on the lines.
    """
    with transaction.atomic():
        order = _locked(order_id)
        _require_draft(order)
        return _confirm(order, _locked_lines(order))


def _confirm(order: SalesOrder, lines: list[SalesOrderLine]) -> SalesOrder:
    """confirm_order's work on a locked draft and its locked lines, in the caller's transaction."""
    if not lines:
        raise DomainError("no_lines", "Add at least one line before confirming.", status=409)
    before = snapshot(lines, CONFIRM_LINE_FIELDS)
    demands = _demands(lines)
    if demands:
        outcome = reservations.reserve(
            demands,
            reference=order.number,
            allow_split=order.allow_split,
            allow_backorder=order.accept_backorder,
            warehouse_ids=[order.warehouse_id] if order.warehouse_id else None,
            ship_to_country=order.ship_to_country,
            ship_to_postal_code=order.ship_to_postal_code,
        )
        _apply_reservation(lines, outcome)
    mto = [line for line in lines if line.supply_kind == "mto"]
    if mto:
        warehouse = _default_supply_warehouse(order)
        for line in mto:
            request = supply_requests.request_supply(
                variant=line.variant,
                warehouse=warehouse,
                quantity=line.quantity,
                reason="mto",
                origin_type=SOURCE_TYPE,
                origin_id=line.pk,
            )
            line.supply_request_id = request.pk
            line.supply_status = request.state
    bulk_update_audited(lines, CONFIRM_LINE_FIELDS, before)
    order.state = "confirmed"
    order.confirmed_at = timezone.now()
    order.save(update_fields=["state", "confirmed_at", "updated_at"])
    backordered = sum((line.backordered_quantity for line in lines), Decimal(0))
    _record(
        order,
        "confirmed",
        f"{order.currency} {order.gross_total:.2f}"
        + (f", {backordered.normalize():f} on backorder" if backordered else ""),
    )
    publish(
        "SalesOrderConfirmed",
        _payload(
            order,
            backordered=str(backordered),
            supply_request_ids=[line.supply_request_id for line in mto],
        ),
    )
    return order


def cancel_order(order_id: int, *, reason: str = "") -> SalesOrder:
    """Cancel a draft or confirmed order: release its reservations, cancel its supply requests."""
    with transaction.atomic():
        order = _locked(order_id)
        domain.check_transition(order.state, "cancelled")
        lines = _locked_lines(order)
        if any(line.shipped_quantity > 0 for line in lines):
            raise DomainError(
                "already_shipped",
                "Part of this order has shipped; it cannot be cancelled.",
                status=409,
            )
        released = Decimal(0)
        if order.state == "confirmed":
            released = reservations.release(SOURCE_TYPE, [line.pk for line in lines])
            supply = _cancel_supply([line.pk for line in lines if line.supply_kind == "mto"])
            for line in lines:
                line.supply_status = supply.get(line.pk, line.supply_status)
                line.reserved_quantity = Decimal(0)
                line.backordered_quantity = Decimal(0)
                line.save(
                    update_fields=[
                        "reserved_quantity",
                        "backordered_quantity",
                        "supply_status",
                        "updated_at",
                    ]
                )
        order.state = "cancelled"
        order.cancelled_at = timezone.now()
        order.save(update_fields=["state", "cancelled_at", "updated_at"])
        reason = clean_text(reason, "reason", 200)
        _record(order, "cancelled", reason)
        publish("SalesOrderCancelled", _payload(order, released=str(released), reason=reason))
    return order


def _cancel_supply(line_ids: Sequence[int]) -> dict[int, str]:
    """Cancel the lines' supply requests still open or ordered; their states afterwards."""
    states: dict[int, str] = {}
    for line_id, request in inventory_queries.supply_for_origin(
        SOURCE_TYPE, list(line_ids)
    ).items():
        if request.state in ("done", "cancelled"):
            states[line_id] = str(request.state)
        else:
            states[line_id] = str(
                supply_requests.change_supply_request(request.pk, state="cancelled").state
            )
    return states


def close_order(order_id: int) -> SalesOrder:
    """Close a fully shipped order (nothing more happens to it)."""
    with transaction.atomic():
        order = _locked(order_id)
        domain.check_transition(order.state, "closed")
        order.state = "closed"
        order.closed_at = timezone.now()
        order.save(update_fields=["state", "closed_at", "updated_at"])
        _record(order, "closed")
        publish("SalesOrderClosed", _payload(order))
    return order


def register_shipment(
    order_id: int, quantities: Mapping[int, Decimal], *, reference: str
) -> SalesOrder:
    """Record shipped quantities per line id; move the order to partially shipped or shipped.

    Moves no stock: fulfillment calls ``inventory.reservations.ship`` per line first, in the
    same transaction. Lines must belong to the order; no line ships more than ordered.
    """
    with transaction.atomic():
        order = _locked(order_id)
        if order.state not in ("confirmed", "partially_shipped"):
            raise DomainError(
                "invalid_state",
                f"{order.number} is {domain.STATE_TITLES[order.state]}; only confirmed orders "
                "ship.",
                status=409,
                details={"state": order.state},
            )
        if not quantities:
            raise DomainError("no_quantities", "Name at least one line.", field="quantities")
        lines = {line.pk: line for line in _locked_lines(order)}
        for line_id in sorted(quantities):
            line = lines.get(int(line_id))
            if line is None:
                raise DomainError(
                    "unknown_line",
                    f"Line {line_id} is not on {order.number}.",
                    field="quantities",
                    details={"line_id": line_id},
                )
            adding = _decimal(quantities[line_id], "quantities")
            domain.check_shipment(line.quantity, line.shipped_quantity, adding)
            line.shipped_quantity += adding
            line.reserved_quantity = max(Decimal(0), line.reserved_quantity - adding)
            line.backordered_quantity = min(line.backordered_quantity, line.open_quantity)
            line.save(
                update_fields=[
                    "shipped_quantity",
                    "reserved_quantity",
                    "backordered_quantity",
                    "updated_at",
                ]
            )
        state = (
            domain.state_after_shipment(
                domain.LineProgress(line.quantity, line.shipped_quantity)
                for line in lines.values()
                if line.supply_kind != "none"
            )
            if any(line.supply_kind != "none" for line in lines.values())
            else "shipped"
        )
        order.state = state
        if state == "shipped":
            order.shipped_at = timezone.now()
        order.save(update_fields=["state", "shipped_at", "updated_at"])
        reference = clean_text(reference, "reference", 100)
        _record(order, state, reference)
        event = "SalesOrderShipped" if state == "shipped" else "SalesOrderPartiallyShipped"
        publish(
            event,
            _payload(
                order,
                reference=reference,
                lines={str(k): str(v) for k, v in sorted(quantities.items())},
            ),
        )
    return order


def create_and_confirm(data: Mapping[str, Any]) -> SalesOrder:
    """Create and confirm in one transaction: a shortage leaves no order behind.

    Called outside a transaction (the API), the number is taken first in a transaction of
    its own, so concurrent orders do not queue on the sequence row while they reserve; a
    refused order then leaves a gap in the numbers (docs/commerce.md, "Order numbers").
    """
    number = None if transaction.get_connection().in_atomic_block else next_number(SEQUENCE_KEY)
    with transaction.atomic():
        # The rows were inserted by this transaction, so nobody else can see or lock them.
        return _confirm(*_create(data, number))

"""Use cases setting inventory up: warehouses, their locations (bins) and the tenant's policy.

Same rules as ``services.py``: one transaction, DomainError with a stable code
(``duplicate_code`` is a 409), a past-tense event per use case.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_code, clean_text
from valuechain.scm.inventory import domain, valuation
from valuechain.scm.inventory.models import (
    InventorySettings,
    Location,
    Warehouse,
)
from valuechain.scm.inventory.services import not_found


@transaction.atomic
def update_settings(
    *,
    allow_negative_stock: bool | None = None,
    fefo: bool | None = None,
    costing_method: str | None = None,
) -> InventorySettings:
    """Change the tenant's inventory policy (negative stock, FEFO picking, costing method)."""
    row = InventorySettings.objects.select_for_update().first()
    if row is None:
        try:
            with transaction.atomic():
                row = InventorySettings.objects.create()
        except IntegrityError:
            row = InventorySettings.objects.select_for_update().get()
    if allow_negative_stock is not None:
        row.allow_negative_stock = bool(allow_negative_stock)
    if fefo is not None:
        row.fefo = bool(fefo)
    if costing_method is not None:
        row.costing_method = valuation.checked_method(row.costing_method, costing_method)
    row.save()
    publish(
        "InventorySettingsChanged",
        {
            "allow_negative_stock": row.allow_negative_stock,
            "fefo": row.fefo,
            "costing_method": row.costing_method,
        },
    )
    return row


def _coordinate(value: Any, field: str, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > limit:
        raise DomainError(
            f"invalid_{field}", f"The {field} is a number from -{limit} to {limit}.", field=field
        )
    return number


def _warehouse_values(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = clean_text(data["name"], "name", 200, required=True)
    if "priority" in data:
        priority = data["priority"]
        if (
            isinstance(priority, bool)
            or not isinstance(priority, int)
            or not 0 <= priority <= 10000
        ):
            raise DomainError(
                "invalid_priority",
                "The priority is a whole number from 0 to 10000.",
                field="priority",
            )
        values["priority"] = priority
    if "country" in data:
        country = str(data["country"] or "").strip().upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            raise DomainError(
                "invalid_country", "The country is a two-letter ISO code.", field="country"
            )
        values["country"] = country
    if "postal_code" in data:
        values["postal_code"] = clean_text(data["postal_code"], "postal_code", 20)
    if "latitude" in data:
        values["latitude"] = _coordinate(data["latitude"], "latitude", 90)
    if "longitude" in data:
        values["longitude"] = _coordinate(data["longitude"], "longitude", 180)
    for flag in ("is_store", "is_active"):
        if flag in data:
            values[flag] = bool(data[flag])
    return values


@transaction.atomic
def create_warehouse(
    *,
    code: str,
    name: str,
    priority: int = 10,
    country: str = "",
    postal_code: str = "",
    is_store: bool = False,
    latitude: Any = None,
    longitude: Any = None,
) -> Warehouse:
    """Create a warehouse with one location of every internal kind (CODE/STOCK, …)."""
    warehouse_code = clean_code(code, "warehouse")
    values = _warehouse_values(
        {
            "name": name,
            "priority": priority,
            "country": country,
            "postal_code": postal_code,
            "is_store": is_store,
            "latitude": latitude,
            "longitude": longitude,
        }
    )
    try:
        with transaction.atomic():
            warehouse = Warehouse.objects.create(code=warehouse_code, **values)
            for order, kind in enumerate(domain.INTERNAL_LOCATION_KINDS):
                Location.objects.create(
                    warehouse=warehouse,
                    code=domain.location_code(warehouse_code, kind),
                    name=f"{values['name']} {kind.replace('_', ' ')}",
                    kind=kind,
                    pick_order=order * 100,
                )
    except IntegrityError as exc:
        raise DomainError(
            "duplicate_code",
            f"There already is a warehouse or location with the code {warehouse_code}.",
            field="code",
            status=409,
        ) from exc
    publish("WarehouseCreated", {"warehouse_id": warehouse.pk, "code": warehouse.code})
    return warehouse


@transaction.atomic
def update_warehouse(warehouse_id: int, **changes: Any) -> Warehouse:
    """Change a warehouse's name, priority, place, store flag or active flag."""
    warehouse = Warehouse.objects.select_for_update().filter(pk=warehouse_id).first()
    if warehouse is None:
        raise not_found("warehouse")
    unknown = set(changes) - {
        "name",
        "priority",
        "country",
        "postal_code",
        "latitude",
        "longitude",
        "is_store",
        "is_active",
    }
    if unknown:
        raise DomainError("invalid_field", f"Cannot change {', '.join(sorted(unknown))}.")
    for name, value in _warehouse_values(changes).items():
        setattr(warehouse, name, value)
    warehouse.save()
    publish("WarehouseChanged", {"warehouse_id": warehouse.pk, "fields": sorted(changes)})
    return warehouse


@transaction.atomic
def create_location(
    *, warehouse_id: int, kind: str, suffix: str, name: str = "", pick_order: int = 0
) -> Location:
    """Add a bin under a warehouse (``WH1/STOCK/A-01``) of an internal kind."""
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
    if warehouse is None:
        raise not_found("warehouse")
    kind = clean_choice(kind, "kind", domain.INTERNAL_LOCATION_KINDS)
    suffix = str(suffix or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9_.-]{0,17}", suffix):
        raise DomainError(
            "invalid_suffix",
            "The bin name is 1 to 18 letters, digits, '.', '-' or '_'.",
            field="suffix",
        )
    code = f"{domain.location_code(warehouse.code, kind)}/{suffix}"
    try:
        with transaction.atomic():
            location = Location.objects.create(
                warehouse=warehouse,
                code=code,
                name=clean_text(name, "name", 200) or code,
                kind=kind,
                pick_order=max(int(pick_order), 0),
            )
    except IntegrityError as exc:
        raise DomainError(
            "duplicate_code", f"Location {code} exists already.", field="suffix", status=409
        ) from exc
    publish("LocationCreated", {"location_id": location.pk, "code": code})
    return location

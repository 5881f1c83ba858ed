"""Use cases of manufacturing master data: work centres and bills of materials.

Every function runs in one transaction, locks the rows it changes in primary-key order
(``select_for_update``), raises DomainError with a stable code and the field at fault, and
publishes a past-tense event. Work orders live in ``workorders.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from valuechain.platform import inputs
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_code, clean_text
from valuechain.scm.catalog.models import UnitOfMeasure, Variant
from valuechain.scm.manufacturing import domain
from valuechain.scm.manufacturing.models import Bom, BomLine, WorkCentre
from valuechain.scm.manufacturing.queries import bills_below

MAX_QUANTITY = Decimal("99999999999999")  # 18 digits, 4 of them decimals
MAX_SCRAP_PERCENT = Decimal(1000)
MAX_CAPACITY = Decimal("99999999")
MAX_HOURS_PER_DAY = Decimal(24)
CENTRE_FIELDS = {"code", "name", "capacity_per_hour", "hours_per_day", "is_active"}


# --- cleaning -------------------------------------------------------------------------------


def not_found(label: str, field: str | None = None) -> DomainError:
    """The 404 of a record that does not exist in the current tenant."""
    code = label.replace(" ", "_")
    return DomainError(f"{code}_not_found", f"No such {label}.", field=field, status=404)


def clean_number(
    value: Any, field: str, *, places: int = 4, maximum: Decimal = MAX_QUANTITY, positive: bool
) -> Decimal:
    """``inputs.clean_number`` with manufacturing's quantity defaults (4 places, MAX_QUANTITY)."""
    return inputs.clean_number(value, field, places=places, maximum=maximum, positive=positive)


def variant_of(variant_id: Any, field: str = "variant_id") -> Variant:
    """The variant of that id in the current tenant, with its product; 404 otherwise."""
    found = (
        Variant.objects.select_related("product__base_uom").filter(pk=variant_id).first()
        if isinstance(variant_id, int) and not isinstance(variant_id, bool)
        else None
    )
    if found is None:
        raise not_found("variant", field)
    return found


# --- work centres ---------------------------------------------------------------------------


def _centre_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "code" in data:
        values["code"] = clean_code(data["code"], "work centre")
    if "name" in data:
        values["name"] = clean_text(data["name"], "name", 200, required=True)
    if "capacity_per_hour" in data:
        values["capacity_per_hour"] = clean_number(
            data["capacity_per_hour"], "capacity_per_hour", maximum=MAX_CAPACITY, positive=True
        )
    if "hours_per_day" in data:
        values["hours_per_day"] = clean_number(
            data["hours_per_day"],
            "hours_per_day",
            places=2,
            maximum=MAX_HOURS_PER_DAY,
            positive=True,
        )
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    return values


def _unique_code(code: str, exclude: int | None = None) -> None:
    clash = WorkCentre.objects.filter(code=code)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise DomainError(
            "duplicate_code", f"A work centre {code} already exists.", field="code", status=409
        )


@transaction.atomic
def create_work_centre(
    *,
    code: str,
    name: str,
    capacity_per_hour: Any,
    hours_per_day: Any = Decimal(8),
    is_active: bool = True,
) -> WorkCentre:
    """Add a work centre: what it makes per hour and how many hours a day it is planned."""
    values = _centre_values(
        {
            "code": code,
            "name": name,
            "capacity_per_hour": capacity_per_hour,
            "hours_per_day": hours_per_day,
            "is_active": is_active,
        }
    )
    _unique_code(values["code"])
    centre = WorkCentre.objects.create(**values)
    publish("WorkCentreCreated", {"work_centre_id": centre.pk, "code": centre.code})
    return centre


@transaction.atomic
def update_work_centre(work_centre_id: int, **changes: Any) -> WorkCentre:
    """Change a work centre's code, name, capacity, planned hours or active flag."""
    unknown = set(changes) - CENTRE_FIELDS
    if unknown:
        name = sorted(unknown)[0]
        raise DomainError("unknown_field", f"{name} cannot be changed.", field=name)
    centre = WorkCentre.objects.select_for_update().filter(pk=work_centre_id).first()
    if centre is None:
        raise not_found("work centre")
    values = _centre_values(changes)
    if "code" in values:
        _unique_code(values["code"], exclude=centre.pk)
    for name, value in values.items():
        setattr(centre, name, value)
    centre.save()
    publish("WorkCentreChanged", {"work_centre_id": centre.pk, "fields": sorted(values)})
    return centre


# --- bills of materials ---------------------------------------------------------------------


def _unit(code: Any, variant: Variant, field: str) -> UnitOfMeasure | None:
    """The line's unit (empty: the component's base unit), of the base unit's category."""
    text = str(code or "").strip()
    if not text:
        return None
    unit = UnitOfMeasure.objects.filter(code=text).first()
    if unit is None:
        raise DomainError("unit_not_found", f"No unit {text}.", field=field, status=404)
    base = variant.product.base_uom
    base_category = base.category if base is not None else "unit"
    if unit.category != base_category:
        raise DomainError(
            "unit_mismatch",
            f"{variant.sku} is counted in {base.code if base else 'pieces'}; "
            f"{unit.code} measures {unit.category}.",
            field=field,
        )
    return unit


def _lines(rows: Any, field: str, *, byproduct: bool, output: Variant) -> list[BomLine]:
    if rows is None:
        return []
    if not isinstance(rows, list | tuple):
        raise DomainError(f"invalid_{field}", f"The {field} must be a list.", field=field)
    lines = []
    for index, row in enumerate(rows):
        where = f"{field}[{index}]"
        if not isinstance(row, Mapping):
            raise DomainError(f"invalid_{field}", f"{where} must be an object.", field=where)
        variant = variant_of(row.get("variant_id"), f"{where}.variant_id")
        if variant.pk == output.pk:
            raise DomainError(
                "bom_cycle",
                f"{variant.sku} cannot be a component or by-product of itself.",
                field=f"{where}.variant_id",
            )
        try:
            quantity = clean_number(row.get("quantity"), "quantity", positive=True)
            scrap = clean_number(
                row.get("scrap_percent", 0) or 0,
                "scrap_percent",
                places=2,
                maximum=MAX_SCRAP_PERCENT,
                positive=False,
            )
        except DomainError as error:  # name the line, so the form and API point at it
            raise DomainError(
                error.code, f"Line {index + 1}: {error.message}", field=f"{where}.{error.field}"
            ) from error
        if byproduct and scrap:
            raise DomainError(
                "invalid_scrap_percent",
                "By-products carry no scrap factor.",
                field=f"{where}.scrap_percent",
            )
        lines.append(
            BomLine(
                variant=variant,
                quantity=quantity,
                unit=_unit(row.get("unit"), variant, f"{where}.unit"),
                scrap_percent=scrap,
                is_byproduct=byproduct,
                sequence=index,
            )
        )
    return lines


def _overlaps(variant: Variant, valid_from: date, valid_to: date | None) -> Bom | None:
    others = Bom.objects.filter(variant=variant, is_active=True)
    if valid_to is not None:
        others = others.filter(valid_from__lte=valid_to)
    return (
        others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
        .order_by("version")
        .first()
    )


@transaction.atomic
def create_bom(
    *,
    variant_id: int,
    kind: str = "manufacture",
    output_quantity: Any = Decimal(1),
    valid_from: date | None = None,
    valid_to: date | None = None,
    components: list[Mapping[str, Any]] | None = None,
    byproducts: list[Mapping[str, Any]] | None = None,
    note: str = "",
) -> Bom:
    """Add the next version of a variant's bill of materials.

    One active version per variant at any date: a version overlapping another's validity is
    refused with ``bom_overlap`` (409; end the other one first). A bill that would contain
    itself through its components' bills is refused with ``bom_cycle``.
    """
    variant = variant_of(variant_id)
    kind = clean_choice(kind, "kind", domain.BOM_KINDS)
    output = clean_number(output_quantity, "output_quantity", positive=True)
    start = valid_from or date.today()
    if valid_to is not None and valid_to < start:
        raise DomainError(
            "invalid_valid_to", "The bill must end on or after its start.", field="valid_to"
        )
    inputs = _lines(components, "components", byproduct=False, output=variant)
    if not inputs:
        raise DomainError(
            "components_required", "A bill needs at least one component.", field="components"
        )
    outputs = _lines(byproducts, "byproducts", byproduct=True, output=variant)
    # Versions of one variant are numbered under its lock: two creations queue.
    Variant.objects.select_for_update().filter(pk=variant.pk).first()
    clash = _overlaps(variant, start, valid_to)
    if clash is not None:
        raise DomainError(
            "bom_overlap",
            f"Version {clash.version} of {variant.sku} is valid over part of these dates; "
            "end it first.",
            field="valid_from",
            status=409,
            details={"bom_id": clash.pk, "version": clash.version},
        )
    version = (Bom.objects.filter(variant=variant).aggregate(top=Max("version"))["top"] or 0) + 1
    bom = Bom.objects.create(
        variant=variant,
        version=version,
        kind=kind,
        output_quantity=output,
        valid_from=start,
        valid_to=valid_to,
        note=clean_text(note, "note", 200),
    )
    for line in inputs + outputs:
        line.bom = bom
        line.save()
    try:
        domain.explode(variant.pk, Decimal(1), bills_below([variant.pk], start))
    except domain.BomCycle as found:
        cycle = found.path
        skus = dict(Variant.objects.filter(pk__in=cycle).values_list("pk", "sku"))
        raise DomainError(
            "bom_cycle",
            "The bill contains itself: " + " → ".join(skus.get(v, str(v)) for v in cycle) + ".",
            field="components",
            details={"path": cycle},
        ) from found
    publish(
        "BomCreated",
        {"bom_id": bom.pk, "variant_id": variant.pk, "version": version, "kind": kind},
    )
    return bom


@transaction.atomic
def end_bom(bom_id: int, *, valid_to: date | None = None) -> Bom:
    """End a version's validity on a day (today when not given), so a new one can follow."""
    bom = Bom.objects.select_for_update().filter(pk=bom_id).first()
    if bom is None:
        raise not_found("bom")
    end = valid_to or date.today()
    if end < bom.valid_from:
        raise DomainError(
            "invalid_valid_to", "The bill must end on or after its start.", field="valid_to"
        )
    bom.valid_to = end
    bom.save(update_fields=["valid_to", "updated_at"])
    publish("BomEnded", {"bom_id": bom.pk, "valid_to": end.isoformat()})
    return bom


@transaction.atomic
def archive_bom(bom_id: int) -> Bom:
    """Take a version out of use: it is no longer active at any date (work orders keep it)."""
    bom = Bom.objects.select_for_update().filter(pk=bom_id).first()
    if bom is None:
        raise not_found("bom")
    bom.is_active = False
    bom.save(update_fields=["is_active", "updated_at"])
    publish("BomArchived", {"bom_id": bom.pk})
    return bom

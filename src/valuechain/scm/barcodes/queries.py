"""Read side of bar codes: what a scanned code or a tag read refers to, in a fixed number of
queries, and the lists of the RFID page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Max, QuerySet

from valuechain.scm.barcodes import gs1
from valuechain.scm.barcodes.models import ReaderAntenna, TagRead
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory.domain import INTERNAL_LOCATION_KINDS
from valuechain.scm.inventory.models import Location, Lot, StockBalance, StockMove, Warehouse


def gtin_spellings(gtin14: str) -> list[str]:
    """The forms a GTIN-14 from AI 01 or an SGTIN may be stored in: GTIN-14, -13, -12, -8."""
    forms = [gtin14]
    if gtin14.startswith("0"):
        forms.append(gtin14[1:])
    if gtin14.startswith("00"):
        forms.append(gtin14[2:])
    if gtin14.startswith("000000"):
        forms.append(gtin14[6:])
    return forms


def variants_by_gtin(gtins: Iterable[str]) -> dict[str, Variant]:
    """{GTIN-14: variant} for the GTIN-14s that name a variant of the tenant (one query)."""
    wanted = {gtin: gtin_spellings(gtin) for gtin in gtins}
    spellings = {form: gtin for gtin, forms in wanted.items() for form in forms}
    if not spellings:
        return {}
    found: dict[str, Variant] = {}
    for variant in Variant.objects.select_related("product").filter(gtin__in=list(spellings)):
        found[spellings[variant.gtin]] = variant
    return found


@dataclass(frozen=True)
class Resolved:
    """What a scanned code names: a variant (with lot/expiry/count from AIs), a location, an
    SSCC, or nothing known."""

    kind: str  # "item", "location", "sscc" or "unknown"
    variant: Variant | None = None
    location: Location | None = None
    sscc: str = ""
    gtin: str = ""  # as scanned (GTIN-14 from AI 01, or the bare GTIN)
    lot: str = ""
    serial: str = ""
    expires_on: object = None  # date | None
    count: int | None = None


def resolve(code: str, elements: dict[str, str]) -> Resolved:
    """Classify a scanned code: a GS1 element string, a bare GTIN or SSCC, a location code or
    a SKU (checked in that order)."""
    if elements:
        item = gs1.interpret(elements)
        if item.gtin:
            variant = variants_by_gtin([item.gtin]).get(item.gtin)
            if variant is None:
                return Resolved("unknown", gtin=item.gtin, lot=item.lot, serial=item.serial)
            return Resolved(
                "item",
                variant=variant,
                gtin=item.gtin,
                lot=item.lot,
                serial=item.serial,
                expires_on=item.expires_on,
                count=item.count,
            )
        if item.sscc:
            return Resolved("sscc", sscc=item.sscc)
        return Resolved("unknown")
    gtin = ""
    if code.isdigit() and len(code) in gs1.GTIN_LENGTHS and gs1.has_valid_check_digit(code):
        gtin = code
        variant = variants_by_gtin([code.zfill(14)]).get(code.zfill(14))
        if variant is not None:
            return Resolved("item", variant=variant, gtin=code)
    if code.isdigit() and len(code) == 18 and gs1.has_valid_check_digit(code):
        return Resolved("sscc", sscc=code)
    location = Location.objects.select_related("warehouse").filter(code__iexact=code).first()
    if location is not None:
        return Resolved("location", location=location)
    variant = Variant.objects.select_related("product").filter(sku=code).first()
    if variant is not None:
        return Resolved("item", variant=variant)
    return Resolved("unknown", gtin=gtin)


def warehouses() -> QuerySet[Warehouse]:
    """Active warehouses for the scan page's select."""
    return Warehouse.objects.filter(is_active=True).order_by("priority", "code")


def warehouse(warehouse_id: int | None) -> Warehouse | None:
    """One active warehouse of the tenant, or None."""
    if not warehouse_id:
        return None
    return Warehouse.objects.filter(pk=warehouse_id, is_active=True).first()


def location(location_id: int | None) -> Location | None:
    """One location of the tenant (warehouse loaded), or None."""
    if not location_id:
        return None
    return Location.objects.select_related("warehouse").filter(pk=location_id).first()


def warehouse_locations() -> QuerySet[Location]:
    """Active locations inside warehouses (for antenna mapping), by code."""
    return (
        Location.objects.select_related("warehouse")
        .filter(warehouse__isnull=False, is_active=True, kind__in=INTERNAL_LOCATION_KINDS)
        .order_by("code")
    )


def serial_lots(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Lot]:
    """{(variant id, serial): lot} for the serial numbers among ``pairs`` (one query)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    variant_ids = {variant_id for variant_id, _ in pairs}
    numbers = {number for _, number in pairs}
    rows = Lot.objects.filter(variant_id__in=variant_ids, number__in=numbers).order_by(
        "is_serial", "pk"
    )
    # A lot flagged as a serial number wins over a plain lot of the same number.
    return {
        (lot.variant_id, lot.number): lot for lot in rows if (lot.variant_id, lot.number) in pairs
    }


def on_hand_by_lot(lot_ids: Iterable[int]) -> dict[int, list[tuple[int, Decimal]]]:
    """{lot id: [(location id, on hand)]} where the ledger has the lots (one query)."""
    result: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    rows = (
        StockBalance.objects.filter(
            lot_id__in=list(lot_ids),
            on_hand__gt=0,
            location__kind__in=INTERNAL_LOCATION_KINDS,
        )
        .order_by("pk")
        .values_list("lot_id", "location_id", "on_hand")
    )
    for lot_id, location_id, on_hand in rows:
        result[lot_id].append((location_id, on_hand))
    return result


def last_moved_at(lot_ids: Iterable[int]) -> dict[int, datetime]:
    """{lot id: time of its latest stock move} (one query)."""
    rows = (
        StockMove.objects.filter(lot_id__in=list(lot_ids))
        .values("lot_id")
        .annotate(last=Max("moved_at"))
        .values_list("lot_id", "last")
    )
    return dict(rows)


def antennas() -> QuerySet[ReaderAntenna]:
    """Reader antennas with their locations, by reader and antenna."""
    return ReaderAntenna.objects.select_related("location").order_by("reader", "antenna")


def antenna_map(readers: Iterable[str]) -> dict[tuple[str, int], ReaderAntenna]:
    """{(reader, antenna): active mapping} of the given readers (one query)."""
    rows = ReaderAntenna.objects.select_related("location").filter(
        reader__in=set(readers), is_active=True
    )
    return {(row.reader, row.antenna): row for row in rows}


def recent_reads(limit: int = 50) -> QuerySet[TagRead]:
    """The latest tag reads, newest first, with location and variant loaded."""
    return TagRead.objects.select_related("location", "variant").order_by("-read_at", "-pk")[:limit]


def tag_reads(
    *, outcome: str | None = None, reader: str | None = None, epc: str | None = None
) -> QuerySet[TagRead]:
    """Recorded reads, filtered."""
    rows = TagRead.objects.all()
    if outcome:
        rows = rows.filter(outcome=outcome)
    if reader:
        rows = rows.filter(reader=reader)
    if epc:
        rows = rows.filter(epc=epc.strip().upper())
    return rows

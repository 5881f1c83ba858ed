"""Use cases of bar codes: reader antenna mapping and the RFID tag-read ingest.

The ingest decodes each EPC, records every read (idempotent by reader, antenna, EPC and
read time) and, when a serialised item (SGTIN → variant by GTIN, serial → its serial lot) is
seen at a location other than where the ledger has it, posts a transfer move through the
inventory services. Unknown EPCs are kept and reported, never fatal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.scm.barcodes import epc, queries, stock
from valuechain.scm.barcodes.models import ReaderAntenna, TagRead
from valuechain.scm.inventory.models import Location

MAX_READS = 5000


# --- reader antennas ------------------------------------------------------------------------


def _reader(value: Any) -> str:
    text = str(value or "").strip()
    if not text or len(text) > 60:
        raise DomainError("invalid_reader", "A reader id has 1 to 60 characters.", field="reader")
    return text


def _antenna(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= 32767:
        raise DomainError("invalid_antenna", "An antenna is a number 0-32767.", field="antenna")
    return number


def save_antenna(
    *, reader: str, antenna: int, location_id: int, name: str = "", is_active: bool = True
) -> ReaderAntenna:
    """Map a reader's antenna to an inventory location (creates or replaces the mapping)."""
    reader, antenna = _reader(reader), _antenna(antenna)
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        raise DomainError("not_found", "No such location.", field="location_id", status=404)
    if location.warehouse_id is None:
        raise DomainError(
            "invalid_location",
            "An antenna watches a location inside a warehouse.",
            field="location_id",
        )
    with transaction.atomic():
        row = ReaderAntenna.objects.select_for_update().filter(reader=reader, antenna=antenna)
        mapping = row.first()
        if mapping is None:
            mapping = ReaderAntenna(reader=reader, antenna=antenna)
        mapping.location = location
        mapping.name = str(name or "").strip()[:100]
        mapping.is_active = bool(is_active)
        mapping.save()
        publish(
            "ReaderAntennaMapped",
            {
                "id": mapping.pk,
                "reader": reader,
                "antenna": antenna,
                "location_id": location.pk,
                "is_active": mapping.is_active,
            },
        )
    return mapping


def delete_antenna(antenna_id: int) -> None:
    """Remove a mapping; later reads of that antenna are reported as unmapped."""
    with transaction.atomic():
        mapping = ReaderAntenna.objects.select_for_update().filter(pk=antenna_id).first()
        if mapping is None:
            raise DomainError("not_found", "No such reader antenna.", status=404)
        payload = {"id": mapping.pk, "reader": mapping.reader, "antenna": mapping.antenna}
        mapping.delete()
        publish("ReaderAntennaRemoved", payload)


# --- tag-read ingest ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadIn:
    """One tag read as a reader reports it."""

    reader: str
    antenna: int
    epc: str
    read_at: datetime


@dataclass
class IngestReport:
    """What an ingest did: counts per outcome and the reads that moved or were unknown."""

    received: int = 0
    duplicates: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    moves: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of the API."""
        return {
            "received": self.received,
            "duplicates": self.duplicates,
            "moved": self.counts["moved"],
            "unchanged": self.counts["unchanged"],
            "unknown": self.counts["unknown"],
            "moves": self.moves,
            "unknown_reads": self.unknown,
        }


def _clean_read(index: int, raw: ReadIn | Mapping[str, Any]) -> ReadIn:
    values = raw if isinstance(raw, Mapping) else raw.__dict__
    read_at = values.get("read_at")
    if isinstance(read_at, str):
        try:
            read_at = datetime.fromisoformat(read_at)
        except ValueError:
            read_at = None
    if not isinstance(read_at, datetime):
        raise DomainError(
            "invalid_read_at", f"Read {index}: read_at must be a date-time.", field="read_at"
        )
    if timezone.is_naive(read_at):
        raise DomainError(
            "invalid_read_at",
            f"Read {index}: read_at needs a time zone (e.g. 2026-12-02T08:00:00Z).",
            field="read_at",
        )
    hex_value = str(values.get("epc") or "").strip().replace(" ", "").upper()
    if hex_value.startswith("0X"):
        hex_value = hex_value[2:]
    if not hex_value or len(hex_value) > 64:
        raise DomainError("invalid_epc", f"Read {index}: epc has 1 to 64 hex digits.", field="epc")
    return ReadIn(
        reader=_reader(values.get("reader")),
        antenna=_antenna(values.get("antenna", 1)),
        epc=hex_value,
        read_at=read_at.astimezone(UTC),
    )


def _key(read: ReadIn) -> tuple[str, int, str, datetime]:
    return (read.reader, read.antenna, read.epc, read.read_at)


def ingest_reads(reads: Sequence[ReadIn | Mapping[str, Any]]) -> IngestReport:
    """Record a batch of tag reads (at most 5,000) and move the items they see.

    Idempotent: a read already recorded (same reader, antenna, EPC and read time) is counted
    as a duplicate and does nothing. Each new read gets one outcome: ``moved`` (its item was
    elsewhere in the ledger and a transfer was posted), ``unchanged`` (already there, an
    SSCC, a stale read, or an earlier read of an item seen again later in the batch) or
    ``unknown`` (undecodable EPC, GTIN or serial not known, antenna not mapped).
    """
    if len(reads) > MAX_READS:
        raise DomainError(
            "too_many_reads",
            f"At most {MAX_READS} reads per request; got {len(reads)}.",
            field="reads",
            details={"limit": MAX_READS},
        )
    cleaned = [_clean_read(index, raw) for index, raw in enumerate(reads)]
    report = IngestReport(received=len(cleaned))
    unique: dict[tuple[str, int, str, datetime], ReadIn] = {}
    for read in cleaned:
        unique.setdefault(_key(read), read)
    report.duplicates = len(cleaned) - len(unique)
    if not unique:
        return report
    with transaction.atomic():
        mappings = queries.antenna_map({read.reader for read in unique.values()})
        # Serialise concurrent ingests of the same antennas (their moves would race).
        mapping_pks = sorted(mapping.pk for mapping in mappings.values())
        list(ReaderAntenna.objects.select_for_update().filter(pk__in=mapping_pks).order_by("pk"))
        seen = _already_recorded(list(unique.values()))
        for key in seen:
            unique.pop(key, None)
        report.duplicates += len(seen)
        rows = _decide(list(unique.values()), mappings, report)
        TagRead.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        if rows:
            publish(
                "TagReadsIngested",
                {
                    "received": report.received,
                    "duplicates": report.duplicates,
                    "moved": report.counts["moved"],
                    "unchanged": report.counts["unchanged"],
                    "unknown": report.counts["unknown"],
                },
            )
    return report


def _already_recorded(reads: list[ReadIn]) -> set[tuple[str, int, str, datetime]]:
    keys = {_key(read) for read in reads}
    existing = TagRead.objects.filter(
        reader__in={read.reader for read in reads},
        epc__in={read.epc for read in reads},
        read_at__gte=min(read.read_at for read in reads),
        read_at__lte=max(read.read_at for read in reads),
    ).values_list("reader", "antenna", "epc", "read_at")
    return {row for row in existing if row in keys}


@dataclass
class _Pending:
    read: ReadIn
    row: TagRead
    lot_key: tuple[int, str] | None = None


def _decide(
    reads: list[ReadIn], mappings: Mapping[tuple[str, int], ReaderAntenna], report: IngestReport
) -> list[TagRead]:
    tenant_id = require_tenant_id()  # bulk_create skips save(), which stamps the tenant
    pending: list[_Pending] = []
    for read in sorted(reads, key=lambda r: (r.read_at, r.reader, r.antenna, r.epc)):
        mapping = mappings.get((read.reader, read.antenna))
        row = TagRead(
            tenant_id=tenant_id,
            reader=read.reader,
            antenna=read.antenna,
            epc=read.epc,
            read_at=read.read_at,
            location=mapping.location if mapping else None,
        )
        pending.append(_Pending(read, row))
        try:
            decoded = epc.decode(read.epc)
        except epc.EPCError as exc:
            _set(row, "unknown", f"{exc.code}: {exc.message}", report)
            continue
        row.scheme, row.gtin, row.serial, row.sscc = (
            decoded.scheme,
            decoded.gtin,
            decoded.serial,
            decoded.sscc,
        )
        if decoded.scheme == "sscc-96":
            _set(row, "unchanged", "logistic unit recorded", report)
        elif mapping is None:
            _set(row, "unknown", f"antenna {read.reader}#{read.antenna} is not mapped", report)

    items = [p for p in pending if not p.row.outcome]
    variants = queries.variants_by_gtin({p.row.gtin for p in items})
    for item in items:
        variant = variants.get(item.row.gtin)
        if variant is None:
            _set(item.row, "unknown", f"no variant has GTIN {item.row.gtin}", report)
            continue
        item.row.variant = variant
        item.lot_key = (variant.pk, item.row.serial)
    items = [p for p in items if p.lot_key is not None]
    lots = queries.serial_lots(p.lot_key for p in items if p.lot_key)
    for item in items:
        if item.lot_key not in lots:
            _set(item.row, "unknown", f"serial {item.row.serial} is not in the ledger", report)
    items = [p for p in items if p.lot_key in lots]
    # The latest read of each item decides where it is; earlier ones only confirm.
    latest: dict[tuple[int, str], _Pending] = {}
    for item in items:
        assert item.lot_key is not None
        latest[item.lot_key] = item  # sorted by read time above
    for item in items:
        if latest[item.lot_key] is not item:  # type: ignore[index]
            _set(item.row, "unchanged", "seen again later in this batch", report)
    lot_ids = [lots[key].pk for key in latest]
    on_hand = queries.on_hand_by_lot(lot_ids)
    last_move = queries.last_moved_at(lot_ids)
    for key, item in sorted(latest.items(), key=lambda pair: lots[pair[0]].pk):
        _place(item, lots[key], on_hand.get(lots[key].pk, []), last_move, report)
    return [p.row for p in pending]


def _place(
    item: _Pending,
    lot: Any,
    places: list[tuple[int, Any]],
    last_move: Mapping[int, datetime],
    report: IngestReport,
) -> None:
    row, target = item.row, item.row.location
    assert target is not None
    if any(location_id == target.pk for location_id, _ in places):
        _set(row, "unchanged", f"already at {target.code}", report)
        return
    if not places:
        _set(row, "unknown", f"serial {row.serial} is not on hand anywhere", report)
        return
    moved_at = last_move.get(lot.pk)
    if moved_at is not None and moved_at > row.read_at:
        _set(row, "unchanged", "read is older than the item's last move", report)
        return
    from_location_id, quantity = places[0]
    try:
        move = stock.transfer(
            variant=row.variant,
            lot=lot,
            quantity=quantity,
            from_location_id=from_location_id,
            to_location=target,
            reference=f"RFID {row.reader}#{row.antenna}",
        )
    except DomainError as exc:
        _set(row, "unknown", f"{exc.code}: {exc.message}"[:200], report)
        return
    from_code = move.from_location.code if move is not None else str(from_location_id)
    _set(row, "moved", f"{from_code} → {target.code}", report)
    report.moves.append(
        {
            "epc": row.epc,
            "gtin": row.gtin,
            "serial": row.serial,
            "variant_id": row.variant_id,
            "from_location": from_code,
            "to_location": target.code,
            "quantity": str(quantity),
            "move_id": move.pk if move is not None else None,
        }
    )


def _set(row: TagRead, outcome: str, detail: str, report: IngestReport) -> None:
    row.outcome = outcome
    row.detail = detail[:200]
    report.counts[outcome] += 1
    if outcome == "unknown":
        report.unknown.append(
            {
                "epc": row.epc,
                "reader": row.reader,
                "antenna": row.antenna,
                "read_at": row.read_at.isoformat(),
                "reason": row.detail,
            }
        )

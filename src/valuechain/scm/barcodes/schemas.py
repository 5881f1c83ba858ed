"""API shapes of bar codes: scans, reader antennas and tag reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from valuechain.scm.barcodes.services import MAX_READS


class ScanIn(Schema):
    """One scan from a handheld app, with the state its previous scan returned."""

    mode: str = Field(..., description="receive, move, count, or a mode another context adds")
    code: str = Field(..., max_length=200, description="As scanned; FNC1 as \\u001d")
    quantity: Decimal | None = Field(None, gt=0, description="When the label has no AI 37")
    warehouse_id: int | None = Field(None, description="Sets the warehouse of the state")
    state: dict[str, Any] = Field(default_factory=dict, description="The last scan's state")


class ScanOut(Schema):
    """What the scan did, and the state to send with the next scan."""

    mode: str
    message: str
    prompt: str
    details: dict[str, Any]
    elements: dict[str, str] = Field(description="The GS1 element string's AIs, if any")
    state: dict[str, Any]


class AntennaIn(Schema):
    """Map a reader antenna to a location (replaces an existing mapping)."""

    reader: str = Field(..., max_length=60)
    antenna: int = Field(1, ge=0, le=32767)
    location_id: int
    name: str = Field("", max_length=100)
    is_active: bool = True


class AntennaOut(Schema):
    """A reader antenna and the location it watches."""

    id: int
    reader: str
    antenna: int
    location_id: int
    location_code: str = Field(alias="location.code")
    name: str
    is_active: bool


class TagReadIn(Schema):
    """One read: the reader's id, the antenna, the EPC as hex and when it was seen."""

    reader: str = Field(..., max_length=60)
    antenna: int = Field(1, ge=0, le=32767)
    epc: str = Field(..., max_length=66, description="96-bit EPC as 24 hex digits")
    read_at: datetime = Field(..., description="With a time zone")


class TagReadsIn(Schema):
    """A batch of reads, at most 5,000."""

    reads: list[TagReadIn] = Field(..., max_length=MAX_READS)


class MoveOut(Schema):
    """A transfer the reads caused."""

    epc: str
    gtin: str
    serial: str
    variant_id: int | None
    from_location: str
    to_location: str
    quantity: str
    move_id: int | None


class UnknownReadOut(Schema):
    """A read that could not be placed, and why."""

    epc: str
    reader: str
    antenna: int
    read_at: str
    reason: str


class IngestOut(Schema):
    """What the batch did."""

    received: int
    duplicates: int
    moved: int
    unchanged: int
    unknown: int
    moves: list[MoveOut]
    unknown_reads: list[UnknownReadOut]


class TagReadOut(Schema):
    """A recorded tag read."""

    id: int
    reader: str
    antenna: int
    location_id: int | None
    epc: str
    scheme: str
    gtin: str
    serial: str
    sscc: str
    variant_id: int | None
    read_at: datetime
    outcome: str
    detail: str

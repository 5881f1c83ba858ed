"""API routes of barcodes (scm area): labels, scans for handheld apps, RFID tag reads."""

from __future__ import annotations

import copy
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.scm.barcodes import queries, scan, services
from valuechain.scm.barcodes.models import ReaderAntenna
from valuechain.scm.barcodes.printing import label_response
from valuechain.scm.barcodes.schemas import (
    AntennaIn,
    AntennaOut,
    IngestOut,
    ScanIn,
    ScanOut,
    TagReadOut,
    TagReadsIn,
)

router = area_router("scm", tags=["barcodes"])


@router.get(
    "/labels/{kind}/{record_id}",
    summary="Get a printable label",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The label",
                "content": {"image/svg+xml": {}, "application/pdf": {}},
            }
        }
    },
)
def get_label(request: HttpRequest, kind: str, record_id: int, format: str = "svg") -> HttpResponse:
    """The label of a record (kind ``variant``, ``product``, ``location``, ``package``…) as
    SVG or PDF (``format=svg|pdf``)."""
    return label_response(kind, record_id, format)


@router.post("/scans", response=ScanOut, summary="Handle a scan")
def post_scan(request: HttpRequest, data: ScanIn) -> dict[str, Any]:
    """One scan in a mode (receive, move, count, pick, pack…). Send back the returned
    ``state`` with the next scan; an error leaves the state as it was."""
    state = copy.deepcopy(data.state)
    extra: dict[str, Any] = {}
    if data.quantity is not None:
        extra["quantity"] = data.quantity
    if data.warehouse_id is not None:
        extra["warehouse_id"] = data.warehouse_id
    outcome = scan.run_scan(data.mode, data.code, state, extra)
    return {
        "mode": data.mode,
        "message": outcome.message,
        "prompt": outcome.prompt,
        "details": outcome.details,
        "elements": scan.parse_code(data.code)[1],
        "state": state,
    }


@router.get("/rfid/antennas", response=Page[AntennaOut], summary="List reader antennas")
def list_antennas(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """Reader antennas and the locations they watch."""
    return paginate(
        queries.antennas(),
        params,
        sortable=("reader", "antenna"),
        default_sort=("reader", "antenna"),
    )


@router.post("/rfid/antennas", response={201: AntennaOut}, summary="Map a reader antenna")
def save_antenna(request: HttpRequest, data: AntennaIn) -> Status[ReaderAntenna]:
    """Create or replace the mapping of a reader's antenna to a location."""
    mapping = services.save_antenna(**data.dict())
    return Status(201, queries.antennas().get(pk=mapping.pk))


@router.delete("/rfid/antennas/{antenna_id}", response={204: None}, summary="Remove a mapping")
def delete_antenna(request: HttpRequest, antenna_id: int) -> Status[None]:
    """Remove a reader antenna's mapping."""
    services.delete_antenna(antenna_id)
    return Status(204, None)


@router.post("/rfid/reads", response=IngestOut, summary="Ingest RFID tag reads")
def ingest_reads(request: HttpRequest, data: TagReadsIn) -> dict[str, Any]:
    """Record up to 5,000 reads (idempotent by reader, antenna, EPC and read time) and move
    the serialised items seen somewhere else than the ledger says."""
    return services.ingest_reads([read.dict() for read in data.reads]).as_dict()


class TagReadFilters(Schema):
    """Filters of the tag-read list."""

    outcome: str | None = None
    reader: str | None = None
    epc: str | None = None


@router.get("/rfid/reads", response=Page[TagReadOut], summary="List tag reads")
def list_reads(
    request: HttpRequest, filters: Query[TagReadFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Recorded reads, newest first."""
    rows = queries.tag_reads(outcome=filters.outcome, reader=filters.reader, epc=filters.epc)
    return paginate(rows, params, sortable=("read_at",), default_sort=("-read_at",))

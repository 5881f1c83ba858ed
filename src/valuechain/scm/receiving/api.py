"""API routes of receiving (scm area): receipts against purchase orders, the scan resolver of
the receiving screen, advance ship notices, expected receipts and the tolerance setting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.scm.receiving import asn as asn_services
from valuechain.scm.receiving import queries, scanning, services
from valuechain.scm.receiving.models import AdvanceShipNotice, Receipt, ReceivingSettings
from valuechain.scm.receiving.schemas import (
    AsnIn,
    AsnOut,
    AsnReceiveIn,
    ExpectedOut,
    ReceiptIn,
    ReceiptOut,
    ScanIn,
    ScanOut,
    SettingsIn,
    SettingsOut,
)

router = area_router("scm", tags=["receiving"])


# --- receipts -------------------------------------------------------------------------------


@router.get("/receipts", response=Page[ReceiptOut], summary="List receipts")
def list_receipts(
    request: HttpRequest,
    params: Query[ListParams],
    q: str = "",
    purchase_order_id: int | None = None,
    warehouse_id: int | None = None,
    supplier_id: int | None = None,
) -> dict[str, Any]:
    """Receipts, newest first; ``q`` searches receipt, order and ship-notice numbers."""
    return paginate(
        queries.receipts(
            q=q,
            purchase_order_id=purchase_order_id,
            warehouse_id=warehouse_id,
            supplier_id=supplier_id,
        ),
        params,
        sortable=queries.RECEIPT_SORTS,
        default_sort=("-received_at",),
    )


@router.get("/receipts/{receipt_id}", response=ReceiptOut, summary="Get a receipt")
def get_receipt(request: HttpRequest, receipt_id: int) -> Receipt:
    """One receipt with its lines."""
    return queries.receipt(receipt_id)


@router.post(
    "/purchase-orders/{purchase_order_id}/receipts",
    response={201: ReceiptOut},
    summary="Receive goods against a purchase order",
)
def create_receipt(
    request: HttpRequest, purchase_order_id: int, data: ReceiptIn
) -> Status[Receipt]:
    """Book the lines (inspected items into quality); 409 ``over_receipt`` beyond the
    tolerance, 409 ``invalid_state`` unless the order is sent or partially received."""
    values = data.dict()
    receipt = services.receive(
        purchase_order_id, values["lines"], asn_id=values["asn_id"], note=values["note"]
    )
    return Status(201, queries.receipt(receipt.pk))


@router.post(
    "/purchase-orders/{purchase_order_id}/receipts/scan",
    response=ScanOut,
    summary="Resolve a scanned code against a purchase order",
)
def resolve_scan(request: HttpRequest, purchase_order_id: int, data: ScanIn) -> dict[str, Any]:
    """What a scan adds to the receipt being prepared (nothing is booked): the PO line of a
    GTIN / SKU with lot, expiry and count from GS1 AIs, or an SSCC's package lines."""
    order = queries.receivable_order(purchase_order_id)
    pending = scanning.pending_from([line.dict() for line in data.pending])
    match = scanning.resolve(
        order,
        data.code,
        pending,
        quantity=data.quantity,
        lot_number=data.lot_number,
        expires_on=data.expires_on,
    )
    return {
        "lines": [line.as_dict() for line in match.lines],
        "message": match.message,
        "asn_id": match.asn_id,
        "sscc": match.sscc,
    }


# --- ship notices ---------------------------------------------------------------------------


@router.get("/asns", response=Page[AsnOut], summary="List advance ship notices")
def list_asns(
    request: HttpRequest,
    params: Query[ListParams],
    q: str = "",
    state: str = "",
    purchase_order_id: int | None = None,
    supplier_id: int | None = None,
) -> dict[str, Any]:
    """Ship notices by expected date unless sorted otherwise."""
    return paginate(
        queries.asns(
            q=q, state=state, purchase_order_id=purchase_order_id, supplier_id=supplier_id
        ),
        params,
        sortable=queries.ASN_SORTS,
        default_sort=("expected_on",),
    )


@router.post("/asns", response={201: AsnOut}, summary="Record an advance ship notice")
def create_asn(request: HttpRequest, data: AsnIn) -> Status[AdvanceShipNotice]:
    """A supplier's notice of goods on the way; 409 ``duplicate_asn`` for a number it sent."""
    notice = asn_services.create_asn(**data.dict())
    return Status(201, queries.asn(notice.pk))


@router.get("/asns/{asn_id}", response=AsnOut, summary="Get an advance ship notice")
def get_asn(request: HttpRequest, asn_id: int) -> AdvanceShipNotice:
    """One ship notice with its lines."""
    return queries.asn(asn_id)


@router.post("/asns/{asn_id}/cancel", response=AsnOut, summary="Cancel a ship notice")
def cancel_asn(request: HttpRequest, asn_id: int) -> AdvanceShipNotice:
    """Cancel an expected notice; 409 ``asn_not_expected`` otherwise."""
    asn_services.cancel_asn(asn_id)
    return queries.asn(asn_id)


@router.post("/asns/{asn_id}/receive", response={201: ReceiptOut}, summary="Receive a ship notice")
def receive_asn(request: HttpRequest, asn_id: int, data: AsnReceiveIn) -> Status[Receipt]:
    """Receive everything the notice announced, or the package with ``sscc``."""
    receipt = asn_services.receive_asn(asn_id, sscc=data.sscc)
    return Status(201, queries.receipt(receipt.pk))


@router.get("/expected-receipts", response=ExpectedOut, summary="Expected receipts")
def expected(
    request: HttpRequest, due_by: dt.date | None = None, warehouse_id: int | None = None
) -> dict[str, Any]:
    """Expected ship notices and open purchase-order lines due by ``due_by`` (all without)."""
    return {
        "asns": list(queries.expected_asns(due_by=due_by, warehouse_id=warehouse_id)),
        "lines": [
            {
                "purchase_order_id": row.line.order_id,
                "purchase_order": row.line.order.number,
                "supplier": row.line.order.supplier.code,
                "warehouse_id": row.line.order.warehouse_id,
                "po_line_id": row.line.pk,
                "sku": row.line.sku,
                "due_on": row.due_on,
                "ordered": row.line.quantity,
                "received": row.line.received_quantity,
                "open_quantity": row.open_quantity,
            }
            for row in queries.expected_lines(due_by=due_by, warehouse_id=warehouse_id)
        ],
    }


# --- settings -------------------------------------------------------------------------------


@router.get("/receiving/settings", response=SettingsOut, summary="Receiving settings")
def get_settings(request: HttpRequest) -> ReceivingSettings:
    """The over-receipt tolerance."""
    return services.settings_row()


@router.put("/receiving/settings", response=SettingsOut, summary="Change receiving settings")
def put_settings(request: HttpRequest, data: SettingsIn) -> ReceivingSettings:
    """Set the over-receipt tolerance in percent (0 refuses any excess)."""
    return services.update_settings(**data.dict())

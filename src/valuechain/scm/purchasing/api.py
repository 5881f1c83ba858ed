"""API routes of purchasing (scm area): purchase orders and their actions, the PDF and the
EDI 850/ORDERS document, approval rules, RFQs with quotes, comparison and award, and the
supply proposals that become orders. Thin: services decide, queries read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Schema, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.errors import DomainError
from valuechain.scm.purchasing import approval, edi, proposals, queries, rfq, sending, services
from valuechain.scm.purchasing.models import ApprovalRule, PurchaseOrder, Quote, Rfq
from valuechain.scm.purchasing.schemas import (
    ApprovalRuleIn,
    ApprovalRuleOut,
    AwardIn,
    ComparisonOut,
    DeliveryLocationIn,
    OrderDetailOut,
    OrderIn,
    OrderLineIn,
    OrderLinePatch,
    OrderOut,
    OrderPatch,
    OrderProposalsIn,
    ProposalOut,
    PurchasingSettingsIn,
    QuoteIn,
    QuoteOut,
    ReasonIn,
    RfqDetailOut,
    RfqIn,
    RfqOut,
    SendIn,
)

router = area_router("scm", tags=["purchasing"])
PDF = {"responses": {200: {"description": "The order", "content": {"application/pdf": {}}}}}


def _given(data: Schema) -> dict[str, Any]:
    """The fields a PATCH sent; null means "leave as it is"."""
    return {
        name: value for name, value in data.dict(exclude_unset=True).items() if value is not None
    }


# --- purchase orders ------------------------------------------------------------------------


@router.get("/purchase-orders", response=Page[OrderOut], summary="List purchase orders")
def list_orders(
    request: HttpRequest,
    params: Query[ListParams],
    q: str = "",
    state: str = "",
    supplier_id: int | None = None,
    warehouse_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """Newest first unless sorted otherwise; ``state`` takes a comma-separated list."""
    return paginate(
        queries.orders(
            q=q,
            state=state,
            supplier_id=supplier_id,
            warehouse_id=warehouse_id,
            date_from=date_from,
            date_to=date_to,
        ),
        params,
        sortable=queries.ORDER_SORTS,
        default_sort=("-order_date", "-number"),
    )


@router.post("/purchase-orders", response={201: OrderDetailOut}, summary="Create a draft order")
def create_order(request: HttpRequest, data: OrderIn) -> Status[PurchaseOrder]:
    """A draft order; lines without a price take the supplier's break for their quantity."""
    order = services.create_order(**data.dict())
    return Status(201, queries.order(order.pk))


@router.get("/purchase-orders/{order_id}", response=OrderDetailOut, summary="Get an order")
def get_order(request: HttpRequest, order_id: int) -> PurchaseOrder:
    """One order with its lines."""
    return queries.order(order_id)


@router.patch("/purchase-orders/{order_id}", response=OrderDetailOut, summary="Change a draft")
def update_order(request: HttpRequest, order_id: int, data: OrderPatch) -> PurchaseOrder:
    """Change a draft's header; a new date or currency fixes the rate again."""
    services.update_order(order_id, **_given(data))
    return queries.order(order_id)


@router.post(
    "/purchase-orders/{order_id}/lines", response={201: OrderDetailOut}, summary="Add a line"
)
def add_line(request: HttpRequest, order_id: int, data: OrderLineIn) -> Status[PurchaseOrder]:
    """Add a line to a draft."""
    services.add_line(order_id, **data.dict())
    return Status(201, queries.order(order_id))


@router.patch(
    "/purchase-order-lines/{line_id}", response=OrderDetailOut, summary="Change a draft line"
)
def update_line(request: HttpRequest, line_id: int, data: OrderLinePatch) -> PurchaseOrder:
    """Change a draft line's quantity, price, unit or date."""
    line = services.update_line(line_id, **_given(data))
    return queries.order(line.order_id)


@router.delete(
    "/purchase-order-lines/{line_id}", response=OrderDetailOut, summary="Remove a draft line"
)
def remove_line(request: HttpRequest, line_id: int) -> PurchaseOrder:
    """Remove a draft line."""
    order = services.remove_line(line_id)
    return queries.order(order.pk)


@router.post(
    "/purchase-orders/{order_id}/submit", response=OrderDetailOut, summary="Confirm a draft"
)
def submit_order(request: HttpRequest, order_id: int) -> PurchaseOrder:
    """To approval when a rule applies to the base total, else into force (sent)."""
    services.submit_order(order_id)
    return queries.order(order_id)


@router.post(
    "/purchase-orders/{order_id}/approve", response=OrderDetailOut, summary="Approve an order"
)
def approve_order(request: HttpRequest, order_id: int) -> PurchaseOrder:
    """By a member of the rule's role (or an administrator), not the buyer."""
    approval.approve_order(order_id)
    return queries.order(order_id)


@router.post(
    "/purchase-orders/{order_id}/refuse", response=OrderDetailOut, summary="Refuse an order"
)
def refuse_order(request: HttpRequest, order_id: int, data: ReasonIn) -> PurchaseOrder:
    """Back to draft with the reason."""
    approval.refuse_order(order_id, data.reason)
    return queries.order(order_id)


@router.post(
    "/purchase-orders/{order_id}/cancel", response=OrderDetailOut, summary="Cancel an order"
)
def cancel_order(request: HttpRequest, order_id: int, data: ReasonIn) -> PurchaseOrder:
    """Cancel an order nothing has arrived against."""
    services.cancel_order(order_id, data.reason)
    return queries.order(order_id)


@router.post("/purchase-orders/{order_id}/close", response=OrderDetailOut, summary="Close an order")
def close_order(request: HttpRequest, order_id: int) -> PurchaseOrder:
    """Nothing more is expected."""
    services.close_order(order_id)
    return queries.order(order_id)


@router.post(
    "/purchase-orders/{order_id}/send", response=OrderDetailOut, summary="E-mail the order"
)
def send_order(request: HttpRequest, order_id: int, data: SendIn) -> PurchaseOrder:
    """E-mail the PDF to ``email`` or the supplier account's address; a draft comes into force."""
    sending.send_order(order_id, email=data.email, message=data.message)
    return queries.order(order_id)


@router.get(
    "/purchase-orders/{order_id}/pdf",
    response={200: None},
    summary="The order as PDF",
    openapi_extra=PDF,
)
def order_pdf(request: HttpRequest, order_id: int) -> HttpResponse:
    """The printable order."""
    order = queries.order(order_id)
    response = HttpResponse(sending.render_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


@router.get("/purchase-orders/{order_id}/edi", summary="The order as an X12 850 / ORDERS model")
def order_edi(request: HttpRequest, order_id: int, strict: bool = False) -> dict[str, Any]:
    """The field model of the order; ``strict`` refuses it (422 edi_incomplete) while any
    identifier listed in ``warnings`` is missing."""
    try:
        document = edi.document(queries.edi_source(queries.order(order_id)))
    except edi.EdiIncomplete as error:
        raise DomainError(
            "edi_incomplete",
            "The order cannot be sent by EDI: " + "; ".join(error.problems),
            details={"missing": error.problems},
        ) from None
    if strict and document["warnings"]:
        raise DomainError(
            "edi_incomplete",
            "The order lacks identifiers a strict EDI partner needs.",
            details={"missing": document["warnings"]},
        )
    return document


# --- approval rules and identifiers ---------------------------------------------------------


@router.get(
    "/purchase-approval-rules", response=list[ApprovalRuleOut], summary="List approval rules"
)
def list_rules(request: HttpRequest) -> list[ApprovalRule]:
    """The active rules, lowest threshold first."""
    return list(ApprovalRule.objects.filter(is_active=True).order_by("min_amount"))


@router.post(
    "/purchase-approval-rules", response={201: ApprovalRuleOut}, summary="Add an approval rule"
)
def create_rule(request: HttpRequest, data: ApprovalRuleIn) -> Status[ApprovalRule]:
    """Administrators only."""
    return Status(201, approval.create_rule(**data.dict()))


@router.delete("/purchase-approval-rules/{rule_id}", response={204: None}, summary="Retire a rule")
def delete_rule(request: HttpRequest, rule_id: int) -> Status[None]:
    """Administrators only."""
    approval.delete_rule(rule_id)
    return Status(204, None)


@router.put("/purchasing/settings", response=PurchasingSettingsIn, summary="Set the buyer GLN")
def set_settings(request: HttpRequest, data: PurchasingSettingsIn) -> Any:
    """The tenant's own GLN, the buying party (N1*BY) of its orders."""
    return services.set_buyer_gln(data.buyer_gln)


@router.put(
    "/purchasing/delivery-locations",
    response=DeliveryLocationIn,
    summary="Set a warehouse's ship-to GLN",
)
def set_delivery_location(request: HttpRequest, data: DeliveryLocationIn) -> Any:
    """The warehouse's GLN as ship-to party (N1*ST)."""
    return services.set_delivery_location(data.warehouse_id, data.gln)


# --- RFQs -----------------------------------------------------------------------------------


@router.get("/rfqs", response=Page[RfqOut], summary="List requests for quotation")
def list_rfqs(
    request: HttpRequest, params: Query[ListParams], state: str = "", q: str = ""
) -> dict[str, Any]:
    """Newest first unless sorted otherwise."""
    return paginate(
        rfq.rfqs(state=state, q=q), params, sortable=rfq.RFQ_SORTS, default_sort=("-created_at",)
    )


@router.post("/rfqs", response={201: RfqDetailOut}, summary="Create an RFQ")
def create_rfq(request: HttpRequest, data: RfqIn) -> Status[Rfq]:
    """A draft RFQ with items and invited suppliers."""
    created = rfq.create_rfq(**data.dict())
    return Status(201, rfq.rfq(created.pk))


@router.get("/rfqs/{rfq_id}", response=RfqDetailOut, summary="Get an RFQ")
def get_rfq(request: HttpRequest, rfq_id: int) -> Rfq:
    """One RFQ with lines, invitations and quotes."""
    return rfq.rfq(rfq_id)


class InviteIn(Schema):
    """A supplier to invite."""

    supplier_id: int


@router.post("/rfqs/{rfq_id}/suppliers", response=RfqDetailOut, summary="Invite a supplier")
def invite(request: HttpRequest, rfq_id: int, data: InviteIn) -> Rfq:
    """One more supplier to quote."""
    rfq.invite(rfq_id, data.supplier_id)
    return rfq.rfq(rfq_id)


class RfqSendIn(Schema):
    """Whether to e-mail the invited suppliers."""

    email: bool = True


@router.post("/rfqs/{rfq_id}/send", response=RfqDetailOut, summary="Send an RFQ")
def send_rfq(request: HttpRequest, rfq_id: int, data: RfqSendIn) -> Rfq:
    """Mark it sent; e-mail every invited supplier with an address."""
    rfq.send_rfq(rfq_id, email=data.email)
    return rfq.rfq(rfq_id)


@router.post("/rfqs/{rfq_id}/cancel", response=RfqDetailOut, summary="Cancel an RFQ")
def cancel_rfq(request: HttpRequest, rfq_id: int) -> Rfq:
    """Cancel an open RFQ."""
    rfq.cancel_rfq(rfq_id)
    return rfq.rfq(rfq_id)


@router.post("/rfqs/{rfq_id}/quotes", response={201: QuoteOut}, summary="Record a quote")
def record_quote(request: HttpRequest, rfq_id: int, data: QuoteIn) -> Status[Quote]:
    """The buyer's or a supplier portal's entry of one supplier's quote (replaces an earlier
    one); a token's calls are recorded with channel ``api``."""
    channel = "api" if getattr(request, "api_token", None) is not None else "buyer"
    quote = rfq.record_quote(rfq_id, channel=channel, **data.dict())
    return Status(201, Quote.objects.prefetch_related("lines").get(pk=quote.pk))


@router.get("/rfqs/{rfq_id}/comparison", response=ComparisonOut, summary="Compare the quotes")
def comparison(request: HttpRequest, rfq_id: int) -> dict[str, Any]:
    """Per line every offer in its currency and the base currency, ranked; best marked."""
    result = rfq.compare(rfq_id)
    return {
        "rfq_id": result.rfq.pk,
        "base_currency": result.base_currency,
        "totals_base": {
            supplier.code: result.totals_base[supplier.pk]
            for supplier in result.suppliers
            if supplier.pk in result.totals_base
        },
        "lines": [
            {
                "rfq_line_id": item.line.pk,
                "position": item.line.position,
                "sku": item.line.variant.sku,
                "quantity": item.line.quantity,
                "offers": [
                    {
                        "supplier_id": offer.supplier.pk,
                        "supplier_code": offer.supplier.code,
                        "quote_line_id": offer.quote_line.pk,
                        "currency": offer.currency,
                        "unit_price": offer.unit_price,
                        "quantity": offer.quantity,
                        "total": offer.total,
                        # converted at the rate's decimals; answered as prices are stored
                        "unit_price_base": None
                        if offer.unit_price_base is None
                        else offer.unit_price_base.quantize(Decimal("0.000001")),
                        "total_base": offer.total_base,
                        "lead_time_days": offer.lead_time_days,
                        "rank": offer.rank,
                        "score": offer.score,
                        "best": offer.best,
                        "expired": offer.expired,
                        "problem": offer.problem,
                    }
                    for offer in item.offers
                ],
            }
            for item in result.lines
        ],
    }


@router.post("/rfqs/{rfq_id}/award", response=list[OrderDetailOut], summary="Award an RFQ")
def award(request: HttpRequest, rfq_id: int, data: AwardIn) -> list[PurchaseOrder]:
    """Draft orders, one per awarded supplier; the RFQ closes."""
    created = rfq.award(rfq_id, supplier_id=data.supplier_id, lines=data.lines)
    return [queries.order(order.pk) for order in created]


# --- proposals ------------------------------------------------------------------------------


@router.get("/purchase-proposals", response=Page[ProposalOut], summary="List supply proposals")
def list_proposals(
    request: HttpRequest,
    params: Query[ListParams],
    reason: str = "",
    warehouse_id: int | None = None,
    q: str = "",
) -> dict[str, Any]:
    """Open supply requests of purchasable items with the pre-selected supplier."""
    page = paginate(
        proposals.open_requests(reason=reason, warehouse_id=warehouse_id, q=q),
        params,
        sortable=("created_at", "expected_on"),
        default_sort=("created_at",),
    )
    page["items"] = [proposal_out(p) for p in proposals.proposals_for(page["items"])]
    return page


def proposal_out(proposal: proposals.Proposal) -> dict[str, Any]:
    """A proposal in the API's shape."""
    request = proposal.request
    choice = proposal.choice
    product = choice.supplier_product if choice else None
    offer = choice.quote if choice else None
    return {
        "supply_request_id": request.pk,
        "reason": request.reason,
        "variant_id": request.variant_id,
        "sku": request.variant.sku,
        "warehouse_id": request.warehouse_id,
        "warehouse_code": request.warehouse.code,
        "requested_quantity": request.quantity,
        "supplier_id": product.supplier_id if product else None,
        "supplier_code": product.supplier.code if product else "",
        "supplier_product_id": product.pk if product else None,
        "order_quantity": offer.quantity if offer else None,
        "currency": product.currency if product else "",
        "unit_price": offer.unit_price if offer else None,
        "lead_time_days": product.lead_time_days if product else None,
        "expected_on": proposals.expected_date(timezone.localdate(), product.lead_time_days)
        if product
        else None,
        "problem": proposal.problem,
    }


@router.post(
    "/purchase-proposals/order",
    response={201: list[OrderDetailOut]},
    summary="Order supply proposals",
)
def order_proposals(request: HttpRequest, data: OrderProposalsIn) -> Status[list[PurchaseOrder]]:
    """Draft orders grouped by supplier, warehouse and currency; the requests become ordered."""
    created = proposals.order_proposals(
        data.supply_request_ids, supplier_products=data.supplier_products
    )
    return Status(201, [queries.order(order.pk) for order in created])

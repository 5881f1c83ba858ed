"""The supply chain end to end, through the REST API only, with exact numbers at every step
(issue 5, "Tests that must exist and pass"), once per costing method.

The story, in the base currency EUR:

 0. Master data: PART (a bracket, inspected on receipt), BOX (packaging), KIT (2 PART +
    1 BOX); warehouse WH1; suppliers NORD (EUR; 5 ± 1 days) and PACIFIC (USD at 0.80 EUR;
    20 ± 3 days); selection weights price 40, lead time 30, reliability 20, on time 10,
    quality 10. Opening stock: 10 PART at 4.00 and 20 BOX at 0.50 (the two unit costs of
    PART are what make FIFO and moving average differ).
 1. A reorder rule (min 20, max 60) sees 10 PART available: a proposal of 60 - 10 = 50.
 2. RFQ for 50 PART to both suppliers; NORD quotes 5.00 EUR / 5 days, PACIFIC 5.50 USD
    (4.40 EUR) / 20 days. PACIFIC is cheaper but NORD scores better; NORD is awarded.
 3. The order (250.00 EUR) needs approval (rule from 200.00) by another member, is sent,
    and 40 of 50 arrive in two receipts into QUALITY: 30 pass inspection (to STOCK), 10
    fail the length check (held in QUALITY).
 4. The 10 rejected go back to NORD: stock leaves, a credit of 10 x 5.00 = 50.00 expected.
 5. NORD bills the 30 accepted at 5.05 (1 % over, inside the 2 % tolerance): matched,
    posted, paid.
 6. A work order makes 10 KIT from 20 PART and 10 BOX.
 7. A customer orders 4 KIT; the carrier is the cheapest service arriving by the promised
    date; shipped and delivered: COGS.
 8. One KIT comes back through an RMA, is inspected as new and restocked; a refund record.

At the end: on-hand per location (QUALITY empty), the valuation report, COGS and NORD's
scorecard, each as the hand calculation in the comments says.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from tests.conftest import make_member

from .e2e_support import (
    Api,
    World,
    balances,
    build_world,
    customer_return,
    sell_and_ship,
    signed_in,
)

# What differs between the two costing methods (everything else is the same).
#
# Valued PART stock before the return to vendor: 10 @ 4.00 (opening) + 30 @ 5.00 + 10 @ 5.00
# (the two receipts) = 50 units worth 40.00 + 150.00 + 50.00 = 240.00.
#
# Return to vendor of 10 PART (out of QUALITY, valued like any issue of the warehouse):
#   average: 240.00 x 10 / 50 = 48.00; left 40 worth 192.00 (4.80 each)
#   FIFO:    the oldest layer, the opening 10 @ 4.00 = 40.00; left 40 @ 5.00 = 200.00
# The work order consumes 20 PART and 10 BOX (BOX: 10 x 0.50 = 5.00 either way):
#   average: 192.00 x 20 / 40 = 96.00 -> KIT cost (96.00 + 5.00) / 10 = 10.10
#   FIFO:    20 of the first receipt's layer @ 5.00 = 100.00 -> KIT (100.00 + 5.00) / 10 = 10.50
# Shipping 4 KIT: average 4 x 10.10 = 40.40, FIFO 4 x 10.50 = 42.00.
# The RMA brings 1 KIT back at the current cost: average 10.10, FIFO the layers' average
#   63.00 / 6 = 10.50. COGS = shipments - returns: 30.30 | 31.50.
# Ending stock: PART 20, BOX 10, KIT 10 - 4 + 1 = 7:
#   average: PART 192.00 - 96.00 = 96.00, BOX 5.00, KIT 101.00 - 40.40 + 10.10 = 70.70 -> 171.70
#   FIFO:    PART 200.00 - 100.00 = 100.00, BOX 5.00, KIT 105.00 - 42.00 + 10.50 = 73.50 -> 178.50
# Check: value in (40.00 + 10.00 opening + 200.00 received) - RTV - COGS
#   = 250.00 - 48.00 - 30.30 = 171.70 | 250.00 - 40.00 - 31.50 = 178.50.
EXPECTED = {
    "average": {
        "rtv_value": "48.00",
        "consumed_part": "96.00",
        "kit_unit_cost": "10.100000",
        "shipped_value": "40.40",
        "returned_value": "10.10",
        "cogs": "30.30",
        "by_category": {
            "Components": ("20.0000", "96.00"),
            "Packaging": ("10.0000", "5.00"),
            "Kits": ("7.0000", "70.70"),
        },
        "total": "171.70",
    },
    "fifo": {
        "rtv_value": "40.00",
        "consumed_part": "100.00",
        "kit_unit_cost": "10.500000",
        "shipped_value": "42.00",
        "returned_value": "10.50",
        "cogs": "31.50",
        "by_category": {
            "Components": ("20.0000", "100.00"),
            "Packaging": ("10.0000", "5.00"),
            "Kits": ("7.0000", "73.50"),
        },
        "total": "178.50",
    },
}


@pytest.fixture
def members(tenant_a, admin_a) -> tuple[Api, Api, Api]:
    """The administrator (sets up, approves), a buyer (buys, receives, makes, ships) and a
    service agent (the customer's side of the return)."""
    buyer = make_member(tenant_a, "buyer@alpha.test", "buyer")
    agent = make_member(tenant_a, "service@alpha.test", "service_agent")
    return signed_in(admin_a.user), signed_in(buyer.user), signed_in(agent.user)


@pytest.mark.parametrize("method", ["average", "fifo"])
def test_supply_chain_end_to_end(members: tuple[Api, Api, Api], method: str) -> None:
    admin, buyer, agent = members
    expected = EXPECTED[method]
    today = timezone.localdate()

    # --- 0. Set-up: the costing method first (refused once stock is valued). -------------
    settings = admin.put("/inventory/settings", {"costing_method": method})
    assert settings["costing_method"] == method
    world = build_world(admin)
    weights = admin.patch("/procurement/settings", {"weight_lead_time": "30"})
    assert (weights["weight_price"], weights["weight_lead_time"]) == ("40.00", "30.00")
    opening(admin, world)
    other = {"average": "fifo", "fifo": "average"}[method]
    admin.error("put", "/inventory/settings", {"costing_method": other}, 409, "valued_stock_exists")

    # --- 1. Below the reorder point -> a proposal. -----------------------------------------
    request_id = reorder_proposal(buyer, world)

    # --- 2. RFQ to two suppliers -> award to the better score -> PO. -----------------------
    order = rfq_and_award(buyer, world, today, request_id)

    # --- 3. Approval, sending, partial receipt with inspections. ---------------------------
    lines = approve_send_receive(admin, buyer, world, order, request_id)
    line = lines[0]

    # --- 4. Return to vendor of the rejected ten. -----------------------------------------
    return_to_vendor(buyer, world, order, line, today, expected)

    # --- 5. The bill matches the accepted thirty; paid. ------------------------------------
    bill_and_pay(buyer, admin, world, order, line, today)

    # --- 6. A work order makes the kits. ---------------------------------------------------
    make_kits(buyer, world, expected)

    # --- 7. Sell, choose the carrier, ship, deliver. ---------------------------------------
    sales_order = sell_and_ship(buyer, world, expected)

    # --- 8. Customer return, restocked, refund record. -------------------------------------
    customer_return(agent, buyer, world, sales_order, expected)

    # --- The end: balances, valuation, COGS, scorecard. ------------------------------------
    the_end(admin, world, sales_order, today, expected)


def opening(api: Api, world: World) -> None:
    """10 PART at 4.00 and 20 BOX at 0.50 already on the shelf."""
    for variant, quantity, cost in ((world.part, "10", "4.00"), (world.box, "20", "0.50")):
        (move,) = api.create(
            "/stock/moves",
            {
                "kind": "receipt",
                "variant_id": variant,
                "quantity": quantity,
                "warehouse_id": world.warehouse,
                "unit_cost": cost,
                "reference": "OPENING",
            },
        )
        assert (move["quantity"], move["value"]) == (
            f"{quantity}.0000",
            {"10": "40.00", "20": "10.00"}[quantity],
        )


def reorder_proposal(api: Api, world: World) -> int:
    """Min 20 / max 60 with 10 available and nothing incoming: propose 60 - 10 = 50."""
    api.create(
        "/reorder-rules",
        {
            "variant_id": world.part,
            "warehouse_id": world.warehouse,
            "min_quantity": "20",
            "max_quantity": "60",
        },
    )
    run = api.post("/reorder-rules/run")
    assert run["created"] == 1
    (request_id,) = run["supply_request_ids"]
    (proposal,) = api.get("/purchase-proposals")["items"]
    # The ranking pre-selects NORD: price 5.20 EUR vs 6.00 USD = 4.80 EUR (PACIFIC 1, NORD 0),
    # lead time 5 vs 20 days (NORD 1), spread 1 vs 3 days (NORD 1), on time and quality not
    # measured yet (0.5 each): NORD (0 + 30 + 20 + 5 + 5) / 110 = 0.5455, PACIFIC
    # (40 + 0 + 0 + 5 + 5) / 110 = 0.4545.
    assert {
        key: proposal[key]
        for key in (
            "supply_request_id",
            "reason",
            "sku",
            "requested_quantity",
            "supplier_code",
            "order_quantity",
            "currency",
            "unit_price",
        )
    } == {
        "supply_request_id": request_id,
        "reason": "reorder",
        "sku": "PART",
        "requested_quantity": "50.0000",
        "supplier_code": "NORD",
        "order_quantity": "50.0000",
        "currency": "EUR",
        "unit_price": "5.200000",
    }
    ranking = api.get(f"/variants/{world.part}/supplier-ranking", quantity="50")
    assert [
        (r["supplier_code"], r["rank"], r["score"], r["unit_price_base"])
        for r in ranking["suppliers"]
    ] == [("NORD", 1, "0.5455", "5.200000"), ("PACIFIC", 2, "0.4545", "4.800000")]
    return int(request_id)


def rfq_and_award(api: Api, world: World, today: dt.date, request_id: int) -> dict[str, Any]:
    """The proposal's quantity goes out for quotes; both suppliers quote; the comparison
    ranks NORD first; the award makes its PO and orders the proposal."""
    rfq = api.create(
        "/rfqs",
        {
            "warehouse_id": world.warehouse,
            "lines": [
                {"variant_id": world.part, "quantity": "50", "supply_request_id": request_id}
            ],
            "supplier_ids": [world.nord, world.pacific],
            "requested_on": today.isoformat(),
        },
    )
    assert (rfq["number"], rfq["state"]) == ("RFQ-000001", "draft")
    (rfq_line,) = rfq["lines"]
    assert api.post(f"/rfqs/{rfq['id']}/send", {"email": False})["state"] == "sent"
    for supplier, currency, price, lead in (
        (world.nord, "EUR", "5.00", "5"),
        (world.pacific, "USD", "5.50", "20"),
    ):
        quote = api.create(
            f"/rfqs/{rfq['id']}/quotes",
            {
                "supplier_id": supplier,
                "currency": currency,
                "lines": [
                    {"rfq_line_id": rfq_line["id"], "unit_price": price, "lead_time_days": lead}
                ],
            },
        )
        assert quote["currency"] == currency
    comparison = api.get(f"/rfqs/{rfq['id']}/comparison")
    # PACIFIC: 5.50 USD x 0.8 = 4.40 EUR, 50 x 4.40 = 220.00; NORD 50 x 5.00 = 250.00.
    # Scores as for the proposal (price to PACIFIC, lead time and spread to NORD).
    (compared,) = comparison["lines"]
    assert [
        (
            o["supplier_code"],
            o["rank"],
            o["score"],
            o["unit_price"],
            o["unit_price_base"],
            o["total_base"],
            o["best"],
        )
        for o in compared["offers"]
    ] == [
        ("NORD", 1, "0.5455", "5.000000", "5.000000", "250.00", True),
        ("PACIFIC", 2, "0.4545", "5.500000", "4.400000", "220.00", False),
    ]
    assert comparison["totals_base"] == {"NORD": "250.00", "PACIFIC": "220.00"}
    (order,) = api.post(f"/rfqs/{rfq['id']}/award", {})
    assert (order["state"], order["supplier_code"], order["currency"]) == ("draft", "NORD", "EUR")
    assert (order["net_total"], order["base_net_total"], order["fx_rate"]) == (
        "250.00",
        "250.00",
        "1.00000000",
    )
    (line,) = order["lines"]
    assert (
        line["quantity"],
        line["unit_price"],
        line["requested_on"],
        line["supply_request_id"],
    ) == ("50.0000", "5.000000", today.isoformat(), request_id)
    assert api.get(f"/rfqs/{rfq['id']}")["state"] == "closed"
    # The proposal is ordered: off the Proposals page, still counted as incoming.
    (request,) = api.get("/supply-requests", variant_id=world.part)["items"]
    assert (request["state"], request["quantity"], request["expected_on"]) == (
        "ordered",
        "50.0000",
        today.isoformat(),
    )
    assert api.get("/purchase-proposals")["count"] == 0
    return order


def approve_send_receive(
    admin: Api, buyer: Api, world: World, order: dict[str, Any], request_id: int
) -> list[dict[str, Any]]:
    """From 200.00 an administrator approves; the buyer cannot approve her own order. Then
    30 + 10 PART arrive; the first 30 pass, the 10 of the second receipt fail the length."""
    admin.create("/purchase-approval-rules", {"min_amount": "200.00", "role": "admin"})
    path = f"/purchase-orders/{order['id']}"
    submitted = buyer.post(f"{path}/submit")
    assert (submitted["state"], submitted["approval_role"]) == ("to_approve", "admin")
    buyer.error("post", f"{path}/approve", {}, 403, "approver_role_required")
    assert admin.post(f"{path}/approve")["state"] == "sent"
    sent = buyer.post(f"{path}/send", {"email": "orders@nordwerk.test"})
    assert (sent["state"], sent["sent_to"]) == ("sent", "orders@nordwerk.test")
    (line,) = sent["lines"]

    inspections = []
    for number, quantity in (("REC-000001", "30"), ("REC-000002", "10")):
        receipt = buyer.create(
            f"{path}/receipts", {"lines": [{"po_line_id": line["id"], "quantity": quantity}]}
        )
        (booked,) = receipt["lines"]
        # Inspected goods wait in QUALITY at the PO price x rate 1 = 5.00 EUR.
        assert (receipt["number"], booked["location"], booked["unit_cost"]) == (
            number,
            "WH1/QUALITY",
            "5.000000",
        )
        assert (booked["accepted_quantity"], receipt["lead_time_days"]) == ("0.0000", 0)
        inspections.append(booked["inspection_id"])
    # 40 of 50 received: partially received; nothing is available yet but the opening 10;
    # the proposal waits for the 10 still open.
    assert buyer.get(path)["state"] == "partially_received"
    (quantities,) = buyer.get("/stock/quantities", variant=world.part)
    assert (quantities["on_hand"], quantities["available"], quantities["incoming"]) == (
        "50.0000",
        "10.0000",
        "10.0000",
    )
    (request,) = buyer.get("/supply-requests", variant_id=world.part)["items"]
    assert (request["id"], request["state"], request["quantity"]) == (
        request_id,
        "ordered",
        "10.0000",
    )
    buyer.error(
        "post",
        f"{path}/receipts",
        {"lines": [{"po_line_id": line["id"], "quantity": "10.0001"}]},
        409,
        "over_receipt",
    )

    packaging, length = world.checks["Packaging intact"], world.checks["Length"]
    passed = buyer.post(
        f"/quality/inspections/{inspections[0]}/complete",
        {
            "results": [
                {"check_id": packaging, "passed": True},
                {"check_id": length, "value": "100.5"},  # the upper limit passes
            ],
            "accepted_quantity": "30",
        },
    )
    assert (passed["state"], passed["accepted_quantity"]) == ("passed", "30.0000")
    failing = {
        "results": [
            {"check_id": packaging, "passed": True},
            {"check_id": length, "value": "100.6"},  # 0.1 mm too long
        ],
        "accepted_quantity": "10",
    }
    # Accepting after a failed check needs a recorded deviation; this lot is rejected.
    buyer.error(
        "post",
        f"/quality/inspections/{inspections[1]}/complete",
        failing,
        422,
        "deviation_required",
    )
    failed = buyer.post(
        f"/quality/inspections/{inspections[1]}/complete",
        {
            **failing,
            "accepted_quantity": "0",
            "rejected_quantity": "10",
            "defect_reason_id": world.defect_reason,
        },
    )
    assert (
        failed["state"],
        failed["accepted_quantity"],
        failed["rejected_quantity"],
        failed["held_quantity"],
    ) == ("failed", "0.0000", "10.0000", "10.0000")
    assert balances(buyer, world.warehouse) == {
        ("PART", "WH1/STOCK"): "40.0000",  # 10 opening + 30 released by inspection
        ("PART", "WH1/QUALITY"): "10.0000",  # rejected, held
        ("BOX", "WH1/STOCK"): "20.0000",
    }
    (line,) = buyer.get(path)["lines"]
    assert (
        line["received_quantity"],
        line["accepted_quantity"],
        line["rejected_quantity"],
    ) == ("40.0000", "30.0000", "10.0000")
    # Receiving learned NORD's lead time from the two receipts: 0 and 0 days.
    nord = buyer.get(f"/supplier-products/{world.nord_product}")
    assert (nord["lead_time_days"], nord["lead_time_std_days"]) == ("0.00", "0.00")
    return [line]


def return_to_vendor(
    api: Api,
    world: World,
    order: dict[str, Any],
    line: dict[str, Any],
    today: dt.date,
    expected: dict[str, Any],
) -> None:
    """The 10 held PART go back to NORD; a credit of 10 x 5.00 = 50.00 is expected."""
    draft = api.create(
        "/vendor-returns",
        {
            "purchase_order_id": order["id"],
            "reason": "Length out of tolerance",
            "lines": [{"po_line_id": line["id"], "quantity": "10", "source": "quality"}],
        },
    )
    assert (draft["number"], draft["state"], draft["credit_note"]) == ("RTV-000001", "draft", None)
    shipped = api.post(f"/vendor-returns/{draft['id']}/ship")
    credit = shipped["credit_note"]
    assert (shipped["state"], credit["currency"], credit["expected_amount"], credit["state"]) == (
        "shipped",
        "EUR",
        "50.00",
        "expected",
    )
    (move,) = api.get("/stock/moves", kind="return", reference="RTV-000001")["items"]
    assert (move["from_location"], move["to_location"], move["quantity"], move["value"]) == (
        "WH1/QUALITY",
        "SUPPLIER",
        "10.0000",
        expected["rtv_value"],
    )
    received = api.post(
        f"/supplier-credit-notes/{credit['id']}/receive",
        {"supplier_credit_number": "NW-CN-7", "amount": "50.00", "received_on": today},
    )
    assert (received["state"], received["amount"], received["difference"]) == (
        "received",
        "50.00",
        "0.00",
    )
    assert api.get("/quality/rejected-on-hold") == []
    assert balances(api, world.warehouse) == {
        ("PART", "WH1/STOCK"): "40.0000",
        ("BOX", "WH1/STOCK"): "20.0000",
    }


def bill_and_pay(
    buyer: Api,
    admin: Api,
    world: World,
    order: dict[str, Any],
    line: dict[str, Any],
    today: dt.date,
) -> None:
    """NORD bills the 30 accepted at 5.05: 1 % over the order price, within the 2 % price
    tolerance, so the three-way match holds (30 ordered-and-accepted = 30 billed)."""
    # Billing all 40 received would not match: only 30 were accepted.
    too_many = buyer.create(
        "/bills",
        {
            "purchase_order_id": order["id"],
            "supplier_invoice_number": "NW-1000",
            "bill_date": today,
            "lines": [{"po_line_id": line["id"], "quantity": "40", "unit_price": "5.05"}],
        },
    )
    assert (too_many["match"][0]["status"], too_many["match"][0]["quantity_difference"]) == (
        "qty_over",
        "10.0000",
    )
    buyer.post(f"/bills/{too_many['id']}/cancel")
    bill = buyer.create(
        "/bills",
        {
            "purchase_order_id": order["id"],
            "supplier_invoice_number": "NW-1001",
            "bill_date": today,
            "lines": [{"po_line_id": line["id"], "quantity": "30", "unit_price": "5.05"}],
        },
    )
    (match,) = bill["match"]
    assert {
        key: match[key]
        for key in (
            "status",
            "ordered_quantity",
            "accepted_quantity",
            "billed_quantity",
            "billed_unit_price",
            "price_difference",
        )
    } == {
        "status": "ok",
        "ordered_quantity": "50.0000",
        "accepted_quantity": "30.0000",
        "billed_quantity": "30.0000",
        "billed_unit_price": "5.050000",
        "price_difference": "0.050000",
    }
    posted = buyer.post(f"/bills/{bill['id']}/post")
    # 30 x 5.05 = 151.50, due after NORD's 30 days of terms.
    assert (posted["state"], posted["total"], posted["due_date"]) == (
        "posted",
        "151.50",
        (today + dt.timedelta(days=30)).isoformat(),
    )
    payment = buyer.create(
        "/supplier-payments", {"bill_id": bill["id"], "amount": "151.50", "paid_on": today}
    )
    assert (payment["amount"], payment["base_amount"]) == ("151.50", "151.50")
    assert buyer.get(f"/bills/{bill['id']}")["state"] == "paid"
    # Nothing more is expected from this order: close it.
    assert buyer.post(f"/purchase-orders/{order['id']}/close")["state"] == "closed"
    # The proposal's open rest (10) will not come: done, no longer incoming.
    (request,) = buyer.get("/supply-requests", variant_id=world.part)["items"]
    assert (request["state"], request["quantity"]) == ("done", "10.0000")
    (quantities,) = buyer.get("/stock/quantities", variant=world.part)
    assert quantities["incoming"] == "0.0000"


def make_kits(api: Api, world: World, expected: dict[str, Any]) -> None:
    """A kit bill (2 PART + 1 BOX); a work order of 10 released, started, 10 made, done."""
    bom = api.create(
        "/boms",
        {
            "variant_id": world.kit,
            "kind": "kit",
            "components": [
                {"variant_id": world.part, "quantity": "2"},
                {"variant_id": world.box, "quantity": "1"},
            ],
        },
    )
    assert (bom["kind"], bom["version"]) == ("kit", 1)
    centre = api.create(
        "/work-centres", {"code": "PACK", "name": "Kitting bench", "capacity_per_hour": "20"}
    )
    order = api.create(
        "/work-orders",
        {
            "variant_id": world.kit,
            "quantity": "10",
            "warehouse_id": world.warehouse,
            "work_centre_id": centre["id"],
        },
    )
    path = f"/work-orders/{order['id']}"
    assert (order["number"], order["state"], order["bom_id"]) == ("WO-000001", "planned", bom["id"])
    released = api.post(f"{path}/release")
    assert released["state"] == "released"
    assert sorted((c["sku"], c["required_quantity"]) for c in released["components"]) == [
        ("BOX", "10.0000"),
        ("PART", "20.0000"),
    ]
    (quantities,) = api.get("/stock/quantities", variant=world.part)
    assert (quantities["reserved"], quantities["available"]) == ("20.0000", "20.0000")
    api.post(f"{path}/start", status=201)
    api.post(f"{path}/production", {"good_quantity": "10"})
    api.post(f"{path}/stop")
    done = api.post(f"{path}/complete")
    assert (done["state"], done["good_quantity"]) == ("done", "10.0000")
    consumed = {
        move["sku"]: move["value"]
        for move in api.get("/stock/moves", kind="consume", limit=10)["items"]
    }
    assert consumed == {"PART": expected["consumed_part"], "BOX": "5.00"}
    (produced,) = api.get("/stock/moves", kind="produce", variant_id=world.kit)["items"]
    assert (produced["quantity"], produced["unit_cost"], produced["to_location"]) == (
        "10.0000",
        expected["kit_unit_cost"],
        "WH1/STOCK",
    )


def the_end(
    api: Api, world: World, order: dict[str, Any], today: dt.date, expected: dict[str, Any]
) -> None:
    """Balances, valuation, COGS and NORD's scorecard."""
    # PART: 10 + 40 received - 10 returned - 20 consumed = 20; BOX 20 - 10 = 10;
    # KIT 10 made - 4 shipped + 1 restocked = 7. QUALITY holds nothing any more.
    assert balances(api, world.warehouse) == {
        ("PART", "WH1/STOCK"): "20.0000",
        ("BOX", "WH1/STOCK"): "10.0000",
        ("KIT", "WH1/STOCK"): "7.0000",
    }
    report = api.get("/inventory/valuation")
    assert (report["method"], report["currency"], report["reconciled"]) == (
        {"average": "average", "fifo": "fifo"}[report["method"]],
        "EUR",
        True,
    )
    assert (report["quantity"], report["valuation_value"], report["ledger_value"]) == (
        "37.0000",
        expected["total"],
        expected["total"],
    )
    assert {
        row["category"]: (row["quantity"], row["value"]) for row in report["by_category"]
    } == expected["by_category"]
    (warehouse,) = report["by_warehouse"]
    assert (warehouse["warehouse_code"], warehouse["value"]) == ("WH1", expected["total"])
    assert api.get("/inventory/valuation/reconciliation") == {"reconciled": True, "mismatches": []}

    cogs = api.get("/inventory/cogs", date_from=today, date_to=today)
    assert (cogs["shipments_value"], cogs["returns_value"], cogs["cogs"]) == (
        expected["shipped_value"],
        expected["returned_value"],
        expected["cogs"],
    )
    # Per reference: the shipment (its number is the moves' reference) and the RMA.
    assert [(row["reference"], row["cogs"]) for row in cogs["by_reference"]] == [
        ("RMA-000001", "-" + expected["returned_value"]),
        ("SHIP-000001", expected["shipped_value"]),
    ]
    (line,) = order["lines"]
    per_line = api.get("/inventory/cogs", source_type="orders.salesorderline", source_id=line["id"])
    # The order line's own shipment cost (its return is booked on the RMA's line).
    assert (per_line["shipments_value"], per_line["cogs"]) == (
        expected["shipped_value"],
        expected["shipped_value"],
    )

    # NORD's scorecard today:
    # - on time in full: its one line (50 due today) got 40 by the date: 0 of 1 = 0.0000;
    # - quality: 40 decided, 10 rejected: 30 / 40 = 0.7500;
    # - price variance: (30 x 5.05 - 30 x 5.00) / (30 x 5.00) = 1.50 / 150.00 = +0.0100
    #   (the cancelled bill of 40 does not count);
    # - reliability: both receipts came on the promised day (0 days promised, 0 taken): 1.0000.
    card = api.get(f"/suppliers/{world.nord}/scorecard", date_from=today, date_to=today)
    assert card["measures"] == {
        "on_time_in_full": "0.0000",
        "quality_acceptance": "0.7500",
        "price_variance": "0.0100",
        "lead_time_reliability": "1.0000",
        "lines_due": 1,
        "deliveries": 2,
        "received_quantity": "40.0000",
        "rejected_quantity": "10.0000",
    }
    (month,) = card["trend"]
    assert month["measures"] == card["measures"]
    # PACIFIC quoted but was never ordered from: nothing measured.
    untouched = api.get(f"/suppliers/{world.pacific}/scorecard", date_from=today, date_to=today)
    rates = ("on_time_in_full", "quality_acceptance", "price_variance", "lead_time_reliability")
    assert [untouched["measures"][rate] for rate in rates] == [None, None, None, None]
    assert (untouched["measures"]["lines_due"], untouched["measures"]["deliveries"]) == (0, 0)

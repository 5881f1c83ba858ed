"""Helpers of the supply-chain end-to-end test: a JSON client of /api/v1 that asserts the
status of every call, the master data the scenario starts from, created through the API
(catalog, warehouse, suppliers and what they supply, FX rate, inspection plan, carriers),
and the downstream steps 7 (sell, choose the carrier, ship) and 8 (customer return).

Only the API is used: the test proves that a tenant can run the whole chain over REST.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import Client

D = Decimal

# The carrier's calendar: a Monday ship date, promised for Thursday.
SHIP_DATE = dt.date(2031, 3, 3)
PROMISED = dt.date(2031, 3, 6)


class Api:
    """A signed-in member talking JSON to /api/v1; every call asserts its status code."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def _check(self, response: Any, status: int) -> Any:
        assert response.status_code == status, (response.status_code, response.content[:2000])
        if status == 204 or not response.content:
            return None
        if response["Content-Type"].startswith("application/json"):
            return response.json()
        return response.content

    def get(self, path: str, status: int = 200, **params: Any) -> Any:
        """GET with query parameters."""
        return self._check(self.client.get(f"/api/v1{path}", params), status)

    def post(self, path: str, data: object = None, status: int = 200) -> Any:
        """POST a JSON body."""
        response = self.client.post(
            f"/api/v1{path}",
            data=json.dumps({} if data is None else data, default=str),
            content_type="application/json",
        )
        return self._check(response, status)

    def create(self, path: str, data: object = None) -> Any:
        """POST that creates something (201)."""
        return self.post(path, data, status=201)

    def patch(self, path: str, data: object, status: int = 200) -> Any:
        """PATCH a JSON body."""
        response = self.client.patch(
            f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
        )
        return self._check(response, status)

    def put(self, path: str, data: object, status: int = 200) -> Any:
        """PUT a JSON body."""
        response = self.client.put(
            f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
        )
        return self._check(response, status)

    def error(self, method: str, path: str, data: object, status: int, code: str) -> Any:
        """A refused call: the status, the error shape and its code."""
        response = getattr(self.client, method)(
            f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
        )
        assert response.status_code == status, response.content
        body = response.json()
        assert set(body) == {"code", "message", "details"} and body["code"] == code, body
        return body


def signed_in(user: Any) -> Api:
    """An API client with the user's session."""
    client = Client()
    client.force_login(user)
    return Api(client)


@dataclass
class World:
    """Ids of the master data the scenario runs on."""

    warehouse: int
    stock: int  # WH1/STOCK location
    part: int  # the purchased component (needs receipt inspection)
    box: int  # the kit's packaging, on hand from the start
    kit: int  # made from 2 PART + 1 BOX by a work order
    nord: int  # supplier in EUR, fast and steady
    pacific: int  # supplier in USD, cheaper but slow
    nord_product: int
    pacific_product: int
    checks: dict[str, int] = field(default_factory=dict)  # inspection check name -> id
    defect_reason: int = 0
    customer: int = 0


def product(api: Api, sku: str, name: str, category: str, weight: str) -> int:
    """A stockable product; the id of its default variant."""
    body = api.create(
        "/products", {"name": name, "sku": sku, "category": category, "weight_kg": weight}
    )
    (variant,) = body["variants"]
    return int(variant["id"])


def build_world(api: Api) -> World:
    """Catalog, warehouse, suppliers with supplied products, the USD rate, the receipt
    inspection plan of PART, a defect reason and the customer."""
    warehouse = api.create(
        "/warehouses", {"code": "WH1", "name": "Main", "country": "DE", "postal_code": "50667"}
    )
    locations = api.get("/locations", warehouse_id=warehouse["id"], limit=100)["items"]
    stock = next(row["id"] for row in locations if row["code"] == "WH1/STOCK")
    part = product(api, "PART", "Bracket", "Components", "0.500")
    box = product(api, "BOX", "Gift box", "Packaging", "0.200")
    kit = product(api, "KIT", "Bracket kit", "Kits", "1.200")
    # 1 USD = 0.80 EUR since 2020 (the tenant's base currency is EUR).
    api.create(
        "/fx-rates", {"base": "USD", "quote": "EUR", "rate": "0.8", "valid_on": "2020-01-01"}
    )
    nord = api.create("/suppliers", {"code": "NORD", "name": "Nordwerk GmbH", "currency": "EUR"})
    pacific = api.create(
        "/suppliers", {"code": "PACIFIC", "name": "Pacific Sourcing", "currency": "USD"}
    )
    nord_product = api.create(
        "/supplier-products",
        {
            "supplier_id": nord["id"],
            "variant_id": part,
            "supplier_sku": "NW-BR-1",
            "lead_time_days": "5",
            "lead_time_std_days": "1",
            "price_breaks": [{"min_quantity": "0", "unit_price": "5.20"}],
        },
    )
    pacific_product = api.create(
        "/supplier-products",
        {
            "supplier_id": pacific["id"],
            "variant_id": part,
            "supplier_sku": "PS-778",
            "lead_time_days": "20",
            "lead_time_std_days": "3",
            "price_breaks": [{"min_quantity": "0", "unit_price": "6.00"}],
        },
    )
    plan = api.create(
        "/quality/plans",
        {
            "name": "Incoming brackets",
            "variant_id": part,
            "stage": "receipt",
            "checks": [
                {"name": "Packaging intact", "kind": "pass_fail"},
                {
                    "name": "Length",
                    "kind": "measurement",
                    "target": "100",
                    "lower_tolerance": "0.5",
                    "upper_tolerance": "0.5",
                    "unit": "mm",
                },
            ],
        },
    )
    reason = api.create(
        "/quality/defect-reasons", {"code": "OUT-OF-TOL", "name": "Out of tolerance"}
    )
    customer = api.create("/accounts", {"name": "Acme Retail GmbH"})
    return World(
        warehouse=warehouse["id"],
        stock=stock,
        part=part,
        box=box,
        kit=kit,
        nord=nord["id"],
        pacific=pacific["id"],
        nord_product=nord_product["id"],
        pacific_product=pacific_product["id"],
        checks={check["name"]: check["id"] for check in plan["checks"]},
        defect_reason=reason["id"],
        customer=customer["id"],
    )


def carrier(api: Api, code: str, name: str, service: str, transit: int, price: str) -> None:
    """A carrier with one service whose EUR rate card covers Germany up to 10 kg, 10 % fuel."""
    created = api.create("/carriers", {"code": code, "name": name})
    added = api.create(f"/carriers/{created['id']}/services", {"code": "std", "name": service})
    card = api.create(
        "/rate-cards",
        {"service_id": added["id"], "currency": "EUR", "fuel_surcharge_percent": "10"},
    )
    zone = api.create(f"/rate-cards/{card['id']}/zones", {"country": "DE", "transit_days": transit})
    api.post(f"/rate-zones/{zone['id']}/breaks", {"max_weight_kg": "10", "price": price})


def balances(api: Api, warehouse: int) -> dict[tuple[str, str], str]:
    """On hand per (SKU, location) of the warehouse; rows at zero are not listed."""
    rows = api.get("/stock/balances", warehouse_id=warehouse, limit=100)["items"]
    return {(row["sku"], row["location"]): row["on_hand"] for row in rows}


def valuation_by_sku(api: Api) -> dict[str, tuple[str, str]]:
    """(quantity, value) per category of the valuation report (one SKU per category here)."""
    report = api.get("/inventory/valuation")
    return {row["category"]: (row["quantity"], row["value"]) for row in report["by_category"]}


# --- the downstream half of the scenario (steps 7 and 8) ----------------------------------


def sell_and_ship(api: Api, world: World, expected: dict[str, Any]) -> dict[str, Any]:
    """4 KIT at 25.00 + 19 % to Cologne's neighbour Berlin; picked, packed (4 x 1.2 kg + 0.3
    kg tare = 5.1 kg), the carrier chosen by the promised date, shipped and delivered."""
    carrier(api, "slow", "Slowpost", "Economy", 4, "5.73")  # 5.73 + 0.57 = 6.30
    carrier(api, "mid", "Midway", "Parcel", 2, "8.00")  # 8.00 + 0.80 = 8.80
    carrier(api, "fast", "Fastlane", "Express", 1, "12.00")  # 12.00 + 1.20 = 13.20
    order = api.create(
        "/sales-orders",
        {
            "channel": "web",
            "account_id": world.customer,
            "currency": "EUR",
            "ship_to_country": "DE",
            "ship_to_postal_code": "10115",
            "warehouse_id": world.warehouse,
            "lines": [
                {
                    "variant_id": world.kit,
                    "quantity": "4",
                    "unit_price": "25.00",
                    "tax_rate": "0.19",
                }
            ],
            "confirm": True,
        },
    )
    (line,) = order["lines"]
    assert (order["state"], order["net_total"], order["tax_total"], order["gross_total"]) == (
        "confirmed",
        "100.00",
        "19.00",
        "119.00",
    )
    assert (line["quantity"], line["reserved_quantity"]) == ("4", "4")
    picking = api.create(
        "/pick-lists", {"warehouse_id": world.warehouse, "order_ids": [order["id"]]}
    )
    (pick,) = picking["lines"]
    assert (
        api.post(f"/pick-lists/{picking['id']}/picks", {"line_id": pick["id"], "quantity": "4"})[
            "state"
        ]
        == "done"
    )
    package = api.create(
        "/packages", {"order_id": order["id"], "warehouse_id": world.warehouse, "tare_kg": "0.3"}
    )
    api.post(
        f"/packages/{package['id']}/items",
        {"items": [{"pick_line_id": pick["id"], "quantity": "4"}]},
    )
    sealed = api.post(f"/packages/{package['id']}/close")
    assert (sealed["state"], sealed["declared_weight_kg"]) == ("packed", "5.100")

    # The rule: the cheapest service that arrives by Thursday when shipped on Monday.
    # Slowpost (4 business days: Friday) is late; Midway (Wednesday) and Fastlane (Tuesday)
    # meet it; Midway is the cheaper of the two.
    comparison = api.post(
        "/carrier-quotes",
        {
            "country": "DE",
            "postal_code": "10115",
            "weight_kg": "5.1",
            "ship_date": SHIP_DATE,
            "promised_date": PROMISED,
        },
    )
    assert sorted(
        (q["carrier_code"], q["total"], q["estimated_delivery"], q["reason_code"])
        for q in comparison["quotes"]
    ) == [
        ("fast", "13.20", "2031-03-04", "meets"),
        ("mid", "8.80", "2031-03-05", "meets"),
        ("slow", "6.30", "2031-03-07", "late"),
    ]
    chosen = comparison["chosen"]
    assert (chosen["carrier_code"], chosen["service_name"], chosen["total"]) == (
        "mid",
        "Parcel",
        "8.80",
    )
    shipment = api.create(
        "/shipments",
        {
            "package_ids": [package["id"]],
            "carrier_name": f"{chosen['carrier_name']} {chosen['service_name']}",
            "tracking_number": "MID123456",
        },
    )
    assert (shipment["number"], shipment["state"]) == ("SHIP-000001", "shipped")
    recorded = api.post(
        f"/shipments/{shipment['id']}/carrier-choice",
        {"promised_date": PROMISED, "ship_date": SHIP_DATE},
    )
    choice = recorded["choice"]
    assert (choice["total"], choice["estimated_delivery"], choice["rule"]) == (
        "8.80",
        "2031-03-05",
        "promised_date",
    )
    assert api.get(f"/shipments/{shipment['id']}")["carrier_name"] == "Midway Parcel"
    assert api.get(f"/sales-orders/{order['id']}")["state"] == "shipped"
    (move,) = api.get("/stock/moves", kind="shipment", reference="SHIP-000001")["items"]
    assert (move["sku"], move["quantity"], move["value"]) == (
        "KIT",
        "4.0000",
        expected["shipped_value"],
    )
    delivered = api.create(
        f"/shipments/{shipment['id']}/tracking-events",
        {"occurred_at": "2031-03-05T10:30:00+01:00", "status": "delivered"},
    )
    assert delivered is not None
    assert api.get(f"/sales-orders/{order['id']}")["state"] == "closed"
    return order


def customer_return(
    agent: Api, api: Api, world: World, order: dict[str, Any], expected: dict[str, Any]
) -> None:
    """One KIT comes back unused: requested and authorised by the service agent, received
    into QUALITY, inspected as new and restocked by the warehouse side (the agent may not
    move stock), closed with a refund of 25.00 + 4.75 tax = 29.75."""
    (line,) = order["lines"]
    agent.error(
        "post",
        "/returns",
        {"order_id": order["id"], "lines": [{"order_line_id": line["id"], "quantity": "5"}]},
        409,
        "exceeds_returnable",
    )
    rma = agent.create(
        "/returns",
        {
            "order_id": order["id"],
            "reason": "Ordered one too many",
            "lines": [
                {"order_line_id": line["id"], "quantity": "1", "reason_code": "no_longer_needed"}
            ],
        },
    )
    (rma_line,) = rma["lines"]
    path = f"/returns/{rma['id']}"
    assert (rma["number"], rma["state"]) == ("RMA-000001", "requested")
    assert agent.post(f"{path}/authorise")["state"] == "authorised"
    agent.error("post", f"{path}/receive", {}, 403, "permission_denied")
    assert api.post(f"{path}/receive", {})["state"] == "received"
    assert balances(api, world.warehouse)[("KIT", "WH1/QUALITY")] == "1.0000"
    inspected = api.post(
        f"{path}/inspect",
        {"results": [{"line_id": rma_line["id"], "condition": "as_new", "disposition": "restock"}]},
    )
    assert inspected["state"] == "inspected"
    closed = agent.post(f"{path}/close", {"method": "refund"})
    refund = closed["refund"]
    assert (closed["state"], refund["number"], refund["method"], refund["state"]) == (
        "closed",
        "RF-000001",
        "refund",
        "pending",
    )
    assert (refund["net_amount"], refund["tax_amount"], refund["gross_amount"]) == (
        "25.0000",
        "4.7500",
        "29.7500",
    )
    (move,) = api.get("/stock/moves", kind="return", reference="RMA-000001")["items"]
    assert (move["quantity"], move["value"]) == ("1.0000", expected["returned_value"])

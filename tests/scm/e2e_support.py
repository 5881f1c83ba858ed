"""Helpers of the supply-chain end-to-end test: a JSON client of /api/v1 that asserts the
status of every call, and the master data the scenario starts from, created through the API
(catalog, warehouse, suppliers and what they supply, FX rate, inspection plan, carriers).

Only the API is used: the test proves that a tenant can run the whole chain over REST.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import Client

D = Decimal


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

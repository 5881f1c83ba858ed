"""The carriers API: CRUD of carriers, services, rate cards, zones and breaks, carrier quotes
and the shipment's carrier choice; status codes, the error shape, pagination, permissions."""

from __future__ import annotations

import json
from typing import Any

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.carriers.models import ShipmentCarrierChoice
from valuechain.scm.fulfillment.models import Shipment

from .conftest import build_rates, ship_to_berlin


def post(client: Any, path: str, data: object) -> Any:
    """POST JSON to the API."""
    return client.post(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


def patch(client: Any, path: str, data: object) -> Any:
    """PATCH JSON to the API."""
    return client.patch(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


def error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """Assert the API's error shape."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field, body
    return body


def test_carrier_service_rate_card_crud(client_a, tenant_a):
    created = post(
        client_a,
        "/carriers",
        {"name": "DHL", "code": "dhl", "tracking_url_template": "https://d.example/{tracking}"},
    )
    assert created.status_code == 201, created.content
    carrier = created.json()
    assert (carrier["code"], carrier["services"], carrier["is_active"]) == ("dhl", [], True)
    error(post(client_a, "/carriers", {"name": "X", "code": "dhl"}), 422, "duplicate_code", "code")

    service = post(client_a, f"/carriers/{carrier['id']}/services", {"code": "x", "name": "X"})
    assert service.status_code == 201
    service_id = service.json()["id"]
    changed = patch(client_a, f"/carrier-services/{service_id}", {"name": "Express"})
    assert changed.json()["name"] == "Express"
    renamed = patch(client_a, f"/carriers/{carrier['id']}", {"name": "DHL Paket"})
    assert renamed.json()["name"] == "DHL Paket"
    assert [s["name"] for s in renamed.json()["services"]] == ["Express"]

    card = post(
        client_a,
        "/rate-cards",
        {"service_id": service_id, "currency": "EUR", "fuel_surcharge_percent": "12.5"},
    )
    assert card.status_code == 201, card.content
    card_id = card.json()["id"]
    assert card.json()["excess_price_per_kg"] is None
    assert card.json()["zones"] == []
    error(
        post(client_a, "/rate-cards", {"service_id": service_id, "currency": "EUR"}),
        409,
        "duplicate_rate_card",
        "service_id",
    )
    zone = post(client_a, f"/rate-cards/{card_id}/zones", {"country": "DE", "transit_days": 1})
    assert zone.status_code == 201
    zone_id = zone.json()["id"]
    error(
        post(client_a, f"/rate-cards/{card_id}/zones", {"country": "ZZ", "transit_days": 1}),
        422,
        "invalid_country",
        "country",
    )
    set_break = post(
        client_a, f"/rate-zones/{zone_id}/breaks", {"max_weight_kg": 5, "price": "9.90"}
    )
    assert set_break.status_code == 200, set_break.content
    assert set_break.json()["price"] == "9.9000"
    patch(client_a, f"/rate-cards/{card_id}", {"excess_price_per_kg": "1.20"})
    patch(client_a, f"/rate-zones/{zone_id}", {"transit_days": 2})
    detail = client_a.get(f"/api/v1/rate-cards/{card_id}").json()
    assert detail["excess_price_per_kg"] == "1.2000"
    assert detail["carrier_code"] == "dhl"
    assert [(z["country"], z["postal_prefix"], z["transit_days"]) for z in detail["zones"]] == [
        ("DE", "", 2)
    ]
    assert [(b["max_weight_kg"], b["price"]) for b in detail["zones"][0]["breaks"]] == [
        ("5.000", "9.9000")
    ]
    listed = client_a.get(f"/api/v1/rate-cards?carrier_id={carrier['id']}").json()
    assert listed["count"] == 1 and listed["items"][0]["service_code"] == "x"

    break_id = detail["zones"][0]["breaks"][0]["id"]
    assert client_a.delete(f"/api/v1/rate-breaks/{break_id}").status_code == 204
    assert client_a.delete(f"/api/v1/rate-zones/{zone_id}").status_code == 204
    assert client_a.delete(f"/api/v1/rate-cards/{card_id}").status_code == 204
    assert client_a.delete(f"/api/v1/carrier-services/{service_id}").status_code == 204
    assert client_a.delete(f"/api/v1/carriers/{carrier['id']}").status_code == 204
    error(client_a.get(f"/api/v1/carriers/{carrier['id']}"), 404, "not_found")
    error(client_a.delete(f"/api/v1/rate-cards/{card_id}"), 404, "not_found")


def test_carrier_list_pages_and_sorts(client_a, tenant_a):
    for code in ("ups", "dhl", "gls"):
        assert post(client_a, "/carriers", {"name": code.upper(), "code": code}).status_code == 201
    page = client_a.get("/api/v1/carriers?limit=2&offset=1").json()
    assert (page["count"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [c["code"] for c in page["items"]] == ["gls", "ups"]
    by_code = client_a.get("/api/v1/carriers?sort=-code").json()
    assert [c["code"] for c in by_code["items"]] == ["ups", "gls", "dhl"]
    error(client_a.get("/api/v1/carriers?sort=secret"), 422, "invalid_sort", "sort")


def test_carrier_quotes(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        build_rates()
    body = {
        "country": "DE",
        "postal_code": "10115",
        "weight_kg": "3.5",
        "ship_date": "2026-03-02",
        "promised_date": "2026-03-04",
    }
    answer = post(client_a, "/carrier-quotes", body)
    assert answer.status_code == 200, answer.content
    result = answer.json()
    assert result["rule"] == "promised_date"
    assert [
        (q["service_code"], q["total"], q["estimated_delivery"], q["meets"], q["reason_code"])
        for q in result["quotes"]
    ] == [
        ("express", "16.50", "2026-03-03", True, "meets"),
        ("parcel", "8.80", "2026-03-04", True, "meets"),
        ("economy", "7.35", "2026-03-06", False, "late"),
    ]
    assert result["chosen"]["service_code"] == "parcel"
    assert result["chosen"]["base_rate"] == "8.00"
    assert result["chosen"]["surcharge"] == "0.80"

    capped = post(client_a, "/carrier-quotes", {**body, "promised_date": None, "cost_cap": 7})
    assert capped.status_code == 200
    assert capped.json()["chosen"] is None
    error(
        post(client_a, "/carrier-quotes", {**body, "promised_date": None}),
        422,
        "rule_required",
        "promised_date",
    )
    error(
        post(client_a, "/carrier-quotes", {**body, "weight_kg": "-1"}),
        422,
        "invalid_weight_kg",
        "weight_kg",
    )
    error(post(client_a, "/carrier-quotes", {"country": "DE"}), 422, "validation_error")


def test_choose_for_shipment(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        build_rates()
        shipment = ship_to_berlin()
    path = f"/shipments/{shipment.pk}/carrier-choice"
    error(client_a.get(f"/api/v1{path}"), 404, "not_found")
    error(post(client_a, path, {"cost_cap": "5"}), 409, "no_service_meets", "cost_cap")
    chosen = post(client_a, path, {"cost_cap": "10"})
    assert chosen.status_code == 200, chosen.content
    body = chosen.json()
    assert body["choice"]["service_code"] == "parcel"
    assert body["choice"]["total"] == "8.80"
    assert body["choice"]["estimated_delivery"] == "2026-03-04"
    assert body["comparison"]["chosen"]["service_code"] == "parcel"
    again = client_a.get(f"/api/v1{path}").json()
    assert (again["carrier_code"], again["rule"], again["cost_cap"]) == (
        "dhl",
        "cost_cap",
        "10.00",
    )
    assert client_a.get(f"/api/v1/shipments/{shipment.pk}").json()["carrier_name"] == "DHL Parcel"
    assert again["tracking_url"] == ""  # no tracking number yet
    patch(client_a, f"/shipments/{shipment.pk}", {"tracking_number": "JJD0001"})
    tracked = client_a.get(f"/api/v1{path}").json()
    assert tracked["tracking_url"] == "https://dhl.example/t/JJD0001"
    error(post(client_a, "/shipments/999999/carrier-choice", {"cost_cap": "10"}), 404, "not_found")


def test_sales_rep_reads_but_cannot_write(tenant_a):
    from django.test import Client

    from valuechain.platform.tenancy import services as tenancy

    rep = tenancy.add_member(
        tenant_a, tenancy.create_user("rep@alpha.test", "correct horse battery staple"), "sales_rep"
    )
    client = Client()
    client.force_login(rep.user)
    assert client.get("/api/v1/carriers").status_code == 200
    error(post(client, "/carriers", {"name": "DHL", "code": "dhl"}), 403, "permission_denied")
    with tenant_context(tenant_a):
        assert not ShipmentCarrierChoice.objects.exists()
        assert not Shipment.objects.exists()

"""API conventions on the FX endpoints: pages, sorting, filters and the one error shape."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from valuechain.platform import fx
from valuechain.platform.models import FxRate
from valuechain.platform.tenancy.context import tenant_context

D = Decimal
URL = "/api/v1/fx-rates"


def assert_error_shape(response, status: int, code: str) -> dict:
    """The response is JSON {code, message, details} with the status and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    return body


@pytest.fixture
def rates(tenant_a, tenant_b):
    """Five rates in tenant A, one in tenant B."""
    with tenant_context(tenant_a):
        for day, base, quote, rate in [
            (1, "EUR", "USD", "1.10"),
            (2, "EUR", "USD", "1.12"),
            (3, "EUR", "GBP", "0.85"),
            (4, "USD", "JPY", "150"),
            (5, "EUR", "CHF", "0.95"),
        ]:
            fx.record_rate(base, quote, D(rate), dt.date(2026, 1, day))
    with tenant_context(tenant_b):
        fx.record_rate("EUR", "SEK", D("11.5"), dt.date(2026, 1, 1))


def test_list_is_a_page_of_the_tenants_rates_newest_first(client_a, rates):
    response = client_a.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (5, 50, 0)
    assert [(r["valid_on"], r["base"], r["quote"], r["rate"]) for r in body["items"]] == [
        ("2026-01-05", "EUR", "CHF", "0.95"),
        ("2026-01-04", "USD", "JPY", "150"),
        ("2026-01-03", "EUR", "GBP", "0.85"),
        ("2026-01-02", "EUR", "USD", "1.12"),
        ("2026-01-01", "EUR", "USD", "1.1"),
    ]


def test_limit_and_offset_window_the_list(client_a, rates):
    body = client_a.get(URL, {"limit": 2, "offset": 1, "sort": "valid_on"}).json()
    assert body["count"] == 5
    assert [r["valid_on"] for r in body["items"]] == ["2026-01-02", "2026-01-03"]


def test_sort_by_several_fields(client_a, rates):
    body = client_a.get(URL, {"sort": "base,-valid_on"}).json()
    assert [(r["base"], r["valid_on"]) for r in body["items"]] == [
        ("EUR", "2026-01-05"),
        ("EUR", "2026-01-03"),
        ("EUR", "2026-01-02"),
        ("EUR", "2026-01-01"),
        ("USD", "2026-01-04"),
    ]


def test_filters(client_a, rates):
    body = client_a.get(URL, {"base": "eur", "quote": "USD"}).json()
    assert [r["rate"] for r in body["items"]] == ["1.12", "1.1"]
    body = client_a.get(URL, {"valid_from": "2026-01-02", "valid_to": "2026-01-04"}).json()
    assert [r["valid_on"] for r in body["items"]] == ["2026-01-04", "2026-01-03", "2026-01-02"]
    assert body["count"] == 3


def test_invalid_sort_lists_the_allowed_fields(client_a, rates):
    body = assert_error_shape(client_a.get(URL, {"sort": "-rate"}), 422, "invalid_sort")
    assert body["details"] == {"allowed": ["valid_on", "base", "quote"], "field": "sort"}


def test_limit_above_500_is_a_validation_error_on_limit(client_a):
    body = assert_error_shape(client_a.get(URL, {"limit": 501}), 422, "validation_error")
    assert [e["field"] for e in body["details"]["errors"]] == ["limit"]
    assert client_a.get(URL, {"limit": 500}).status_code == 200


def test_invalid_filter_value_is_a_validation_error(client_a):
    body = assert_error_shape(client_a.get(URL, {"valid_from": "soon"}), 422, "validation_error")
    assert [e["field"] for e in body["details"]["errors"]] == ["valid_from"]


def test_unknown_route_is_a_json_404(client_a):
    assert_error_shape(client_a.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error_shape(client_a.post("/api/v1/no/such/thing"), 404, "not_found")


def test_wrong_method_is_a_json_405(client_a):
    response = client_a.put(URL, data="{}", content_type="application/json")
    body = assert_error_shape(response, 405, "method_not_allowed")
    assert body["code"] == "method_not_allowed"
    assert "GET" in response["Allow"] and "POST" in response["Allow"]


def test_anonymous_is_a_401(db):
    assert_error_shape(Client().get(URL), 401, "not_authenticated")


def test_member_without_admin_permission_is_a_403(warehouse_client_a):
    body = assert_error_shape(warehouse_client_a.get(URL), 403, "permission_denied")
    assert body["details"] == {"needed": "admin:read"}


def test_body_validation_is_a_422_with_fields(client_a, post_json):
    response = post_json(client_a, URL, {"base": "EUR", "rate": "x", "valid_on": "2026-13-01"})
    body = assert_error_shape(response, 422, "validation_error")
    assert sorted(e["field"] for e in body["details"]["errors"]) == [
        "payload.quote",
        "payload.rate",
        "payload.valid_on",
    ]


def test_malformed_json_is_a_400(client_a):
    response = client_a.post(URL, data="{not json", content_type="application/json")
    assert_error_shape(response, 400, "bad_request")


def test_domain_errors_keep_their_code_status_and_field(client_a, post_json):
    payload = {"base": "EUR", "quote": "EUR", "rate": "1", "valid_on": "2026-01-01"}
    body = assert_error_shape(post_json(client_a, URL, payload), 422, "same_currency")
    assert body["details"] == {"field": "quote"}


def test_create_read_and_delete_a_rate(client_a, post_json, in_tenant_a):
    payload = {"base": "eur", "quote": "usd", "rate": 1.0850, "valid_on": "2026-01-05"}
    response = post_json(client_a, URL, {**payload, "source": "ECB"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["base"], created["quote"], created["rate"], created["source"]) == (
        "EUR",
        "USD",
        "1.085",
        "ECB",
    )
    assert FxRate.objects.get().rate == D("1.085")  # the JSON number arrived exact

    duplicate = post_json(client_a, URL, payload)
    assert_error_shape(duplicate, 409, "fx_rate_exists")

    assert client_a.delete(f"{URL}/{created['id']}").status_code == 204
    assert not FxRate.objects.exists()
    assert_error_shape(client_a.delete(f"{URL}/{created['id']}"), 404, "fx_rate_not_found")


def test_json_float_noise_never_reaches_the_rate(client_a, in_tenant_a):
    # 0.1 + 0.2 style noise cannot appear: the body is parsed into Decimals.
    response = client_a.post(
        URL,
        data='{"base": "EUR", "quote": "USD", "rate": 1.1000000001, "valid_on": "2026-01-05"}',
        content_type="application/json",
    )
    assert response.status_code == 201
    assert FxRate.objects.get().rate == D("1.1000000001")


def test_convert(client_a, rates):
    response = client_a.get(
        f"{URL}/convert", {"amount": "100", "from": "usd", "to": "EUR", "on": "2026-01-02"}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "original": {"amount": "100", "currency": "USD"},
        "converted": {"amount": "89.29", "currency": "EUR"},
        "rate": str((D(1) / D("1.12")).normalize()),
        "on": "2026-01-02",
    }


def test_convert_errors(client_a, rates):
    query = {"amount": "100", "from": "EUR", "to": "USD", "on": "2025-12-31"}
    body = assert_error_shape(client_a.get(f"{URL}/convert", query), 422, "fx_rate_missing")
    assert body["details"]["on"] == "2025-12-31"
    body = assert_error_shape(
        client_a.get(f"{URL}/convert", {**query, "from": "XYZ"}), 422, "invalid_currency"
    )
    assert body["details"] == {"field": "from"}
    body = assert_error_shape(
        client_a.get(f"{URL}/convert", {"from": "EUR", "to": "USD"}), 422, "validation_error"
    )
    assert [e["field"] for e in body["details"]["errors"]] == ["amount"]


def test_openapi_documents_the_idempotency_header_on_posts(client_a):
    schema = client_a.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/fx-rates"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in post["parameters"] if p["in"] == "header"]
    get = schema["paths"]["/api/v1/fx-rates"]["get"]
    assert "Idempotency-Key" not in [p["name"] for p in get.get("parameters", [])]
    assert "Idempotency-Key" in schema["info"]["description"]
    assert json.dumps(schema)  # serialisable


def test_list_costs_the_same_queries_for_few_and_many_rows(client_a, tenant_a):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_a.get(URL, {"limit": 500}).status_code == 200
        return len(captured)

    with tenant_context(tenant_a):
        fx.record_rate("EUR", "USD", D("1.1"), dt.date(2026, 1, 1))
    few = queries_for_list()
    with tenant_context(tenant_a):
        for day in range(2, 30):
            fx.record_rate("EUR", "USD", D("1.1"), dt.date(2026, 1, day))
    assert queries_for_list() == few

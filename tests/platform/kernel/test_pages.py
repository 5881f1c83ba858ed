"""Settings pages: FX rates (list, add with errors next to fields, delete, convert), sequences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from valuechain.platform import fx, numbering
from valuechain.platform.models import DocumentSequence, FxRate
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.web.registry import menu_items

FX_URL = "/settings/fx-rates/"
SEQ_URL = "/settings/sequences/"
DAY = dt.date(2026, 1, 5)


def test_menu_lists_both_pages():
    labels = {item.label: item.url_name for item in menu_items("admin")}
    assert labels["FX rates"] == "platform-fx-rates"
    assert labels["Number sequences"] == "platform-sequences"


def test_fx_page_lists_the_tenants_rates(client_a, tenant_a, tenant_b):
    with tenant_context(tenant_a):
        fx.record_rate("EUR", "USD", Decimal("1.0850"), DAY, "ECB")
    with tenant_context(tenant_b):
        fx.record_rate("EUR", "SEK", Decimal("11.5"), DAY)
    response = client_a.get(FX_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<td>1.085</td>" in page
    assert "SEK" not in page
    assert 'name="base"' in page and 'name="currency_from"' in page


def test_fx_page_filters_by_currency(client_a, tenant_a):
    with tenant_context(tenant_a):
        fx.record_rate("EUR", "USD", Decimal("1.1"), DAY)
        fx.record_rate("GBP", "CHF", Decimal("1.12"), DAY)
    page = client_a.get(FX_URL, {"currency": "usd"}).content.decode()
    assert "<td>1.1</td>" in page and "<td>1.12</td>" not in page


def test_adding_a_rate(client_a, in_tenant_a):
    response = client_a.post(
        FX_URL,
        {"base": "eur", "quote": "usd", "rate": "1.0850", "valid_on": "2026-01-05", "source": ""},
    )
    assert response.status_code == 302
    assert FxRate.objects.get().rate == Decimal("1.085")
    assert "Recorded 1 EUR = 1.085 USD from 2026-01-05." in client_a.get(FX_URL).content.decode()


def test_add_errors_show_next_to_their_fields(client_a, in_tenant_a):
    response = client_a.post(
        FX_URL, {"base": "EUR", "quote": "EUR", "rate": "1", "valid_on": "2026-01-05"}
    )
    assert response.status_code == 422
    form = response.context["add_form"]
    assert form.errors == {"quote": ["Base and quote must be different currencies."]}
    assert 'id="id_quote_error"' in response.content.decode()

    fx.record_rate("EUR", "USD", Decimal("1.1"), DAY)
    response = client_a.post(
        FX_URL, {"base": "EUR", "quote": "USD", "rate": "1.2", "valid_on": "2026-01-05"}
    )
    assert list(response.context["add_form"].errors) == ["valid_on"]

    response = client_a.post(FX_URL, {"base": "ABC", "quote": "USD", "rate": "x"})
    assert set(response.context["add_form"].errors) == {"rate", "valid_on"}
    assert FxRate.objects.count() == 1


def test_deleting_a_rate(client_a, in_tenant_a):
    rate = fx.record_rate("EUR", "USD", Decimal("1.1"), DAY)
    response = client_a.post(f"/settings/fx-rates/{rate.pk}/delete/")
    assert response.status_code == 302
    assert not FxRate.objects.exists()
    assert client_a.get(f"/settings/fx-rates/{rate.pk}/delete/").status_code == 405


def test_convert_form(client_a, in_tenant_a):
    fx.record_rate("EUR", "JPY", Decimal("160.5"), DAY)
    query = {"amount": "10", "currency_from": "EUR", "currency_to": "JPY", "on": "2026-01-06"}
    response = client_a.get(FX_URL, query)
    result = response.context["conversion"]
    assert str(result["converted"]) == "1605 JPY"
    assert "1605 JPY" in response.content.decode()

    response = client_a.get(FX_URL, {**query, "on": "2026-01-01"})
    assert response.context["conversion"] is None
    assert (
        list(response.context["convert_form"].errors) == [None]
        or response.context["convert_form"].non_field_errors()
    )


def test_convert_form_currency_error_is_on_its_field(client_a, in_tenant_a):
    query = {"amount": "10", "currency_from": "EUX", "currency_to": "JPY"}
    form = client_a.get(FX_URL, query).context["convert_form"]
    assert list(form.errors) == ["currency_from"]


def test_readers_cannot_write(warehouse_client_a, tenant_a):
    assert warehouse_client_a.get(FX_URL).status_code == 403
    assert warehouse_client_a.get(SEQ_URL).status_code == 403


def test_sequences_page(client_a, in_tenant_a):
    numbering.next_number("so")
    response = client_a.get(SEQ_URL)
    assert response.status_code == 200
    assert "<code>SO-000002</code>" in response.content.decode()


def test_adding_and_editing_a_sequence(client_a, in_tenant_a):
    response = client_a.post(
        SEQ_URL, {"key": "inv", "prefix": "INV/", "padding": "4", "next_value": "100"}
    )
    assert response.status_code == 302
    assert numbering.next_number("inv") == "INV/0100"

    duplicate = client_a.post(SEQ_URL, {"key": "inv", "prefix": "X", "padding": 4, "next_value": 1})
    assert list(duplicate.context["new_form"].errors) == ["key"]

    response = client_a.post(
        "/settings/sequences/inv/",
        {"seq-inv-prefix": "IN-", "seq-inv-padding": "5", "seq-inv-next_value": "200"},
    )
    assert response.status_code == 302
    assert numbering.next_number("inv") == "IN-00200"


def test_moving_a_sequence_back_shows_the_error_on_next_value(client_a, in_tenant_a):
    numbering.configure_sequence("so", next_value=50)
    response = client_a.post(
        "/settings/sequences/so/",
        {"seq-so-prefix": "SO-", "seq-so-padding": "6", "seq-so-next_value": "10"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "The next value may only move forward" in page
    assert 'id="id_seq-so-next_value_error"' in page
    assert DocumentSequence.objects.get(key="so").next_value == 50

"""Procurement use cases: suppliers, supplied products, weights and rankings, with every
refusal code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.scm.procurement.conftest import D, supplied, variant

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Account
from valuechain.platform import fx
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.procurement import queries, services
from valuechain.scm.procurement.models import PriceBreak, ProcurementSettings


def refused(expected: str, call: Any, /, *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == expected, caught.value.message
    return caught.value


# --- suppliers ------------------------------------------------------------------------------


def test_create_supplier_by_name_creates_the_account(in_tenant_a):
    supplier = services.create_supplier(
        code=" nord-1 ",
        name="Nordwerk  GmbH",
        payment_terms_days=14,
        incoterm="fca",
        gln="4012345000009",
    )
    assert (supplier.code, supplier.currency, supplier.incoterm, supplier.gln) == (
        "NORD-1",
        "EUR",
        "FCA",
        "4012345000009",
    )
    assert supplier.account.name == "Nordwerk GmbH"
    assert Account.objects.count() == 1
    assert OutboxEvent.objects.filter(type="SupplierCreated").count() == 1
    assert AuditEntry.objects.filter(
        content_type__model="supplier", object_id=str(supplier.pk)
    ).exists()


def test_create_supplier_for_an_existing_account(in_tenant_a):
    account = customers.create_account(name="Acme")
    supplier = services.create_supplier(code="ACME", account_id=account.pk, currency="usd")
    assert (supplier.account_id, supplier.currency) == (account.pk, "USD")
    assert Account.objects.count() == 1
    error = refused(
        "account_already_supplier", services.create_supplier, code="ACME2", account_id=account.pk
    )
    assert (error.status, error.field) == (409, "account_id")


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"code": ""}, "code_required", "code"),
        ({"code": "no spaces"}, "invalid_code", "code"),
        ({"code": "X" * 21}, "invalid_code", "code"),
        ({"currency": "EURO"}, "invalid_currency", "currency"),
        ({"payment_terms_days": -1}, "invalid_payment_terms_days", "payment_terms_days"),
        ({"payment_terms_days": 3651}, "invalid_payment_terms_days", "payment_terms_days"),
        ({"payment_terms_days": True}, "invalid_payment_terms_days", "payment_terms_days"),
        ({"incoterm": "XYZ"}, "invalid_incoterm", "incoterm"),
        ({"gln": "4012345000008"}, "invalid_gln", "gln"),
        ({"gln": "12345"}, "invalid_gln", "gln"),
        ({"name": ""}, "name_required", "name"),
        ({"name": "x" * 201}, "invalid_name", "name"),
        ({"account_id": 999999, "name": ""}, "account_not_found", "account_id"),
        ({"account_id": "1", "name": ""}, "account_not_found", "account_id"),
        ({"account_id": 1}, "account_or_name", "account_id"),
    ],
)
def test_create_supplier_refusals(in_tenant_a, values, code, field):
    arguments = {"code": "OK", "name": "Some Supplier", **values}
    error = refused(code, services.create_supplier, **arguments)
    assert error.field == field
    assert Account.objects.count() == 0  # nothing half-made


def test_duplicate_code(buying):
    error = refused("duplicate_code", services.create_supplier, code="nord", name="Other")
    assert (error.status, error.field) == (409, "code")
    refused("duplicate_code", services.update_supplier, buying.lyon.pk, code="NORD")


def test_update_supplier(buying):
    changed = services.update_supplier(
        buying.nord.pk, name="Nordwerk AG", code="NW", gln="0012345000058", incoterm=""
    )
    assert (changed.code, changed.gln, changed.incoterm) == ("NW", "0012345000058", "")
    assert Account.objects.get(pk=changed.account_id).name == "Nordwerk AG"
    assert services.update_supplier(buying.nord.pk, code="NW").code == "NW"  # own code is free
    refused("invalid_field", services.update_supplier, buying.nord.pk, account_id=1)
    refused("name_required", services.update_supplier, buying.nord.pk, name=" ")
    refused("supplier_not_found", services.update_supplier, 999999, code="X")


def test_deactivate_supplier(buying):
    assert services.deactivate_supplier(buying.nord.pk).is_active is False
    error = refused("already_inactive", services.deactivate_supplier, buying.nord.pk)
    assert error.status == 409
    assert services.update_supplier(buying.nord.pk, is_active=True).is_active is True
    refused("supplier_not_found", services.deactivate_supplier, 999999)


# --- supplied products ----------------------------------------------------------------------


def test_create_supplier_product(buying):
    product = supplied(
        buying.nord,
        buying.bolt,
        [(100, "0.09"), (0, "0.10")],
        supplier_sku="NW-B1",
        min_order_quantity=50,
        pack_size=D(25),
        lead_time_days="7.5",
        lead_time_std_days=D("1.25"),
    )
    assert (product.currency, product.supplier_sku, product.lead_time_days) == (
        "EUR",
        "NW-B1",
        D("7.5"),
    )
    assert [(b.min_quantity, b.unit_price) for b in product.price_breaks.order_by("pk")] == [
        (D(0), D("0.10")),
        (D(100), D("0.09")),
    ]
    error = refused("duplicate_supplier_product", supplied, buying.nord, buying.bolt, [(0, 1)])
    assert (error.status, error.field) == (409, "variant_id")


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"min_order_quantity": -1}, "invalid_min_order_quantity", "min_order_quantity"),
        ({"min_order_quantity": "1.00001"}, "invalid_min_order_quantity", "min_order_quantity"),
        ({"pack_size": "abc"}, "invalid_pack_size", "pack_size"),
        ({"pack_size": 1.5}, "invalid_pack_size", "pack_size"),  # floats are inexact
        ({"lead_time_days": "3651"}, "invalid_lead_time_days", "lead_time_days"),
        ({"lead_time_std_days": "-0.5"}, "invalid_lead_time_std_days", "lead_time_std_days"),
        ({"lead_time_std_days": "NaN"}, "invalid_lead_time_std_days", "lead_time_std_days"),
        ({"currency": "ABC"}, "invalid_currency", "currency"),
        ({"supplier_sku": "x" * 65}, "invalid_supplier_sku", "supplier_sku"),
        ({"price_breaks": []}, "price_breaks_required", "price_breaks"),
        ({"price_breaks": None}, "price_breaks_required", "price_breaks"),
        (
            {"price_breaks": [{"min_quantity": 0, "unit_price": "-1"}]},
            "invalid_price_break",
            "price_breaks",
        ),
        ({"price_breaks": [{"min_quantity": 0}]}, "invalid_price_break", "price_breaks"),
        (
            {"price_breaks": [{"min_quantity": 0, "unit_price": "1.0000001"}]},
            "invalid_price_break",
            "price_breaks",
        ),
        (
            {
                "price_breaks": [
                    {"min_quantity": 0, "unit_price": 2},
                    {"min_quantity": "0.0", "unit_price": 1},
                ]
            },
            "duplicate_price_break",
            "price_breaks",
        ),
        (
            # packs of 6 with an MOQ of 10: 12 is the least one can order, priced from 20 only
            {
                "min_order_quantity": 10,
                "pack_size": 6,
                "price_breaks": [{"min_quantity": 20, "unit_price": 1}],
            },
            "price_breaks_gap",
            "price_breaks",
        ),
        ({"supplier_id": 999999}, "supplier_not_found", "supplier_id"),
        ({"variant_id": 999999}, "variant_not_found", "variant_id"),
    ],
)
def test_create_supplier_product_refusals(buying, values, code, field):
    arguments = {
        "supplier_id": buying.nord.pk,
        "variant_id": buying.bolt.pk,
        "price_breaks": [{"min_quantity": 0, "unit_price": 1}],
        **values,
    }
    error = refused(code, services.create_supplier_product, **arguments)
    assert error.field == field
    assert not PriceBreak.objects.exists()


def test_price_break_error_names_the_row(buying):
    error = refused(
        "invalid_price_break",
        services.create_supplier_product,
        supplier_id=buying.nord.pk,
        variant_id=buying.bolt.pk,
        price_breaks=[{"min_quantity": 0, "unit_price": 1}, {"min_quantity": "x", "unit_price": 1}],
    )
    assert error.details == {"field": "price_breaks", "index": 1, "part": "min_quantity"}
    assert error.message.startswith("Price 2: ")


def test_gap_check_accepts_a_break_at_the_smallest_order(buying):
    product = supplied(
        buying.nord, buying.bolt, [(12, 1)], min_order_quantity=D(10), pack_size=D(6)
    )
    assert product.pk


def test_update_supplier_product(buying):
    product = supplied(buying.nord, buying.bolt, [(100, "0.10")], min_order_quantity=100)
    changed = services.update_supplier_product(
        product.pk,
        price_breaks=[
            {"min_quantity": 100, "unit_price": "0.10"},
            {"min_quantity": 1000, "unit_price": "0.08"},
        ],
        lead_time_days=D(3),
        is_active=False,
    )
    assert [b.unit_price for b in changed.price_breaks.order_by("min_quantity")] == [
        D("0.10"),
        D("0.08"),
    ]
    assert (changed.lead_time_days, changed.is_active) == (D(3), False)
    # Lowering the MOQ to 0 would leave quantities below 100 without a price.
    error = refused(
        "price_breaks_gap", services.update_supplier_product, product.pk, min_order_quantity=0
    )
    assert error.details["smallest_order"] == "1"
    refused("invalid_field", services.update_supplier_product, product.pk, variant_id=1)
    refused("supplier_product_not_found", services.update_supplier_product, 999999, pack_size=1)
    assert OutboxEvent.objects.filter(type="SupplierProductChanged").count() == 1


# --- weights --------------------------------------------------------------------------------


def test_selection_settings_default_without_writing(in_tenant_a):
    row = services.selection_settings()
    assert row.pk is None
    assert services.weights_of(row) == {
        "price": D(40),
        "lead_time": D(20),
        "reliability": D(20),
        "on_time_in_full": D(10),
        "quality": D(10),
    }


def test_update_selection_settings(in_tenant_a):
    row = services.update_selection_settings(weight_price="70", weight_quality=0)
    assert (row.weight_price, row.weight_quality, row.weight_lead_time) == (D(70), D(0), D(20))
    assert ProcurementSettings.objects.count() == 1
    services.update_selection_settings(weight_lead_time=5)
    assert ProcurementSettings.objects.get().weight_lead_time == D(5)
    refused("invalid_field", services.update_selection_settings, weight_colour=1)
    refused("invalid_weight_price", services.update_selection_settings, weight_price=-1)
    refused("invalid_weight_price", services.update_selection_settings, weight_price="10000")
    error = refused(
        "weights_all_zero",
        services.update_selection_settings,
        **{
            f"weight_{name}": 0
            for name in ("price", "lead_time", "reliability", "on_time_in_full", "quality")
        },
    )
    assert error.field == "weight_price"
    assert ProcurementSettings.objects.get().weight_price == D(70)  # refused: nothing saved


# --- rankings -------------------------------------------------------------------------------


def test_ranking_with_breaks_moq_and_another_currency(buying):
    pacific = services.create_supplier(code="PAC", name="Pacific", currency="USD")
    fx.record_rate("EUR", "USD", D("1.25"), dt.date(2020, 1, 1))
    supplied(
        buying.nord,
        buying.bolt,
        [(0, "1.00"), (100, "0.90")],
        lead_time_days=5,
        lead_time_std_days=1,
    )
    supplied(
        buying.lyon,
        buying.bolt,
        [(0, "0.95")],
        pack_size=50,
        lead_time_days=3,
        lead_time_std_days=2,
    )
    supplied(pacific, buying.bolt, [(0, "1.00")], lead_time_days=30, lead_time_std_days=5)
    ranking = queries.supplier_ranking(buying.bolt.pk, "60")
    rows = {row.supplier_product.supplier.code: row for row in ranking.rows}
    # Lyon rounds 60 up to 100 (packs of 50) at 0.95; Nord prices 60 at 1.00; Pacific's
    # 1.00 USD is 0.80 EUR at 1.25 USD per EUR.
    assert (rows["LYON"].quote.quantity, rows["LYON"].quote.total) == (D(100), D("95.00"))
    assert rows["PAC"].unit_price_base == D("0.8")
    # Price: PAC 1, LYON (1-.95)/.2 = .25, NORD 0. Lead: LYON 1, NORD 25/27, PAC 0.
    # Reliability: NORD 1, LYON .75, PAC 0.
    assert [(row.supplier_product.supplier.code, row.rank, row.score) for row in ranking.rows] == [
        ("LYON", 1, D("0.5500")),  # (40 * .25 + 20 * 1 + 20 * .75 + 10) / 100
        ("PAC", 2, D("0.5000")),  # (40 * 1 + 0 + 0 + 10) / 100
        ("NORD", 3, D("0.4852")),  # (0 + 20 * 25/27 + 20 * 1 + 10) / 100
    ]
    assert ranking.rows[0].preferred
    assert ranking.rows[0].criteria["price"] == D("0.2500")


def test_ranking_lists_unpriced_and_unconvertible_suppliers_last(buying):
    pacific = services.create_supplier(code="PAC", name="Pacific", currency="USD")
    supplied(buying.nord, buying.bolt, [(0, "1.00")])
    supplied(pacific, buying.bolt, [(0, "0.50")])  # no USD rate recorded
    ranking = queries.supplier_ranking(buying.bolt.pk, 5)
    assert [(r.supplier_product.supplier.code, r.rank, r.problem) for r in ranking.rows] == [
        ("NORD", 1, ""),
        ("PAC", None, "no USD/EUR exchange rate"),
    ]


def test_ranking_skips_inactive_suppliers_and_products(buying):
    supplied(buying.nord, buying.bolt, [(0, 1)])
    product = supplied(buying.lyon, buying.bolt, [(0, 2)])
    assert len(queries.supplier_ranking(buying.bolt.pk, 1).rows) == 2
    services.update_supplier_product(product.pk, is_active=False)
    assert len(queries.supplier_ranking(buying.bolt.pk, 1).rows) == 1
    services.deactivate_supplier(buying.nord.pk)
    assert queries.supplier_ranking(buying.bolt.pk, 1).rows == []


def test_ranking_refusals(buying):
    refused("invalid_quantity", queries.supplier_ranking, buying.bolt.pk, "0")
    refused("invalid_quantity", queries.supplier_ranking, buying.bolt.pk, "many")
    refused("variant_not_found", queries.supplier_ranking, 999999, "1")


def test_rankings_by_variant_in_fixed_queries(buying, django_assert_max_num_queries):
    other = variant("WASHER-1")
    for item in (buying.bolt, buying.nut, other):
        supplied(buying.nord, item, [(0, 1), (10, "0.9")])
        supplied(buying.lyon, item, [(0, "1.1")])
    # 7 for the products, breaks and rates, 4 for the suppliers' scorecards (due lines, their
    # receipts, the year's receipts, the year's bills), whatever the number of suppliers
    with django_assert_max_num_queries(11):
        rankings = queries.rankings_by_variant([buying.bolt.pk, buying.nut.pk, other.pk], D(1))
    assert [r.variant.sku for r in rankings] == ["BOLT-1", "NUT-1", "WASHER-1"]
    assert all(r.rows[0].supplier_product.supplier.code == "NORD" for r in rankings)

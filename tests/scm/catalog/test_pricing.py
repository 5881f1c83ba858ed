"""Customer groups, price lists with validity and breaks, tax rates, kits, GTIN look-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from valuechain.crm.customers import services as customers
from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.catalog import pricing, pricing_services, queries, services
from valuechain.scm.catalog.models import KitComponent, PriceList, PriceListItem, TaxRate

from .conftest import code_of

D = Decimal
DAY = dt.date(2026, 6, 15)


@pytest.fixture
def shirt(in_tenant_a):
    return services.create_product(name="Shirt", sku="SH-1", gtin="4006381333931").variants.get()


@pytest.fixture
def priced(shirt):
    """A general EUR list with breaks 1/10/50, a wholesale EUR list, a USD list."""
    pricing_services.create_customer_group(code="wholesale", name="Wholesale")
    general = pricing_services.create_price_list(name="Retail EUR", currency="eur")
    for qty, price in ((1, "20.00"), (10, "18.50"), (50, "17.00")):
        pricing_services.set_price(
            general.pk, variant_id=shirt.pk, unit_price=price, min_quantity=qty
        )
    wholesale = pricing_services.create_price_list(
        name="Wholesale EUR",
        currency="EUR",
        customer_group="wholesale",
        valid_from="2026-01-01",
        valid_to="2026-12-31",
    )
    pricing_services.set_price(
        wholesale.pk, variant_id=shirt.pk, unit_price="15.00", min_quantity=10
    )
    usd = pricing_services.create_price_list(name="Retail USD", currency="USD")
    pricing_services.set_price(usd.pk, variant_id=shirt.pk, unit_price="22.00")
    return {"general": general, "wholesale": wholesale, "usd": usd}


@pytest.mark.parametrize(
    ("quantity", "currency", "group", "price"),
    [
        (1, "EUR", "", D("20.00")),
        (D("9.999"), "EUR", "", D("20.00")),
        (10, "EUR", "", D("18.50")),
        (49, "EUR", "", D("18.50")),
        (50, "EUR", "", D("17.00")),
        (9, "EUR", "wholesale", D("20.00")),  # the group list starts at 10: general applies
        (10, "EUR", "wholesale", D("15.00")),
        (500, "EUR", "WHOLESALE", D("15.00")),
        (10, "EUR", "unknown-group", D("18.50")),
        (3, "USD", "", D("22.00")),
        (3, "usd", "wholesale", D("22.00")),
        (3, "GBP", "", None),
        (D("0.5"), "EUR", "", None),
    ],
)
def test_unit_price_from_lists_groups_and_breaks(priced, shirt, quantity, currency, group, price):
    result = pricing.unit_price(
        shirt.pk, quantity=quantity, currency=currency, customer_group=group, on=DAY
    )
    assert result == price
    assert result is None or result.as_tuple().exponent == -4  # stored with 4 places


@pytest.mark.parametrize(
    ("day", "price"),
    [
        (dt.date(2025, 12, 31), D("18.50")),
        (dt.date(2026, 1, 1), D("15.00")),
        (dt.date(2026, 12, 31), D("15.00")),
        (dt.date(2027, 1, 1), D("18.50")),
    ],
)
def test_validity_dates_are_inclusive(priced, shirt, day, price):
    assert (
        pricing.unit_price(
            shirt.pk, quantity=10, currency="EUR", customer_group="wholesale", on=day
        )
        == price
    )


def test_inactive_lists_do_not_price_and_lowest_of_overlapping_lists_wins(priced, shirt):
    promo = pricing_services.create_price_list(
        name="Summer promo", currency="EUR", valid_from=DAY, valid_to=DAY
    )
    pricing_services.set_price(promo.pk, variant_id=shirt.pk, unit_price="19.00")
    assert pricing.unit_price(shirt.pk, quantity=1, currency="EUR", on=DAY) == D("19.00")
    assert pricing.unit_price(shirt.pk, quantity=10, currency="EUR", on=DAY) == D("18.50")
    assert pricing.unit_price(
        shirt.pk, quantity=1, currency="EUR", on=DAY + dt.timedelta(days=1)
    ) == D("20.00")
    pricing_services.update_price_list(priced["general"].pk, is_active=False)
    assert pricing.unit_price(shirt.pk, quantity=10, currency="EUR", on=DAY) == D("19.00")
    assert (
        pricing.unit_price(shirt.pk, quantity=10, currency="EUR", on=DAY + dt.timedelta(1)) is None
    )


def test_set_price_replaces_the_same_break_and_remove_price(priced, shirt):
    general = priced["general"]
    item = pricing_services.set_price(
        general.pk, variant_id=shirt.pk, unit_price="18.00", min_quantity="10"
    )
    assert PriceListItem.objects.filter(price_list=general, variant=shirt).count() == 3
    assert pricing.unit_price(shirt.pk, quantity=10, currency="EUR", on=DAY) == D("18.00")
    pricing_services.remove_price(item.pk)
    assert pricing.unit_price(shirt.pk, quantity=10, currency="EUR", on=DAY) == D("20.00")
    assert OutboxEvent.objects.filter(type="PriceSet").count() == 6
    assert OutboxEvent.objects.filter(type="PriceRemoved").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"name": "", "currency": "EUR"}, ("name_required", "name", 422)),
        ({"name": "X", "currency": "EURO"}, ("invalid_currency", "currency", 422)),
        (
            {"name": "X", "currency": "EUR", "customer_group": "vip"},
            ("unknown_customer_group", "customer_group", 422),
        ),
        (
            {"name": "X", "currency": "EUR", "valid_from": "2026-13-01"},
            ("invalid_valid_from", "valid_from", 422),
        ),
        (
            {"name": "X", "currency": "EUR", "valid_from": "2026-02-01", "valid_to": "2026-01-31"},
            ("invalid_validity", "valid_to", 422),
        ),
    ],
)
def test_create_price_list_refuses(in_tenant_a, kwargs, expected):
    assert code_of(pricing_services.create_price_list, **kwargs) == expected
    assert PriceList.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"unit_price": "-1"}, ("invalid_unit_price", "unit_price", 422)),
        ({"unit_price": "abc"}, ("invalid_unit_price", "unit_price", 422)),
        ({"unit_price": 1.5}, ("invalid_unit_price", "unit_price", 422)),
        ({"unit_price": "1.00001"}, ("invalid_unit_price", "unit_price", 422)),
        ({"unit_price": "1", "min_quantity": 0}, ("invalid_min_quantity", "min_quantity", 422)),
        ({"unit_price": "1", "variant_id": 999999}, ("unknown_variant_id", "variant_id", 422)),
    ],
)
def test_set_price_refuses(priced, shirt, kwargs, expected):
    args = {"variant_id": shirt.pk, **kwargs}
    assert code_of(pricing_services.set_price, priced["usd"].pk, **args) == expected
    assert code_of(pricing_services.set_price, 999999, variant_id=shirt.pk, unit_price="1") == (
        "not_found",
        None,
        404,
    )


def test_customer_groups_assign_accounts_and_people(in_tenant_a):
    retail = pricing_services.create_customer_group(code="Retail", name="Retail")
    vip = pricing_services.create_customer_group(code="vip", name="VIP")
    account = customers.create_account(name="Acme GmbH")
    employee = customers.create_person(last_name="Weber", account_id=account.pk)
    loner = customers.create_person(last_name="Solo")
    assert retail.code == "retail"
    assert queries.customer_group_for(account_id=account.pk) == ""
    pricing_services.assign_customer_group(retail.pk, account_id=account.pk)
    assert queries.customer_group_for(account_id=account.pk) == "retail"
    assert queries.customer_group_for(person_id=employee.pk) == "retail"  # from the account
    pricing_services.assign_customer_group(vip.pk, person_id=employee.pk)
    assert queries.customer_group_for(person_id=employee.pk) == "vip"
    assert queries.customer_group_for(person_id=employee.pk, account_id=account.pk) == "vip"
    assert queries.customer_group_for(person_id=loner.pk) == ""
    pricing_services.assign_customer_group(vip.pk, account_id=account.pk)  # moves
    assert queries.customer_group_for(account_id=account.pk) == "vip"
    pricing_services.unassign_customer_group(person_id=employee.pk)
    pricing_services.unassign_customer_group(person_id=loner.pk)  # none: nothing happens
    assert queries.customer_group_for(person_id=employee.pk) == "vip"
    assert queries.customer_group_for() == ""
    assert code_of(pricing_services.assign_customer_group, vip.pk) == (
        "party_required",
        "account_id",
        422,
    )
    assert code_of(
        pricing_services.assign_customer_group, vip.pk, account_id=account.pk, person_id=loner.pk
    ) == ("party_required", "account_id", 422)
    assert code_of(pricing_services.assign_customer_group, vip.pk, person_id=999999) == (
        "unknown_person_id",
        "person_id",
        422,
    )
    assert code_of(pricing_services.create_customer_group, code="VIP", name="Again") == (
        "duplicate_code",
        "code",
        422,
    )
    assert code_of(pricing_services.create_customer_group, code="a b", name="X") == (
        "invalid_code",
        "code",
        422,
    )
    assert OutboxEvent.objects.filter(type="CustomerGroupAssigned").count() == 3


def test_a_group_used_by_a_price_list_cannot_be_deleted(in_tenant_a):
    group = pricing_services.create_customer_group(code="b2b", name="B2B")
    price_list = pricing_services.create_price_list(
        name="B2B", currency="EUR", customer_group="b2b"
    )
    assert code_of(pricing_services.delete_customer_group, group.pk) == ("group_in_use", None, 409)
    pricing_services.delete_price_list(price_list.pk)
    pricing_services.delete_customer_group(group.pk)
    assert code_of(pricing_services.delete_customer_group, group.pk) == ("not_found", None, 404)


def test_tax_rates_per_country_region_and_class(in_tenant_a):
    book = services.create_product(name="Book", sku="BK-1", tax_class="reduced").variants.get()
    shirt = services.create_product(name="Shirt", sku="SH-2").variants.get()
    pricing_services.set_tax_rate(country="de", rate="0.19", name="USt")
    pricing_services.set_tax_rate(country="DE", rate="0.07", tax_class="reduced")
    pricing_services.set_tax_rate(country="FR", rate="0.2")
    pricing_services.set_tax_rate(country="US", region="CA", rate="0.0725")
    pricing_services.set_tax_rate(country="US", rate="0")
    assert pricing.tax_rate(shirt.pk, country="DE") == D("0.1900")
    assert pricing.tax_rate(book.pk, country="de", region="BY") == D("0.0700")
    assert pricing.tax_rate(book.pk, country="FR") == D("0.2000")  # no reduced rate: standard
    assert pricing.tax_rate(shirt.pk, country="US", region="ca") == D("0.0725")
    assert pricing.tax_rate(shirt.pk, country="US", region="OR") == D("0")
    assert pricing.tax_rate(shirt.pk, country="JP") == D("0")
    pricing_services.set_tax_rate(country="DE", rate="0.16")  # replaces
    assert pricing.tax_rate(shirt.pk, country="DE") == D("0.1600")
    assert TaxRate.objects.filter(country="DE").count() == 2
    assert code_of(pricing_services.set_tax_rate, country="XX", rate="0.1") == (
        "invalid_country",
        "country",
        422,
    )
    assert code_of(pricing_services.set_tax_rate, country="DE", rate="19") == (
        "invalid_rate",
        "rate",
        422,
    )
    assert code_of(pricing_services.set_tax_rate, country="DE", rate="0.1", tax_class="luxury") == (
        "invalid_tax_class",
        "tax_class",
        422,
    )


def test_kit_components_and_their_rules(in_tenant_a):
    kit = services.create_product(name="Starter kit", sku="KIT-1").variants.get()
    a = services.create_product(name="Brush", sku="BR-1").variants.get()
    b = services.create_product(name="Paint", sku="PT-1").variants.get()
    assert queries.kit_components(kit.pk) == []
    services.set_kit_components(kit.pk, [(b.pk, "2"), (a.pk, 1)])
    assert queries.kit_components(kit.pk) == [(a.pk, D("1.000")), (b.pk, D("2.000"))]
    assert code_of(services.set_kit_components, kit.pk, [(kit.pk, 1)]) == (
        "kit_own_component",
        "components",
        422,
    )
    assert code_of(services.set_kit_components, kit.pk, [(a.pk, 1), (a.pk, 2)]) == (
        "duplicate_component",
        "components",
        422,
    )
    assert code_of(services.set_kit_components, kit.pk, [(a.pk, 0)]) == (
        "invalid_quantity",
        "quantity",
        422,
    )
    assert code_of(services.set_kit_components, kit.pk, [(999999, 1)]) == (
        "unknown_component",
        "components",
        422,
    )
    assert code_of(services.set_kit_components, a.pk, [(b.pk, 1)]) == (
        "nested_kit",
        "components",
        422,
    )
    other = services.create_product(name="Big kit", sku="KIT-2").variants.get()
    assert code_of(services.set_kit_components, other.pk, [(kit.pk, 1)]) == (
        "nested_kit",
        "components",
        422,
    )
    assert KitComponent.objects.count() == 2
    services.set_kit_components(kit.pk, [])
    assert queries.kit_components(kit.pk) == []


def test_gtin_is_validated_unique_in_every_spelling_and_found(in_tenant_a):
    product = services.create_product(name="Mug", sku="MUG-1", gtin="4006381333931")
    variant = product.variants.get()
    assert queries.variant_by_gtin("4006381333931") == variant
    assert queries.variant_by_gtin("04006381333931") == variant
    assert queries.variant_by_gtin("96385074") is None
    assert queries.variant_by_gtin("") is None
    assert code_of(services.create_product, name="X", sku="X-1", gtin="4006381333932") == (
        "gtin_check_digit",
        "gtin",
        422,
    )
    assert code_of(services.create_product, name="X", sku="X-1", gtin="123") == (
        "invalid_gtin",
        "gtin",
        422,
    )
    assert code_of(services.create_product, name="X", sku="X-1", gtin="04006381333931") == (
        "duplicate_gtin",
        "gtin",
        422,
    )
    assert code_of(services.create_product, name="X", sku="MUG-1") == ("duplicate_sku", "sku", 422)


def test_tenants_see_only_their_own_prices(priced, shirt, tenant_b, admin_b):
    from valuechain.platform.tenancy.context import tenant_context

    with tenant_context(tenant_b, actor=admin_b.user, channel="cli"):
        assert pricing.unit_price(shirt.pk, quantity=1, currency="EUR", on=DAY) is None
        assert queries.variant_by_gtin("4006381333931") is None

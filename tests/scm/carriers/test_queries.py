"""Read side: rate cards load in a fixed number of queries, list pages and endpoints do not
grow with the rows, and the global search finds carriers."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.carriers import queries, services

from .conftest import build_rates


def _more_carriers(start: int, count: int) -> None:
    for index in range(start, start + count):
        carrier = services.create_carrier(name=f"Carrier {index}", code=f"c{index}")
        service = services.add_service(carrier.pk, code="std", name="Standard")
        card = services.create_rate_card(service_id=service.pk, currency="EUR")
        for country in ("DE", "FR"):
            zone = services.add_zone(card.pk, country=country, transit_days=2)
            services.set_break(zone.pk, max_weight_kg="5", price="9")
            services.set_break(zone.pk, max_weight_kg="10", price="12")


def test_active_service_rates_take_three_queries(rates, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert len(queries.active_service_rates()) == 3
    _more_carriers(1, 4)
    with django_assert_num_queries(3):
        assert len(queries.active_service_rates()) == 7


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_and_the_comparison_do_not_grow_with_the_rows(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        rates = build_rates()
    compare = "/scm/carriers/compare/?country=DE&weight_kg=3&cost_cap=100&ship_date=2026-03-02"
    urls = [
        "/api/v1/carriers",
        "/api/v1/rate-cards",
        "/scm/carriers/",
        f"/scm/carriers/{rates.dhl.pk}/",
        f"/scm/carriers/rate-cards/{rates.parcel_card.pk}/",
        compare,
    ]
    before = [_count(client_a, url) for url in urls]
    with tenant_context(tenant_a, actor=admin_a.user):
        _more_carriers(1, 5)
        services.add_service(rates.dhl.pk, code="more", name="More")
        zone = services.add_zone(rates.parcel_card.pk, country="FR", transit_days=3)
        services.set_break(zone.pk, max_weight_kg="7", price="10")
    after = [_count(client_a, url) for url in urls]
    assert after == before


def test_search_finds_carriers(rates):
    hits = queries.search_carriers("dh", 10)
    assert [(h.kind, h.title, h.url) for h in hits] == [
        ("carrier", "DHL", f"/scm/carriers/{rates.dhl.pk}/")
    ]
    assert queries.search_carriers("d", 10) == []

"""Carrier pages: carriers and services, the rate card editor, the comparison with the choice
highlighted, choosing a shipment's carrier; refusals shown next to their field; permissions."""

from __future__ import annotations

from django.test import Client

from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.carriers.models import Carrier, CarrierService, RateBreak, RateCard, RateZone
from valuechain.scm.fulfillment.models import Shipment

from .conftest import build_rates, pack_for_berlin, ship_to_berlin


def _in(tenant, call, *args, **kwargs):
    with tenant_context(tenant):
        return call(*args, **kwargs)


def _field_error(page: str, field_id: str) -> str:
    """The error paragraph the form renders under a field."""
    start = page.index(f'id="{field_id}_error"')
    return page[start : page.index("</p>", start)]


def test_carrier_service_and_rate_card_through_the_pages(client_a, tenant_a):
    assert client_a.get("/scm/carriers/").status_code == 200
    created = client_a.post(
        "/scm/carriers/", {"carrier-name": "DHL", "carrier-code": "dhl", "carrier-is_active": "on"}
    )
    assert created.status_code == 302, created.content.decode()
    carrier = _in(tenant_a, Carrier.objects.get)
    assert created["Location"] == f"/scm/carriers/{carrier.pk}/"

    duplicate = client_a.post("/scm/carriers/", {"carrier-name": "X", "carrier-code": "DHL"})
    assert duplicate.status_code == 200
    assert "exists" in _field_error(duplicate.content.decode(), "id_carrier-code")

    detail = f"/scm/carriers/{carrier.pk}/"
    added = client_a.post(
        detail, {"action": "add_service", "service-code": "express", "service-name": "Express"}
    )
    assert added.status_code == 302
    service = _in(tenant_a, CarrierService.objects.get)
    bad_card = client_a.post(
        detail,
        {
            "action": "rate_card",
            "service_id": service.pk,
            "card-currency": "XXX",
            "card-fuel_surcharge_percent": "10",
        },
    )
    assert bad_card.status_code == 422
    assert "ISO 4217" in _field_error(bad_card.content.decode(), "id_card-currency")
    made = client_a.post(
        detail,
        {
            "action": "rate_card",
            "service_id": service.pk,
            "card-currency": "EUR",
            "card-fuel_surcharge_percent": "10",
            "card-excess_price_per_kg": "",
        },
    )
    card = _in(tenant_a, RateCard.objects.get)
    assert made["Location"] == f"/scm/carriers/rate-cards/{card.pk}/"

    editor = f"/scm/carriers/rate-cards/{card.pk}/"
    bad_zone = client_a.post(
        editor, {"action": "zone", "zone-country": "DE", "zone-transit_days": "-2"}
    )
    assert bad_zone.status_code == 422
    assert "Transit days" in _field_error(bad_zone.content.decode(), "id_zone-transit_days")
    client_a.post(
        editor,
        {"action": "zone", "zone-country": "DE", "zone-postal_prefix": "", "zone-transit_days": 1},
    )
    zone = _in(tenant_a, RateZone.objects.get)
    bad_break = client_a.post(
        editor,
        {"action": "break", "break-zone": zone.pk, "break-max_weight_kg": "5", "break-price": "x"},
    )
    assert bad_break.status_code == 422
    assert "not a number" in _field_error(bad_break.content.decode(), "id_break-price")
    saved = client_a.post(
        editor,
        {
            "action": "break",
            "break-zone": zone.pk,
            "break-max_weight_kg": "5",
            "break-price": "9.9",
        },
    )
    assert saved.status_code == 302
    page = client_a.get(editor).content.decode()
    assert "≤ 5 kg" in page
    assert "9.9" in page
    assert "(whole country)" in page
    rate_break = _in(tenant_a, RateBreak.objects.get)
    client_a.post(editor, {"action": "remove_break", "break_id": rate_break.pk})
    assert not _in(tenant_a, RateBreak.objects.exists)


def test_compare_highlights_the_choice(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        build_rates()
    page = client_a.get(
        "/scm/carriers/compare/",
        {
            "country": "DE",
            "postal_code": "10115",
            "weight_kg": "3.5",
            "ship_date": "2026-03-02",
            "promised_date": "2026-03-04",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chosen: <strong>DHL Parcel</strong>, 8.80 EUR" in html
    assert "Parcel ★ chosen" in html
    assert html.count('aria-current="true"') == 1
    assert "after the promised 2026-03-04" in html  # GLS Economy's reason

    neither = client_a.get(
        "/scm/carriers/compare/", {"country": "DE", "weight_kg": "1", "ship_date": "2026-03-02"}
    )
    assert neither.status_code == 422
    assert "promised delivery date or a cost cap" in _field_error(
        neither.content.decode(), "id_promised_date"
    )


def test_choose_a_shipments_carrier_from_its_page(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        build_rates()
        shipment = ship_to_berlin()
    detail = client_a.get(f"/scm/fulfillment/shipments/{shipment.pk}/").content.decode()
    assert f"/scm/carriers/compare/?shipment={shipment.pk}" in detail
    url = f"/scm/carriers/compare/?shipment={shipment.pk}"
    page = client_a.get(url).content.decode()
    assert 'value="DE"' in page and 'value="3.500"' in page  # prefilled from the shipment
    too_cheap = client_a.post(url, {"shipment": shipment.pk, "cost_cap": "5"})
    assert too_cheap.status_code == 422
    assert "within the cost cap" in _field_error(too_cheap.content.decode(), "id_cost_cap")
    chosen = client_a.post(url, {"shipment": shipment.pk, "promised_date": "2026-03-04"})
    assert chosen.status_code == 302
    assert chosen["Location"] == f"/scm/fulfillment/shipments/{shipment.pk}/"
    assert _in(tenant_a, Shipment.objects.get, pk=shipment.pk).carrier_name == "DHL Parcel"
    assert "Chosen so far: DHL Parcel, 8.80 EUR" in client_a.get(url).content.decode()


def test_compare_before_shipping_links_back_to_the_ship_form(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        build_rates()
        package = pack_for_berlin()
    ship_form = f"/scm/fulfillment/shipments/new/?order={package.order_id}"
    assert (
        f"/scm/carriers/compare/?order={package.order_id}"
        in client_a.get(ship_form).content.decode()
    )
    page = client_a.get(f"/scm/carriers/compare/?order={package.order_id}").content.decode()
    assert 'value="DE"' in page and 'value="10115"' in page and 'value="3.500"' in page
    compared = client_a.get(
        "/scm/carriers/compare/",
        {
            "order": package.order_id,
            "country": "DE",
            "postal_code": "10115",
            "weight_kg": "3.5",
            "ship_date": "2026-03-02",
            "cost_cap": "10",
        },
    ).content.decode()
    assert "Chosen: <strong>DHL Parcel</strong>" in compared
    link = f"/scm/fulfillment/shipments/new/?order={package.order_id}&amp;carrier=DHL%20Parcel"
    assert link in compared
    prefilled = client_a.get(
        f"/scm/fulfillment/shipments/new/?order={package.order_id}&carrier=DHL%20Parcel"
    ).content.decode()
    assert 'value="DHL Parcel"' in prefilled
    assert client_a.get("/scm/carriers/compare/?order=999999").status_code == 404


def test_forms_only_touch_the_records_of_the_page(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        rates = build_rates()
    other_zone = rates.parcel_de  # on the parcel card, not the express card
    editor = f"/scm/carriers/rate-cards/{rates.express_card.pk}/"
    assert (
        client_a.post(editor, {"action": "remove_zone", "zone_id": other_zone.pk}).status_code
        == 404
    )
    assert _in(tenant_a, lambda: RateZone.objects.filter(pk=other_zone.pk).exists())
    gls_page = f"/scm/carriers/{rates.gls.pk}/"
    stolen = client_a.post(
        gls_page,
        {"action": "rate_card", "service_id": rates.express.pk, "card-currency": "EUR"},
    )
    assert stolen.status_code == 404


def test_sales_rep_sees_but_cannot_change(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        rates = build_rates()
    rep = tenancy.add_member(
        tenant_a, tenancy.create_user("rep@alpha.test", "correct horse battery staple"), "sales_rep"
    )
    client = Client()
    client.force_login(rep.user)
    page = client.get("/scm/carriers/").content.decode()
    assert "DHL" in page and "New carrier" not in page
    assert client.get(f"/scm/carriers/rate-cards/{rates.parcel_card.pk}/").status_code == 200
    refused = client.post("/scm/carriers/", {"carrier-name": "X", "carrier-code": "x"})
    assert refused.status_code == 403
    assert client.get("/scm/carriers/999999/").status_code == 404

"""The commercial invoice of a cross-border shipment: exact values per line, the PDF's text
(drawn uncompressed and read back from the bytes), refusals (same country, unknown country,
products without HS code or origin), the API and the shipment page's link."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from valuechain.crm.customers import services as customers
from valuechain.platform.errors import DomainError
from valuechain.scm.catalog.models import Product
from valuechain.scm.fulfillment import commercial_invoice
from valuechain.scm.inventory import warehouses
from valuechain.scm.orders import services as orders

from .conftest import error
from .test_tracking import ship

D = Decimal


@pytest.fixture
def export(world: Any) -> Any:
    """WH1 in Germany; a Swiss customer's DAP order of 3 mugs at 12.50 less 10 %, shipped."""
    warehouses.update_warehouse(world.warehouse.pk, country="DE", postal_code="04109")
    Product.objects.filter(pk=world.mug.product_id).update(hs_code="691200", country_of_origin="PT")
    world.mug.weight_kg = D("0.350")
    world.mug.save(update_fields=["weight_kg"])
    buyer = customers.create_account(name="Käse & Co AG")
    customers.add_address(
        "account",
        buyer.pk,
        address_kind="shipping",
        line1="Bahnhofstrasse 1",
        city="Zürich",
        postal_code="8001",
        country="CH",
    )
    order = orders.confirm_order(
        orders.create_order(
            {
                "channel": "web",
                "account_id": buyer.pk,
                "currency": "EUR",
                "warehouse_id": world.warehouse.pk,
                "incoterm": "dap",
                "incoterm_place": "Zürich",
                "lines": [
                    {
                        "variant_id": world.mug.pk,
                        "quantity": "3",
                        "unit_price": "12.50",
                        "discount_percent": "10",
                    }
                ],
            }
        ).pk
    )
    (shipment,) = ship(world, order, ["3"], tracking_number="CH")
    return shipment


def test_invoice_values(export):
    invoice = commercial_invoice.build(export.pk)
    assert (invoice.currency, invoice.incoterm, invoice.shipment_number) == (
        "EUR",
        "DAP Zürich",
        export.number,
    )
    assert invoice.seller == ["Alpha Retail", "Main warehouse", "04109 DE"]
    assert invoice.buyer == ["Käse & Co AG", "Bahnhofstrasse 1", "8001 Zürich", "CH"]
    assert invoice.ship_to == ["Käse & Co AG", "Bahnhofstrasse 1", "8001 Zürich", "CH"]
    (line,) = invoice.lines
    assert line == commercial_invoice.InvoiceLine(
        description="Mug",
        sku="MUG-1",
        hs_code="691200",
        origin="PT",
        quantity=D("3"),
        unit_value=D("11.25"),
        total=D("33.75"),
        net_weight_kg=D("1.050"),
    )
    assert (invoice.total, invoice.net_weight_kg, invoice.weight_complete) == (
        D("33.75"),
        D("1.050"),
        True,
    )
    assert invoice.gross_weight_kg == D("1.050")  # no tare: the computed package weight


def test_pdf_text(export):
    pdf = commercial_invoice.render_pdf(commercial_invoice.build(export.pk), compress=False)
    assert pdf.startswith(b"%PDF-")
    for text in (
        "COMMERCIAL INVOICE",
        f"Invoice for shipment {export.number}",
        "Incoterms 2020: DAP Z",
        "691200",
        "(PT)",
        "(11.25)",
        "(33.75)",
        "(1.050)",
        "Total value 33.75 EUR",
        "Net weight 1.050 kg",
        "Mug \\(MUG-1\\)",  # parentheses are escaped in PDF strings
    ):
        assert text.encode("latin-1") in pdf, text
    # The default (compressed) rendering is a valid PDF too, and smaller.
    assert len(commercial_invoice.render_pdf(commercial_invoice.build(export.pk))) < len(pdf)


def _refused(code: str, shipment_id: int) -> DomainError:
    with pytest.raises(DomainError) as caught:
        commercial_invoice.build(shipment_id)
    assert caught.value.code == code
    return caught.value


def test_refusals(world, export):
    Product.objects.filter(pk=world.mug.product_id).update(hs_code="")
    missing = _refused("customs_data_missing", export.pk)
    assert missing.status == 409
    assert missing.details["missing"] == [{"sku": "MUG-1", "fields": ["HS code"]}]
    assert "MUG-1 (HS code)" in missing.message
    Product.objects.filter(pk=world.mug.product_id).update(country_of_origin="")
    assert _refused("customs_data_missing", export.pk).details["missing"] == [
        {"sku": "MUG-1", "fields": ["HS code", "country of origin"]}
    ]
    warehouses.update_warehouse(world.warehouse.pk, country="CH")
    assert _refused("not_cross_border", export.pk).details == {
        "warehouse_country": "CH",
        "ship_to_country": "CH",
    }
    warehouses.update_warehouse(world.warehouse.pk, country="")
    assert _refused("country_unknown", export.pk).status == 409
    assert _refused("not_found", 999999).status == 404


def test_api_and_page(world, export, client_a, client_b):
    response = client_a.get(f"/api/v1/shipments/{export.pk}/commercial-invoice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="commercial-invoice-{export.number}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert client_b.get(f"/api/v1/shipments/{export.pk}/commercial-invoice.pdf").status_code == 404
    page = client_a.get(f"/scm/fulfillment/shipments/{export.pk}/").content.decode()
    link = f"/scm/fulfillment/shipments/{export.pk}/commercial-invoice.pdf"
    assert link in page and "DE → CH" in page and "DAP Zürich" in page
    assert client_a.get(link)["Content-Type"] == "application/pdf"
    Product.objects.filter(pk=world.mug.product_id).update(hs_code="")
    body = error(
        client_a.get(f"/api/v1/shipments/{export.pk}/commercial-invoice.pdf"),
        409,
        "customs_data_missing",
    )
    assert body["details"]["missing"] == [{"sku": "MUG-1", "fields": ["HS code"]}]
    refused = client_a.get(link, follow=True)
    assert "Missing: MUG-1 (HS code)." in refused.content.decode()

"""Label pages and the label API: content types, encoded values, 404s and permissions."""

from __future__ import annotations

import pytest
from tests.conftest import make_member
from tests.scm.barcodes.conftest import error

from valuechain.scm.barcodes import gs1, label_sources
from valuechain.scm.barcodes.labels import LabelData, register_label_source
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory.models import Location, Warehouse


def test_variant_and_product_labels_carry_the_gtin(variant, product):
    label = label_sources.variant_label(variant.pk)
    assert label == LabelData(
        "Date syrup 500 ml", ["SKU DS-500", "GTIN-13 6291041500213"], "6291041500213", "ean13"
    )
    assert gs1.has_valid_check_digit(label.code_value)
    assert label_sources.product_label(product.pk) == label
    assert label_sources.variant_label(variant.pk + 999) is None


@pytest.mark.parametrize(
    ("gtin", "symbology"),
    [("96385074", "ean8"), ("036000291452", "upca"), ("80614141123458", "itf14"), ("", "code128")],
)
def test_symbology_follows_the_gtin_length(in_tenant_a, gtin, symbology):
    product = catalog.create_product(name="Thing", sku="T-1", gtin=gtin)
    label = label_sources.product_label(product.pk)
    assert label is not None
    assert label.symbology == symbology
    assert label.code_value == (gtin or "T-1")


def test_location_label(in_tenant_a):
    warehouse = Warehouse.objects.create(code="WH1", name="Main")
    location = Location.objects.create(
        warehouse=warehouse, code="WH1/STOCK/A-01", name="Aisle A 01", kind="stock"
    )
    assert label_sources.location_label(location.pk) == LabelData(
        "WH1/STOCK/A-01", ["Aisle A 01", "WH1 Main"], "WH1/STOCK/A-01", "code128"
    )


def test_label_page_svg_and_pdf(client_a, variant):
    svg = client_a.get(f"/scm/labels/variant/{variant.pk}.svg")
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["X-Label-Code"] == "6291041500213"
    assert svg["X-Label-Symbology"] == "ean13"
    assert b"<svg" in svg.content
    assert b"Date syrup 500 ml" in svg.content
    pdf = client_a.get(f"/scm/labels/product/{variant.product_id}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert client_a.get(f"/scm/labels/variant/{variant.pk}.png").status_code == 404
    assert client_a.get(f"/scm/labels/nothing/{variant.pk}.svg").status_code == 404
    assert client_a.get(f"/scm/labels/variant/{variant.pk + 999}.svg").status_code == 404


def test_label_api(client_a, variant):
    response = client_a.get(f"/api/v1/labels/variant/{variant.pk}?format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    response = client_a.get(f"/api/v1/labels/variant/{variant.pk}")
    assert response["Content-Type"] == "image/svg+xml"
    error(
        client_a.get(f"/api/v1/labels/variant/{variant.pk}?format=png"), 422, "unsupported_format"
    )
    error(client_a.get(f"/api/v1/labels/nothing/{variant.pk}"), 404, "unknown_label_kind")
    error(client_a.get(f"/api/v1/labels/variant/{variant.pk + 999}"), 404, "not_found")


def test_registered_source_renders_gs1_128_and_undrawable_codes_are_422(client_a, in_tenant_a):
    def package(record_id):
        if record_id == 1:
            return LabelData("Package 1", ["SO-1"], "(00)106141411234567897", "gs1-128")
        return LabelData("Package 2", [], "(00)106141411234567898", "gs1-128")

    register_label_source("test-package", package)
    try:
        response = client_a.get("/api/v1/labels/test-package/1")
        assert response.status_code == 200
        assert b"(00)106141411234567897" in response.content
        error(client_a.get("/api/v1/labels/test-package/2"), 422, "invalid_check_digit")
        assert client_a.get("/scm/labels/test-package/2.svg").status_code == 422
    finally:
        from valuechain.scm.barcodes import labels

        labels._sources.pop("test-package")


def test_labels_are_tenant_scoped(client_b, variant):
    assert client_b.get(f"/scm/labels/variant/{variant.pk}.svg").status_code == 404
    error(client_b.get(f"/api/v1/labels/variant/{variant.pk}"), 404, "not_found")


def test_sales_reps_may_print_labels(tenant_a, variant):
    from django.test import Client

    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    assert client.get(f"/scm/labels/variant/{variant.pk}.svg").status_code == 200

"""Labels: each symbology encodes exactly the value, GTIN check digits are the GTIN's own."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from tests.scm.barcodes.code128 import decode

from valuechain.scm.barcodes import gs1, rendering
from valuechain.scm.barcodes.labels import LabelData


def widget_of(code_value: str, symbology: str):
    _, widget = rendering.drawing_for(LabelData("T", ["a", "b"], code_value, symbology))
    return widget


def test_gs1_128_sscc_starts_with_fnc1():
    widget = widget_of("(00)106141411234567897", "gs1-128")
    assert decode(widget.encoded) == "\x1d00106141411234567897"


def test_gs1_128_puts_fnc1_after_variable_fields_only():
    widget = widget_of("(10)LOT-7(01)09506000134352(37)20(17)270600", "gs1-128")
    data = decode(widget.encoded)
    assert data == "\x1d" + "0109506000134352" + "17270600" + "10LOT-7" + "\x1d" + "3720"
    # What a scanner would transmit parses back to the same element string.
    assert gs1.parse_element_string("]C1" + data) == {
        "01": "09506000134352",
        "17": "270600",
        "10": "LOT-7",
        "37": "20",
    }


def test_code128_location_code():
    assert decode(widget_of("WH1/STOCK/A-01", "code128").encoded) == "WH1/STOCK/A-01"


@pytest.mark.parametrize(
    ("gtin", "symbology"),
    [("6291041500213", "ean13"), ("96385074", "ean8"), ("036000291452", "upca")],
)
def test_retail_symbols_carry_the_gtin_check_digit(gtin, symbology):
    widget = widget_of(gtin, symbology)
    drawn = widget.value + widget._checkdigit(widget.value)
    assert drawn == gtin
    assert gs1.has_valid_check_digit(drawn)


def test_itf14_encodes_all_14_digits():
    widget = widget_of("80614141123458", "itf14")
    assert widget.encoded == "80614141123458"
    assert widget.checksum == 0  # the GTIN's own check digit, not a second one


@pytest.mark.parametrize(
    ("value", "symbology", "code"),
    [
        ("6291041500214", "ean13", "invalid_check_digit"),
        ("036000291452", "ean13", "invalid_code"),
        ("(01)09506000134353", "gs1-128", "invalid_check_digit"),
        ("(11)270101", "gs1-128", "unsupported_ai"),
        ("Lager Süd", "code128", "invalid_code"),
    ],
)
def test_undrawable_codes_are_refused(value, symbology, code):
    with pytest.raises(rendering.LabelError) as caught:
        rendering.drawing_for(LabelData("T", [], value, symbology))
    assert caught.value.code == code


def test_svg_and_pdf_output():
    label = LabelData("Pallet 1", ["SO-1"], "(00)106141411234567897", "gs1-128")
    svg = rendering.render(label, "svg")
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag.endswith("svg")
    assert "(00)106141411234567897" in svg.decode()
    assert "Pallet 1" in svg.decode()
    pdf = rendering.render(label, "pdf")
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    with pytest.raises(rendering.LabelError):
        rendering.render(label, "png")

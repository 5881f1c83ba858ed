"""Labels drawn with ReportLab: one drawing, rendered to SVG or PDF.

A label is 100 x 62 mm (a common thermal label): the title, up to four text lines and the
bar code below them, scaled down (never up) to fit. Symbols:

- EAN-13, EAN-8, UPC-A at nominal size (X = 0.33 mm), the check digit drawn by ReportLab
  from the first digits and equal to the GTIN's own (the GTIN is validated first);
- ITF-14 with bearer bars (GenSpecs §5.3.2: outer cases);
- GS1-128: Code 128 with FNC1 in first position and after each variable-length field
  (ReportLab writes FNC1 as ``\\xf1``), X = 0.5 mm, the bracketed human-readable text below;
- Code 128 for location codes and SKUs; QR for free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.graphics import renderPDF, renderSVG
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from valuechain.scm.barcodes import gs1
from valuechain.scm.barcodes.labels import LabelData

LABEL_WIDTH = 100 * mm
LABEL_HEIGHT = 62 * mm
MARGIN = 4 * mm
FNC1 = "\xf1"  # ReportLab's Code 128 FNC1
CONTENT_TYPES = {"svg": "image/svg+xml", "pdf": "application/pdf"}


class LabelError(ValueError):
    """A label whose code cannot be drawn in its symbology; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Symbol:
    """A bar code ready to draw: the ReportLab widget name, its arguments, the text below."""

    widget: str
    options: dict[str, Any]
    human_readable: str  # drawn by us below the symbol ("" when the widget draws its own)


def gs1_128_data(code_value: str) -> tuple[str, str]:
    """The Code 128 data (FNC1-prefixed, FNC1 after variable fields) and the bracketed text
    of a GS1-128 element string given in any form ``parse_element_string`` accepts."""
    elements = gs1.parse_element_string(code_value)
    fixed = {c: v for c, v in elements.items() if gs1.SUPPORTED_AIS[c].fixed}
    variable = {c: v for c, v in elements.items() if not gs1.SUPPORTED_AIS[c].fixed}
    ordered = {**fixed, **variable}
    data = FNC1 + gs1.element_string(ordered).replace(gs1.GROUP_SEPARATOR, FNC1)
    return data, gs1.element_string(ordered, bracketed=True)


def _ascii(value: str) -> str:
    if not value or not value.isascii() or not value.isprintable():
        raise LabelError("invalid_code", f"{value!r} must be printable ASCII for Code 128.")
    return value


def symbol_for(code_value: str, symbology: str) -> Symbol:
    """The symbol that encodes ``code_value`` in ``symbology``; LabelError when it cannot."""
    try:
        if symbology in ("ean13", "ean8", "upca"):
            length = {"ean13": 13, "ean8": 8, "upca": 12}[symbology]
            gtin = gs1.validate_gtin(code_value)
            if len(gtin) != length:
                raise LabelError(
                    "invalid_code", f"{symbology.upper()} takes a {length}-digit GTIN."
                )
            widget = {"ean13": "EAN13", "ean8": "EAN8", "upca": "UPCA"}[symbology]
            # ReportLab takes the digits before the check digit and draws its own.
            return Symbol(widget, {"value": gtin[:-1]}, "")
        if symbology == "itf14":
            gtin = gs1.to_gtin14(code_value)
            options = {
                "value": gtin,
                "checksum": 0,
                "bearers": 3.0,
                "barWidth": 0.495 * mm,
                "barHeight": 20 * mm,
                "humanReadable": 1,
                "fontSize": 10,
            }
            return Symbol("I2of5", options, "")
        if symbology == "gs1-128":
            data, text = gs1_128_data(code_value)
            options = {"value": data, "barWidth": 0.5 * mm, "barHeight": 20 * mm}
            return Symbol("Code128", options, text)
        if symbology == "code128":
            value = _ascii(code_value)
            options = {"value": value, "barWidth": 0.375 * mm, "barHeight": 15 * mm}
            return Symbol("Code128", options, value)
        if symbology == "qr":
            return Symbol("QR", {"value": code_value, "barWidth": 30 * mm}, "")
    except gs1.GS1Error as exc:
        raise LabelError(exc.code, exc.message) from exc
    raise LabelError("unsupported_symbology", f"Symbology {symbology!r} cannot be drawn.")


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def drawing_for(label: LabelData) -> tuple[Drawing, Any]:
    """The label's drawing and the bar code widget in it (tests read ``widget.encoded``)."""
    symbol = symbol_for(label.code_value, label.symbology)
    drawing = Drawing(LABEL_WIDTH, LABEL_HEIGHT)
    inner = LABEL_WIDTH - 2 * MARGIN
    y = LABEL_HEIGHT - MARGIN - 12
    drawing.add(
        String(
            MARGIN,
            y,
            _fit(label.title, "Helvetica-Bold", 12, inner),
            fontName="Helvetica-Bold",
            fontSize=12,
        )
    )
    for line in list(label.lines)[:4]:
        y -= 11
        drawing.add(
            String(MARGIN, y, _fit(line, "Helvetica", 9, inner), fontName="Helvetica", fontSize=9)
        )
    text_room = 11 if symbol.human_readable else 0
    area_top = y - 3 * mm
    area_bottom = MARGIN + text_room
    barcode = createBarcodeDrawing(symbol.widget, **symbol.options)
    widget = barcode.contents[0]
    scale = min(1.0, inner / barcode.width, (area_top - area_bottom) / barcode.height)
    width, height = barcode.width * scale, barcode.height * scale
    x = MARGIN + (inner - width) / 2
    group = Group(*barcode.contents)
    group.transform = (scale, 0, 0, scale, x, area_bottom + (area_top - area_bottom - height))
    drawing.add(group)
    if symbol.human_readable:
        text = _fit(symbol.human_readable, "Helvetica", 9, inner)
        drawing.add(
            String(
                LABEL_WIDTH / 2,
                area_bottom + (area_top - area_bottom - height) - 10,
                text,
                fontName="Helvetica",
                fontSize=9,
                textAnchor="middle",
            )
        )
    return drawing, widget


def render(label: LabelData, fmt: str) -> bytes:
    """The label as SVG (UTF-8) or PDF bytes."""
    drawing, _ = drawing_for(label)
    if fmt == "svg":
        return str(renderSVG.drawToString(drawing)).encode()
    if fmt == "pdf":
        return bytes(renderPDF.drawToString(drawing, title=label.title))
    raise LabelError("unsupported_format", f"Format {fmt!r}: use svg or pdf.")

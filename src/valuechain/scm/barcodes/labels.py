"""Where other contexts plug into printable labels: one label source per record kind.

A label source turns a record id into what a label shows (``LabelData``); the bar codes
context renders it as SVG or PDF (``/scm/labels/<kind>/<id>.svg|.pdf`` and
``GET /api/v1/labels/{kind}/{id}?format=svg|pdf``). Bar codes registers "product" (a
variant) and "location" itself; fulfillment registers "package" in its ``AppConfig.ready()``::

    from valuechain.scm.barcodes.labels import LabelData, register_label_source

    def package_label(package_id: int) -> LabelData | None:
        package = Package.objects.filter(pk=package_id).first()
        if package is None:
            return None
        return LabelData(
            title=f"Package {package.number}",
            lines=[package.order_number, f"{package.weight_kg} kg"],
            code_value=f"(00){package.sscc}",
            symbology="gs1-128",
        )

    register_label_source("package", package_label)

The source runs inside the request's tenant context and returns ``None`` when the record
does not exist (the page answers 404); it may raise ``DomainError``.

``code_value`` by symbology:

- ``ean13`` / ``ean8`` / ``upca``: the full GTIN-13 / GTIN-8 / GTIN-12 with its check digit;
- ``itf14``: the GTIN-14 with its check digit;
- ``gs1-128``: the element string in the bracketed form,
  e.g. ``(00)106141411234567897`` or ``(01)09506000134352(10)ABC``;
- ``code128`` and ``qr``: any printable text (location codes, SKUs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

SYMBOLOGIES = ("ean13", "ean8", "upca", "itf14", "gs1-128", "code128", "qr")


@dataclass(frozen=True)
class LabelData:
    """What one label shows: a title, a few text lines and one bar code."""

    title: str
    lines: Sequence[str]
    code_value: str
    symbology: str

    def __post_init__(self) -> None:
        if self.symbology not in SYMBOLOGIES:
            raise ValueError(
                f"Unknown symbology {self.symbology!r}; use one of {', '.join(SYMBOLOGIES)}."
            )


LabelSource = Callable[[int], LabelData | None]

_sources: dict[str, LabelSource] = {}


def register_label_source(kind: str, fn: LabelSource) -> None:
    """Add (or replace) the label source of a record kind (``[a-z0-9-]+``)."""
    if not kind or not all(c.islower() or c.isdigit() or c == "-" for c in kind):
        raise ValueError(f"Label kind {kind!r} must be lower-case letters, digits or '-'.")
    _sources[kind] = fn


def label_source(kind: str) -> LabelSource | None:
    """The source registered for ``kind``, or None."""
    return _sources.get(kind)


def label_kinds() -> list[str]:
    """Every registered kind, sorted."""
    return sorted(_sources)


def gtin_symbology(gtin: str) -> str:
    """The retail symbology for a GTIN by its length: GTIN-8 → EAN-8, GTIN-12 → UPC-A,
    GTIN-13 → EAN-13, GTIN-14 → ITF-14 (the outer-case symbol of GenSpecs §5.3)."""
    return {8: "ean8", 12: "upca", 13: "ean13", 14: "itf14"}[len(gtin)]

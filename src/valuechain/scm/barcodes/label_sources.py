"""The label sources bar codes registers itself: variants ("variant" and "product") and
locations. Fulfillment registers "package" (see ``labels.py``)."""

from __future__ import annotations

from valuechain.scm.barcodes import gs1
from valuechain.scm.barcodes.labels import LabelData, gtin_symbology, register_label_source
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory.models import Location


def _variant_label(variant: Variant) -> LabelData:
    lines = [f"SKU {variant.sku}"]
    if variant.name and variant.name != variant.product.name:
        lines.insert(0, variant.product.name)
    if variant.gtin and gs1.has_valid_check_digit(variant.gtin):
        try:
            symbology = gtin_symbology(variant.gtin)
        except KeyError:  # a valid check digit but an unusual length: print it as GS1-128
            return LabelData(
                variant.display_name, lines, f"(01){variant.gtin.zfill(14)}", "gs1-128"
            )
        lines.append(f"{gs1.GTIN_LENGTHS[len(variant.gtin)]} {variant.gtin}")
        return LabelData(variant.display_name, lines, variant.gtin, symbology)
    # No usable GTIN: the SKU as Code 128 still scans on the scan page.
    return LabelData(variant.display_name, lines, variant.sku, "code128")


def variant_label(variant_id: int) -> LabelData | None:
    """Name, SKU and GTIN of one variant; its GTIN as EAN-13/EAN-8/UPC-A/ITF-14 by length."""
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    return None if variant is None else _variant_label(variant)


def product_label(product_id: int) -> LabelData | None:
    """The label of a product's first variant (its default one)."""
    variant = (
        Variant.objects.select_related("product")
        .filter(product_id=product_id)
        .order_by("pk")
        .first()
    )
    return None if variant is None else _variant_label(variant)


def location_label(location_id: int) -> LabelData | None:
    """A location's code as Code 128, with its name and warehouse."""
    location = Location.objects.select_related("warehouse").filter(pk=location_id).first()
    if location is None:
        return None
    lines = [location.name]
    if location.warehouse is not None:
        lines.append(str(location.warehouse))
    return LabelData(location.code, lines, location.code, "code128")


def register_sources() -> None:
    """Called from ``AppConfig.ready()``."""
    register_label_source("variant", variant_label)
    register_label_source("product", product_label)
    register_label_source("location", location_label)

"""Template filters of procurement: prices and quantities without padding zeros."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()

CRITERION_LABELS = {
    "price": "price",
    "lead_time": "lead time",
    "reliability": "lead-time reliability",
    "on_time_in_full": "on time in full",
    "quality": "quality acceptance",
}


@register.filter
def price(value: Decimal | None) -> str:
    """A unit price with as many decimals as it has, at least two: 9.82, 0.0125, 10.00."""
    if value is None:
        return ""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"


@register.filter
def criterion(name: str) -> str:
    """The words for a selection criterion's name."""
    return CRITERION_LABELS.get(name, name.replace("_", " "))

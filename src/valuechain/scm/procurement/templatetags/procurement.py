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


@register.filter
def rate(value: Decimal | None) -> str:
    """A rate from 0 to 1 in percent with one decimal (0.9250 -> 92.5 %); None -> an em dash."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.1'))} %"


@register.filter
def signed_rate(value: Decimal | None) -> str:
    """A signed share in percent (0.0182 -> +1.8 %, -0.05 -> -5.0 %); None -> an em dash."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.1')):+} %"

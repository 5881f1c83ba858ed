"""Prices and tax rates other contexts read (orders, POS, quotes, comparison).

``unit_price`` answers from the price lists: the lists of the currency, active and valid on
the date, for the customer's group first and for every customer second; within a list the
break with the highest minimum quantity not above the ordered quantity applies; when two
lists of the same precedence both price the quantity the lower price wins (see
``domain.choose_price``). ``tax_rate`` answers from the tax rates of the country (and
region) for the product's tax class.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from valuechain.scm.catalog import domain
from valuechain.scm.catalog.models import PriceListItem, TaxRate, Variant


def _as_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("quantity: floats are inexact; pass a Decimal, an int or a string")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def unit_price(
    variant_id: int,
    *,
    quantity: Decimal | int | str,
    currency: str,
    customer_group: str = "",
    on: dt.date | None = None,
) -> Decimal | None:
    """The unit price of a variant for a quantity, currency, customer group and date.

    ``customer_group`` is a group code ("" = a customer in no group: general lists only);
    ``on`` defaults to today. None when no list covers it.
    """
    qty = _as_decimal(quantity)
    day = on or timezone.localdate()
    group = (customer_group or "").strip().lower()
    audience = Q(price_list__customer_group__isnull=True)
    if group:
        audience |= Q(price_list__customer_group__code=group)
    items = (
        PriceListItem.objects.filter(
            variant_id=variant_id,
            price_list__currency=(currency or "").strip().upper(),
            price_list__is_active=True,
        )
        .filter(Q(price_list__valid_from__isnull=True) | Q(price_list__valid_from__lte=day))
        .filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=day))
        .filter(audience)
        .values_list("price_list_id", "price_list__customer_group_id", "min_quantity", "unit_price")
    )
    own: list[domain.PriceBreak] = []
    general: list[domain.PriceBreak] = []
    for list_id, group_id, min_quantity, price in items:
        (general if group_id is None else own).append(
            domain.PriceBreak(list_id, min_quantity, price)
        )
    return domain.choose_price([own, general], qty)


def tax_rate(variant_id: int, *, country: str, region: str = "") -> Decimal:
    """The tax rate of a variant sold to a country (and region), e.g. Decimal("0.19").

    Tried in turn: the region's rate for the product's tax class, the country's rate for the
    class, then the same two for the standard class. Decimal("0") when the tenant has no rate
    for the country (e.g. an export outside the tenant's tax registrations).
    """
    klass = (
        Variant.objects.filter(pk=variant_id).values_list("product__tax_class", flat=True).first()
        or "standard"
    )
    return tax_rate_of_class(klass, country=country, region=region)


def tax_rate_of_class(klass: str, *, country: str, region: str = "") -> Decimal:
    """The tax rate of a product tax class sold to a country (and region); see ``tax_rate``."""
    klass = klass or "standard"
    country_code = (country or "").strip().upper()
    region_code = "".join((region or "").split()).upper()
    keys = domain.tax_lookup_order(region_code, klass)
    rates = {
        (r, k): rate
        for r, k, rate in TaxRate.objects.filter(
            country=country_code,
            region__in={r for r, _ in keys},
            tax_class__in={k for _, k in keys},
        ).values_list("region", "tax_class", "rate")
    }
    for key in keys:
        if key in rates:
            return Decimal(rates[key])
    return Decimal("0")


def kit_price_check(
    variant_id: int,
    *,
    currency: str,
    customer_group: str = "",
    on: dt.date | None = None,
) -> dict[str, Any] | None:
    """How a kit's price compares with its components bought one by one (quantity 1 kit).

    None when the variant is not a kit. ``status`` is ``ok`` (the kit is cheaper),
    ``not_below`` (the kit costs as much or more: the catalog warns, it does not refuse,
    because component prices change independently of the kit's), or ``unpriced`` when the
    kit or a component has no price in that currency.
    """
    from valuechain.scm.catalog.queries import kit_components

    parts = kit_components(variant_id)
    if not parts:
        return None
    kit_price = unit_price(
        variant_id, quantity=1, currency=currency, customer_group=customer_group, on=on
    )
    total = Decimal(0)
    missing = []
    for component_id, quantity in parts:
        price = unit_price(
            component_id, quantity=quantity, currency=currency, customer_group=customer_group, on=on
        )
        if price is None:
            missing.append(component_id)
        else:
            total += price * quantity
    total = total.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    if kit_price is None or missing:
        return {
            "status": "unpriced",
            "kit_price": kit_price,
            "components_total": None,
            "savings": None,
            "unpriced_components": missing,
        }
    return {
        "status": domain.kit_price_check(kit_price, total),
        "kit_price": kit_price,
        "components_total": total,
        "savings": total - kit_price,
        "unpriced_components": [],
    }

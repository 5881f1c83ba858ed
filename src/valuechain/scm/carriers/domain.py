"""Pure rules of carrier rating and selection: zone matching, weight breaks, the fuel
surcharge, business-day delivery dates, and the choice of a service by a promised delivery
date or a cost cap. Plain Python and Decimal; no Django.

A *rate card* prices one carrier service in one currency. Its *zones* are a destination
country and an optional postal-code prefix; the longest matching prefix wins, then the
country-wide zone (empty prefix). Each zone has *weight breaks* ("up to 5 kg: 9.90"): the
first break at or above the weight prices the parcel. Above the last break the card either
refuses (no excess price) or charges the last break's price plus the excess price per
started kilogram above it. The fuel surcharge is a percentage of that base rate.

Delivery dates count business days, Monday to Friday: a parcel handed over on a Saturday or
Sunday leaves on the Monday, and transit days are added as business days from then.
Public holidays are not known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

HUNDRED = Decimal("100")
MAX_TRANSIT_DAYS = 60
RULES = ("promised_date", "cost_cap")


@dataclass(frozen=True)
class WeightBreak:
    """Up to ``max_weight_kg`` (inclusive) the parcel costs ``price``."""

    max_weight_kg: Decimal
    price: Decimal


@dataclass(frozen=True)
class Zone:
    """A destination country, optionally narrowed by a postal-code prefix."""

    country: str
    postal_prefix: str  # "" for the whole country
    transit_days: int
    breaks: tuple[WeightBreak, ...]
    zone_id: int | None = None


@dataclass(frozen=True)
class ServiceRates:
    """One carrier service's rate card, as the selection reads it."""

    service_id: int
    carrier_code: str
    carrier_name: str
    service_code: str
    service_name: str
    currency: str
    fuel_surcharge_percent: Decimal
    excess_price_per_kg: Decimal | None  # None: weights above the last break are refused
    zones: tuple[Zone, ...]
    currency_places: int = 2


@dataclass(frozen=True)
class Quote:
    """One row of the comparison: what a service would cost and when it would arrive.

    ``total`` is None when the service cannot carry the parcel (``reason`` says why).
    ``meets`` tells whether the row satisfies the request's rule.
    """

    service_id: int
    carrier_code: str
    carrier_name: str
    service_code: str
    service_name: str
    currency: str
    zone_id: int | None
    base_rate: Decimal | None
    surcharge: Decimal | None
    total: Decimal | None
    transit_days: int | None
    estimated_delivery: dt.date | None
    meets: bool
    reason_code: str
    reason: str


@dataclass(frozen=True)
class Comparison:
    """Every service's quote, in display order, and the chosen one (None: none meets)."""

    rule: str
    quotes: tuple[Quote, ...]
    chosen: Quote | None


def normalize_postal(code: str) -> str:
    """Upper case without spaces or dashes: "sw1a 1aa" and "SW1A-1AA" match alike."""
    return "".join(ch for ch in str(code or "").upper() if ch not in " -")


def match_zone(zones: tuple[Zone, ...], country: str, postal_code: str) -> Zone | None:
    """The zone of the destination: longest matching postal prefix, else country-wide."""
    country = country.upper()
    postal = normalize_postal(postal_code)
    best: Zone | None = None
    for zone in zones:
        if zone.country.upper() != country:
            continue
        prefix = normalize_postal(zone.postal_prefix)
        if not postal.startswith(prefix):
            continue
        if best is None or len(prefix) > len(normalize_postal(best.postal_prefix)):
            best = zone
    return best


def base_rate(
    breaks: tuple[WeightBreak, ...], weight_kg: Decimal, excess_price_per_kg: Decimal | None
) -> Decimal | None:
    """The price of the weight on the breaks; None when above the last and no excess price.

    Above the last break the excess price counts per started kilogram: 0.2 kg above a
    10 kg last break is charged as one kilogram.
    """
    ordered = sorted(breaks, key=lambda b: b.max_weight_kg)
    if not ordered:
        return None
    for weight_break in ordered:
        if weight_kg <= weight_break.max_weight_kg:
            return weight_break.price
    if excess_price_per_kg is None:
        return None
    last = ordered[-1]
    started_kg = (weight_kg - last.max_weight_kg).to_integral_value(rounding=ROUND_CEILING)
    return last.price + started_kg * excess_price_per_kg


def surcharge(base: Decimal, percent: Decimal, places: int = 2) -> Decimal:
    """The fuel surcharge on the base rate, rounded half-up to the currency's minor unit."""
    return round_money(base * percent / HUNDRED, places)


def round_money(amount: Decimal, places: int = 2) -> Decimal:
    """Half-up rounding to ``places`` decimals (carriers' invoices round this way)."""
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def first_business_day(day: dt.date) -> dt.date:
    """The day itself on Monday to Friday, else the following Monday."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def add_business_days(ship_date: dt.date, days: int) -> dt.date:
    """The delivery date: from the first business day on or after the ship date, ``days``
    business days (Monday to Friday) later; 0 days delivers the same business day."""
    day = first_business_day(ship_date)
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


def quote_service(
    rates: ServiceRates, country: str, postal_code: str, weight_kg: Decimal, ship_date: dt.date
) -> Quote:
    """Price and delivery date of one service; ``meets`` is left False for the rule."""
    blank = Quote(
        service_id=rates.service_id,
        carrier_code=rates.carrier_code,
        carrier_name=rates.carrier_name,
        service_code=rates.service_code,
        service_name=rates.service_name,
        currency=rates.currency,
        zone_id=None,
        base_rate=None,
        surcharge=None,
        total=None,
        transit_days=None,
        estimated_delivery=None,
        meets=False,
        reason_code="",
        reason="",
    )
    zone = match_zone(rates.zones, country, postal_code)
    if zone is None:
        where = f"{country.upper()} {normalize_postal(postal_code)}".strip()
        return replace(
            blank, reason_code="no_zone", reason=f"No zone of the rate card covers {where}."
        )
    delivery = add_business_days(ship_date, zone.transit_days)
    zoned = replace(
        blank, zone_id=zone.zone_id, transit_days=zone.transit_days, estimated_delivery=delivery
    )
    base = base_rate(zone.breaks, weight_kg, rates.excess_price_per_kg)
    if base is None:
        heaviest = max((b.max_weight_kg for b in zone.breaks), default=Decimal("0"))
        return replace(
            zoned,
            reason_code="over_max_weight",
            reason=f"{weight_kg} kg is above the last weight break ({heaviest} kg).",
        )
    base = round_money(base, rates.currency_places)
    extra = surcharge(base, rates.fuel_surcharge_percent, rates.currency_places)
    return replace(zoned, base_rate=base, surcharge=extra, total=base + extra)


def _judge(
    quote: Quote,
    rule: str,
    promised_date: dt.date | None,
    cost_cap: Decimal | None,
    currency: str | None,
) -> Quote:
    """The quote with ``meets`` and the reason set for the rule."""
    if quote.total is None:
        return quote
    assert quote.estimated_delivery is not None
    if currency is not None and quote.currency != currency:
        # Prices in two currencies are not comparable without a rate; keep one currency.
        return _with(
            quote, False, "other_currency", f"Priced in {quote.currency}, not in {currency}."
        )
    if rule == "promised_date":
        assert promised_date is not None
        if quote.estimated_delivery <= promised_date:
            return _with(quote, True, "meets", f"Arrives {quote.estimated_delivery}, in time.")
        return _with(
            quote,
            False,
            "late",
            f"Arrives {quote.estimated_delivery}, after the promised {promised_date}.",
        )
    assert cost_cap is not None
    if quote.total <= cost_cap:
        return _with(quote, True, "meets", f"{quote.total} is within the cap of {cost_cap}.")
    return _with(quote, False, "over_cap", f"{quote.total} is above the cap of {cost_cap}.")


def _with(quote: Quote, meets: bool, code: str, reason: str) -> Quote:
    return replace(quote, meets=meets, reason_code=code, reason=reason)


def _identity(quote: Quote) -> tuple[str, str, int]:
    return (quote.carrier_code, quote.service_code, quote.service_id)


def _cheapest_key(quote: Quote) -> tuple[object, ...]:
    # Cheapest; ties go to the earlier delivery, then carrier and service code.
    return (quote.total, quote.estimated_delivery, *_identity(quote))


def _fastest_key(quote: Quote) -> tuple[object, ...]:
    # Earliest delivery; ties go to the lower price, then carrier and service code.
    return (quote.estimated_delivery, quote.total, *_identity(quote))


def _display_key(quote: Quote) -> tuple[object, ...]:
    # Priced rows first by delivery and price, the ones that cannot carry at the end.
    if quote.total is None:
        return (1, dt.date.max, Decimal("0"), *_identity(quote))
    return (0, quote.estimated_delivery, quote.total, *_identity(quote))


def select_service(
    services: list[ServiceRates] | tuple[ServiceRates, ...],
    *,
    country: str,
    postal_code: str,
    weight_kg: Decimal,
    ship_date: dt.date,
    promised_date: dt.date | None = None,
    cost_cap: Decimal | None = None,
    currency: str | None = None,
) -> Comparison:
    """Compare every service and choose one.

    With ``promised_date``: the cheapest service arriving on or before it (ties: earlier
    delivery, then carrier code, service code). With ``cost_cap``: the fastest service
    whose total (surcharge included) is within the cap (ties: lower price, then carrier
    code, service code). With ``currency``, services priced in another currency never meet
    (no exchange rate is applied). Exactly one rule must be given.
    """
    if (promised_date is None) == (cost_cap is None):
        raise ValueError("give exactly one of promised_date and cost_cap")
    rule = "promised_date" if promised_date is not None else "cost_cap"
    quotes = [
        _judge(
            quote_service(rates, country, postal_code, weight_kg, ship_date),
            rule,
            promised_date,
            cost_cap,
            currency,
        )
        for rates in services
    ]
    quotes.sort(key=_display_key)
    meeting = [q for q in quotes if q.meets]
    key = _cheapest_key if rule == "promised_date" else _fastest_key
    chosen = min(meeting, key=key) if meeting else None
    return Comparison(rule=rule, quotes=tuple(quotes), chosen=chosen)

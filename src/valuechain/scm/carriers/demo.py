"""Demo carriers: three carriers with services and rate cards (EUR) for the demo company's
destinations — Germany and France (the warehouses' countries, Berlin with its own postal
zone) and the other European customers' countries. The US is covered by one express
service only, so a comparison to the US shows services that cannot carry."""

from __future__ import annotations

import random
from decimal import Decimal

from valuechain.scm.carriers import services

D = Decimal
EUROPE = ("DE", "FR", "NL", "ES", "IT", "GB")

# carrier code, name, tracking link, [(service code, name, fuel %, excess per kg, transit
# days to DE/FR, transit days elsewhere in EUROPE, price factor, ships to the US)]
CARRIERS = (
    (
        "dhl",
        "DHL",
        "https://www.dhl.com/de-en/home/tracking.html?tracking-id={tracking}",
        [
            ("express", "Express", "12.5", "2.40", 1, 2, D("2.10"), True),
            ("parcel", "Parcel", "8.0", "0.90", 2, 4, D("1.00"), False),
        ],
    ),
    (
        "dpd",
        "DPD",
        "https://tracking.dpd.de/status/en_US/parcel/{tracking}",
        [("classic", "Classic", "9.5", None, 2, 3, D("0.95"), False)],
    ),
    (
        "gls",
        "GLS",
        "https://gls-group.com/track/{tracking}",
        [
            ("economy", "Economy", "7.0", "0.60", 3, 5, D("0.85"), False),
            ("business", "Business", "7.0", "1.10", 1, 3, D("1.40"), False),
        ],
    ),
)
# Up to kg → base price of the cheapest domestic zone, before the service's price factor.
BREAKS = ((D("2"), D("5.90")), (D("5"), D("7.90")), (D("10"), D("10.90")), (D("31.5"), D("17.90")))
ABROAD = D("1.6")  # price factor outside the warehouse countries


def _prices(zone_id: int, factor: Decimal) -> None:
    for weight, price in BREAKS:
        services.set_break(
            zone_id, max_weight_kg=weight, price=(price * factor).quantize(D("0.01"))
        )


def seed_carriers(rng: random.Random) -> str:
    """Carriers, services, rate cards with zones and weight breaks."""
    zones = 0
    count = 0
    for code, name, template, offers in CARRIERS:
        carrier = services.create_carrier(name=name, code=code, tracking_url_template=template)
        for svc_code, svc_name, fuel, excess, home_days, abroad_days, factor, to_us in offers:
            service = services.add_service(carrier.pk, code=svc_code, name=svc_name)
            card = services.create_rate_card(
                service_id=service.pk,
                currency="EUR",
                fuel_surcharge_percent=fuel,
                excess_price_per_kg=excess,
            )
            for country in EUROPE:
                home = country in ("DE", "FR")
                zone = services.add_zone(
                    card.pk, country=country, transit_days=home_days if home else abroad_days
                )
                _prices(zone.pk, factor if home else factor * ABROAD)
                zones += 1
            # Berlin (postal codes 10-14) is a day quicker by the Berlin warehouse's own vans.
            berlin = services.add_zone(
                card.pk, country="DE", postal_prefix="1", transit_days=max(home_days - 1, 0)
            )
            _prices(berlin.pk, factor * D("0.9"))
            zones += 1
            if to_us:
                us = services.add_zone(card.pk, country="US", transit_days=abroad_days + 2)
                _prices(us.pk, factor * D("3.5"))
                zones += 1
            count += 1
    return f"{len(CARRIERS)} carriers, {count} services, {zones} rate zones"

"""Sample customers for the demo company, made only through the customers services."""

from __future__ import annotations

import random
from datetime import timedelta

import phonenumbers
from django.utils import timezone

from valuechain.crm.customers import domain, services

ACCOUNT_COUNT = 60
PARENT_COUNT = 8
CHILDREN_PER_PARENT = 3
CONTACTS_PER_ACCOUNT = 3
CONSUMER_COUNT = 170

COUNTRIES = ("DE", "FR", "GB", "US", "NL", "ES", "IT")
CITIES = {
    "DE": (("Berlin", "10115"), ("Hamburg", "20095"), ("München", "80331")),
    "FR": (("Paris", "75001"), ("Lyon", "69001"), ("Lille", "59000")),
    "GB": (("London", "EC1A 1BB"), ("Manchester", "M1 1AE"), ("Leeds", "LS1 4AP")),
    "US": (("New York", "10001"), ("Chicago", "60601"), ("Austin", "73301")),
    "NL": (("Amsterdam", "1012 AB"), ("Rotterdam", "3011 AA"), ("Utrecht", "3511 AA")),
    "ES": (("Madrid", "28001"), ("Barcelona", "08001"), ("Valencia", "46001")),
    "IT": (("Milano", "20121"), ("Roma", "00184"), ("Torino", "10121")),
}
STREETS = (
    "Main Street",
    "Market Square",
    "Station Road",
    "Harbour Way",
    "Park Avenue",
    "Mill Lane",
)
TLD = {"DE": "de", "FR": "fr", "GB": "co.uk", "US": "com", "NL": "nl", "ES": "es", "IT": "it"}

COMPANY_STEMS = (
    "Alder",
    "Brightwater",
    "Cobalt",
    "Delta",
    "Evergreen",
    "Fjord",
    "Granite",
    "Helix",
    "Ironwood",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Northwind",
    "Orion",
    "Pinnacle",
    "Quartz",
    "Riverside",
    "Summit",
    "Tidewater",
    "Union",
    "Vertex",
    "Westfield",
    "Zenith",
)
COMPANY_SUFFIXES = ("Systems", "Logistics", "Foods", "Retail", "Industries", "Labs", "Trading")
INDUSTRIES = (
    "Manufacturing",
    "Retail",
    "Logistics",
    "Food & Beverage",
    "Software",
    "Healthcare",
    "Construction",
    "Wholesale",
)
FIRST_NAMES = (
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Katja",
    "Luca",
    "Marie",
    "Noah",
    "Olivia",
    "Paul",
    "Rosa",
    "Sam",
    "Tara",
    "Viktor",
)
LAST_NAMES = (
    "Meyer",
    "Dubois",
    "Smith",
    "Johnson",
    "de Vries",
    "García",
    "Rossi",
    "Schneider",
    "Martin",
    "Brown",
    "Jansen",
    "López",
    "Bianchi",
    "Weber",
    "Moreau",
    "Taylor",
)
JOB_TITLES = ("Purchasing Manager", "CFO", "Head of Operations", "Buyer", "CEO", "IT Lead")
ACCOUNT_TAGS = ("key-account", "partner", "wholesale", "eu", "newsletter")
PERSON_TAGS = ("vip", "newsletter", "online", "store")
# The path a party walks to reach each stage; the demo's history follows it.
STAGE_PATHS = {
    "prospect": (),
    "acquired": ("acquired",),
    "active": ("acquired", "active"),
    "at_risk": ("acquired", "active", "at_risk"),
    "churned": ("acquired", "active", "at_risk", "churned"),
}
STAGE_WEIGHTS = (0.2, 0.15, 0.4, 0.15, 0.1)


def _ascii(text: str) -> str:
    """The text as a lower-case e-mail local part or domain label."""
    table = str.maketrans("áéíóúàèìòùäöüßçñ", "aeiouaeiouaouscn")
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())


def _phone(rng: random.Random, country: str, mobile: bool) -> str:
    """A number valid for the country: the library's example with its last digits varied."""
    kind = (
        phonenumbers.PhoneNumberType.MOBILE if mobile else phonenumbers.PhoneNumberType.FIXED_LINE
    )
    example = phonenumbers.example_number_for_type(country, kind)
    if example is None:  # every demo country has examples; guard the library's Optional
        raise ValueError(f"No example phone number for {country}.")
    digits = str(example.national_number)
    for _ in range(20):
        candidate = digits[:-4] + f"{rng.randrange(10000):04d}"
        parsed = phonenumbers.parse(f"+{example.country_code}{candidate}")
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)


def _stage(rng: random.Random) -> str:
    return rng.choices(domain.LIFECYCLE_STAGES, weights=STAGE_WEIGHTS)[0]


def _walk_lifecycle(rng: random.Random, kind: str, party_id: int, stage: str) -> None:
    """Record the path to the stage with dates spread over the last two years, oldest first."""
    steps = STAGE_PATHS[stage]
    moment = timezone.now() - timedelta(days=rng.randint(400, 720))
    for step in steps:
        moment += timedelta(days=rng.randint(20, 90))
        services.change_lifecycle_stage(kind, party_id, step, changed_at=moment)


def _address(rng: random.Random, kind: str, party_id: int, country: str, address_kind: str) -> None:
    city, postal_code = rng.choice(CITIES[country])
    services.add_address(
        kind,
        party_id,
        address_kind=address_kind,
        line1=f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
        city=city,
        postal_code=postal_code,
        country=country,
    )


def _seed_account(rng: random.Random, index: int, parent_id: int | None) -> tuple[int, str, str]:
    """One company with addresses, e-mail, phone, tags and history; its id, country and domain."""
    stem = COMPANY_STEMS[index % len(COMPANY_STEMS)]
    suffix = COMPANY_SUFFIXES[(index // len(COMPANY_STEMS) + index) % len(COMPANY_SUFFIXES)]
    country = COUNTRIES[index % len(COUNTRIES)]
    name = f"{stem} {suffix} {country}" if parent_id else f"{stem} {suffix}"
    web_domain = f"{_ascii(stem)}{_ascii(suffix)}{index}.{TLD[country]}"
    account = services.create_account(
        name=name,
        legal_name=f"{name} Ltd",
        website=f"https://www.{web_domain}",
        industry=rng.choice(INDUSTRIES),
        size_band=rng.choice(domain.SIZE_BANDS),
        parent_id=parent_id,
        tags=rng.sample(ACCOUNT_TAGS, rng.randint(0, 2)),
    )
    _address(rng, "account", account.pk, country, "billing")
    _address(rng, "account", account.pk, country, "shipping")
    services.add_email("account", account.pk, email=f"info@{web_domain}")
    services.add_phone("account", account.pk, number=_phone(rng, country, mobile=False))
    _walk_lifecycle(rng, "account", account.pk, _stage(rng))
    return account.pk, country, web_domain


def _seed_person(
    rng: random.Random, index: int, account_id: int | None, country: str, mail_domain: str
) -> None:
    """One person: a contact at the account's domain, or a consumer with a home address."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    person = services.create_person(
        first_name=first,
        last_name=last,
        account_id=account_id,
        job_title=rng.choice(JOB_TITLES) if account_id else "",
        tags=rng.sample(PERSON_TAGS, rng.randint(0, 2)),
    )
    local = f"{_ascii(first)}.{_ascii(last)}{index}"
    services.add_email(
        "person",
        person.pk,
        email=f"{local}@{mail_domain}",
        contact_kind="work" if account_id else "home",
    )
    if account_id is None:
        _address(rng, "person", person.pk, country, "billing")
    if index % 2 == 0:  # half the people left a phone number
        services.add_phone(
            "person", person.pk, number=_phone(rng, country, mobile=True), contact_kind="mobile"
        )
    _walk_lifecycle(rng, "person", person.pk, _stage(rng))
    recorded_at = timezone.now() - timedelta(days=rng.randint(1, 365))
    for channel in domain.CONSENT_CHANNELS[: 1 + index % 2]:
        services.record_consent(
            person.pk,
            channel=channel,
            granted=rng.random() < 0.7,
            source="demo sign-up form",
            recorded_at=recorded_at,
        )


def seed_customers(rng: random.Random) -> str:
    """Fill the current tenant with sample accounts and people; the summary line."""
    accounts: list[tuple[int, str, str]] = []
    for index in range(ACCOUNT_COUNT):
        parent_id = None
        if PARENT_COUNT <= index < PARENT_COUNT * (1 + CHILDREN_PER_PARENT):
            parent_id = accounts[(index - PARENT_COUNT) % PARENT_COUNT][0]
        accounts.append(_seed_account(rng, index, parent_id))
    people = 0
    for account_id, country, web_domain in accounts:
        for _ in range(CONTACTS_PER_ACCOUNT):
            _seed_person(rng, people, account_id, country, web_domain)
            people += 1
    for _ in range(CONSUMER_COUNT):
        country = rng.choice(COUNTRIES)
        _seed_person(rng, people, None, country, f"mail.example.{TLD[country]}")
        people += 1
    return f"{len(accounts)} accounts, {people} people"

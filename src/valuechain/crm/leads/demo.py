"""Sample leads for the demo company, made only through the leads services."""

from __future__ import annotations

import random

from valuechain.crm.leads import conversion, services
from valuechain.crm.leads.forms import CONSENT_TEXT

LEAD_COUNT = 40
FIRST_NAMES = ("Mia", "Noah", "Lena", "Elias", "Sofia", "Luca", "Emma", "Jonas", "Clara", "Ben")
LAST_NAMES = ("Berger", "Dupont", "Rossi", "García", "Jansen", "Smith", "Novak", "Keller")
COMPANIES = ("Aster", "Beacon", "Crescent", "Dune", "Ember", "Falcon", "Glacier", "Harbor")
SUFFIXES = ("GmbH", "SARL", "Ltd", "BV", "S.L.", "Inc.")
TITLES = ("Head of Purchasing", "Buyer", "CEO", "Operations Manager", "IT Director", "")
INDUSTRIES = ("Retail", "Food", "Logistics", "Manufacturing", "Software")
PLACES = (("DE", "10115"), ("FR", "75001"), ("NL", "1012 AB"), ("GB", "EC1A 1BB"))
PHONES = {"DE": "+49 30 1234 5{:03d}", "FR": "+33 1 42 68 5{:03d}", "NL": "+31 20 555 0{:03d}"}
PHONES["GB"] = "+44 20 7946 0{:03d}"
SOURCES = ("manual", "api", "web_form", "import", "referral", "event")
CAMPAIGNS = ("", "", "spring-fair", "newsletter-q2", "webinar-erp")
# Status each lead ends in, by position: a realistic funnel with every status present.
FUNNEL: tuple[str, ...] = ("new",) * 14 + ("contacted",) * 10 + ("qualified",) * 7
FUNNEL += ("unqualified",) * 5 + ("converted",) * 4


def _lead_arguments(rng: random.Random, index: int) -> dict[str, object]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    country, postal_code = rng.choice(PLACES)
    company = "" if index % 7 == 3 else f"{rng.choice(COMPANIES)} {rng.choice(SUFFIXES)}"
    domain = "gmail.com" if not company else company.split()[0].lower() + ".example"
    source = "web_form" if index % 5 == 0 else rng.choice(SOURCES)
    campaign = rng.choice(CAMPAIGNS)
    consent = source == "web_form" or rng.random() < 0.3
    return {
        "first_name": first,
        "last_name": last,
        "company": company,
        "job_title": rng.choice(TITLES),
        "email": f"{first}.{last}{index}@{domain}".lower().replace("í", "i"),
        "phone": PHONES[country].format(index) if rng.random() < 0.7 else "",
        "country": country,
        "postal_code": postal_code,
        "industry": rng.choice(INDUSTRIES) if company else "",
        "size_band": rng.choice(("1-10", "11-50", "51-200", "201-1000")) if company else "",
        "source": source,
        "campaign": campaign,
        "utm_source": "website" if source == "web_form" else "",
        "utm_medium": "form" if source == "web_form" else "",
        "utm_campaign": campaign if source == "web_form" else "",
        "consent_granted": consent,
        "consent_text": CONSENT_TEXT if consent else "",
        "consent_source": "web-to-lead form" if source == "web_form" and consent else "",
    }


def seed_leads(rng: random.Random) -> str:
    """Forty leads across every status; some came through the web form, four are converted."""
    web = 0
    for index, status in enumerate(FUNNEL):
        arguments = _lead_arguments(rng, index)
        web += arguments["source"] == "web_form"
        lead = services.create_lead(**arguments)  # type: ignore[arg-type]
        if status in ("contacted", "qualified", "unqualified", "converted"):
            services.change_status(lead.pk, "contacted")
        if status in ("qualified", "converted"):
            services.change_status(lead.pk, "qualified")
        if status == "unqualified":
            services.change_status(lead.pk, "unqualified", reason=rng.choice(("no_budget", "spam")))
        if status == "converted":
            conversion.convert_lead(
                lead.pk, opportunity_name=f"{lead.company or lead.last_name} deal"
            )
    return f"{len(FUNNEL)} leads ({web} from the web form, {FUNNEL.count('converted')} converted)"

"""The public web-to-lead form: no login, embeddable, honeypot, rate limit, consent, UTM."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from valuechain.crm.leads import webform
from valuechain.crm.leads.models import Lead
from valuechain.platform.events.models import OutboxEvent
from valuechain.platform.tenancy.context import system_context, tenant_context

URL = "/forms/alpha/lead/"
GOOD = {"first_name": "Ada", "last_name": "Lovelace", "email": "Ada@Acme.example"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _leads(tenant) -> list[Lead]:
    with tenant_context(tenant):
        return list(Lead.objects.order_by("pk"))


def test_get_shows_the_form_with_utm_from_the_query_string(tenant_a):
    response = Client().get(URL, {"utm_source": "newsletter", "utm_campaign": "spring", "x": "y"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Contact Alpha Retail" in html
    assert 'name="utm_source" value="newsletter"' in html
    assert 'name="utm_campaign" value="spring"' in html
    assert 'name="website"' in html  # the honeypot
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in response.headers["Content-Security-Policy"]


def test_other_pages_still_refuse_framing(client_a, tenant_a):
    response = client_a.get("/crm/leads/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_post_creates_a_web_form_lead_with_consent_and_utm(tenant_a):
    client = Client(enforce_csrf_checks=True)  # a cross-site iframe has no CSRF cookie
    response = client.post(
        URL,
        {
            **GOOD,
            "company": "Acme",
            "phone": "+49 30 1234567",
            "message": "Call me",
            "consent": "on",
            "utm_source": "newsletter",
            "utm_medium": "email",
            "utm_campaign": "spring",
            "utm_term": "erp",
            "utm_content": "button",
            "campaign": "Spring fair",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/forms/alpha/lead/thanks/"
    [lead] = _leads(tenant_a)
    assert (lead.source, lead.email, lead.phone, lead.notes) == (
        "web_form",
        "ada@acme.example",
        "+49301234567",
        "Call me",
    )
    assert (lead.utm_source, lead.utm_medium, lead.utm_campaign) == (
        "newsletter",
        "email",
        "spring",
    )
    assert (lead.utm_term, lead.utm_content, lead.campaign) == ("erp", "button", "Spring fair")
    assert lead.consent_granted and lead.consent_at is not None
    assert lead.consent_text.startswith("I agree to be contacted")
    assert lead.consent_source == "web-to-lead form"
    assert {"rule": "Came through the web form", "points": 10} in lead.score_breakdown
    with system_context():
        event = OutboxEvent.unscoped.get(type="LeadCreated")
    assert event.payload["source"] == "web_form" and event.tenant_id == tenant_a.pk
    thanks = Client().get("/forms/alpha/lead/thanks/")
    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()
    assert "X-Frame-Options" not in thanks.headers


def test_without_consent_nothing_is_recorded_as_consent(tenant_a):
    Client().post(URL, GOOD)
    [lead] = _leads(tenant_a)
    assert (lead.consent_granted, lead.consent_text, lead.consent_at) == (False, "", None)


def test_signed_in_visitor_is_not_the_actor(client_b, tenant_a, admin_b):
    assert client_b.post(URL, GOOD).status_code == 302
    [lead] = _leads(tenant_a)
    assert lead.owner_id is None


def test_honeypot_gets_a_fake_success_and_stores_nothing(tenant_a):
    response = Client().post(URL, {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert response["Location"] == "/forms/alpha/lead/thanks/"
    assert _leads(tenant_a) == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"last_name": "", "email": "a@acme.example"}, "last_name", "This field is required."),
        ({"last_name": "L", "email": "nope"}, "email", "is not a valid e-mail"),
        ({"last_name": "L", "email": "a@acme.example", "phone": "12"}, "phone", "phone number"),
    ],
)
def test_bad_input_shows_the_error_by_the_field_and_stores_nothing(tenant_a, data, field, message):
    response = Client().post(URL, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert _leads(tenant_a) == []


def test_rate_limit_per_ip_and_tenant(tenant_a, tenant_b, monkeypatch):
    monkeypatch.setattr(webform, "RATE_LIMIT", 2)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for index in range(2):
        assert client.post(URL, {**GOOD, "email": f"a{index}@acme.example"}).status_code == 302
    limited = client.post(URL, {**GOOD, "email": "a9@acme.example"})
    assert limited.status_code == 429
    assert "Too many submissions" in limited.content.decode()
    assert len(_leads(tenant_a)) == 2
    other_ip = Client(REMOTE_ADDR="203.0.113.10")
    assert other_ip.post(URL, GOOD).status_code == 302
    other_tenant = client.post("/forms/beta/lead/", GOOD)
    assert other_tenant.status_code == 302
    assert len(_leads(tenant_b)) == 1


def test_unknown_or_inactive_tenant_is_404(tenant_a):
    assert Client().get("/forms/nobody/lead/").status_code == 404
    assert Client().post("/forms/nobody/lead/", GOOD).status_code == 404
    tenant_a.is_active = False
    tenant_a.save()
    assert Client().get(URL).status_code == 404
    assert Client().post(URL, GOOD).status_code == 404
    assert Client().get("/forms/alpha/lead/thanks/").status_code == 404


def test_settings_page_shows_the_embed_snippet(client_a, tenant_a):
    response = client_a.get("/crm/leads/web-form/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;iframe src=&quot;http://testserver/forms/alpha/lead/?utm_source=website" in html


def test_settings_page_is_for_admins(tenant_a):
    from tests.conftest import make_member

    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    assert client.get("/crm/leads/web-form/").status_code == 403

"""The customer 360° pages: person and account page, htmx filter and paging, panels, 404s."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from valuechain.crm.customers import panels, services
from valuechain.crm.customers.models import Interaction
from valuechain.crm.customers.panels import Panel
from valuechain.platform.tenancy.context import tenant_context


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=dt.UTC)


@pytest.fixture
def acme(tenant_a, admin_a) -> dict[str, Any]:
    with tenant_context(tenant_a, actor=admin_a.user):
        account = services.create_account(name="Acme")
        ada = services.create_person(first_name="Ada", last_name="Lovelace", account_id=account.pk)
        services.add_email("person", ada.pk, email="ada@example.com")
        for day in range(1, 26):
            Interaction.objects.create(
                channel="web" if day % 2 else "email",
                kind="email",
                occurred_at=at(day),
                subject=f"touch {day}",
                person=ada,
            )
        return {"account": account, "ada": ada}


def _entries(html: str) -> list[str]:
    return re.findall(r'data-entry="([^"]+)"', html)


def test_person_page_shows_profile_figures_contacts_and_first_timeline_page(client_a, acme):
    ada = acme["ada"]
    response = client_a.get(f"/crm/people/{ada.pk}/360/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Lovelace" in html
    assert 'data-figure="interaction_count">25<' in html
    assert "ada@example.com" in html
    assert f'href="/crm/accounts/{acme["account"].pk}/360/"' in html
    assert len(_entries(html)) == 20
    assert "touch 25" in html and "touch 5" not in html
    assert f"/crm/people/{ada.pk}/360/timeline/?channel=&amp;cursor=" in html


def test_detail_pages_link_to_the_360_view(client_a, acme):
    ada, account = acme["ada"], acme["account"]
    assert (
        f'href="/crm/people/{ada.pk}/360/"'
        in client_a.get(f"/crm/people/{ada.pk}/").content.decode()
    )
    page = client_a.get(f"/crm/accounts/{account.pk}/").content.decode()
    assert f'href="/crm/accounts/{account.pk}/360/"' in page


def test_htmx_older_link_appends_the_rest_and_filter_replaces_the_timeline(client_a, acme):
    ada = acme["ada"]
    html = client_a.get(f"/crm/people/{ada.pk}/360/").content.decode()
    cursor = re.search(r"cursor=([A-Za-z0-9_-]+)", html).group(1)
    more = client_a.get(
        f"/crm/people/{ada.pk}/360/timeline/?channel=&cursor={cursor}", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<section" not in more  # only the entries, appended in place of the link
    assert len(_entries(more)) == 5
    assert "touch 1<" in more and "cursor=" not in more
    filtered = client_a.get(
        f"/crm/people/{ada.pk}/360/timeline/?channel=email", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert filtered.startswith('<section class="section" id="c360-timeline"')
    assert len(_entries(filtered)) == 12
    assert '<option value="email" selected>' in filtered


def test_bad_channel_or_cursor_starts_from_the_top(client_a, acme):
    ada = acme["ada"]
    html = client_a.get(f"/crm/people/{ada.pk}/360/?channel=fax&cursor=zz").content.decode()
    assert len(_entries(html)) == 20


def test_account_page_lists_people_and_their_timeline(client_a, acme):
    account = acme["account"]
    html = client_a.get(f"/crm/accounts/{account.pk}/360/").content.decode()
    assert f'href="/crm/people/{acme["ada"].pk}/360/"' in html
    assert 'data-figure="interaction_count">25<' in html


def test_registered_panel_renders_with_its_template(client_a, acme, monkeypatch):
    monkeypatch.setitem(
        panels._panels,
        "notes",
        Panel("notes", "Sticky notes", "customers/_pages.html", lambda kind, party: []),
    )
    html = client_a.get(f"/crm/people/{acme['ada'].pk}/360/").content.decode()
    assert 'id="panel-notes"' in html
    assert "Sticky notes" in html


def test_unknown_and_other_tenants_customers_are_404(client_a, client_b, acme):
    assert client_a.get("/crm/people/999999/360/").status_code == 404
    assert client_a.get("/crm/accounts/999999/360/timeline/").status_code == 404
    assert client_b.get(f"/crm/people/{acme['ada'].pk}/360/").status_code == 404


def test_page_query_count_is_fixed(client_a, acme, django_assert_max_num_queries):
    url = f"/crm/accounts/{acme['account'].pk}/360/"
    client_a.get(url)  # a fixed count: each installed context's panels add their own queries
    with django_assert_max_num_queries(26):
        assert client_a.get(url).status_code == 200

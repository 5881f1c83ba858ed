"""Touch-point pages: timeline on party pages, two-click logging, the unmatched review page."""

from __future__ import annotations

import pytest

from valuechain.crm.customers import interactions, services
from valuechain.crm.customers.models import Interaction
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.web.registry import menu_items


@pytest.fixture
def ada(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        account = services.create_account(name="Acme")
        person = services.create_person(
            first_name="Ada", last_name="Lovelace", account_id=account.pk
        )
        services.add_email("person", person.pk, email="ada@example.com")
        return person


def _interactions(tenant):
    with tenant_context(tenant):
        return list(
            Interaction.objects.order_by("pk").values_list(
                "kind", "subject", "person_id", "account_id", "actor_id"
            )
        )


def test_person_page_shows_panel_and_timeline(client_a, tenant_a, admin_a, ada):
    with tenant_context(tenant_a, actor=admin_a.user):
        interactions.record_interaction(
            {"channel": "store", "kind": "purchase", "subject": "Receipt 9", "person_id": ada.pk}
        )
    html = client_a.get(f"/crm/people/{ada.pk}/").content.decode()
    assert "Log a call / meeting / note" in html
    assert "Receipt 9" in html
    assert f'hx-post="/crm/people/{ada.pk}/log-activity/"' in html
    account_html = client_a.get(f"/crm/accounts/{ada.account_id}/").content.decode()
    assert "Receipt 9" in account_html and "Ada Lovelace" in account_html


def test_two_click_logging_with_htmx(client_a, tenant_a, admin_a, ada):
    response = client_a.post(
        f"/crm/people/{ada.pk}/log-activity/",
        {"kind": "call", "subject": "Renewal call", "body": "", "channel": "sales_rep"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Call logged." in html and "Renewal call" in html
    assert _interactions(tenant_a) == [("call", "Renewal call", ada.pk, None, admin_a.user_id)]


def test_logging_without_htmx_redirects_and_account_notes(client_a, tenant_a, admin_a, ada):
    response = client_a.post(
        f"/crm/accounts/{ada.account_id}/log-activity/",
        {"kind": "note", "subject": "", "body": "Prefers invoices by post", "channel": "sales_rep"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/crm/accounts/{ada.account_id}/"
    assert _interactions(tenant_a) == [("note", "", None, ada.account_id, admin_a.user_id)]


def test_log_form_errors_next_to_fields(client_a, tenant_a, ada):
    response = client_a.post(
        f"/crm/people/{ada.pk}/log-activity/",
        {"kind": "meeting", "subject": "", "body": "", "channel": "sales_rep"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'id="id_subject_error">Enter a subject or some notes.</p>' in html
    assert '<details class="card" open>' in html
    plain = client_a.post(
        f"/crm/people/{ada.pk}/log-activity/",
        {"kind": "lunch", "subject": "x", "channel": "sales_rep"},
    )
    assert plain.status_code == 422
    assert 'id="id_kind_error">' in plain.content.decode()
    assert _interactions(tenant_a) == []
    assert (
        client_a.post(
            "/crm/people/999999/log-activity/", {"kind": "call", "subject": "x"}
        ).status_code
        == 404
    )


def test_timeline_fragment_filters_by_channel_and_pages(client_a, tenant_a, admin_a, ada):
    with tenant_context(tenant_a, actor=admin_a.user):
        interactions.ingest_interactions(
            [{"channel": "web", "subject": f"visit {i}", "person_id": ada.pk} for i in range(25)]
        )
        interactions.record_interaction(
            {"channel": "social", "subject": "tweet", "person_id": ada.pk}
        )
    html = client_a.get(f"/crm/people/{ada.pk}/timeline/?tl_channel=social").content.decode()
    assert "tweet" in html and "visit 0" not in html
    second = client_a.get(
        f"/crm/people/{ada.pk}/timeline/?tl_channel=web&tl_page=2"
    ).content.decode()
    assert "Page 2 of 2 · 25 in all" in second


def test_unmatched_page_attach_by_email_and_dismiss(client_a, tenant_a, admin_a, ada):
    assert any(item.label == "Unmatched interactions" for item in menu_items("crm"))
    with tenant_context(tenant_a, actor=admin_a.user):
        parked, _ = interactions.record_interaction(
            {
                "channel": "social",
                "subject": "Hi",
                "identifier_kind": "social_handle",
                "identifier_value": "@ada",
            }
        )
        other, _ = interactions.record_interaction(
            {"channel": "web", "identifier_kind": "email", "identifier_value": "who@example.com"}
        )
    html = client_a.get("/crm/interactions/unmatched/").content.decode()
    assert "social_handle: <code>ada</code>" in html
    bad = client_a.post(
        f"/crm/interactions/{parked.pk}/resolve/",
        {"person": "nobody@example.com", "remember_identifier": "on"},
    )
    assert bad.status_code == 422
    assert (
        "No person has the e-mail address &#x27;nobody@example.com&#x27;." in bad.content.decode()
    )
    done = client_a.post(
        f"/crm/interactions/{parked.pk}/resolve/",
        {"person": "ada@example.com", "remember_identifier": "on"},
    )
    assert done.status_code == 302
    assert client_a.post(f"/crm/interactions/{other.pk}/dismiss/").status_code == 302
    with tenant_context(tenant_a):
        statuses = dict(Interaction.objects.values_list("pk", "status"))
    assert statuses == {parked.pk: "matched", other.pk: "dismissed"}
    assert "Nothing to review" in client_a.get("/crm/interactions/unmatched/").content.decode()


def test_other_tenant_cannot_log_on_a_party(client_b, ada):
    assert (
        client_b.post(
            f"/crm/people/{ada.pk}/log-activity/", {"kind": "call", "subject": "x"}
        ).status_code
        == 404
    )


def test_timeline_fragment_query_count_does_not_grow(client_a, tenant_a, admin_a, ada):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def _fill(count):
        with tenant_context(tenant_a, actor=admin_a.user):
            interactions.ingest_interactions([{"channel": "web", "person_id": ada.pk}] * count)

    def _queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert client_a.get(path).status_code == 200
        return len(captured)

    paths = [f"/crm/people/{ada.pk}/timeline/", f"/crm/accounts/{ada.account_id}/timeline/"]
    _fill(1)
    one = [_queries(path) for path in paths]
    _fill(19)
    assert [_queries(path) for path in paths] == one

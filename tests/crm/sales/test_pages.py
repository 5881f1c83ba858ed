"""Sales pages: list, detail with lines and history, forms with errors by field, the board
with drag-and-drop moves, pipeline settings and the forecast page with its chart."""

from __future__ import annotations

import pytest

from valuechain.crm.customers import panels
from valuechain.crm.sales import pipeline_services, queries, services
from valuechain.crm.sales.models import LossReason, Opportunity, OpportunityLine, Quota, Stage
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.web.registry import menu_items, search_providers


@pytest.fixture
def deal(tenant_a, admin_a, acme, ada):
    with tenant_context(tenant_a, actor=admin_a.user, channel="ui"):
        return services.create_opportunity(
            {
                "name": "Shop relaunch",
                "account_id": acme.pk,
                "person_id": ada.pk,
                "amount": "1000",
                "expected_close_date": "2026-03-15",
                "next_step": "Call Ada",
            }
        )


def _stage(tenant, name):
    with tenant_context(tenant):
        return Stage.objects.get(pipeline__is_default=True, name=name)


def _error_near(html: str, field_id: str, message: str) -> None:
    error_at = html.index(f'id="{field_id}_error"')
    assert message in html[error_at : error_at + 300], html[error_at : error_at + 300]


def test_menu_search_and_panels_are_registered(tenant_a, admin_a, deal, acme):
    labels = [item.label for item in menu_items("crm")]
    assert {"Opportunities", "Pipeline board", "Forecast"} <= set(labels)
    assert "opportunity" in [provider.kind for provider in search_providers()]
    with tenant_context(tenant_a, actor=admin_a.user):
        [hit] = queries.search_opportunities("relaunch", 10)
        assert (hit.title, hit.url) == ("Shop relaunch", f"/crm/opportunities/{deal.pk}/")
        panel = next(p for p in panels.panels() if p.key == "open_opportunities")
        data = panel.load("account", acme)
        assert [(i["name"], i["amount"], i["stage"]) for i in data["items"]] == [
            ("Shop relaunch", "1000.00", "Qualification")
        ]
        figures = next(k for k in panels.key_figure_providers() if k.key == "sales")
        assert figures.provide("account", acme) == {
            "open_pipeline_amount": "1000.00",
            "open_pipeline_currency": "EUR",
            "open_opportunity_count": 1,
            "open_pipeline_unconverted": 0,
        }


def test_list_filters_and_query_count(
    client_a, tenant_a, admin_a, acme, deal, django_assert_max_num_queries
):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(10):
            services.create_opportunity({"name": f"Extra {index}", "account_id": acme.pk})
    with django_assert_max_num_queries(16):
        html = client_a.get("/crm/opportunities/").content.decode()
    assert "Shop relaunch" in html and "Extra 9" in html
    html = client_a.get("/crm/opportunities/?search=relaunch&status=open").content.decode()
    assert "Shop relaunch" in html and "Extra 1" not in html
    html = client_a.get("/crm/opportunities/?status=won").content.decode()
    assert "No opportunities match." in html
    assert client_a.get("/crm/opportunities/?sort=-amount&close_to=2026-12-31").status_code == 200


def test_create_with_errors_next_to_fields_then_success(client_a, tenant_a, acme, rows):
    response = client_a.post(
        "/crm/opportunities/new/", {"name": "Deal", "amount": "lots", "currency": "EUR"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    _error_near(html, "id_account_id", "Choose the account or the person")
    assert rows(tenant_a, Opportunity) == 0
    response = client_a.post(
        "/crm/opportunities/new/", {"name": "Deal", "account_id": acme.pk, "amount": "lots"}
    )
    _error_near(response.content.decode(), "id_amount", "not a number")
    response = client_a.post(
        "/crm/opportunities/new/",
        {
            "name": "Deal",
            "account_id": acme.pk,
            "amount": "250.5",
            "probability": "",
            "expected_close_date": "2026-05-01",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        created = Opportunity.objects.get()
    assert response["Location"] == f"/crm/opportunities/{created.pk}/"
    assert (str(created.amount), created.probability) == ("250.5000", 10)


def test_edit_changes_fields(client_a, tenant_a, deal):
    page = client_a.get(f"/crm/opportunities/{deal.pk}/edit/")
    assert 'value="Shop relaunch"' in page.content.decode()
    response = client_a.post(
        f"/crm/opportunities/{deal.pk}/edit/",
        {
            "name": "Shop relaunch 2",
            "account_id": deal.account_id,
            "person_id": deal.person_id,
            "amount": "1500",
            "currency": "EUR",
            "probability": "200",
            "forecast_category": "commit",
        },
    )
    _error_near(response.content.decode(), "id_probability", "0 to 100")
    response = client_a.post(
        f"/crm/opportunities/{deal.pk}/edit/",
        {
            "name": "Shop relaunch 2",
            "account_id": deal.account_id,
            "person_id": deal.person_id,
            "amount": "1500",
            "currency": "EUR",
            "probability": "30",
            "forecast_category": "commit",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        deal.refresh_from_db()
    assert (deal.name, str(deal.money.amount), deal.probability, deal.forecast_category) == (
        "Shop relaunch 2",
        "1500.00",
        30,
        "commit",
    )


def test_detail_move_and_lines(client_a, tenant_a, deal, rows):
    html = client_a.get(f"/crm/opportunities/{deal.pk}/").content.decode()
    assert "Shop relaunch" in html and "Stage history" in html and "Call Ada" in html
    assert "No lines" in html and "History" in html
    lost = _stage(tenant_a, "Lost")
    response = client_a.post(f"/crm/opportunities/{deal.pk}/move/", {"stage_id": lost.pk})
    assert response.status_code == 422
    _error_near(response.content.decode(), "id_lost_reason_id", "Choose why")
    response = client_a.post(
        f"/crm/opportunities/{deal.pk}/move/", {"stage_id": _stage(tenant_a, "Proposal").pk}
    )
    assert response.status_code == 302
    response = client_a.post(
        f"/crm/opportunities/{deal.pk}/lines/",
        {"product_name": "Box", "quantity": "0", "unit_price": "5"},
    )
    assert response.status_code == 422
    _error_near(response.content.decode(), "id_quantity", "above 0")
    response = client_a.post(
        f"/crm/opportunities/{deal.pk}/lines/",
        {"product_name": "Box", "sku": "B1", "quantity": "2", "unit_price": "5.50"},
    )
    assert response.status_code == 302
    html = client_a.get(f"/crm/opportunities/{deal.pk}/").content.decode()
    assert "Box" in html and "EUR 11.00" in html and "Proposal" in html
    with tenant_context(tenant_a):
        line = OpportunityLine.objects.get()
    response = client_a.post(f"/crm/opportunities/{deal.pk}/lines/{line.pk}/remove/")
    assert response.status_code == 302
    assert rows(tenant_a, OpportunityLine) == 0
    assert client_a.post(f"/crm/opportunities/{deal.pk}/lines/999999/remove/").status_code == 404
    assert client_a.get("/crm/opportunities/999999/").status_code == 404


def test_board_columns_and_drag_and_drop_moves(
    client_a, tenant_a, admin_a, deal, django_assert_max_num_queries
):
    assert client_a.get("/crm/pipeline/")["Location"] == f"/crm/pipelines/{deal.pipeline_id}/board/"
    with tenant_context(tenant_a, actor=admin_a.user):
        for index, name in enumerate(["Proposal", "Won", "Proposal", "Needs analysis"] * 3):
            extra = services.create_opportunity(
                {"name": f"Extra {index}", "account_id": deal.account_id, "currency": "USD"}
            )
            services.move_opportunity(extra.pk, _stage(tenant_a, name).pk)
    client_a.get(f"/crm/pipelines/{deal.pipeline_id}/board/")  # creates the loss reasons
    with django_assert_max_num_queries(18):
        page = client_a.get(f"/crm/pipelines/{deal.pipeline_id}/board/")
    html = page.content.decode()
    assert "Sortable.min.js" in html and "sales/board.js" in html
    assert html.count('<section class="board-column') == 6
    assert f'data-id="{deal.pk}"' in html and "EUR 1000.00" in html
    assert 'id="lost-dialog"' in html
    negotiation = _stage(tenant_a, "Negotiation")
    dropped = client_a.post(
        f"/crm/pipelines/{deal.pipeline_id}/board/move/",
        {"opportunity_id": deal.pk, "stage_id": negotiation.pk},
        HTTP_HX_REQUEST="true",
    )
    assert dropped.status_code == 200
    fragment = dropped.content.decode()
    assert fragment.startswith('<div id="board"')
    after = fragment.split(f'data-stage-id="{negotiation.pk}"')[1].split("</section>")[0]
    assert f'data-id="{deal.pk}"' in after
    lost = _stage(tenant_a, "Lost")
    refused = client_a.post(
        f"/crm/pipelines/{deal.pipeline_id}/board/move/",
        {"opportunity_id": deal.pk, "stage_id": lost.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "Choose why the deal was lost." in refused.content.decode()
    with tenant_context(tenant_a):
        reason = LossReason.objects.get(name="Price")
    client_a.post(
        f"/crm/pipelines/{deal.pipeline_id}/board/move/",
        {"opportunity_id": deal.pk, "stage_id": lost.pk, "lost_reason_id": reason.pk},
        HTTP_HX_REQUEST="true",
    )
    with tenant_context(tenant_a):
        deal.refresh_from_db()
    assert (deal.status, deal.lost_reason_id) == ("lost", reason.pk)
    plain = client_a.post(
        f"/crm/pipelines/{deal.pipeline_id}/board/move/",
        {"opportunity_id": 999999, "stage_id": lost.pk},
    )
    assert plain.status_code == 302


def test_settings_pipelines_stages_and_reasons(client_a, tenant_a, deal, rows):
    html = client_a.get("/crm/pipelines/settings/").content.decode()
    assert "Qualification" in html and "Loss reasons" in html
    response = client_a.post("/crm/pipelines/settings/pipelines/", {"name": "Sales"})
    assert response.status_code == 422
    _error_near(response.content.decode(), "id_name", "exists already")
    assert (
        client_a.post("/crm/pipelines/settings/pipelines/", {"name": "Renewals"}).status_code == 302
    )
    pipeline_id = deal.pipeline_id
    response = client_a.post(
        f"/crm/pipelines/settings/{pipeline_id}/stages/",
        {"name": "Trial", "probability": "150", "kind": "open"},
    )
    assert response.status_code == 422
    _error_near(response.content.decode(), f"id_p{pipeline_id}_probability", "0 to 100")
    assert (
        client_a.post(
            f"/crm/pipelines/settings/{pipeline_id}/stages/",
            {"name": "Trial", "probability": "35", "kind": "open"},
        ).status_code
        == 302
    )
    with tenant_context(tenant_a):
        trial = Stage.objects.get(name="Trial", pipeline_id=pipeline_id)
    client_a.post(f"/crm/pipelines/settings/stages/{trial.pk}/", {"action": "up"})
    client_a.post(
        f"/crm/pipelines/settings/stages/{trial.pk}/",
        {"action": "probability", "probability": "40"},
    )
    with tenant_context(tenant_a):
        trial.refresh_from_db()
        names = list(
            Stage.objects.filter(pipeline_id=pipeline_id)
            .order_by("position")
            .values_list("name", flat=True)
        )
    assert names[-2:] == ["Trial", "Lost"] and trial.probability == 40
    client_a.post(f"/crm/pipelines/settings/stages/{deal.stage_id}/", {"action": "delete"})
    assert rows(tenant_a, Stage, pk=deal.stage_id) == 1  # in use
    client_a.post(f"/crm/pipelines/settings/stages/{trial.pk}/", {"action": "delete"})
    assert rows(tenant_a, Stage, pk=trial.pk) == 0
    assert (
        client_a.post("/crm/pipelines/settings/loss-reasons/", {"name": "Scope"}).status_code == 302
    )
    with tenant_context(tenant_a):
        scope = LossReason.objects.get(name="Scope")
    client_a.post(f"/crm/pipelines/settings/loss-reasons/{scope.pk}/", {"is_active": "0"})
    assert rows(tenant_a, LossReason, is_active=False) == 1


def test_forecast_page_chart_and_quota_form(
    client_a, tenant_a, admin_a, deal, rows, django_assert_max_num_queries
):
    with tenant_context(tenant_a, actor=admin_a.user):
        won = services.create_opportunity(
            {"name": "Won deal", "account_id": deal.account_id, "amount": "400"}
        )
        services.mark_won(won.pk)
    response = client_a.post(
        "/crm/forecast/quotas/", {"owner_id": admin_a.user_id, "period": "2026-Q5", "amount": "10"}
    )
    assert response.status_code == 422
    _error_near(response.content.decode(), "id_period", "is not a month")
    assert rows(tenant_a, Quota) == 0
    response = client_a.post(
        "/crm/forecast/quotas/",
        {"owner_id": admin_a.user_id, "period": "2026-03", "amount": "2000"},
    )
    assert response.status_code == 302
    with django_assert_max_num_queries(20):
        page = client_a.get(
            "/crm/forecast/?period=quarter&group_by=rep&date_from=2026-01-01&date_to=2026-12-31"
        )
    html = page.content.decode()
    assert "<svg" in html and 'class="bar-weighted"' in html and 'class="bar-quota"' in html
    assert "2026-Q1" in html and "admin@alpha.test" in html and "2000.00" in html
    page = client_a.get("/crm/forecast/?date_from=2026-12-01&date_to=2026-01-01")
    assert "date_from is after date_to." in page.content.decode()
    assert client_a.get("/crm/forecast/?group_by=pipeline").status_code == 200
    assert client_a.get("/crm/forecast/?group_by=territory").status_code == 200


def test_board_before_any_pipeline_offers_the_set_up(client_a, tenant_a, rows):
    html = client_a.get("/crm/pipeline/").content.decode()
    assert "There is no pipeline yet." in html and "Create the default pipeline" in html
    assert rows(tenant_a, Stage) == 0  # reading created nothing
    assert client_a.get("/crm/opportunities/").status_code == 200
    assert client_a.get("/crm/forecast/").status_code == 200
    assert rows(tenant_a, Stage) == 0
    response = client_a.post("/crm/pipelines/setup/")
    assert response.status_code == 302
    assert rows(tenant_a, Stage) == 6 and rows(tenant_a, LossReason) == 6


def test_read_only_role_sees_no_write_controls(tenant_a, deal):
    from django.test import Client

    from valuechain.platform.tenancy import services as tenancy

    user = tenancy.create_user("planner@alpha.test", "correct horse battery staple")
    tenancy.add_member(tenant_a, user, "planner")
    client = Client()
    client.force_login(user)
    html = client.get(f"/crm/pipelines/{deal.pipeline_id}/board/").content.decode()
    assert "Sortable.min.js" not in html and "lost-dialog" not in html
    assert client.post(f"/crm/opportunities/{deal.pk}/move/", {"stage_id": 1}).status_code == 403
    with tenant_context(tenant_a):
        pipeline_services.default_pipeline()

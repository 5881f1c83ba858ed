"""The sales API: every endpoint, the error shape, nothing written on error, query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from valuechain.crm.sales import pipeline_services, services
from valuechain.crm.sales.models import (
    LossReason,
    Opportunity,
    OpportunityLine,
    Pipeline,
    Quota,
    Stage,
    StageChange,
)
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context

PASSWORD = "correct horse battery staple"


@pytest.fixture
def deal(tenant_a, admin_a, acme, ada):
    with tenant_context(tenant_a, actor=admin_a.user):
        return services.create_opportunity(
            {
                "name": "Shop relaunch",
                "account_id": acme.pk,
                "person_id": ada.pk,
                "amount": "1000",
                "expected_close_date": "2026-03-15",
            }
        )


def _stage(tenant, name):
    with tenant_context(tenant):
        return Stage.objects.get(pipeline__is_default=True, name=name)


def test_create_get_patch_opportunity(api, tenant_a, admin_a, acme, ada):
    response = api.post(
        "/opportunities",
        {
            "name": "Deal",
            "account_id": acme.pk,
            "person_id": ada.pk,
            "amount": 1200.50,
            "currency": "usd",
            "expected_close_date": "2026-04-30",
            "next_step": "Demo",
            "source": "lead:3",
            "lines": [],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage_name"] == "Qualification"
    assert (body["amount"], body["currency"], body["weighted_amount"]) == (
        "1200.50",
        "USD",
        "120.05",
    )
    assert (body["probability"], body["forecast_category"], body["status"]) == (
        10,
        "pipeline",
        "open",
    )
    assert body["owner_id"] == admin_a.user_id
    assert body["account_name"] == "Acme GmbH"
    assert body["source"] == "lead:3"
    got = api.get(f"/opportunities/{body['id']}").json()
    assert got == body
    patched = api.patch(f"/opportunities/{body['id']}", {"amount": "99.999", "next_step": ""})
    assert patched.status_code == 200
    assert (patched.json()["amount"], patched.json()["next_step"]) == ("100.00", "")


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"name": ""}, "name_required", "name"),
        ({"account_id": None}, "party_required", "account_id"),
        ({"account_id": 999999}, "unknown_account", "account_id"),
        ({"amount": "-5"}, "invalid_amount", "amount"),
        ({"amount": "ten"}, "invalid_amount", "amount"),
        ({"currency": "EURO"}, "invalid_currency", "currency"),
        ({"stage_id": 999999}, "unknown_stage", "stage_id"),
        ({"probability": 300}, "invalid_probability", "probability"),
        ({"expected_close_date": "tomorrow"}, "validation_error", None),
        (
            {"lines": [{"product_name": "A", "quantity": "-1", "unit_price": "1"}]},
            "invalid_quantity",
            "lines[0].quantity",
        ),
        ({"name": "x" * 201}, "validation_error", None),
    ],
)
def test_bad_opportunity_is_422_and_writes_nothing(api, tenant_a, acme, rows, data, code, field):
    api.error(
        api.post("/opportunities", {"name": "D", "account_id": acme.pk, **data}), 422, code, field
    )
    assert rows(tenant_a, Opportunity) == 0
    assert rows(tenant_a, OpportunityLine) == 0


def test_move_won_lost_and_history(api, tenant_a, deal, rows):
    proposal = _stage(tenant_a, "Proposal")
    moved = api.post(f"/opportunities/{deal.pk}/move", {"stage_id": proposal.pk})
    assert moved.status_code == 200, moved.content
    assert (moved.json()["stage_name"], moved.json()["probability"]) == ("Proposal", 50)

    lost_stage = _stage(tenant_a, "Lost")
    api.error(
        api.post(f"/opportunities/{deal.pk}/move", {"stage_id": lost_stage.pk}),
        422,
        "lost_reason_required",
        "lost_reason_id",
    )
    api.error(
        api.post(f"/opportunities/{deal.pk}/move", {"stage_id": proposal.pk}),
        422,
        "same_stage",
        "stage_id",
    )
    api.error(
        api.post(f"/opportunities/{deal.pk}/lost", {}),
        422,
        "lost_reason_required",
        "lost_reason_id",
    )
    api.error(api.post(f"/opportunities/{deal.pk}/move", {}), 422, "validation_error")
    assert rows(tenant_a, StageChange) == 2

    reasons = api.get("/loss-reasons").json()
    assert [r["name"] for r in reasons["items"]][:2] == ["Price", "Competitor"]
    lost = api.post(
        f"/opportunities/{deal.pk}/lost",
        {"lost_reason_id": reasons["items"][0]["id"], "close_note": "Too dear"},
    )
    assert lost.status_code == 200
    assert (lost.json()["status"], lost.json()["lost_reason"], lost.json()["close_note"]) == (
        "lost",
        "Price",
        "Too dear",
    )
    assert lost.json()["closed_at"] is not None
    won = api.post(f"/opportunities/{deal.pk}/won", {"close_note": "Came back"})
    assert (won.json()["status"], won.json()["lost_reason"], won.json()["weighted_amount"]) == (
        "won",
        None,
        "1000.00",
    )
    history = api.get(f"/opportunities/{deal.pk}/history").json()
    assert [(h["from_stage_name"], h["stage_name"]) for h in history] == [
        (None, "Qualification"),
        ("Qualification", "Proposal"),
        ("Proposal", "Lost"),
        ("Lost", "Won"),
    ]
    assert history[0]["left_at"] is not None and history[-1]["left_at"] is None
    assert all(isinstance(h["seconds"], int) for h in history)
    assert history[0]["changed_by"] == "admin@alpha.test"


def test_lines_endpoints(api, tenant_a, deal, rows):
    added = api.post(
        f"/opportunities/{deal.pk}/lines",
        {"product_name": "Licence", "sku": "LIC", "quantity": 3, "unit_price": "19.99"},
    )
    assert added.status_code == 201, added.content
    line = added.json()
    assert (line["quantity"], line["unit_price"], line["total"]) == ("3", "19.99", "59.97")
    assert api.get(f"/opportunities/{deal.pk}").json()["amount"] == "59.97"
    changed = api.patch(f"/opportunities/{deal.pk}/lines/{line['id']}", {"quantity": "1.5"})
    assert changed.json()["total"] == "29.99"  # 29.985 rounded half-up
    listed = api.get(f"/opportunities/{deal.pk}/lines").json()
    assert [item["product_name"] for item in listed] == ["Licence"]
    api.error(
        api.post(
            f"/opportunities/{deal.pk}/lines",
            {"product_name": "X", "quantity": 1, "unit_price": "x"},
        ),
        422,
        "invalid_unit_price",
        "unit_price",
    )
    api.error(
        api.patch(f"/opportunities/{deal.pk}", {"amount": "5"}), 422, "amount_from_lines", "amount"
    )
    api.error(api.delete(f"/opportunities/{deal.pk}/lines/999999"), 404, "line_not_found")
    assert api.delete(f"/opportunities/{deal.pk}/lines/{line['id']}").status_code == 204
    assert rows(tenant_a, OpportunityLine) == 0
    assert api.get(f"/opportunities/{deal.pk}").json()["amount"] == "0.00"


def test_list_filters_and_sorts(api, tenant_a, admin_a, acme, ada, deal):
    with tenant_context(tenant_a, actor=admin_a.user):
        other = services.create_opportunity(
            {
                "name": "Renewal",
                "person_id": ada.pk,
                "amount": "50",
                "expected_close_date": "2026-06-01",
            }
        )
        services.mark_won(other.pk)
    listed = api.get("/opportunities?sort=amount").json()
    assert [o["name"] for o in listed["items"]] == ["Renewal", "Shop relaunch"]
    assert api.get("/opportunities?status=won").json()["count"] == 1
    assert api.get("/opportunities?close_from=2026-04-01").json()["count"] == 1
    assert api.get("/opportunities?close_to=2026-03-31").json()["items"][0]["id"] == deal.pk
    assert api.get(f"/opportunities?account_id={acme.pk}").json()["count"] == 2
    assert api.get(f"/opportunities?owner_id={admin_a.user_id}").json()["count"] == 2
    assert api.get(f"/opportunities?stage_id={deal.stage_id}").json()["count"] == 1
    assert api.get(f"/opportunities?pipeline_id={deal.pipeline_id}").json()["count"] == 2
    assert api.get("/opportunities?search=renew").json()["count"] == 1
    api.error(api.get("/opportunities?status=maybe"), 422, "invalid_status", "status")
    api.error(api.get("/opportunities?sort=colour"), 422, "invalid_sort", "sort")
    api.error(api.get("/opportunities?close_from=soon"), 422, "validation_error")


def test_pipelines_and_stages_crud(api, tenant_a, rows):
    listed = api.get("/pipelines").json()
    assert listed["count"] == 1 and listed["items"][0]["is_default"]
    created = api.post(
        "/pipelines",
        {
            "name": "Renewals",
            "stages": [
                {"name": "Open", "probability": 40},
                {"name": "Renewed", "probability": 100, "is_won": True},
                {"name": "Churned", "is_lost": True},
            ],
        },
    )
    assert created.status_code == 201, created.content
    pipeline = created.json()
    assert [(s["name"], s["probability"], s["forecast_category"]) for s in pipeline["stages"]] == [
        ("Open", 40, "pipeline"),
        ("Renewed", 100, "closed"),
        ("Churned", 0, "omitted"),
    ]
    api.error(api.post("/pipelines", {"name": "renewals"}), 409, "name_taken", "name")
    api.error(
        api.post("/pipelines", {"name": "X", "stages": [{"name": "W", "is_won": True}]}),
        422,
        "open_stage_required",
        "stages",
    )
    api.error(
        api.post("/pipelines", {"name": "Y", "stages": [{"name": "A", "probability": 120}]}),
        422,
        "invalid_probability",
        "stages[0].probability",
    )
    assert rows(tenant_a, Pipeline) == 2

    stage = api.post(
        f"/pipelines/{pipeline['id']}/stages",
        {"name": "Quote sent", "probability": 60, "position": 1},
    )
    assert stage.status_code == 201
    stage_id = stage.json()["id"]
    order = [s["id"] for s in api.get(f"/pipelines/{pipeline['id']}").json()["stages"]]
    assert order[1] == stage_id
    reordered = api.post(f"/pipelines/{pipeline['id']}/reorder", {"stage_ids": order[::-1]})
    assert [s["id"] for s in reordered.json()] == order[::-1]
    api.error(
        api.post(f"/pipelines/{pipeline['id']}/reorder", {"stage_ids": order[:2]}),
        422,
        "invalid_order",
        "stage_ids",
    )
    assert api.patch(f"/stages/{stage_id}", {"probability": 65}).json()["probability"] == 65
    api.error(
        api.patch(f"/stages/{stage_id}", {"is_won": True, "is_lost": True}),
        422,
        "invalid_stage_flags",
    )
    renamed = api.patch(
        f"/pipelines/{pipeline['id']}", {"name": "Renewals 2026", "is_default": True}
    )
    assert renamed.json()["is_default"]
    assert [p["is_default"] for p in api.get("/pipelines?sort=position").json()["items"]] == [
        False,
        True,
    ]
    assert api.delete(f"/stages/{stage_id}").status_code == 204
    api.error(api.delete(f"/pipelines/{pipeline['id']}"), 409, "default_pipeline")
    api.error(api.get("/pipelines/999999"), 404, "not_found")
    api.error(api.delete("/stages/999999"), 404, "stage_not_found")


def test_stage_in_use_cannot_be_deleted(api, tenant_a, deal, rows):
    api.error(api.delete(f"/stages/{deal.stage_id}"), 409, "stage_in_use")
    other = api.post("/pipelines", {"name": "Other"}).json()
    api.error(api.delete(f"/pipelines/{deal.pipeline_id}"), 409, "pipeline_in_use")
    assert api.delete(f"/pipelines/{other['id']}").status_code == 204
    assert rows(tenant_a, Stage, pk=deal.stage_id) == 1


def test_loss_reasons(api, tenant_a, rows):
    created = api.post("/loss-reasons", {"name": "Lost to in-house"})
    assert created.status_code == 201
    api.error(api.post("/loss-reasons", {"name": "lost to IN-HOUSE"}), 409, "name_taken", "name")
    api.error(api.post("/loss-reasons", {"name": "  "}), 422, "name_required", "name")
    retired = api.patch(f"/loss-reasons/{created.json()['id']}", {"is_active": False})
    assert retired.json()["is_active"] is False
    assert rows(tenant_a, LossReason) == 7
    api.error(api.patch("/loss-reasons/999999", {"name": "x"}), 404, "loss_reason_not_found")


def test_quotas_and_forecast(api, tenant_a, admin_a, deal, rows):
    quarter = api.post(
        "/quotas", {"owner_id": admin_a.user_id, "period": "2026-q1", "amount": "1000"}
    )
    assert quarter.status_code == 201, quarter.content
    assert [(q["period_start"], q["amount"]) for q in quarter.json()] == [
        ("2026-01-01", "333.34"),
        ("2026-02-01", "333.33"),
        ("2026-03-01", "333.33"),
    ]
    again = api.post("/quotas", {"owner_id": admin_a.user_id, "period": "2026-03", "amount": "500"})
    assert again.json()[0]["amount"] == "500.00"
    assert rows(tenant_a, Quota) == 3
    api.error(
        api.post("/quotas", {"owner_id": admin_a.user_id, "period": "2026-13", "amount": "1"}),
        422,
        "invalid_period",
        "period",
    )
    api.error(
        api.post("/quotas", {"owner_id": 999999, "period": "2026-01", "amount": "1"}),
        422,
        "invalid_owner",
        "owner_id",
    )
    api.error(
        api.post("/quotas", {"owner_id": admin_a.user_id, "period": "2026-01", "amount": "-1"}),
        422,
        "invalid_amount",
        "amount",
    )
    assert rows(tenant_a, Quota) == 3
    assert api.get(f"/quotas?owner_id={admin_a.user_id}&year=2026").json()["count"] == 3

    report = api.get(
        "/forecast?period=quarter&group_by=rep&date_from=2026-01-01&date_to=2026-06-30"
    ).json()
    assert report["currency"] == "EUR"
    assert [t["period"] for t in report["totals"]] == ["2026-Q1", "2026-Q2"]
    [row] = [r for r in report["rows"] if r["period"] == "2026-Q1"]
    assert row["group"] == str(admin_a.user_id)
    assert (row["open_amount"], row["weighted"], row["pipeline"]) == (
        "1000.00",
        "100.00",
        "1000.00",
    )
    assert (row["commit"], row["closed_won"], row["quota"], row["attainment"]) == (
        "0.00",
        "0.00",
        "1166.67",
        "0.00",
    )
    by_pipeline = api.get(
        "/forecast?group_by=pipeline&date_from=2026-03-01&date_to=2026-03-31"
    ).json()
    assert [(r["group_label"], r["open_count"], r["quota"]) for r in by_pipeline["rows"]] == [
        ("Sales", 1, None)
    ]
    api.error(api.get("/forecast?period=week"), 422, "invalid_period", "period")
    api.error(api.get("/forecast?group_by=colour"), 422, "invalid_group_by", "group_by")
    api.error(
        api.get("/forecast?date_from=2026-05-01&date_to=2026-01-01"),
        422,
        "invalid_date_range",
        "date_from",
    )


def test_other_tenants_records_are_404(api_b, tenant_a, deal, rows):
    for path in ("", "/lines", "/history"):
        api_b.error(api_b.get(f"/opportunities/{deal.pk}{path}"), 404, "not_found")
    api_b.error(api_b.patch(f"/opportunities/{deal.pk}", {"name": "Mine"}), 404, "not_found")
    api_b.error(api_b.post(f"/opportunities/{deal.pk}/won", {}), 404, "not_found")
    api_b.error(api_b.delete(f"/stages/{deal.stage_id}"), 404, "stage_not_found")
    assert api_b.get("/opportunities").json()["count"] == 0
    assert rows(tenant_a, Opportunity, name="Shop relaunch", status="open") == 1


def _client_for(tenant, email: str, role: str) -> Client:
    user = tenancy.create_user(email, PASSWORD)
    tenancy.add_member(tenant, user, role)
    client = Client()
    client.force_login(user)
    return client


def test_reading_needs_crm_read_and_writing_crm_write(api, tenant_a, acme, rows):
    planner = _client_for(tenant_a, "planner@alpha.test", "planner")  # crm:read only
    assert planner.get("/api/v1/opportunities").status_code == 200
    response = planner.post(
        "/api/v1/opportunities",
        data={"name": "X", "account_id": acme.pk},
        content_type="application/json",
    )
    assert api.error(response, 403, "permission_denied")["details"]["needed"] == "crm:write"
    warehouse = _client_for(tenant_a, "wh@alpha.test", "warehouse")
    api.error(warehouse.get("/api/v1/forecast"), 403, "permission_denied")
    assert rows(tenant_a, Opportunity) == 0


def test_list_query_counts_do_not_grow(
    api, tenant_a, admin_a, acme, ada, django_assert_max_num_queries
):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(8):
            deal = services.create_opportunity(
                {
                    "name": f"D{index}",
                    "account_id": acme.pk,
                    "person_id": ada.pk,
                    "amount": index,
                    "expected_close_date": f"2026-0{index % 9 + 1}-01",
                }
            )
            if index % 3 == 0:
                reason = pipeline_services.loss_reasons()[0]
                services.mark_lost(deal.pk, lost_reason_id=reason.pk)
    with django_assert_max_num_queries(8):
        assert api.get("/opportunities").json()["count"] == 8
    with django_assert_max_num_queries(10):
        assert api.get("/pipelines").json()["count"] == 1
    with django_assert_max_num_queries(12):
        assert api.get("/forecast?date_from=2026-01-01&date_to=2026-12-31").status_code == 200

"""Territory pages: list, detail, forms with errors by field, team and rule forms, permissions."""

from __future__ import annotations

from valuechain.crm.territories import services
from valuechain.crm.territories.models import AssignmentRule, Territory, TerritoryMember
from valuechain.platform.tenancy.context import tenant_context

from .conftest import account_in, signed_in


def test_list_page_shows_counts_filters_and_stays_cheap(
    team, client_a, django_assert_max_num_queries
):
    with tenant_context(team.tenant, actor=team.admin.user):
        account_in("DE", "Berlin AG")
        for index in range(6):
            services.create_territory(name=f"Zone {index}")
    with django_assert_max_num_queries(12):
        response = client_a.get("/crm/territories/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "DACH" in page and "Zone 5" in page and "DE, AT, CH" in page
    assert "New territory" in page
    filtered = client_a.get("/crm/territories/?name=fran&sort=name").content.decode()
    assert "France" in filtered and "DACH" not in filtered
    assert "Territories" in client_a.get("/").content.decode()  # the menu entry


def test_detail_page_shows_criteria_team_rules_and_counts(team, client_a):
    with tenant_context(team.tenant, actor=team.admin.user):
        account_in("DE", "Berlin AG")
        account_in("AT", "Wien AG")
        services.create_rule(team.dach.pk, applies_to="account", method="least_loaded")
    page = client_a.get(f"/crm/territories/{team.dach.pk}/").content.decode()
    assert "<strong>2</strong> accounts" in page
    assert "manager@alpha.test" in page and "rep2@alpha.test" in page
    assert "New accounts by least loaded" in page
    assert client_a.get("/crm/territories/999999/").status_code == 404


def test_create_form_shows_errors_by_field_and_saves(team, client_a):
    response = client_a.post(
        "/crm/territories/new/", {"name": "Iberia", "priority": "0", "countries": "ES, XX"}
    )
    assert response.status_code == 200
    assert 'id="id_countries_error"' in response.content.decode()
    response = client_a.post("/crm/territories/new/", {"name": "dach", "priority": "0"})
    assert 'id="id_name_error"' in response.content.decode()
    with tenant_context(team.tenant):
        assert Territory.objects.count() == 2
    response = client_a.post(
        "/crm/territories/new/",
        {
            "name": "Iberia",
            "priority": "1",
            "is_active": "on",
            "countries": "es, pt",
            "size_bands": ["11-50"],
        },
    )
    assert response.status_code == 302
    with tenant_context(team.tenant):
        iberia = Territory.objects.get(name="Iberia")
        assert (iberia.countries, iberia.size_bands, iberia.is_active) == (
            ["ES", "PT"],
            ["11-50"],
            True,
        )


def test_edit_form(team, client_a):
    url = f"/crm/territories/{team.france.pk}/edit/"
    form = client_a.get(url).content.decode()
    assert 'value="FR"' in form
    response = client_a.post(
        url, {"name": "France", "priority": "2", "countries": "FR, MC", "postal_prefixes": "75, 92"}
    )
    assert response.status_code == 302
    with tenant_context(team.tenant):
        france = Territory.objects.get(pk=team.france.pk)
        assert (france.countries, france.postal_prefixes, france.is_active) == (
            ["FR", "MC"],
            ["75", "92"],
            False,
        )
    bad = client_a.post(url, {"name": "", "priority": "2"})
    assert 'id="id_name_error"' in bad.content.decode()
    assert client_a.get("/crm/territories/999999/edit/").status_code == 404


def test_team_and_rule_forms(team, client_a):
    base = f"/crm/territories/{team.france.pk}"
    assert (
        client_a.post(
            f"{base}/members/", {"member-user_id": team.rep1.user_id, "member-role": "manager"}
        ).status_code
        == 302
    )
    duplicate = client_a.post(
        f"{base}/members/", {"member-user_id": team.rep1.user_id, "member-role": "member"}
    )
    assert duplicate.status_code == 200
    assert "already is on this team" in duplicate.content.decode()
    with tenant_context(team.tenant):
        added = TerritoryMember.objects.get(territory=team.france, user=team.rep1.user)
        assert added.role == "manager"
    assert client_a.post(f"{base}/members/{added.pk}/remove/").status_code == 302
    assert client_a.post(f"{base}/members/999999/remove/").status_code == 404
    assert (
        client_a.post(
            f"{base}/rules/", {"rule-applies_to": "lead", "rule-method": "round_robin"}
        ).status_code
        == 302
    )
    again = client_a.post(
        f"{base}/rules/", {"rule-applies_to": "lead", "rule-method": "least_loaded"}
    )
    assert "already has a rule" in again.content.decode()
    with tenant_context(team.tenant):
        assert AssignmentRule.objects.filter(territory=team.france).count() == 1
        assert not TerritoryMember.objects.filter(
            territory=team.france, user=team.rep1.user
        ).exists()
    assert client_a.get(f"{base}/rules/").status_code == 405


def test_reps_see_pages_but_not_forms(team):
    client = signed_in(team.rep1)
    assert client.get("/crm/territories/").status_code == 200
    detail = client.get(f"/crm/territories/{team.dach.pk}/").content.decode()
    assert (
        "Add to team" not in detail
        and "New territory" not in client.get("/crm/territories/").content.decode()
    )
    assert client.get("/crm/territories/new/").status_code == 403
    assert (
        client.post("/crm/territories/new/", {"name": "Mine", "priority": "0"}).status_code == 403
    )
    assert (
        client.post(
            f"/crm/territories/{team.dach.pk}/rules/",
            {"rule-applies_to": "lead", "rule-method": "round_robin"},
        ).status_code
        == 403
    )
    with tenant_context(team.tenant):
        assert Territory.objects.count() == 2 and AssignmentRule.objects.count() == 0


def test_other_tenant_gets_404(team, client_b):
    assert client_b.get(f"/crm/territories/{team.dach.pk}/").status_code == 404
    assert (
        client_b.post(
            f"/crm/territories/{team.dach.pk}/edit/", {"name": "X", "priority": "0"}
        ).status_code
        == 404
    )

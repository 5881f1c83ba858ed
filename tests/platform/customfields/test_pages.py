"""Custom fields pages and the helpers contexts use: settings page, form fields, value display."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client

from valuechain.platform.customfields import services
from valuechain.platform.customfields.forms import (
    add_custom_errors,
    custom_filter_form_fields,
    custom_form_fields,
    initial_custom_values,
    submitted_custom_values,
)
from valuechain.platform.customfields.models import CustomFieldDefinition
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.web.registry import menu_items


@pytest.fixture
def fields(target, tenant_a):
    with tenant_context(tenant_a):
        return [
            services.create_definition(
                target=target,
                key="tier",
                label="Tier",
                field_type="choice",
                choices=["Gold", "Silver"],
                required=True,
            ),
            services.create_definition(
                target=target, key="amount", label="Amount", field_type="number", order=1
            ),
            services.create_definition(
                target=target, key="renewal", label="Renewal", field_type="date", order=2
            ),
            services.create_definition(
                target=target, key="vip", label="VIP", field_type="boolean", order=3
            ),
            services.create_definition(
                target=target,
                key="notes",
                label="Notes",
                field_type="text",
                order=4,
                help_text="Anything",
            ),
        ]


def test_menu_lists_the_page():
    assert ("Custom fields", "custom-field-list") in [
        (item.label, item.url_name) for item in menu_items("admin")
    ]


def test_list_page_groups_by_target_and_shows_the_form(client_a, fields, target):
    html = client_a.get("/settings/custom-fields/").content.decode()
    assert "Test thing" in html and f"<code>{target}</code>" in html
    assert "<code>tier</code>" in html and "Gold, Silver" in html
    assert 'name="key"' in html and f'<option value="{target}">Test thing</option>' in html
    assert f'action="/settings/custom-fields/{fields[0].pk}/deactivate/"' in html


def test_create_from_the_page(client_a, target, tenant_a):
    response = client_a.post(
        "/settings/custom-fields/",
        {
            "target": target,
            "label": "Region",
            "key": "region",
            "field_type": "choice",
            "choices": "North\nSouth, West",
            "order": "2",
            "filterable": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/settings/custom-fields/"
    with tenant_context(tenant_a):
        definition = CustomFieldDefinition.objects.get()
    assert (definition.key, definition.choices, definition.order) == (
        "region",
        ["North", "South", "West"],
        2,
    )
    assert (definition.filterable, definition.required) == (True, False)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"key": "Bad Key"}, "key", "Use lowercase letters"),
        ({"field_type": "choice", "choices": ""}, "choices", "needs at least one choice"),
        ({"label": ""}, "label", "This field is required."),
    ],
)
def test_create_errors_show_next_to_the_field(client_a, target, tenant_a, data, field, message):
    values = {"target": target, "label": "Notes", "key": "notes", "field_type": "text", "order": 0}
    response = client_a.post("/settings/custom-fields/", {**values, **data})
    assert response.status_code == 200
    html = response.content.decode()
    error_at = html.index(f'id="id_{field}_error"')
    assert message in html[error_at : error_at + 300]
    with tenant_context(tenant_a):
        assert not CustomFieldDefinition.objects.exists()


def test_deactivate_and_activate_from_the_page(client_a, fields, tenant_a):
    tier = fields[0]
    response = client_a.post(f"/settings/custom-fields/{tier.pk}/deactivate/")
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert CustomFieldDefinition.objects.get(pk=tier.pk).is_active is False
    assert "inactive" in client_a.get("/settings/custom-fields/").content.decode()
    client_a.post(f"/settings/custom-fields/{tier.pk}/activate/")
    with tenant_context(tenant_a):
        assert CustomFieldDefinition.objects.get(pk=tier.pk).is_active is True
    assert client_a.get(f"/settings/custom-fields/{tier.pk}/deactivate/").status_code == 405


def test_readers_see_the_list_without_the_form(tenant_a, fields):
    user = tenancy.create_user("viewer@a.example", password=None)
    tenancy.add_member(tenant_a, user, role="sales_rep")
    client = Client()
    client.force_login(user)
    assert client.get("/settings/custom-fields/").status_code == 403  # admin:read needed


def test_form_fields_follow_the_definitions(fields, target, tenant_a):
    with tenant_context(tenant_a):
        built = custom_form_fields(target)
    assert list(built) == ["cf_tier", "cf_amount", "cf_renewal", "cf_vip", "cf_notes"]
    assert isinstance(built["cf_tier"], forms.ChoiceField) and built["cf_tier"].required
    assert list(built["cf_tier"].choices) == [("", "—"), ("Gold", "Gold"), ("Silver", "Silver")]
    assert isinstance(built["cf_amount"], forms.DecimalField)
    assert isinstance(built["cf_renewal"], forms.DateField)
    assert isinstance(built["cf_vip"], forms.BooleanField) and not built["cf_vip"].required
    assert built["cf_notes"].help_text == "Anything"


def test_a_context_form_round_trip(fields, target, tenant_a):
    with tenant_context(tenant_a):
        form_class = type("ThingForm", (forms.Form,), custom_form_fields(target))
        form = form_class(
            {"cf_tier": "Gold", "cf_amount": "12.50", "cf_renewal": "2026-12-31", "cf_vip": "on"}
        )
        assert form.is_valid(), form.errors
        submitted = submitted_custom_values(form.cleaned_data)
        assert submitted == {
            "tier": "Gold",
            "amount": Decimal("12.50"),
            "renewal": dt.date(2026, 12, 31),
            "vip": True,
            "notes": "",
        }
        assert services.clean_custom_values(target, submitted) == {
            "tier": "Gold",
            "amount": "12.5",
            "renewal": "2026-12-31",
            "vip": True,
        }
    assert initial_custom_values({"tier": "Gold"}) == {"cf_tier": "Gold"}


def test_refusals_land_next_to_the_form_fields(fields, target, tenant_a):
    with tenant_context(tenant_a):
        form_class = type("ThingForm", (forms.Form,), custom_form_fields(target))
        form = form_class({"cf_tier": "Gold"})
        assert form.is_valid()
        error = DomainError(
            "invalid_custom_fields",
            "Some custom fields are not valid.",
            details={"errors": [{"field": "custom.notes", "code": "x", "message": "Too odd."}]},
        )
        add_custom_errors(form, error)
    assert form.errors == {"cf_notes": ["Too odd."]}


def test_values_template_tag_shows_labels_in_form_order(fields, target, tenant_a):
    template = Template("{% load customfields %}{% custom_values target values %}")
    values = {"notes": "Met <b>twice</b>", "vip": False, "amount": "1250.5", "gone": "x"}
    with tenant_context(tenant_a):
        html = template.render(Context({"target": target, "values": values}))
    labels = [part.split("</dt>")[0] for part in html.split("<dt>")[1:]]
    assert labels == ["Amount", "VIP", "Notes"]
    assert "<dd>1,250.5</dd>" in html and "<dd>No</dd>" in html
    assert "Met &lt;b&gt;twice&lt;/b&gt;" in html
    assert "gone" not in html


def test_filter_form_fields_cover_the_filterable_fields(fields, target, tenant_a, client_a):
    with tenant_context(tenant_a):
        for definition in fields[:4]:
            services.update_definition(definition.pk, filterable=True)
        built = custom_filter_form_fields(target)
    assert list(built) == [
        "cf_tier",
        "cf_amount__gte",
        "cf_amount__lte",
        "cf_renewal__gte",
        "cf_renewal__lte",
        "cf_vip",
    ]
    assert [f.required for f in built.values()] == [False] * 6
    assert built["cf_amount__gte"].label == "Amount from"
    assert list(built["cf_vip"].choices) == [("", "Any"), ("true", "Yes"), ("false", "No")]
    with tenant_context(tenant_a):
        form = type("Filters", (forms.Form,), built)(
            {"cf_vip": "false", "cf_amount__gte": "5", "cf_tier": ""}
        )
        assert form.is_valid()
        # the raw GET parameters are what apply_custom_filters reads
        parsed = services.custom_filter(target, form.data)
    assert parsed.q.children == [
        ("custom_filter_amount__gte", Decimal("5")),
        ("custom_filter_vip__exact", False),
    ]


def test_detail_page_changes_a_field_and_shows_its_history(client_a, fields, tenant_a):
    tier = fields[0]
    page = client_a.get(f"/settings/custom-fields/{tier.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<code>tier</code>" in html and "Gold\nSilver</textarea>" in html
    response = client_a.post(
        f"/settings/custom-fields/{tier.pk}/",
        {"label": "Level", "choices": "Gold, Bronze", "order": "5", "filterable": "on"},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        tier.refresh_from_db()
    assert (tier.label, tier.choices, tier.order, tier.required, tier.filterable) == (
        "Level",
        ["Gold", "Bronze"],
        5,
        False,
        True,
    )
    history = client_a.get(f"/settings/custom-fields/{tier.pk}/").content.decode()
    assert "History" in history and "<strong>label</strong>" in history


def test_detail_page_errors_show_next_to_the_field(client_a, fields):
    tier = fields[0]
    response = client_a.post(
        f"/settings/custom-fields/{tier.pk}/", {"label": "Tier", "choices": "", "order": "0"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    error_at = html.index('id="id_choices_error"')
    assert "A choice field needs at least one choice." in html[error_at : error_at + 300]


def test_detail_page_of_another_tenant_is_not_found(client_b, fields):
    assert client_b.get(f"/settings/custom-fields/{fields[0].pk}/").status_code == 404

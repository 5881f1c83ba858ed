"""Services of custom fields: definitions and their refusals, cleaning values, JSON filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Q

from valuechain.platform.customfields import registry, services
from valuechain.platform.customfields.models import CustomFieldDefinition
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.platform.tenancy.context import tenant_context


def _define(target, key, field_type="text", **kwargs):
    return services.create_definition(
        target=target,
        key=key,
        label=kwargs.pop("label", key.title()),
        field_type=field_type,
        **kwargs,
    )


@pytest.fixture
def fields(target, tenant_a):
    """Tenant A's fields on the test target."""
    with tenant_context(tenant_a):
        return {
            "tier": _define(target, "tier", "choice", choices=["Gold", "Silver"], filterable=True),
            "amount": _define(target, "amount", "number", filterable=True, order=1),
            "renewal": _define(target, "renewal", "date", filterable=True, order=2),
            "vip": _define(target, "vip", "boolean", filterable=True, order=3),
            "notes": _define(target, "notes", "text", filterable=True, required=True, order=4),
        }


def test_create_stores_the_definition_and_publishes_an_event(target, tenant_a):
    with tenant_context(tenant_a):
        definition = services.create_definition(
            target=target,
            key="tier",
            label=" Tier ",
            field_type="choice",
            choices=["Gold", " Silver "],
            required=True,
            help_text="Commercial tier",
        )
        assert definition.tenant_id == tenant_a.pk
        assert (definition.label, definition.choices) == ("Tier", ["Gold", "Silver"])
        assert (definition.required, definition.is_active, definition.filterable) == (
            True,
            True,
            False,
        )
        [event] = OutboxEvent.objects.filter(type="CustomFieldDefined")
    assert event.payload == {
        "id": definition.pk,
        "target": target,
        "key": "tier",
        "label": "Tier",
        "field_type": "choice",
        "is_active": True,
    }


@pytest.mark.parametrize(
    ("arguments", "code", "field"),
    [
        ({"target": "customers.nothing"}, "unknown_target", "target"),
        ({"key": "Bad Key"}, "invalid_key", "key"),
        ({"field_type": "money"}, "invalid_field_type", "field_type"),
        ({"field_type": "choice", "choices": []}, "invalid_choices", "choices"),
        ({"choices": ["a"]}, "invalid_choices", "choices"),
        ({"label": "  "}, "invalid_label", "label"),
        ({"help_text": "h" * 301}, "invalid_help_text", "help_text"),
        ({"order": -1}, "invalid_order", "order"),
    ],
)
def test_create_refusals(target, tenant_a, arguments, code, field):
    values = {"target": target, "key": "notes", "label": "Notes", "field_type": "text"}
    with tenant_context(tenant_a), pytest.raises(DomainError) as raised:
        services.create_definition(**{**values, **arguments})
    assert (raised.value.code, raised.value.field, raised.value.status) == (code, field, 422)
    with tenant_context(tenant_a):
        assert not CustomFieldDefinition.objects.exists()


def test_unknown_target_lists_the_possible_ones(target, tenant_a):
    with tenant_context(tenant_a), pytest.raises(DomainError) as raised:
        _define("customers.nothing", "notes")
    assert "possible targets: " in raised.value.message and target in raised.value.message


def test_keys_are_unique_per_tenant_and_target_even_when_inactive(target, tenant_a, tenant_b):
    registry.register_target("tests.other", "Other")
    try:
        with tenant_context(tenant_a):
            first = _define(target, "notes")
            services.deactivate_definition(first.pk)
            with pytest.raises(DomainError) as raised:
                _define(target, "notes")
            assert (raised.value.code, raised.value.status) == ("duplicate_key", 409)
            _define("tests.other", "notes")  # another target may reuse the key
        with tenant_context(tenant_b):
            _define(target, "notes")  # so may another tenant
    finally:
        registry.unregister_target("tests.other")


def test_update_changes_only_what_differs(fields, tenant_a):
    tier = fields["tier"]
    with tenant_context(tenant_a):
        same = services.update_definition(tier.pk, label="Tier", key="tier")
        assert same.updated_at == tier.updated_at
        changed = services.update_definition(
            tier.pk, label="Level", choices=["Gold", "Silver", "Bronze"], required=True
        )
        assert (changed.label, changed.choices, changed.required) == (
            "Level",
            ["Gold", "Silver", "Bronze"],
            True,
        )
        [event] = OutboxEvent.objects.filter(type="CustomFieldUpdated")
    assert event.payload["changed"] == ["choices", "label", "required"]


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"key": "level"}, "key_immutable", "key"),
        ({"target": "customers.account"}, "target_immutable", "target"),
        ({"field_type": "text"}, "type_immutable", "field_type"),
        ({"choices": []}, "invalid_choices", "choices"),
        ({"label": ""}, "invalid_label", "label"),
        ({"tenant": 5}, "invalid_change", "tenant"),
    ],
)
def test_update_refusals(fields, tenant_a, changes, code, field):
    with tenant_context(tenant_a), pytest.raises(DomainError) as raised:
        services.update_definition(fields["tier"].pk, **changes)
    assert (raised.value.code, raised.value.field) == (code, field)


def test_update_of_another_tenants_definition_is_not_found(fields, tenant_b):
    with tenant_context(tenant_b), pytest.raises(DomainError) as raised:
        services.update_definition(fields["tier"].pk, label="Stolen")
    assert (raised.value.code, raised.value.status) == ("not_found", 404)


def test_clean_custom_values_uses_the_active_definitions(fields, target, tenant_a):
    with tenant_context(tenant_a):
        cleaned = services.clean_custom_values(
            target, {"tier": "Gold", "amount": "12.50", "notes": "n", "vip": False}
        )
        assert cleaned == {"tier": "Gold", "amount": "12.5", "notes": "n", "vip": False}
        services.deactivate_definition(fields["amount"].pk)
        with pytest.raises(DomainError) as raised:
            services.clean_custom_values(target, {"amount": "1", "notes": "n"})
        kept = services.clean_custom_values(
            target, {"notes": "m"}, current={"amount": "12.5", "notes": "n"}
        )
    assert raised.value.code == "invalid_custom_fields"
    assert raised.value.details["errors"] == [
        {
            "field": "custom.amount",
            "code": "unknown_field",
            "message": "There is no custom field 'amount'.",
        }
    ]
    assert raised.value.message == "custom.amount: There is no custom field 'amount'."
    assert kept == {"amount": "12.5", "notes": "m"}


def test_clean_custom_values_reports_every_error(fields, target, tenant_a):
    with tenant_context(tenant_a), pytest.raises(DomainError) as raised:
        services.clean_custom_values(target, {"tier": "Bronze"})
    error = raised.value
    assert (error.code, error.status, error.field) == ("invalid_custom_fields", 422, "custom.tier")
    assert error.message == "Some custom fields are not valid."
    assert [(e["field"], e["code"]) for e in error.details["errors"]] == [
        ("custom.tier", "invalid_choice"),
        ("custom.notes", "required"),
    ]


def test_other_tenants_definitions_do_not_apply(fields, target, tenant_b):
    with tenant_context(tenant_b):
        assert services.clean_custom_values(target, {}) == {}
        with pytest.raises(DomainError) as raised:
            services.clean_custom_values(target, {"tier": "Gold"})
    assert raised.value.details["errors"][0]["code"] == "unknown_field"


def test_no_filters_leave_the_queryset_alone(fields, target, tenant_a):
    with tenant_context(tenant_a):
        found = services.custom_filter(target, {"q": "x", "cf_tier": ""}, column="payload")
        rows = OutboxEvent.objects.all()
        assert (found.aliases, found.q) == ({}, Q())
        assert found.apply(rows) is rows


def test_filter_builds_aliased_lookups(fields, target, tenant_a):
    with tenant_context(tenant_a):
        found = services.custom_filter(
            target, {"cf_tier": "Gold", "cf_amount__gte": "1.50", "cf_notes": "A"}
        )
    assert sorted(found.aliases) == [
        "custom_filter_amount",
        "custom_filter_notes",
        "custom_filter_tier",
    ]
    assert found.q == Q(
        custom_filter_amount__gte=Decimal("1.50"),
        custom_filter_notes__iexact="A",
        custom_filter_tier__exact="Gold",
    )


def test_bad_filters_raise_invalid_custom_filter(fields, target, tenant_a):
    with tenant_context(tenant_a), pytest.raises(DomainError) as raised:
        services.custom_filter(target, {"cf_amount__gte": "lots"})
    assert (raised.value.code, raised.value.field) == ("invalid_custom_filter", "cf_amount__gte")


# --- filters on a real JSON column (OutboxEvent.payload stands in for a record's custom) ---


@pytest.fixture
def records(fields, target, tenant_a):
    """Outbox rows of type TestRecord whose payload holds cleaned custom values."""
    values = [
        {"tier": "Gold", "amount": "9.5", "renewal": "2026-01-31", "vip": True, "notes": "Alpha"},
        {"tier": "Silver", "amount": "10", "renewal": "2026-02-01", "vip": False, "notes": "beta"},
        {"tier": "Gold", "amount": "100.25", "renewal": "2026-12-31", "vip": False, "notes": "x"},
        {"tier": "Gold", "amount": "-3", "notes": "y"},
    ]
    with tenant_context(tenant_a):
        return [
            OutboxEvent.objects.create(
                type="TestRecord", payload=services.clean_custom_values(target, value)
            )
            for value in values
        ]


def _matching(target, params, records):
    rows = OutboxEvent.objects.filter(type="TestRecord")
    found = services.apply_custom_filters(rows, target, params, column="payload")
    ids = set(found.values_list("pk", flat=True))
    return [index for index, record in enumerate(records) if record.pk in ids]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"cf_tier": "Gold"}, [0, 2, 3]),
        ({"custom.tier": "Silver"}, [1]),
        ({"cf_vip": "true"}, [0]),
        ({"cf_vip": "false"}, [1, 2]),
        ({"cf_notes": "ALPHA"}, [0]),
        ({"cf_amount": "10.00"}, [1]),
        ({"cf_amount__gte": "10"}, [1, 2]),
        ({"cf_amount__gt": "9.5"}, [1, 2]),
        ({"cf_amount__lt": "10"}, [0, 3]),  # numeric, not text order: "100.25" > "10"
        ({"cf_amount__lte": "-3"}, [3]),
        ({"cf_renewal__gte": "2026-02-01"}, [1, 2]),
        ({"cf_renewal__lt": "2026-02-01", "cf_tier": "Gold"}, [0]),
        ({"cf_renewal": "2026-12-31"}, [2]),
        ({"cf_amount__gte": "0", "cf_amount__lte": "50", "cf_vip": "no"}, [1]),
    ],
)
def test_filters_on_a_json_column(records, target, tenant_a, params, expected):
    with tenant_context(tenant_a):
        assert _matching(target, params, records) == expected

"""Every tenant-owned model is audited automatically: exact values, actor, channel, transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.audit.recorder import audited_fields, is_audited
from valuechain.platform.events.models import OutboxEvent, WebhookEndpoint
from valuechain.platform.models import DocumentSequence, FxRate
from valuechain.platform.tenancy.context import (
    system_context,
    tenant_context,
    use_context,
)
from valuechain.platform.tenancy.models import tenant_owned_models

DAY = dt.date(2026, 1, 5)


def _entries(obj=None, model=FxRate):
    with system_context():
        queryset = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
        if obj is not None:
            queryset = queryset.filter(object_id=str(obj.pk))
        return list(queryset.order_by("at", "pk"))


def _rate(**overrides):
    values = {"base": "EUR", "quote": "USD", "rate": Decimal("1.1"), "valid_on": DAY}
    values.update(overrides)
    return FxRate.objects.create(**values)


def test_create_records_every_filled_field_with_actor_and_channel(in_tenant_a, admin_a):
    rate = _rate(source="ECB")
    [entry] = _entries(rate)
    assert entry.action == "create"
    assert entry.tenant_id == in_tenant_a.pk
    assert entry.object_id == str(rate.pk)
    assert entry.object_repr == "1 EUR = 1.1 USD on 2026-01-05"
    assert entry.changes == {
        "base": {"old": None, "new": "EUR"},
        "quote": {"old": None, "new": "USD"},
        "rate": {"old": None, "new": "1.1000000000"},
        "valid_on": {"old": None, "new": "2026-01-05"},
        "source": {"old": None, "new": "ECB"},
    }
    assert entry.actor_id == admin_a.user_id
    assert entry.channel == "cli"
    assert entry.token_id is None


def test_update_records_only_changed_fields_with_exact_old_and_new(in_tenant_a):
    rate = _rate()
    rate.rate = Decimal("1.25")
    rate.valid_on = dt.date(2026, 2, 1)
    with use_context(channel="api", token_id=77):
        rate.save()
    entries = _entries(rate)
    assert [e.action for e in entries] == ["create", "update"]
    update = entries[1]
    assert update.changes == {
        "rate": {"old": "1.1000000000", "new": "1.2500000000"},
        "valid_on": {"old": "2026-01-05", "new": "2026-02-01"},
    }
    assert (update.channel, update.token_id) == ("api", 77)


def test_update_with_no_change_writes_nothing(in_tenant_a):
    rate = _rate()
    rate.save()
    rate.rate = "1.10"  # the same value as text
    rate.save()
    fresh = FxRate.objects.get(pk=rate.pk)
    fresh.save()
    assert [e.action for e in _entries(rate)] == ["create"]


def test_update_fields_limits_what_is_compared(in_tenant_a):
    rate = _rate()
    rate.source = "manual"
    rate.rate = Decimal("2")
    rate.save(update_fields=["source"])
    assert _entries(rate)[-1].changes == {"source": {"old": "", "new": "manual"}}


def test_delete_records_the_values_the_record_held(in_tenant_a, admin_a):
    rate = _rate()
    rate_id = rate.pk
    with use_context(channel="ui"):
        rate.delete()
    entry = _entries(model=FxRate)[-1]
    assert entry.action == "delete"
    assert entry.object_id == str(rate_id)
    assert entry.channel == "ui"
    assert entry.actor_id == admin_a.user_id
    assert entry.changes == {
        "base": {"old": "EUR", "new": None},
        "quote": {"old": "USD", "new": None},
        "rate": {"old": "1.1000000000", "new": None},
        "valid_on": {"old": "2026-01-05", "new": None},
    }


def test_entry_is_rolled_back_with_the_change(in_tenant_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        _rate()
        raise RuntimeError("boom")
    assert _entries() == []


def test_system_and_job_channels_come_from_the_context(tenant_a):
    with tenant_context(tenant_a, channel="job"):
        rate = _rate()
    with system_context():
        rate.source = "sweeper"
        rate.save()
    entries = _entries(rate)
    assert [(e.action, e.channel, e.actor_id) for e in entries] == [
        ("create", "job", None),
        ("update", "system", None),
    ]
    assert entries[1].tenant_id == tenant_a.pk


def test_excluded_fields_and_timestamps_are_not_recorded(in_tenant_a):
    names = {field.name for field in audited_fields(WebhookEndpoint)}
    assert names == {"url", "event_types", "is_active", "description"}
    assert "created_at" not in {f.name for f in audited_fields(FxRate)}
    endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example.test/a", event_types=["*"], secret="whsec_x"
    )
    endpoint.secret = "whsec_y"
    endpoint.save()
    [entry] = _entries(endpoint, model=WebhookEndpoint)
    assert "secret" not in entry.changes
    assert entry.changes["event_types"] == {"old": None, "new": ["*"]}


def test_opted_out_models_are_not_audited(in_tenant_a):
    assert not is_audited(AuditEntry)
    assert not is_audited(OutboxEvent)
    OutboxEvent.objects.create(type="SomethingHappened")
    with system_context():
        assert not AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(OutboxEvent)
        ).exists()


def test_every_audited_tenant_owned_model_has_the_receivers():
    audited = [model for model in tenant_owned_models() if is_audited(model)]
    assert FxRate in audited and DocumentSequence in audited and WebhookEndpoint in audited
    for model in audited:
        assert pre_save.has_listeners(model), model
        assert post_save.has_listeners(model), model
        assert post_delete.has_listeners(model), model


def test_entries_belong_to_the_records_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        _rate()
    with tenant_context(tenant_b):
        _rate(quote="GBP")
    with tenant_context(tenant_a):
        assert [e.changes["quote"]["new"] for e in AuditEntry.objects.all()] == ["USD"]
    with tenant_context(tenant_b):
        assert [e.changes["quote"]["new"] for e in AuditEntry.objects.all()] == ["GBP"]


def test_saving_only_unaudited_fields_reads_and_writes_nothing(in_tenant_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rate = _rate()
    with CaptureQueriesContext(connection) as queries:
        rate.save(update_fields=["updated_at"])
    assert len(queries) == 1  # the UPDATE itself; no read of old values, no entry
    assert [e.action for e in _entries(rate)] == ["create"]

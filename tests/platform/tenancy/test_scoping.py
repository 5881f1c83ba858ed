"""The tenant-scoping mechanism: managers refuse to run unscoped; rows stay in their tenant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from valuechain.platform.models import FxRate
from valuechain.platform.tenancy.context import (
    TenantNotSet,
    current,
    system_context,
    tenant_context,
)
from valuechain.platform.tenancy.models import CrossTenantWrite, tenant_owned_models
from valuechain.platform.tenancy.rls import install_policies

DAY = dt.date(2026, 1, 5)


def _rate(quote: str) -> FxRate:
    return FxRate.objects.create(base="EUR", quote=quote, rate=Decimal("1.1"), valid_on=DAY)


@pytest.fixture
def rates(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        a = _rate("USD")
    with tenant_context(tenant_b):
        b = _rate("GBP")
    return a, b


def test_query_without_tenant_is_refused(db):
    with pytest.raises(TenantNotSet):
        list(FxRate.objects.all())


def test_create_without_tenant_is_refused(db):
    with pytest.raises(TenantNotSet):
        _rate("USD")


def test_each_tenant_sees_only_its_rows(rates, tenant_a, tenant_b):
    _, b = rates
    with tenant_context(tenant_a):
        assert list(FxRate.objects.values_list("quote", flat=True)) == ["USD"]
        assert not FxRate.objects.filter(pk=b.pk).exists()
    with tenant_context(tenant_b):
        assert list(FxRate.objects.values_list("quote", flat=True)) == ["GBP"]


def test_new_rows_take_the_current_tenant(rates, tenant_a):
    a, _ = rates
    assert a.tenant_id == tenant_a.pk


def test_saving_another_tenants_row_is_refused(rates, tenant_a):
    _, b = rates
    with tenant_context(tenant_a), pytest.raises(CrossTenantWrite):
        b.save()


def test_system_context_sees_every_tenant(rates):
    with system_context():
        assert FxRate.objects.count() == 2
        assert current().bypass is True
    assert current().bypass is False


def test_contexts_nest_and_restore(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        with tenant_context(tenant_b):
            assert current().tenant_id == tenant_b.pk
        assert current().tenant_id == tenant_a.pk
    assert current().tenant_id is None


def test_every_tenant_owned_model_is_found():
    names = {model.__name__ for model in tenant_owned_models()}
    assert {"FxRate", "DocumentSequence"} <= names
    assert "IdempotencyRecord" not in names


# --- PostgreSQL row-level security: the second wall ---------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level security exists on PostgreSQL only"
)


@postgres_only
@pytest.mark.postgres
def test_every_tenant_owned_table_has_forced_rls(db):
    tables = sorted({model._meta.db_table for model in tenant_owned_models()})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = ANY(%s) ORDER BY relname",
            [tables],
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        role = cursor.fetchone()
    assert rows == [(table, True, True) for table in tables]
    assert role == (False, False), "the app role must be subject to RLS"


@postgres_only
@pytest.mark.postgres
def test_raw_sql_cannot_read_or_write_another_tenant(rates, tenant_a, tenant_b):
    _, b = rates
    table = FxRate._meta.db_table
    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute(f"SELECT quote FROM {table}")
        assert cursor.fetchall() == [("USD",)]
        cursor.execute(f"UPDATE {table} SET rate = 9 WHERE id = %s", [b.pk])
        assert cursor.rowcount == 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone() == (0,), "no tenant set: RLS shows nothing"
    with system_context():
        assert FxRate.objects.get(pk=b.pk).rate == Decimal("1.1")


@postgres_only
@pytest.mark.postgres
def test_policies_install_idempotently(db):
    first = install_policies()
    assert install_policies() == first
    assert FxRate._meta.db_table in first

"""Tenant isolation across every API route and every page, discovered automatically.

Tenant B gets one record of every tenant-owned model, with a marker in each text field and
the same integer primary key in every table, far above anything tenant A has. Tenant A's API token
and A's browser session then call every operation of the OpenAPI document and every page of
the URL configuration with that id in every path parameter: whichever model a route
addresses, the id is B's record of it, so one call per route covers it. A new route or
model is covered without editing this file. The test proves: no 2xx on B's ids, the marker
never appears in what A sees (lists, details, search), and B's rows are byte-for-byte
unchanged after A's writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from model_bakery import baker

from valuechain.api import api
from valuechain.platform.identity import services as identity
from valuechain.platform.tenancy.context import system_context, tenant_context
from valuechain.platform.tenancy.models import Membership, Tenant, tenant_owned_models

MARK = "betasecret"
LEAK = re.compile(MARK + r"\d")  # B's values are MARK + index; a bare query echo is not a leak
B_PK = 900_000  # every B record has this id, in its own table
PUBLIC_OPERATIONS: set[tuple[str, str]] = set()
# Routes addressed by a key the client chooses: an unknown key creates A's own record, so a
# 2xx there is no leak; the marker and B-unchanged checks still apply to them.
UPSERT_BY_KEY = {
    ("PATCH", "/api/v1/sequences/{key}"),
    ("POST", "/api/v1/sequences/{key}/next"),
}
PAGE_PREFIXES_SKIPPED = ("/static/", "/media/")
PATH_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


def _marker_value(field: models.Field[Any, Any], index: int) -> str | None:
    """A marked text for free-text fields, None where the field's format forbids it."""
    if field.choices or not isinstance(field, models.CharField | models.TextField):
        return None
    if isinstance(field, models.URLField):
        return f"https://{MARK}{index}.example/hook"
    if isinstance(field, models.EmailField):
        return f"{MARK}{index}@example.com"
    value = f"{MARK}{index}"
    max_length = field.max_length or 255
    return value if len(value) <= max_length else None


def _seed_tenant_b(tenant_b: Tenant, admin_b: Membership) -> list[models.Model]:
    """One record of every tenant-owned model in tenant B, with marked text and high ids."""
    made: dict[type[models.Model], models.Model] = {}
    order = {model: index for index, model in enumerate(tenant_owned_models())}

    def make(model: type[models.Model]) -> models.Model:
        if model in made:
            return made[model]
        index = order[model]
        values: dict[str, Any] = {"tenant": tenant_b}
        for field in model._meta.concrete_fields:
            target = field.related_model
            if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
                values[field.name] = B_PK
            elif target is Membership:
                values[field.name] = admin_b
            elif target is type(admin_b.user):
                values[field.name] = admin_b.user
            elif target is model:
                continue  # a hierarchy (parent FK to self): B's root record has no parent
            elif field.is_relation and target in order and field.name != "tenant":
                values[field.name] = make(target)  # type: ignore[arg-type]
            elif field.name not in values and not field.primary_key and not field.unique:
                marker = _marker_value(field, index)
                if marker is not None:
                    values[field.name] = marker
        made[model] = baker.make(model, **values)
        return made[model]

    with tenant_context(tenant_b, actor=admin_b.user, channel="cli"):
        for model in order:
            make(model)
    return list(made.values())


def _snapshot(records: list[models.Model]) -> dict[str, Any]:
    """Every B record's stored field values, read back from the database."""
    with system_context():
        state = {}
        for record in records:
            fresh = type(record).unscoped.filter(pk=record.pk).first()  # type: ignore[attr-defined]
            state[f"{record._meta.label}:{record.pk}"] = (
                None if fresh is None else json.dumps(model_to_dict(fresh), default=str)
            )
        return state


@pytest.fixture
def world(tenant_a, admin_a, tenant_b, admin_b) -> Iterator[dict[str, Any]]:
    """Tenant A's clients and tenant B's seeded records.

    A's token exists before B's rows, so its id is lower than B's explicit ids on every
    database (SQLite hands out max(id) + 1, which would otherwise land next to B's ids).
    """
    with tenant_context(tenant_a, actor=admin_a.user):
        _token, raw = identity.create_token(
            admin_a,
            name="isolation",
            scopes=["crm:write", "scm:write", "intelligence:write", "admin:write"],
            expires_in_days=1,
            actor=admin_a.user,
        )
    session = Client()
    session.force_login(admin_a.user)
    records = _seed_tenant_b(tenant_b, admin_b)
    yield {"records": records, "token": raw, "session": session}


def _b_ids(records: list[models.Model]) -> list[str]:
    """The ids to put in path parameters: the one integer id all of B's records share, plus
    the generated keys of models whose primary key is not an integer (UUIDs)."""
    ids = sorted({str(record.pk) for record in records})
    assert str(B_PK) in ids
    return ids


def _api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append((method.upper(), path, operation))
    return operations


def test_every_api_operation_requires_authentication() -> None:
    unauthenticated = [
        (method, path)
        for method, path, operation in _api_operations()
        if not operation.get("security") and (method, path) not in PUBLIC_OPERATIONS
    ]
    assert unauthenticated == []


def _call(client: Client, method: str, path: str, token: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method in {"GET", "DELETE"}:
        return getattr(client, method.lower())(path, **headers)
    return getattr(client, method.lower())(
        path, data="{}", content_type="application/json", **headers
    )


def test_api_never_shows_or_changes_another_tenants_records(world) -> None:
    records, token = world["records"], world["token"]
    before = _snapshot(records)
    leaks: list[str] = []
    operations = _api_operations()
    assert operations, "the OpenAPI document lists no operations"
    for method, path, _operation in operations:
        params = PATH_PARAM.findall(path)
        candidates = [path]
        if params:
            candidates = [PATH_PARAM.sub(b_id, path) for b_id in _b_ids(records)]
        for url in candidates:
            for client, bearer in ((Client(), token), (world["session"], None)):
                response = _call(client, method, url, bearer)
                body = response.getvalue().decode(errors="replace")
                upsert = (method, path) in UPSERT_BY_KEY
                if params and not upsert and 200 <= response.status_code < 300:
                    leaks.append(f"{method} {url} answered {response.status_code} for B's id")
                if LEAK.search(body.lower()):
                    leaks.append(f"{method} {url} showed tenant B's data")
                if response.status_code >= 500:
                    leaks.append(f"{method} {url} failed with {response.status_code}")
    assert leaks == []
    assert _snapshot(records) == before


def _page_patterns(
    resolver: URLResolver | None = None, prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _page_patterns(entry, route)
        else:
            yield route, entry


CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _page_urls(records: list[models.Model]) -> Iterator[tuple[str, bool]]:
    """Concrete page URLs: (url, has B's id in it). The API is covered above."""
    for route, _pattern in _page_patterns():
        if route.startswith("api/") or "(?P<" in route or route.startswith("^"):
            continue
        url = "/" + route
        if url.startswith(PAGE_PREFIXES_SKIPPED):
            continue
        if CONVERTER.search(url):
            for b_id in _b_ids(records):
                yield CONVERTER.sub(b_id, url), True
        else:
            yield url, False


def test_pages_never_show_another_tenants_records(world) -> None:
    records = world["records"]
    session: Client = world["session"]
    leaks: list[str] = []
    for url, has_b_id in _page_urls(records):
        response = session.get(url)
        body = response.getvalue().decode(errors="replace")
        if has_b_id and response.status_code == 200:
            leaks.append(f"GET {url} answered 200 for B's id")
        if LEAK.search(body.lower()):
            leaks.append(f"GET {url} showed tenant B's data")
        if response.status_code >= 500:
            leaks.append(f"GET {url} failed with {response.status_code}")
    assert leaks == []


def test_search_never_finds_another_tenants_records(world) -> None:
    response = world["session"].get("/search/", {"q": MARK})
    assert response.status_code == 200
    assert not LEAK.search(response.getvalue().decode().lower())

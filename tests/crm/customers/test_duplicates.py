"""Scanning for duplicates: reasons and scores, dismissals that stick, CLI, tenant scope."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from valuechain.crm.customers import duplicates, services
from valuechain.crm.customers.merge_models import DuplicateCandidate
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import tenant_context


def _pairs(kind: str) -> list[tuple[int, int, list[str], int, str]]:
    return [
        (c.first_id, c.second_id, c.reasons, c.score, c.status)
        for c in DuplicateCandidate.objects.filter(kind=kind).order_by("first_id", "second_id")
    ]


@pytest.mark.usefixtures("in_tenant_a")
def test_people_by_email_phone_and_name() -> None:
    ada = services.create_person(first_name="Ada", last_name="Lovelace")
    ada2 = services.create_person(first_name="A.", last_name="King")
    ada3 = services.create_person(first_name="Ada", last_name="Lovelance")
    bob = services.create_person(first_name="Bob", last_name="Ross")
    bob2 = services.create_person(first_name="Robert", last_name="Ross")
    services.create_person(first_name="Carl", last_name="Zeiss")
    services.add_email("person", ada.pk, email="ada@example.com")
    services.add_email("person", ada2.pk, email="ADA@example.com")
    services.add_phone("person", bob.pk, number="+49 30 123456")
    services.add_phone("person", bob2.pk, number="+4930123456")

    result = duplicates.scan("person")

    assert (result.scanned, result.found, result.created) == (6, 3, 3)
    assert _pairs("person") == [
        (ada.pk, ada2.pk, ["same_email"], 95, "open"),
        (ada.pk, ada3.pk, ["similar_name"], 77, "open"),
        (bob.pk, bob2.pk, ["same_phone"], 90, "open"),
    ]


@pytest.mark.usefixtures("in_tenant_a")
def test_accounts_by_name_domain_and_contacts() -> None:
    acme = services.create_account(name="Acme GmbH", website="https://www.acme.example/")
    acme2 = services.create_account(name="ACME Inc.")
    acme3 = services.create_account(name="A.C.M.E. Europe", website="acme.example")
    globex = services.create_account(name="Globex")
    globex2 = services.create_account(name="Initech")
    services.add_email("account", globex.pk, email="sales@globex.example")
    services.add_email("account", globex2.pk, email="sales@globex.example")

    duplicates.scan("account")

    assert _pairs("account") == [
        (acme.pk, acme2.pk, ["same_name"], 80, "open"),
        (acme.pk, acme3.pk, ["same_domain"], 85, "open"),
        (globex.pk, globex2.pk, ["same_email"], 95, "open"),
    ]


@pytest.mark.usefixtures("in_tenant_a")
def test_dismissed_pairs_stay_dismissed_and_stale_pairs_go() -> None:
    a = services.create_person(first_name="Ann", last_name="Lee")
    b = services.create_person(first_name="Ann", last_name="Lee")
    c = services.create_person(first_name="Ann", last_name="Leeh")
    duplicates.scan("person")
    pairs = {(row.first_id, row.second_id): row for row in DuplicateCandidate.objects.all()}
    assert set(pairs) == {(a.pk, b.pk), (a.pk, c.pk), (b.pk, c.pk)}
    duplicates.dismiss(pairs[(a.pk, b.pk)].pk)
    duplicates.dismiss(pairs[(a.pk, b.pk)].pk)  # again: no change, no error
    services.update_person(c.pk, last_name="Zhang")

    result = duplicates.scan("person")

    assert (result.found, result.created, result.updated, result.removed) == (1, 0, 1, 2)
    assert result.dismissed_kept == 1
    assert [(r[0], r[1], r[4]) for r in _pairs("person")] == [(a.pk, b.pk, "dismissed")]
    assert duplicates.candidates("person").count() == 0
    assert duplicates.candidates("person", "dismissed").count() == 1


@pytest.mark.usefixtures("in_tenant_a")
def test_refusals() -> None:
    with pytest.raises(DomainError) as caught:
        duplicates.scan("lead")
    assert (caught.value.code, caught.value.details["field"]) == ("invalid_kind", "kind")
    with pytest.raises(DomainError) as caught:
        duplicates.dismiss(999_999)
    assert (caught.value.code, caught.value.status) == ("not_found", 404)
    row = DuplicateCandidate.objects.create(
        kind="person", first_id=1, second_id=2, score=90, reasons=[], status="merged"
    )
    with pytest.raises(DomainError) as caught:
        duplicates.dismiss(row.pk)
    assert (caught.value.code, caught.value.status) == ("already_merged", 409)


def test_scan_is_tenant_scoped(tenant_a, tenant_b) -> None:
    with tenant_context(tenant_a):
        services.create_person(first_name="Ann", last_name="Lee")
    with tenant_context(tenant_b):
        services.create_person(first_name="Ann", last_name="Lee")
        assert duplicates.scan("person").found == 0
    with tenant_context(tenant_a):
        assert DuplicateCandidate.objects.count() == 0


def test_cli_scan(tenant_a) -> None:
    with tenant_context(tenant_a):
        services.create_person(first_name="Ann", last_name="Lee")
        services.create_person(first_name="Ann", last_name="Lee")
    out = StringIO()
    call_command("duplicates", "scan", "--tenant", "alpha", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "Scanning person records of alpha…",
        "  2 people read; comparing names",
        "  1 likely pairs among 2 person records",
        "person: 1 pairs (1 new, 0 seen before, 0 stay dismissed, 0 gone)",
        "Scanning account records of alpha…",
        "  0 accounts read; comparing names",
        "  0 likely pairs among 0 account records",
        "account: 0 pairs (0 new, 0 seen before, 0 stay dismissed, 0 gone)",
    ]
    with pytest.raises(CommandError, match="No tenant"):
        call_command("duplicates", "scan", "--tenant", "nope", stdout=StringIO())

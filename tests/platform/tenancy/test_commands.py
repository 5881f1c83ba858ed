"""`valuechain tenant …` and `valuechain user …`: exact output and every refusal."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from valuechain.platform.tenancy.models import Membership, Tenant

GOOD_PASSWORD = "plum-orchard-47-lantern"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- tenant ------------------------------------------------------------------------------


def test_tenant_create_derives_the_slug_and_upper_cases_the_currency(db):
    output = run("tenant", "create", "Acme Retail", "--currency", "usd")

    assert output == (
        "Created tenant Acme Retail (slug acme-retail, base currency USD).\n"
        "Add an administrator: valuechain user create EMAIL --tenant acme-retail --role admin\n"
    )
    tenant = Tenant.objects.get(slug="acme-retail")
    assert (tenant.name, tenant.base_currency) == ("Acme Retail", "USD")


def test_tenant_create_with_slug_defaults_to_eur(db):
    run("tenant", "create", "Acme Retail", "--slug", "acme")

    assert Tenant.objects.get(slug="acme").base_currency == "EUR"


def test_duplicate_tenant_is_refused(tenant_a):
    with pytest.raises(CommandError, match=r"^A tenant with slug 'alpha' exists\.$"):
        run("tenant", "create", "Another Alpha", "--slug", "alpha")
    assert Tenant.objects.filter(slug="alpha").count() == 1


def test_bad_currency_is_refused(db):
    with pytest.raises(CommandError, match=r"^Use a 3-letter ISO 4217 code\.$"):
        run("tenant", "create", "Acme", "--currency", "EURO")
    assert not Tenant.objects.exists()


def test_tenant_create_needs_an_action_and_a_name(db):
    with pytest.raises(CommandError):
        run("tenant")
    with pytest.raises(CommandError):
        run("tenant", "create")


def test_tenant_list_shows_slug_name_currency_and_active_members(admin_a, tenant_b):
    output = run("tenant", "list")

    assert output == (
        "SLUG   NAME            CURRENCY  MEMBERS  ACTIVE\n"
        "alpha  Alpha Retail    EUR       1        yes\n"
        "beta   Beta Wholesale  EUR       0        yes\n"
    )


def test_tenant_list_without_tenants_says_how_to_create_one(db):
    assert run("tenant", "list") == "No tenants. Create one: valuechain tenant create NAME\n"


# --- user create -----------------------------------------------------------------------------


def test_user_create_with_password(tenant_a):
    output = run(
        "user",
        "create",
        "Ana@Example.COM",
        "--tenant",
        "alpha",
        "--role",
        "buyer",
        "--password",
        GOOD_PASSWORD,
        "--first-name",
        "Ana",
        "--last-name",
        "Lima",
    )

    assert output == "Created user ana@example.com (Buyer in alpha).\n"
    membership = Membership.objects.select_related("user").get(tenant=tenant_a)
    assert membership.role == "buyer"
    assert membership.user.username == "ana@example.com"
    assert membership.user.get_full_name() == "Ana Lima"
    assert membership.user.check_password(GOOD_PASSWORD)


def test_user_create_without_password_and_terminal_generates_and_prints_one(tenant_a):
    output = run("user", "create", "ana@example.com", "--tenant", "alpha", "--role", "admin")

    first, second = output.splitlines()
    assert first == "Created user ana@example.com (Administrator in alpha)."
    assert second.startswith("Generated password: ")
    password = second.removeprefix("Generated password: ")
    assert len(password) == 20
    assert get_user_model().objects.get(username="ana@example.com").check_password(password)


def test_user_create_with_unknown_role_creates_nothing(tenant_a):
    with pytest.raises(CommandError, match=r"^Unknown role 'boss'; one of admin, sales_rep, "):
        run("user", "create", "ana@example.com", "--tenant", "alpha", "--role", "boss")
    assert not get_user_model().objects.filter(username="ana@example.com").exists()


def test_user_create_in_unknown_tenant_is_refused(db):
    with pytest.raises(CommandError, match=r"^No tenant with slug 'nowhere'\.$"):
        run("user", "create", "ana@example.com", "--tenant", "nowhere", "--role", "admin")
    assert not get_user_model().objects.exists()


def test_user_create_with_weak_password_is_refused(tenant_a):
    with pytest.raises(CommandError, match=r"too short"):
        run(
            "user",
            "create",
            "ana@example.com",
            "--tenant",
            "alpha",
            "--role",
            "admin",
            "--password",
            "short",
        )
    assert not get_user_model().objects.exists()


def test_user_create_of_existing_user_points_to_user_add(admin_a, tenant_b):
    with pytest.raises(CommandError) as raised:
        run("user", "create", "admin@alpha.test", "--tenant", "beta", "--role", "admin")

    assert str(raised.value) == (
        "A user admin@alpha.test exists; give them a role with: valuechain user add "
        "admin@alpha.test --tenant SLUG --role ROLE"
    )


def test_user_create_with_invalid_email_is_refused(tenant_a):
    with pytest.raises(CommandError, match=r"^Enter a valid e-mail address\.$"):
        run(
            "user",
            "create",
            "not-an-address",
            "--tenant",
            "alpha",
            "--role",
            "admin",
            "--password",
            GOOD_PASSWORD,
        )


# --- user add, set-password, list --------------------------------------------------------------


def test_user_add_gives_an_existing_user_a_role_in_another_tenant(admin_a, tenant_b):
    output = run("user", "add", "admin@alpha.test", "--tenant", "beta", "--role", "planner")

    assert output == "admin@alpha.test is Planner in beta.\n"
    assert Membership.objects.get(tenant=tenant_b, user=admin_a.user).role == "planner"


def test_user_add_of_unknown_user_is_refused(tenant_a):
    with pytest.raises(CommandError, match=r"^No user nobody@example\.com\.$"):
        run("user", "add", "nobody@example.com", "--tenant", "alpha", "--role", "admin")


def test_set_password_with_given_password(admin_a):
    output = run("user", "set-password", "ADMIN@alpha.test", "--password", GOOD_PASSWORD)

    assert output == "Password of admin@alpha.test changed.\n"
    admin_a.user.refresh_from_db()
    assert admin_a.user.check_password(GOOD_PASSWORD)


def test_set_password_without_password_generates_one(admin_a):
    output = run("user", "set-password", "admin@alpha.test")

    first, second = output.splitlines()
    assert first == "Password of admin@alpha.test changed."
    admin_a.user.refresh_from_db()
    assert admin_a.user.check_password(second.removeprefix("Generated password: "))


def test_set_password_refuses_unknown_user_and_weak_password(admin_a):
    with pytest.raises(CommandError, match=r"^No user ghost@example\.com\.$"):
        run("user", "set-password", "ghost@example.com", "--password", GOOD_PASSWORD)
    with pytest.raises(CommandError, match=r"too common"):
        run("user", "set-password", "admin@alpha.test", "--password", "password123")


def test_user_list_shows_the_tenants_members_only(admin_a, admin_b):
    run(
        "user",
        "create",
        "zoe@alpha.test",
        "--tenant",
        "alpha",
        "--role",
        "warehouse",
        "--password",
        GOOD_PASSWORD,
        "--first-name",
        "Zoe",
    )

    assert run("user", "list", "--tenant", "alpha") == (
        "EMAIL             NAME  ROLE       ACTIVE  LAST LOGIN\n"
        "admin@alpha.test        admin      yes     never\n"
        "zoe@alpha.test    Zoe   warehouse  yes     never\n"
    )


def test_user_list_of_unknown_tenant_is_refused(db):
    with pytest.raises(CommandError, match=r"^No tenant with slug 'ghost'\.$"):
        run("user", "list", "--tenant", "ghost")


def test_user_list_of_empty_tenant(tenant_a):
    assert run("user", "list", "--tenant", "alpha") == "No members in alpha.\n"


@pytest.fixture
def terminal(monkeypatch):
    """Pretend a person sits at a terminal and types the queued answers at the prompts."""
    from valuechain.platform.ops import cli
    from valuechain.platform.tenancy.management.commands import user as user_command

    answers: list[str] = []
    monkeypatch.setattr(user_command, "is_interactive", lambda: True)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: answers.pop(0))
    return answers


def test_user_create_on_a_terminal_asks_twice(tenant_a, terminal):
    terminal.extend([GOOD_PASSWORD, GOOD_PASSWORD])

    output = run("user", "create", "ana@example.com", "--tenant", "alpha", "--role", "admin")

    assert output == "Created user ana@example.com (Administrator in alpha).\n"
    assert get_user_model().objects.get(username="ana@example.com").check_password(GOOD_PASSWORD)


def test_user_create_on_a_terminal_refuses_different_answers(tenant_a, terminal):
    terminal.extend([GOOD_PASSWORD, "something-else-entirely"])

    with pytest.raises(CommandError, match=r"^The passwords do not match\.$"):
        run("user", "create", "ana@example.com", "--tenant", "alpha", "--role", "admin")
    assert not get_user_model().objects.exists()


def test_empty_answer_on_a_terminal_generates_a_password(admin_a, terminal):
    terminal.append("")

    output = run("user", "set-password", "admin@alpha.test")

    assert output.splitlines()[1].startswith("Generated password: ")

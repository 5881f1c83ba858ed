"""`valuechain demo`: creates the demo company once, saves and shows its sign-in."""

from __future__ import annotations

import stat
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from valuechain.platform.models import FxRate
from valuechain.platform.ops import demo_registry
from valuechain.platform.ops import services as ops
from valuechain.platform.tenancy.context import current, tenant_context
from valuechain.platform.tenancy.models import Membership, Tenant


@pytest.fixture(autouse=True)
def no_seeders(monkeypatch):
    """Ops tests run without the contexts' seeders; those have their own tests."""
    monkeypatch.setattr(demo_registry, "_SEEDERS", {})


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue().splitlines()


def saved_password(var_dir) -> str:
    lines = (var_dir / "demo-credentials.txt").read_text().splitlines()
    return next(line.removeprefix("password: ") for line in lines if line.startswith("password:"))


def test_demo_on_empty_database_creates_tenant_admin_rates_and_credentials(db, var_dir):
    output = run("--if-empty")

    tenant = Tenant.objects.get()
    assert (tenant.name, tenant.slug, tenant.base_currency) == ("Demo Company", "demo", "EUR")
    membership = Membership.objects.select_related("user").get(tenant=tenant)
    assert (membership.user.username, membership.role) == ("admin@demo.local", "admin")

    path = var_dir / "demo-credentials.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    password = saved_password(var_dir)
    assert membership.user.check_password(password)

    assert output[0] == "Created the demo company."
    assert output[1].startswith("+---") and output[-1] == output[1]
    assert "|   E-mail:    admin@demo.local" in output[4]
    assert f"|   Password:  {password}" in output[5]
    assert "|   Company:   Demo Company (demo)" in output[6]
    assert f"Saved in {path} (readable by you only)." in output[8]

    with tenant_context(tenant):
        rates = {(r.base, r.quote): (r.rate, r.valid_on) for r in FxRate.objects.all()}
    today = timezone.localdate()
    assert rates == {
        ("EUR", "USD"): (Decimal("1.0850000000"), today),
        ("EUR", "GBP"): (Decimal("0.8450000000"), today),
        ("EUR", "CHF"): (Decimal("0.9400000000"), today),
    }


def test_demo_if_empty_is_idempotent_and_shows_the_saved_credentials(db, var_dir):
    first = run("--if-empty")
    password = saved_password(var_dir)

    second = run("--if-empty")

    assert Tenant.objects.count() == 1
    assert Membership.objects.count() == 1
    assert saved_password(var_dir) == password
    assert second[0] == "Existing data found: nothing created."
    assert second[1:] == first[1:]


def test_demo_if_empty_leaves_existing_tenants_alone(tenant_a, var_dir):
    output = run("--if-empty")

    assert list(Tenant.objects.values_list("slug", flat=True)) == ["alpha"]
    assert not (var_dir / "demo-credentials.txt").exists()
    assert output == [
        "Existing data found: nothing created.",
        f"No saved demo sign-in ({var_dir / 'demo-credentials.txt'}). To sign in as the demo "
        "administrator, set a password: valuechain user set-password admin@demo.local",
    ]


def test_demo_without_if_empty_adds_the_demo_tenant_beside_others(tenant_a, var_dir):
    output = run()

    assert sorted(Tenant.objects.values_list("slug", flat=True)) == ["alpha", "demo"]
    assert output[0] == "Created the demo company."
    assert run()[0] == "Existing data found: nothing created."
    assert Tenant.objects.count() == 2


def test_demo_reports_a_saved_password_that_no_longer_works(db, var_dir):
    run("--if-empty")
    ops.set_password("admin@demo.local", "a-completely-new-passphrase")

    output = run("--if-empty")

    assert output == [
        "Existing data found: nothing created.",
        f"The password saved in {var_dir / 'demo-credentials.txt'} no longer works. "
        "Set a new one: valuechain user set-password admin@demo.local",
    ]


def test_demo_takes_over_a_left_over_admin_user(db, var_dir):
    ops.tenancy.create_user("admin@demo.local", "an-old-forgotten-passphrase")

    run("--if-empty")

    membership = Membership.objects.select_related("user").get()
    assert membership.user.check_password(saved_password(var_dir))
    assert (membership.tenant.slug, membership.role) == ("demo", "admin")


def test_credentials_file_is_made_private_even_if_it_existed(db, var_dir):
    path = var_dir / "demo-credentials.txt"
    path.write_text("stale")
    path.chmod(0o644)

    run("--if-empty")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ops.read_credentials(path) is not None


def test_unreadable_credentials_file_counts_as_missing(tmp_path):
    path = tmp_path / "demo-credentials.txt"
    path.write_text("email: admin@demo.local\n")

    assert ops.read_credentials(path) is None
    assert ops.read_credentials(tmp_path / "missing.txt") is None


def test_demo_runs_registered_seeders_in_order_in_the_demo_tenant_once(db, var_dir):
    calls: list[tuple[str, int, str, int]] = []

    def seeder(label: str):
        def seed(rng) -> str:
            context = current()
            calls.append((label, context.tenant_id, context.channel, rng.randrange(1000)))
            return f"{label} done"

        return seed

    demo_registry.register_demo_seeder("later", seeder("later"), order=20)
    demo_registry.register_demo_seeder("first", seeder("first"), order=10)

    output = run("--if-empty")
    again = run("--if-empty")

    demo = Tenant.objects.get(slug="demo")
    assert output[:3] == [
        "Created the demo company.",
        "Seeding first… first done",
        "Seeding later… later done",
    ]
    assert [(label, tenant, channel) for label, tenant, channel, _ in calls] == [
        ("first", demo.pk, "cli"),
        ("later", demo.pk, "cli"),
    ]
    assert calls[0][3] == demo_registry.seeder_random("first").randrange(1000)
    assert again[0] == "Existing data found: nothing created."
    assert len(calls) == 2

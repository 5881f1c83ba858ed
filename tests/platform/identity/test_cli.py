"""``valuechain token``: create prints the token once, revoke and list; clear errors."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from valuechain.platform.identity import services
from valuechain.platform.identity.models import ApiToken
from valuechain.platform.tenancy.context import system_context


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def create(*extra: str) -> tuple[str, str]:
    return run(
        "create", "--tenant", "alpha", "--user", "admin@alpha.test", "--name", "cli",
        "--scopes", "crm:read,admin:write", *extra,
    )  # fmt: skip


def test_create_prints_the_raw_token_once(admin_a):
    out, err = create("--expires-days", "30")
    raw = out.strip()
    assert raw.startswith("vc_") and out.count("vc_") == 1
    token = services.authenticate_token(raw)
    assert token is not None
    assert token.scopes == ["crm:read", "admin:write"]
    assert token.created_by_id is None
    assert f"Created token {token.pk} {token.display_prefix} for admin@alpha.test" in err
    assert raw not in err


def test_revoke(admin_a):
    raw = create()[0].strip()
    token = services.authenticate_token(raw)
    out, _ = run("revoke", str(token.pk), "--tenant", "alpha")
    assert out.startswith(f"Revoked token {token.pk} {token.display_prefix} (cli) at ")
    assert services.authenticate_token(raw) is None


def test_list(admin_a):
    raw = create()[0].strip()
    out, _ = run("list", "--tenant", "alpha")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "TOKEN", "STATUS"]
    assert len(lines) == 2
    assert raw.split("_")[1] in lines[1] and "active" in lines[1]
    assert "admin@alpha.test / cli / crm:read,admin:write" in lines[1]
    assert raw not in out


def test_revoke_in_the_wrong_tenant_is_not_found(admin_a, admin_b):
    raw = create()[0].strip()
    token = services.authenticate_token(raw)
    with pytest.raises(CommandError, match=f"No API token {token.pk}."):
        run("revoke", str(token.pk), "--tenant", "beta")
    with system_context():
        assert ApiToken.objects.get(pk=token.pk).revoked_at is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "nope"], "No tenant with slug 'nope'"),
        (["--user", "ghost@alpha.test"], "No user with e-mail 'ghost@alpha.test'."),
        (["--user", "admin@beta.test"], "admin@beta.test is not a member of tenant 'alpha'."),
        (["--scopes", "crm:read,crm:admin"], "'crm:admin' is not a scope"),
        (["--expires-days", "400"], "A token lives 1 to 366 days; 400 is out of range."),
    ],
)
def test_clear_errors(admin_a, admin_b, args, message):
    base = {
        "--tenant": "alpha",
        "--user": "admin@alpha.test",
        "--name": "cli",
        "--scopes": "crm:read",
        "--expires-days": "90",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [part for pair in base.items() for part in pair]
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("create", *flat)


def test_a_subcommand_is_required(db):
    with pytest.raises(CommandError):
        run()

"""Use cases of operations: health report, members from the command line, the demo company."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from valuechain.platform import fx
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.domain import ROLES
from valuechain.platform.models import FxRate
from valuechain.platform.ops.demo_registry import demo_seeders, seeder_random
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Membership, Tenant

DEMO_TENANT_NAME = "Demo Company"
DEMO_TENANT_SLUG = "demo"
DEMO_ADMIN_EMAIL = "admin@demo.local"
DEMO_FX_RATES = {"USD": Decimal("1.0850"), "GBP": Decimal("0.8450"), "CHF": Decimal("0.9400")}
CREDENTIALS_FILE_NAME = "demo-credentials.txt"


# --- health -----------------------------------------------------------------------------


def _ping_database() -> None:
    """Run the cheapest statement that proves the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def database_health() -> dict[str, Any]:
    """Whether the database answers, its vendor and the round-trip time in milliseconds."""
    started = time.perf_counter()
    try:
        _ping_database()
    except DatabaseError:
        # The driver's message can name hosts and roles: report the failure, not the text.
        return {"ok": False, "vendor": connection.vendor, "latency_ms": None}
    latency = round((time.perf_counter() - started) * 1000, 2)
    return {"ok": True, "vendor": connection.vendor, "latency_ms": latency}


def _huey_queue_status() -> dict[str, Any]:
    """Fallback when the jobs kernel offers no queue_status(): ask Huey's storage directly."""
    from huey.contrib.djhuey import HUEY

    return {
        "ok": True,
        "backend": type(HUEY).__name__,
        "immediate": bool(HUEY.immediate),
        "pending": HUEY.pending_count(),
    }


def _queue_status() -> dict[str, Any]:
    """The jobs kernel's queue_status(), or Huey's storage when the kernel offers none."""
    try:
        from valuechain.platform.jobs.queue import queue_status
    except ImportError:
        return _huey_queue_status()
    return dict(queue_status())


def queue_health() -> dict[str, Any]:
    """The job queue's state with an ``ok`` flag; never raises."""
    try:
        status = _queue_status()
    except Exception:  # the queue's storage (Redis, a file) may fail in any way: report it
        return {"ok": False}
    status["ok"] = bool(status.get("ok", True))
    if status.get("error"):
        # The storage's message can name hosts and credentials; the endpoint is public.
        status["error"] = "unavailable"
    return status


def health_report() -> dict[str, Any]:
    """The health check's answer: status "ok" only when the database and the queue are."""
    database = database_health()
    queue = queue_health()
    healthy = database["ok"] and queue["ok"]
    return {"status": "ok" if healthy else "degraded", "database": database, "queue": queue}


# --- members from the command line --------------------------------------------------------


def generate_password() -> str:
    """A random password that passes every configured validator."""
    return secrets.token_urlsafe(15)


def _check_password(password: str, user: Any) -> None:
    """Apply the configured password validators; DomainError with their messages."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError("weak_password", " ".join(error.messages), field="password") from error


def tenant_by_slug(slug: str) -> Tenant:
    """The tenant with this slug, or DomainError tenant_not_found."""
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise DomainError(
            "tenant_not_found", f"No tenant with slug {slug!r}.", field="tenant", status=404
        )
    return tenant


def user_by_email(email: str) -> Any:
    """The user who signs in with this e-mail address, or DomainError user_not_found."""
    user = get_user_model().objects.filter(username=email.strip().lower()).first()
    if user is None:
        raise DomainError("user_not_found", f"No user {email.strip()}.", field="email", status=404)
    return user


def require_new_email(email: str) -> None:
    """DomainError user_exists, with the command that adds a role instead, if the user exists."""
    normalized = email.strip().lower()
    if get_user_model().objects.filter(username=normalized).exists():
        raise DomainError(
            "user_exists",
            f"A user {normalized} exists; give them a role with: valuechain user add "
            f"{normalized} --tenant SLUG --role ROLE",
            field="email",
            status=409,
        )


def require_role(role: str) -> str:
    """The role if it is known, else DomainError invalid_role listing the roles."""
    if role not in ROLES:
        raise DomainError(
            "invalid_role", f"Unknown role {role!r}; one of {', '.join(ROLES)}.", field="role"
        )
    return role


@transaction.atomic
def create_member(
    email: str,
    tenant_slug: str,
    role: str,
    password: str,
    *,
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """Create a user with a checked password and make them a member of a tenant in a role."""
    tenant = tenant_by_slug(tenant_slug)
    require_role(role)
    require_new_email(email)
    candidate = get_user_model()(
        username=email.strip().lower(), email=email, first_name=first_name, last_name=last_name
    )
    _check_password(password, candidate)
    user = tenancy.create_user(email, password, first_name=first_name, last_name=last_name)
    return tenancy.add_member(tenant, user, role)


@transaction.atomic
def add_existing_member(email: str, tenant_slug: str, role: str) -> Membership:
    """Give an existing user a role in one more tenant (or change their role there)."""
    return tenancy.add_member(tenant_by_slug(tenant_slug), user_by_email(email), role)


@transaction.atomic
def set_password(email: str, password: str) -> Any:
    """Replace a user's password after checking it against the password validators."""
    user = user_by_email(email)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


# --- demo company --------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCredentials:
    """The sign-in of the demo company's administrator."""

    email: str
    password: str
    tenant_name: str
    tenant_slug: str


@dataclass(frozen=True)
class DemoOutcome:
    """What ``ensure_demo`` did: created the demo, or found data and maybe saved credentials."""

    created: bool
    credentials: DemoCredentials | None
    credentials_work: bool
    credentials_path: Path


def credentials_path() -> Path:
    """Where the demo credentials are kept: var/demo-credentials.txt."""
    return Path(settings.VAR_DIR) / CREDENTIALS_FILE_NAME


def write_credentials(credentials: DemoCredentials, path: Path) -> None:
    """Save the demo credentials readable by the owner only (mode 600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        f"# valuechain demo sign-in, written {timezone.now():%Y-%m-%d %H:%M:%S %Z}\n"
        f"tenant: {credentials.tenant_name}\n"
        f"slug: {credentials.tenant_slug}\n"
        f"email: {credentials.email}\n"
        f"password: {credentials.password}\n"
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    path.chmod(0o600)  # an older file may have been created with wider permissions


def read_credentials(path: Path) -> DemoCredentials | None:
    """The credentials saved by write_credentials, or None when the file is missing or bad."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    fields: dict[str, str] = {}
    for line in lines:
        key, separator, value = line.partition(": ")
        if separator and not line.startswith("#"):
            fields[key.strip()] = value.strip()
    try:
        return DemoCredentials(
            email=fields["email"],
            password=fields["password"],
            tenant_name=fields["tenant"],
            tenant_slug=fields["slug"],
        )
    except KeyError:
        return None


def _credentials_work(credentials: DemoCredentials) -> bool:
    """True when the saved password still signs the saved user in."""
    user = get_user_model().objects.filter(username=credentials.email).first()
    return bool(user is not None and user.is_active and user.check_password(credentials.password))


def record_demo_rates(tenant: Tenant, actor: Any, day: dt.date) -> list[FxRate]:
    """The demo FX rates from the new demo tenant's base currency, valid from the day."""
    with tenant_context(tenant, actor=actor, channel="cli"):
        return [
            fx.record_rate(tenant.base_currency, quote, rate, day, source="demo")
            for quote, rate in DEMO_FX_RATES.items()
            if quote != tenant.base_currency
        ]


@transaction.atomic
def create_demo_company(password: str) -> DemoCredentials:
    """Create the demo tenant, its administrator with this password and a few FX rates."""
    tenant = tenancy.create_tenant(DEMO_TENANT_NAME, DEMO_TENANT_SLUG, "EUR")
    user = get_user_model().objects.filter(username=DEMO_ADMIN_EMAIL).first()
    if user is None:
        user = tenancy.create_user(DEMO_ADMIN_EMAIL, password, first_name="Demo", last_name="Admin")
    else:  # left over from a deleted demo tenant: take it over with the new password
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
    tenancy.add_member(tenant, user, "admin")
    record_demo_rates(tenant, user, timezone.localdate())
    return DemoCredentials(DEMO_ADMIN_EMAIL, password, tenant.name, tenant.slug)


def seed_demo_company(progress: Callable[[str], None] | None = None) -> None:
    """Run every registered demo seeder in the demo tenant, each in its own transaction."""
    tenant = Tenant.objects.get(slug=DEMO_TENANT_SLUG)
    admin = get_user_model().objects.get(username=DEMO_ADMIN_EMAIL)
    for entry in demo_seeders():
        with tenant_context(tenant, actor=admin, channel="cli"), transaction.atomic():
            summary = entry.seeder(seeder_random(entry.name))
        if progress is not None:
            progress(f"Seeding {entry.name}… {summary}")


def ensure_demo(*, if_empty: bool, progress: Callable[[str], None] | None = None) -> DemoOutcome:
    """Create the demo company when missing (with if_empty: only when there is no tenant)."""
    path = credentials_path()
    needed = (
        not Tenant.objects.exists()
        if if_empty
        else not Tenant.objects.filter(slug=DEMO_TENANT_SLUG).exists()
    )
    if needed:
        credentials = create_demo_company(generate_password())
        write_credentials(credentials, path)
        if progress is not None:
            progress("Created the demo company.")
        seed_demo_company(progress)
        return DemoOutcome(True, credentials, True, path)
    saved = read_credentials(path)
    works = saved is not None and _credentials_work(saved)
    return DemoOutcome(False, saved, works, path)

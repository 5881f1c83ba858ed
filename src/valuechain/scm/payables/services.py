"""Use cases of payables shared by bills, payments and returns: the tenant's tolerances and
approver, input cleaning, the document rate. The documents' own use cases live in
``bills.py``, ``payments.py`` and ``vendor_returns.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.fx import rate_on, tenant_base_currency
from valuechain.platform.identity.domain import ROLES
from valuechain.platform.inputs import clean_choice, clean_number
from valuechain.platform.money import minor_units
from valuechain.platform.tenancy.context import current, require_tenant_id
from valuechain.platform.tenancy.models import Membership
from valuechain.scm.payables import domain
from valuechain.scm.payables.models import PayablesSettings

MAX_QUANTITY = Decimal("99999999999999")  # 18 digits, 4 of them decimals
MAX_PRICE = Decimal("999999999999")  # 18 digits, 6 of them decimals
MAX_AMOUNT = Decimal("9999999999999999")  # 18 digits, 2 of them decimals
MAX_PERCENT = Decimal(1000)
RATE_PLACES = Decimal("0.0000000001")  # as the rate columns store it
SETTINGS_FIELDS = {
    "price_tolerance_percent",
    "price_tolerance_amount",
    "quantity_tolerance_percent",
    "approver_role",
}


def not_found(label: str, field: str | None = None) -> DomainError:
    """The 404 of a record that does not exist in the current tenant."""
    return DomainError(
        f"{label}_not_found", f"No such {label.replace('_', ' ')}.", field=field, status=404
    )


def _scaled(value: Decimal, places: int) -> Decimal:
    """The value with exactly ``places`` decimals, as its column gives it back."""
    return value.quantize(Decimal(1).scaleb(-places))


def clean_quantity(value: Any, field: str = "quantity") -> Decimal:
    """A positive quantity with at most 4 decimals, scaled as stored (2 -> 2.0000)."""
    return _scaled(clean_number(value, field, places=4, maximum=MAX_QUANTITY, positive=True), 4)


def clean_price(value: Any, field: str = "unit_price") -> Decimal:
    """A unit price of 0 or more with at most 6 decimals, scaled as stored."""
    return _scaled(clean_number(value, field, places=6, maximum=MAX_PRICE), 6)


def clean_amount(
    value: Any, currency: str, field: str = "amount", *, positive: bool = False
) -> Decimal:
    """An amount with at most the currency's minor units (2 for EUR, 0 for JPY), scaled."""
    places = minor_units(currency)
    return _scaled(
        clean_number(value, field, places=places, maximum=MAX_AMOUNT, positive=positive), places
    )


def clean_date(value: Any, field: str) -> dt.date:
    """A calendar day (not a datetime)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(f"invalid_{field}", "Give a day as YYYY-MM-DD.", field=field)
    return value


def document_rate(currency: str, on: dt.date) -> Decimal:
    """Base-currency units per unit of ``currency`` on the day, as the rate columns keep it
    (the base amounts are computed from this stored rate, so they can be checked)."""
    return rate_on(currency, tenant_base_currency(), on).quantize(RATE_PLACES)


def base_places() -> int:
    """Minor units of the tenant's base currency."""
    return minor_units(tenant_base_currency())


# --- settings -------------------------------------------------------------------------------


def settings() -> PayablesSettings:
    """The tenant's payables settings (defaults until someone saves them)."""
    row = PayablesSettings.objects.filter().first()
    if row is not None:
        return row
    # Unsaved defaults, scaled as the columns store them (2.00, not 2), as the API shows them.
    return PayablesSettings(
        tenant_id=require_tenant_id(),
        price_tolerance_percent=Decimal("2.00"),
        quantity_tolerance_percent=Decimal("0.00"),
    )


def tolerances(row: PayablesSettings | None = None) -> domain.Tolerances:
    """The match tolerances of the tenant."""
    row = row or settings()
    return domain.Tolerances(
        price_percent=row.price_tolerance_percent,
        price_amount=row.price_tolerance_amount,
        quantity_percent=row.quantity_tolerance_percent,
    )


def _percent(value: Any, field: str) -> Decimal:
    """A percentage from 0 to 1000 with at most 2 decimals, scaled as stored."""
    return _scaled(clean_number(value, field, places=2, maximum=MAX_PERCENT), 2)


@transaction.atomic
def update_settings(**changes: Any) -> PayablesSettings:
    """Change the tolerances or the approver role (every field optional)."""
    unknown = set(changes) - SETTINGS_FIELDS
    if unknown:
        raise DomainError("invalid_field", f"Cannot change {', '.join(sorted(unknown))}.")
    row = PayablesSettings.objects.select_for_update().filter().first()
    if row is None:
        PayablesSettings.objects.bulk_create(
            [PayablesSettings(tenant_id=require_tenant_id())], ignore_conflicts=True
        )
        row = PayablesSettings.objects.select_for_update().get()
    if "price_tolerance_percent" in changes:
        row.price_tolerance_percent = _percent(
            changes["price_tolerance_percent"], "price_tolerance_percent"
        )
    if "quantity_tolerance_percent" in changes:
        row.quantity_tolerance_percent = _percent(
            changes["quantity_tolerance_percent"], "quantity_tolerance_percent"
        )
    if "price_tolerance_amount" in changes:
        amount = changes["price_tolerance_amount"]
        row.price_tolerance_amount = (
            None if amount in (None, "") else clean_price(amount, "price_tolerance_amount")
        )
    if "approver_role" in changes:
        row.approver_role = clean_choice(changes["approver_role"], "approver_role", ROLES)
    row.save()
    publish("PayablesSettingsChanged", {"changed": sorted(changes)})
    return row


def check_approver() -> int:
    """The acting user's id when their role may approve mismatched bills, else not_approver.

    Administrators always may; otherwise the member's role must be the configured one.
    """
    actor_id = current().actor_id
    role = settings().approver_role
    member_role = (
        Membership.objects.filter(tenant_id=require_tenant_id(), user_id=actor_id, is_active=True)
        .values_list("role", flat=True)
        .first()
        if actor_id is not None
        else None
    )
    if member_role is None or member_role not in ("admin", role):
        who = (
            "an administrator"
            if role == "admin"
            else f"the {ROLES.get(role, role)} role (or an administrator)"
        )
        raise DomainError(
            "not_approver", f"Only {who} approves or refuses mismatched bills.", status=403
        )
    return int(actor_id)  # type: ignore[arg-type]

"""Use cases of prices: customer groups (assigning CRM accounts and people), price lists with
validity dates and quantity breaks, tax rates per country, region and tax class.

Every function runs in one transaction, raises DomainError with the field at fault for bad
input (nothing is written then) and publishes a past-tense event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_text
from valuechain.platform.money import normalize_currency
from valuechain.scm.catalog import domain
from valuechain.scm.catalog.domain import TAX_CLASSES
from valuechain.scm.catalog.models import (
    CustomerGroup,
    CustomerGroupMember,
    PriceList,
    PriceListItem,
    TaxRate,
    Variant,
)
from valuechain.scm.catalog.services import _domain, _get, _locked, clean_date, clean_decimal

# --- customer groups -----------------------------------------------------------------------


def _group_code(value: Any) -> str:
    code = str(value or "").strip().lower()
    if not code:
        raise DomainError("code_required", "Enter the group's code.", field="code")
    if len(code) > 40 or not all(c.isalnum() or c in "-_" for c in code) or not code.isascii():
        raise DomainError(
            "invalid_code", "A code has letters, digits, - and _ (at most 40).", field="code"
        )
    return code


def create_customer_group(*, code: str, name: str, description: str = "") -> CustomerGroup:
    """Create a customer group (a code such as ``wholesale`` that price lists refer to)."""
    clean_code = _group_code(code)
    clean_name = clean_text(name, "name", 100, required=True)
    with transaction.atomic():
        if CustomerGroup.objects.filter(code=clean_code).exists():
            raise DomainError(
                "duplicate_code", f"A group with code {clean_code!r} exists.", field="code"
            )
        group = CustomerGroup.objects.create(
            code=clean_code, name=clean_name, description=str(description or "").strip()
        )
        publish("CustomerGroupCreated", {"group_id": group.pk, "code": group.code})
    return group


def update_customer_group(group_id: int, **changes: Any) -> CustomerGroup:
    """Change a group's name or description (the code is fixed: price lists refer to it)."""
    unknown = set(changes) - {"name", "description"}
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError("unknown_field", f"{field} cannot be changed.", field=field)
    with transaction.atomic():
        group = _locked(CustomerGroup, group_id, "customer group")
        if "name" in changes:
            group.name = clean_text(changes["name"], "name", 100, required=True)
        if "description" in changes:
            group.description = str(changes["description"] or "").strip()
        group.save()
        publish("CustomerGroupUpdated", {"group_id": group.pk})
    return group


def delete_customer_group(group_id: int) -> None:
    """Delete a group no price list uses (``group_in_use``, 409); its assignments go with it."""
    with transaction.atomic():
        group = _locked(CustomerGroup, group_id, "customer group")
        if PriceList.objects.filter(customer_group=group).exists():
            raise DomainError(
                "group_in_use", "Price lists use this group; change them first.", status=409
            )
        code = group.code
        group.delete()
        publish("CustomerGroupDeleted", {"group_id": group_id, "code": code})


def _party(account_id: int | None, person_id: int | None) -> tuple[Any, Any]:
    from valuechain.crm.customers.models import Account, Person

    if (account_id is None) == (person_id is None):
        raise DomainError(
            "party_required", "Name exactly one account or one person.", field="account_id"
        )
    if account_id is not None:
        return _get(Account, account_id, "account", "account_id"), None
    return None, _get(Person, person_id, "person", "person_id")


def assign_customer_group(
    group_id: int, *, account_id: int | None = None, person_id: int | None = None
) -> CustomerGroupMember:
    """Put an account or a person in a group; one already in another group moves."""
    with transaction.atomic():
        group = _locked(CustomerGroup, group_id, "customer group")
        account, person = _party(account_id, person_id)
        where = {"account": account} if account is not None else {"person": person}
        member = CustomerGroupMember.objects.select_for_update().filter(**where).first()
        previous = member.group_id if member else None
        if member is None:
            member = CustomerGroupMember.objects.create(group=group, **where)
        elif member.group_id != group.pk:
            member.group = group
            member.save()
        publish(
            "CustomerGroupAssigned",
            {
                "group_id": group.pk,
                "account_id": account_id,
                "person_id": person_id,
                "previous_group_id": previous,
            },
        )
    return member


def unassign_customer_group(*, account_id: int | None = None, person_id: int | None = None) -> None:
    """Take an account or a person out of its group (nothing happens when it has none)."""
    with transaction.atomic():
        account, person = _party(account_id, person_id)
        where = {"account": account} if account is not None else {"person": person}
        member = CustomerGroupMember.objects.select_for_update().filter(**where).first()
        if member is not None:
            group_id = member.group_id
            member.delete()
            publish(
                "CustomerGroupUnassigned",
                {"group_id": group_id, "account_id": account_id, "person_id": person_id},
            )


# --- price lists ---------------------------------------------------------------------------


def _group_by_code(code: Any) -> CustomerGroup | None:
    text = str(code or "").strip().lower()
    if not text:
        return None
    group = CustomerGroup.objects.filter(code=text).first()
    if group is None:
        raise DomainError(
            "unknown_customer_group", f"No customer group {text!r}.", field="customer_group"
        )
    return group


def _validity(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError("invalid_validity", "The list ends before it starts.", field="valid_to")


def create_price_list(
    *,
    name: str,
    currency: str,
    customer_group: str = "",
    valid_from: Any = None,
    valid_to: Any = None,
    is_active: bool = True,
) -> PriceList:
    """Create a price list for a currency and a customer group ("" = every customer)."""
    clean_name = clean_text(name, "name", 100, required=True)
    clean_currency = normalize_currency(currency)
    start, end = clean_date(valid_from, "valid_from"), clean_date(valid_to, "valid_to")
    _validity(start, end)
    with transaction.atomic():
        price_list = PriceList.objects.create(
            name=clean_name,
            currency=clean_currency,
            customer_group=_group_by_code(customer_group),
            valid_from=start,
            valid_to=end,
            is_active=bool(is_active),
        )
        publish("PriceListCreated", {"price_list_id": price_list.pk})
    return price_list


PRICE_LIST_FIELDS = {"name", "currency", "customer_group", "valid_from", "valid_to", "is_active"}


def update_price_list(price_list_id: int, **changes: Any) -> PriceList:
    """Change a price list's fields (name, currency, group code, validity, active)."""
    unknown = set(changes) - PRICE_LIST_FIELDS
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError("unknown_field", f"{field} cannot be changed.", field=field)
    with transaction.atomic():
        price_list = _locked(PriceList, price_list_id, "price list")
        if "name" in changes:
            price_list.name = clean_text(changes["name"], "name", 100, required=True)
        if "currency" in changes:
            price_list.currency = normalize_currency(changes["currency"])
        if "customer_group" in changes:
            price_list.customer_group = _group_by_code(changes["customer_group"])
        if "valid_from" in changes:
            price_list.valid_from = clean_date(changes["valid_from"], "valid_from")
        if "valid_to" in changes:
            price_list.valid_to = clean_date(changes["valid_to"], "valid_to")
        if "is_active" in changes:
            if not isinstance(changes["is_active"], bool):
                raise DomainError("invalid_is_active", "Say yes or no.", field="is_active")
            price_list.is_active = changes["is_active"]
        _validity(price_list.valid_from, price_list.valid_to)
        price_list.save()
        publish("PriceListUpdated", {"price_list_id": price_list.pk, "fields": sorted(changes)})
    return price_list


def delete_price_list(price_list_id: int) -> None:
    """Delete a price list with its prices."""
    with transaction.atomic():
        price_list = _locked(PriceList, price_list_id, "price list")
        price_list.delete()
        publish("PriceListDeleted", {"price_list_id": price_list_id})


def set_price(
    price_list_id: int, *, variant_id: int, unit_price: Any, min_quantity: Any = 1
) -> PriceListItem:
    """Set a variant's unit price in a list from a minimum quantity on (adds or replaces)."""
    price = clean_decimal(unit_price, "unit_price", minimum=Decimal(0))
    break_at = clean_decimal(min_quantity, "min_quantity", positive=True, places=3)
    with transaction.atomic():
        price_list = _locked(PriceList, price_list_id, "price list")
        variant = _get(Variant, variant_id, "variant", "variant_id")
        item, created = PriceListItem.objects.select_for_update().get_or_create(
            price_list=price_list,
            variant=variant,
            min_quantity=break_at,
            defaults={"unit_price": price},
        )
        if not created:
            item.unit_price = price
            item.save()
        publish(
            "PriceSet",
            {
                "price_list_id": price_list.pk,
                "variant_id": variant.pk,
                "min_quantity": str(break_at),
                "unit_price": str(price),
            },
        )
    return item


def remove_price(item_id: int) -> None:
    """Remove one price (break) from its list."""
    with transaction.atomic():
        item = _locked(PriceListItem, item_id, "price")
        payload = {"price_list_id": item.price_list_id, "variant_id": item.variant_id}
        item.delete()
        publish("PriceRemoved", {"item_id": item_id, **payload})


# --- tax rates -----------------------------------------------------------------------------


def set_tax_rate(
    *, country: str, rate: Any, region: str = "", tax_class: str = "standard", name: str = ""
) -> TaxRate:
    """Set the rate of a country (region "" = the country's default) for a tax class."""
    clean_country = _domain(domain.clean_country, country)
    clean_region = _domain(domain.clean_region, region)
    klass = clean_choice(tax_class, "tax_class", TAX_CLASSES)
    value = clean_decimal(rate, "rate", minimum=Decimal(0), places=4)
    if value >= 1:
        raise DomainError(
            "invalid_rate", "A rate is a fraction below 1 (0.19 for 19 %).", field="rate"
        )
    label = clean_text(name, "name", 100)
    with transaction.atomic():
        row, created = TaxRate.objects.select_for_update().get_or_create(
            country=clean_country,
            region=clean_region,
            tax_class=klass,
            defaults={"rate": value, "name": label},
        )
        if not created:
            row.rate, row.name = value, label or row.name
            row.save()
        publish(
            "TaxRateSet",
            {
                "tax_rate_id": row.pk,
                "country": row.country,
                "region": row.region,
                "tax_class": row.tax_class,
                "rate": str(value),
            },
        )
    return row


def delete_tax_rate(tax_rate_id: int) -> None:
    """Delete a tax rate."""
    with transaction.atomic():
        row = _locked(TaxRate, tax_rate_id, "tax rate")
        row.delete()
        publish("TaxRateDeleted", {"tax_rate_id": tax_rate_id})

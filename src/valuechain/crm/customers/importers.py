"""Importers of customers for the data-exchange kernel: accounts and contacts from CSV/Excel.

Each row is matched to an existing record first, so re-running a file creates nothing new:

* accounts: by the external id when that column is mapped and was imported before, else by
  name (case-insensitive), preferring the account with the same website domain;
* contacts: by normalised e-mail, then by phone (E.164), then by first + last name within
  the same account.

Blank cells never erase what a record has; tags, e-mails, phones and addresses in the file
are added when the record lacks them. A contact's account name links to the account of
that name and creates it when there is none (as Salesforce's and HubSpot's wizards do).
All writes go through customers' services, so rules, events and the audit trail apply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from valuechain.crm.customers import domain, services
from valuechain.crm.customers.models import Account, Address, EmailAddress, Person, PhoneNumber
from valuechain.platform.dataexchange.registry import Importer, ImportField, ImportOutcome
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

ADDRESS_FIELDS = ("line1", "line2", "city", "region", "postal_code", "country")


def _address_fields(prefix: str, label: str) -> tuple[ImportField, ...]:
    names = {
        "line1": ("Street", ("address", "street", "address line 1", "street address")),
        "line2": ("Address line 2", ("address 2", "street 2")),
        "city": ("City", ("town",)),
        "region": ("Region", ("state", "province", "county")),
        "postal_code": ("Postal code", ("zip", "zip code", "postcode", "plz")),
        "country": ("Country", ("country code",)),
    }
    return tuple(
        ImportField(
            f"{prefix}{name}",
            f"{label}{text}",
            help="ISO code, e.g. DE" if name == "country" else "",
            aliases=tuple(f"{label}{alias}" for alias in aliases) + (aliases if prefix else ()),
        )
        for name, (text, aliases) in names.items()
    )


def _tags(text: str) -> list[str]:
    return [part for part in re.split(r"[,;|]", text) if part.strip()]


def _owner_id(email: str) -> int | None:
    if not email:
        return None
    user_id = (
        Membership.objects.filter(
            tenant_id=require_tenant_id(), is_active=True, user__email__iexact=email.strip()
        )
        .values_list("user_id", flat=True)
        .first()
    )
    if user_id is None:
        raise DomainError(
            "unknown_owner", f"No active member has the e-mail {email!r}.", field="owner_email"
        )
    return int(user_id)


def _domain_of(website: str) -> str:
    text = website.strip().lower()
    if not text:
        return ""
    host = urlsplit(text if "://" in text else f"https://{text}").hostname or ""
    return host.removeprefix("www.")


def _account_by_name(name: str, website: str = "") -> Account | None:
    candidates = list(Account.objects.filter(name__iexact=" ".join(name.split())).order_by("pk"))
    wanted = _domain_of(website)
    if wanted:
        for account in candidates:
            if _domain_of(account.website) == wanted:
                return account
        candidates = [a for a in candidates if not a.website]
    return candidates[0] if candidates else None


def _changes(record: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """The non-blank values that differ from the record's (blank cells change nothing)."""
    changes: dict[str, Any] = {}
    for field, value in values.items():
        if value in ("", None):
            continue
        current = getattr(record, field)
        if field == "website":
            if _domain_of(str(current)) == _domain_of(str(value)) and current:
                continue
        elif field == "name" and str(current).casefold() == " ".join(str(value).split()).casefold():
            continue  # the name matched case-insensitively; keep the record's spelling
        elif str(current or "") == str(value):
            continue
        changes[field] = value
    return changes


def _add_tags(kind: str, record: Any, text: str) -> bool:
    names = _tags(text)
    if not names:
        return False
    have = {tag.name.lower() for tag in record.tags.all()}
    if all(" ".join(n.split()).lower() in have for n in names):
        return False
    services.set_tags(kind, record.pk, [*(t.name for t in record.tags.all()), *names])
    return True


def _add_email(kind: str, record: Any, email: str) -> bool:
    if not email:
        return False
    try:
        services.add_email(kind, record.pk, email=email)
    except DomainError as error:
        if error.code == "duplicate_identifier":
            return False
        raise
    return True


def _add_phone(kind: str, record: Any, number: str, region: str | None) -> bool:
    if not number:
        return False
    try:
        services.add_phone(kind, record.pk, number=number, region=region or None)
    except DomainError as error:
        if error.code == "duplicate_identifier":
            return False
        raise
    return True


def _add_address(kind: str, record: Any, values: Mapping[str, str], prefix: str) -> bool:
    parts: dict[str, Any] = {name: values.get(f"{prefix}{name}", "") for name in ADDRESS_FIELDS}
    if not any(parts.values()):
        return False
    country = parts["country"].strip().upper()
    same = Address.objects.filter(
        **{kind: record},
        kind="billing" if kind == "account" else "other",
        line1__iexact=" ".join(parts["line1"].split()),
        city__iexact=" ".join(parts["city"].split()),
        postal_code=" ".join(parts["postal_code"].split()),
        country=country,
    )
    if same.exists():
        return False
    try:
        services.add_address(
            kind,
            record.pk,
            address_kind="billing" if kind == "account" else "other",
            **parts,
        )
    except DomainError as error:
        raise DomainError(
            error.code, error.message, field=f"{prefix}{error.field or ''}".rstrip("_")
        ) from error
    return True


# --- accounts ------------------------------------------------------------------------------


def import_account(values: Mapping[str, str], known_id: int | None) -> ImportOutcome:
    """Create or update one account from a row (see the module docstring for matching)."""
    name = values.get("name", "")
    if not name.strip():
        raise DomainError("name_required", "Enter the account name.", field="name")
    account = Account.objects.filter(pk=known_id).first() if known_id else None
    if account is None and not values.get("external_id"):
        account = _account_by_name(name, values.get("website", ""))
    parent_name = values.get("parent_name", "")
    parent_id = None
    if parent_name:
        parent = _account_by_name(parent_name)
        if parent is None:
            raise DomainError(
                "unknown_parent", f"No account is called {parent_name!r}.", field="parent_name"
            )
        parent_id = parent.pk
    fields: dict[str, Any] = {
        "name": name,
        "legal_name": values.get("legal_name", ""),
        "website": values.get("website", ""),
        "industry": values.get("industry", ""),
        "size_band": values.get("size_band", ""),
        "owner_id": _owner_id(values.get("owner_email", "")),
        "parent_id": parent_id,
    }
    if account is None:
        account = services.create_account(
            **{k: v for k, v in fields.items() if v not in ("", None)},
            tags=_tags(values.get("tags", "")),
        )
        status = "created"
    else:
        changes = _changes(account, fields)
        if changes:
            services.update_account(account.pk, **changes)
        status = "updated" if changes else "unchanged"
        if _add_tags("account", account, values.get("tags", "")):
            status = "updated"
    added = [
        _add_address("account", account, values, "billing_"),
        _add_email("account", account, values.get("email", "")),
        _add_phone("account", account, values.get("phone", ""), values.get("billing_country")),
    ]
    if status == "unchanged" and any(added):
        status = "updated"
    return ImportOutcome(status, account.pk)


ACCOUNTS = Importer(
    key="customers.accounts",
    label="Accounts",
    permission="crm:write",
    natural_key=(
        "External id when that column is mapped; otherwise the name (case-insensitive), "
        "preferring the account with the same website domain."
    ),
    fields=(
        ImportField(
            "external_id",
            "External id",
            help="Your system's id; re-imports update the same account",
            aliases=("id", "account id", "customer number", "external key"),
        ),
        ImportField(
            "name",
            "Name",
            required=True,
            aliases=("account", "account name", "company", "company name", "organisation"),
        ),
        ImportField("legal_name", "Legal name", aliases=("registered name",)),
        ImportField("website", "Website", aliases=("web", "url", "homepage", "domain")),
        ImportField("industry", "Industry", aliases=("sector",)),
        ImportField(
            "size_band",
            "Size band",
            help=", ".join(domain.SIZE_BANDS),
            aliases=("size", "employees", "company size"),
        ),
        ImportField("tags", "Tags", help="separated by commas", aliases=("labels",)),
        *_address_fields("billing_", "Billing "),
        ImportField("phone", "Phone", aliases=("telephone", "phone number", "tel")),
        ImportField("email", "E-mail", aliases=("email", "e-mail address", "mail")),
        ImportField("owner_email", "Owner e-mail", aliases=("owner", "account owner")),
        ImportField("parent_name", "Parent account", aliases=("parent", "parent name", "group")),
    ),
    import_row=import_account,
)


# --- contacts ------------------------------------------------------------------------------


def _person_by_contact(values: Mapping[str, str]) -> Person | None:
    email = values.get("email", "")
    if email:
        try:
            normalised = domain.normalise_email(email)
        except domain.InvalidInput as exc:
            raise DomainError(exc.code, exc.message, field="email") from exc
        found = (
            EmailAddress.objects.filter(email=normalised, person__isnull=False)
            .order_by("pk")
            .values_list("person_id", flat=True)
            .first()
        )
        if found is not None:
            return Person.objects.get(pk=found)
    phone = values.get("phone", "")
    if phone:
        try:
            number = domain.normalise_phone(phone, values.get("country") or None)
        except domain.InvalidInput:
            number = ""
        found = (
            PhoneNumber.objects.filter(number=number, person__isnull=False)
            .order_by("pk")
            .values_list("person_id", flat=True)
            .first()
            if number
            else None
        )
        if found is not None:
            return Person.objects.get(pk=found)
    return None


def import_contact(values: Mapping[str, str], known_id: int | None) -> ImportOutcome:
    """Create or update one person from a row (see the module docstring for matching)."""
    last_name = values.get("last_name", "")
    if not last_name.strip():
        raise DomainError("last_name_required", "Enter the last name.", field="last_name")
    account_id = None
    account_name = values.get("account_name", "")
    if account_name:
        account = _account_by_name(account_name) or services.create_account(name=account_name)
        account_id = account.pk
    person = _person_by_contact(values)
    if person is None and not values.get("email") and not values.get("phone"):
        person = (
            Person.objects.filter(
                first_name__iexact=values.get("first_name", "").strip(),
                last_name__iexact=last_name.strip(),
                account_id=account_id,
            )
            .order_by("pk")
            .first()
        )
    fields: dict[str, Any] = {
        "first_name": values.get("first_name", ""),
        "last_name": last_name,
        "job_title": values.get("job_title", ""),
        "owner_id": _owner_id(values.get("owner_email", "")),
        "account_id": account_id,
    }
    if person is None:
        person = services.create_person(
            **{k: v for k, v in fields.items() if v not in ("", None)},
            tags=_tags(values.get("tags", "")),
        )
        status = "created"
    else:
        changes = _changes(person, fields)
        if changes:
            services.update_person(person.pk, **changes)
        status = "updated" if changes else "unchanged"
        if _add_tags("person", person, values.get("tags", "")):
            status = "updated"
    added = [
        _add_address("person", person, values, ""),
        _add_email("person", person, values.get("email", "")),
        _add_phone("person", person, values.get("phone", ""), values.get("country")),
    ]
    if status == "unchanged" and any(added):
        status = "updated"
    return ImportOutcome(status, person.pk)


CONTACTS = Importer(
    key="customers.contacts",
    label="Contacts",
    permission="crm:write",
    natural_key=(
        "Normalised e-mail, then phone (E.164); without either, first and last name within "
        "the same account."
    ),
    fields=(
        ImportField("first_name", "First name", aliases=("first", "given name", "firstname")),
        ImportField(
            "last_name",
            "Last name",
            required=True,
            aliases=("last", "surname", "family name", "lastname", "name"),
        ),
        ImportField(
            "email", "E-mail", aliases=("email", "e-mail address", "mail", "email address")
        ),
        ImportField("phone", "Phone", aliases=("telephone", "phone number", "mobile", "tel")),
        ImportField("job_title", "Job title", aliases=("title", "position", "role")),
        ImportField(
            "account_name",
            "Account",
            help="links to the account of that name, created when missing",
            aliases=("account name", "company", "company name", "organisation"),
        ),
        *_address_fields("", ""),
        ImportField("tags", "Tags", help="separated by commas", aliases=("labels",)),
        ImportField("owner_email", "Owner e-mail", aliases=("owner", "contact owner")),
    ),
    import_row=import_contact,
)

"""API routes of customers (crm area): accounts, people, contact points, lifecycle, consent."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from ninja import Query, Status

from valuechain.crm.customers import exports, queries, services
from valuechain.crm.customers.customer360_api import router as customer360_router
from valuechain.crm.customers.interactions_api import router as interactions_router
from valuechain.crm.customers.models import (
    Account,
    Address,
    EmailAddress,
    LifecycleChange,
    Person,
    PhoneNumber,
)
from valuechain.crm.customers.schemas import (
    AccountIn,
    AccountOut,
    AccountPatch,
    AddressIn,
    AddressOut,
    ConsentIn,
    ConsentOut,
    ConsentOverviewOut,
    EmailIn,
    EmailOut,
    LifecycleChangeOut,
    LifecycleIn,
    PartyListFilters,
    PeopleListFilters,
    PersonIn,
    PersonOut,
    PersonPatch,
    PhoneIn,
    PhoneOut,
)
from valuechain.platform.api import ListParams, Page, area_router, order_by_param, paginate
from valuechain.platform.customfields.services import apply_custom_filters
from valuechain.platform.dataexchange.exports import check_format, export_response

router = area_router("crm", tags=["customers"])


# --- accounts ---------------------------------------------------------------------------


def _visible(kind: str, party_id: int) -> None:
    """404 unless the current member may see the party (record rules apply to writes too)."""
    if kind == "account":
        queries.account(party_id)
    else:
        queries.person(party_id)


@router.get("/accounts", response=Page[AccountOut], summary="List accounts")
def list_accounts(
    request: HttpRequest, filters: Query[PartyListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The tenant's accounts, by name unless sorted otherwise."""
    return paginate(
        apply_custom_filters(
            queries.accounts(filters.as_filters()), "customers.account", request.GET
        ),
        params,
        sortable=queries.ACCOUNT_SORTS,
        default_sort=("name",),
    )


@router.get("/accounts/export", summary="Export accounts as CSV or Excel")
def export_accounts(
    request: HttpRequest, filters: Query[PartyListFilters], format: str = "csv", sort: str = ""
) -> HttpResponseBase:
    """Every account matching the list filters (not only a page), as csv or xlsx."""
    fmt = check_format(format)
    rows = apply_custom_filters(
        queries.accounts(filters.as_filters()), "customers.account", request.GET
    )
    ordering = order_by_param(sort, queries.ACCOUNT_SORTS, ("name",))
    return export_response(rows.order_by(*ordering, "pk"), exports.ACCOUNT_COLUMNS, fmt, "accounts")


@router.post("/accounts", response={201: AccountOut}, summary="Create an account")
def create_account(request: HttpRequest, data: AccountIn) -> Status[Account]:
    """Add a company, optionally under a parent account."""
    account = services.create_account(**data.dict())
    return Status(201, queries.account(account.pk))


@router.get("/accounts/{account_id}", response=AccountOut, summary="Get an account")
def get_account(request: HttpRequest, account_id: int) -> Account:
    """One account."""
    return queries.account(account_id)


@router.patch("/accounts/{account_id}", response=AccountOut, summary="Change an account")
def update_account(request: HttpRequest, account_id: int, data: AccountPatch) -> Account:
    """Change the given fields; ``parent_id`` may not make the hierarchy a loop."""
    _visible("account", account_id)
    services.update_account(account_id, **data.dict(exclude_unset=True))
    return queries.account(account_id)


@router.get(
    "/accounts/{account_id}/children",
    response=Page[AccountOut],
    summary="List an account's subsidiaries",
)
def list_children(
    request: HttpRequest, account_id: int, params: Query[ListParams]
) -> dict[str, Any]:
    """The accounts directly under this one."""
    parent = queries.account(account_id)
    return paginate(
        queries.children(parent), params, sortable=queries.ACCOUNT_SORTS, default_sort=("name",)
    )


# --- people -----------------------------------------------------------------------------


@router.get("/people", response=Page[PersonOut], summary="List people")
def list_people(
    request: HttpRequest, filters: Query[PeopleListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The tenant's people (contacts and consumers), by last name unless sorted otherwise."""
    return paginate(
        apply_custom_filters(
            queries.people(filters.as_filters(account_id=filters.account_id)),
            "customers.person",
            request.GET,
        ),
        params,
        sortable=queries.PERSON_SORTS,
        default_sort=("last_name", "first_name"),
    )


@router.get("/people/export", summary="Export people as CSV or Excel")
def export_people(
    request: HttpRequest, filters: Query[PeopleListFilters], format: str = "csv", sort: str = ""
) -> HttpResponseBase:
    """Every person matching the list filters (not only a page), as csv or xlsx."""
    fmt = check_format(format)
    rows = apply_custom_filters(
        queries.people(filters.as_filters(account_id=filters.account_id)),
        "customers.person",
        request.GET,
    )
    ordering = order_by_param(sort, queries.PERSON_SORTS, ("last_name", "first_name"))
    return export_response(rows.order_by(*ordering, "pk"), exports.PERSON_COLUMNS, fmt, "people")


@router.post("/people", response={201: PersonOut}, summary="Create a person")
def create_person(request: HttpRequest, data: PersonIn) -> Status[Person]:
    """Add a contact of an account, or a customer of their own."""
    person = services.create_person(**data.dict())
    return Status(201, queries.person(person.pk))


@router.get("/people/{person_id}", response=PersonOut, summary="Get a person")
def get_person(request: HttpRequest, person_id: int) -> Person:
    """One person with their e-mails and phones."""
    return queries.person(person_id)


@router.patch("/people/{person_id}", response=PersonOut, summary="Change a person")
def update_person(request: HttpRequest, person_id: int, data: PersonPatch) -> Person:
    """Change the given fields of a person."""
    _visible("person", person_id)
    services.update_person(person_id, **data.dict(exclude_unset=True))
    return queries.person(person_id)


# --- contact points, addresses, lifecycle (for accounts and people alike) ------------------


def _add_email(kind: str, party_id: int, data: EmailIn) -> EmailAddress:
    return services.add_email(
        kind, party_id, email=data.email, contact_kind=data.kind, is_primary=data.is_primary
    )


def _add_phone(kind: str, party_id: int, data: PhoneIn) -> PhoneNumber:
    return services.add_phone(
        kind,
        party_id,
        number=data.number,
        contact_kind=data.kind,
        is_primary=data.is_primary,
        region=data.region,
    )


def _add_address(kind: str, party_id: int, data: AddressIn) -> Address:
    values = data.dict()
    return services.add_address(kind, party_id, address_kind=values.pop("kind"), **values)


@router.post("/people/{person_id}/emails", response={201: EmailOut}, summary="Add an e-mail")
def add_person_email(request: HttpRequest, person_id: int, data: EmailIn) -> Status[EmailAddress]:
    """Add an e-mail address to a person (normalised, unique per person)."""
    _visible("person", person_id)
    return Status(201, _add_email("person", person_id, data))


@router.post("/people/{person_id}/phones", response={201: PhoneOut}, summary="Add a phone")
def add_person_phone(request: HttpRequest, person_id: int, data: PhoneIn) -> Status[PhoneNumber]:
    """Add a phone number to a person, stored in E.164."""
    _visible("person", person_id)
    return Status(201, _add_phone("person", person_id, data))


@router.post("/people/{person_id}/addresses", response={201: AddressOut}, summary="Add an address")
def add_person_address(request: HttpRequest, person_id: int, data: AddressIn) -> Status[Address]:
    """Add a postal address to a person."""
    _visible("person", person_id)
    return Status(201, _add_address("person", person_id, data))


@router.post(
    "/accounts/{account_id}/emails", response={201: EmailOut}, summary="Add an account e-mail"
)
def add_account_email(request: HttpRequest, account_id: int, data: EmailIn) -> Status[EmailAddress]:
    """Add an e-mail address to an account."""
    _visible("account", account_id)
    return Status(201, _add_email("account", account_id, data))


@router.post(
    "/accounts/{account_id}/phones", response={201: PhoneOut}, summary="Add an account phone"
)
def add_account_phone(request: HttpRequest, account_id: int, data: PhoneIn) -> Status[PhoneNumber]:
    """Add a phone number to an account."""
    _visible("account", account_id)
    return Status(201, _add_phone("account", account_id, data))


@router.post(
    "/accounts/{account_id}/addresses",
    response={201: AddressOut},
    summary="Add an account address",
)
def add_account_address(request: HttpRequest, account_id: int, data: AddressIn) -> Status[Address]:
    """Add a postal address to an account."""
    _visible("account", account_id)
    return Status(201, _add_address("account", account_id, data))


@router.post(
    "/accounts/{account_id}/lifecycle",
    response={201: LifecycleChangeOut},
    summary="Move an account to another lifecycle stage",
)
def change_account_stage(
    request: HttpRequest, account_id: int, data: LifecycleIn
) -> Status[LifecycleChange]:
    """Record a lifecycle move of an account."""
    _visible("account", account_id)
    change = services.change_lifecycle_stage(
        "account", account_id, data.stage, changed_at=data.changed_at
    )
    return Status(201, change)


@router.post(
    "/people/{person_id}/lifecycle",
    response={201: LifecycleChangeOut},
    summary="Move a person to another lifecycle stage",
)
def change_person_stage(
    request: HttpRequest, person_id: int, data: LifecycleIn
) -> Status[LifecycleChange]:
    """Record a lifecycle move of a person."""
    _visible("person", person_id)
    change = services.change_lifecycle_stage(
        "person", person_id, data.stage, changed_at=data.changed_at
    )
    return Status(201, change)


# --- consent ------------------------------------------------------------------------------


@router.post("/people/{person_id}/consents", response={201: ConsentOut}, summary="Record consent")
def record_consent(request: HttpRequest, person_id: int, data: ConsentIn) -> Status[Any]:
    """Record a yes or no for one channel; the latest record per channel is the current one."""
    _visible("person", person_id)
    return Status(201, services.record_consent(person_id, **data.dict()))


@router.get(
    "/people/{person_id}/consents", response=ConsentOverviewOut, summary="A person's consent"
)
def list_consents(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """The current consent per channel and every record, newest first."""
    person = queries.person(person_id)
    current = queries.current_consents(person)
    return {
        "current": [
            {
                "channel": channel,
                "granted": None if record is None else record.granted,
                "recorded_at": None if record is None else record.recorded_at,
                "source": "" if record is None else record.source,
            }
            for channel, record in current.items()
        ],
        "history": list(queries.consent_history(person)),
    }


# --- removals and histories ----------------------------------------------------------------


def _party(kind: str, party_id: int) -> Account | Person:
    return queries.account(party_id) if kind == "account" else queries.person(party_id)


def _remove(kind: str, party_id: int, what: str, item_id: int) -> Status[None]:
    """Remove one of the party's own e-mails, phones or addresses; 404 for anyone else's."""
    party = _party(kind, party_id)
    rows, remove = {
        "emails": (queries.emails, services.remove_email),
        "phones": (queries.phones, services.remove_phone),
        "addresses": (queries.addresses, services.remove_address),
    }[what]
    item = rows(party).get(pk=item_id)
    remove(item.pk)
    return Status(204, None)


def _history(kind: str, party_id: int, params: ListParams) -> dict[str, Any]:
    return paginate(
        queries.lifecycle_history(_party(kind, party_id)),
        params,
        sortable=("changed_at",),
        default_sort=("-changed_at",),
    )


@router.delete(
    "/people/{person_id}/emails/{email_id}",
    response={204: None},
    summary="Remove a person's e-mail",
)
def remove_person_emails(request: HttpRequest, person_id: int, email_id: int) -> Status[None]:
    """Remove one e-mail of the person."""
    _visible("person", person_id)
    return _remove("person", person_id, "emails", email_id)


@router.delete(
    "/people/{person_id}/phones/{phone_id}", response={204: None}, summary="Remove a person's phone"
)
def remove_person_phones(request: HttpRequest, person_id: int, phone_id: int) -> Status[None]:
    """Remove one phone of the person."""
    _visible("person", person_id)
    return _remove("person", person_id, "phones", phone_id)


@router.delete(
    "/people/{person_id}/addresses/{address_id}",
    response={204: None},
    summary="Remove a person's address",
)
def remove_person_addresses(request: HttpRequest, person_id: int, address_id: int) -> Status[None]:
    """Remove one address of the person."""
    _visible("person", person_id)
    return _remove("person", person_id, "addresses", address_id)


@router.get(
    "/people/{person_id}/lifecycle",
    response=Page[LifecycleChangeOut],
    summary="A person's lifecycle history",
)
def person_lifecycle_history(
    request: HttpRequest, person_id: int, params: Query[ListParams]
) -> dict[str, Any]:
    """The person's stage moves, newest first."""
    return _history("person", person_id, params)


@router.delete(
    "/accounts/{account_id}/emails/{email_id}",
    response={204: None},
    summary="Remove a account's e-mail",
)
def remove_account_emails(request: HttpRequest, account_id: int, email_id: int) -> Status[None]:
    """Remove one e-mail of the account."""
    _visible("account", account_id)
    return _remove("account", account_id, "emails", email_id)


@router.delete(
    "/accounts/{account_id}/phones/{phone_id}",
    response={204: None},
    summary="Remove a account's phone",
)
def remove_account_phones(request: HttpRequest, account_id: int, phone_id: int) -> Status[None]:
    """Remove one phone of the account."""
    _visible("account", account_id)
    return _remove("account", account_id, "phones", phone_id)


@router.delete(
    "/accounts/{account_id}/addresses/{address_id}",
    response={204: None},
    summary="Remove a account's address",
)
def remove_account_addresses(
    request: HttpRequest, account_id: int, address_id: int
) -> Status[None]:
    """Remove one address of the account."""
    _visible("account", account_id)
    return _remove("account", account_id, "addresses", address_id)


@router.get(
    "/accounts/{account_id}/lifecycle",
    response=Page[LifecycleChangeOut],
    summary="An account's lifecycle history",
)
def account_lifecycle_history(
    request: HttpRequest, account_id: int, params: Query[ListParams]
) -> dict[str, Any]:
    """The account's stage moves, newest first."""
    return _history("account", account_id, params)


router.add_router("", interactions_router)  # touch points live in their own module
router.add_router("", customer360_router)  # the 360° view lives in its own module

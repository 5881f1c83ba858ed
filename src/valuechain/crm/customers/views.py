"""Pages of customers: account and people lists, detail pages with their small forms, edit forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from valuechain.crm.customers import exports, queries, services
from valuechain.crm.customers.forms import (
    AccountForm,
    AddressForm,
    ConsentForm,
    EmailForm,
    LifecycleForm,
    PartyFilterForm,
    PersonForm,
    PhoneForm,
    ServiceForm,
)
from valuechain.crm.customers.models import Account, Person
from valuechain.platform.customfields.forms import add_custom_errors, initial_custom_values
from valuechain.platform.customfields.services import apply_custom_filters
from valuechain.platform.dataexchange.exports import FORMATS, export_response
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import paginated

PER_PAGE = 50
ACCOUNT_SORT_CHOICES = [
    ("name", "Name A-Z"),
    ("-name", "Name Z-A"),
    ("-created_at", "Newest"),
    ("lifecycle_stage", "Stage"),
]
PERSON_SORT_CHOICES = [
    ("last_name", "Last name A-Z"),
    ("-last_name", "Last name Z-A"),
    ("-created_at", "Newest"),
    ("lifecycle_stage", "Stage"),
]


def _can_write(request: HttpRequest) -> bool:
    return allows(getattr(request, "permissions", frozenset()), "crm", "write")


def _filtered_page(
    request: HttpRequest, sorts: list[tuple[str, str]], list_of: Callable[..., Any], target: str
) -> tuple[PartyFilterForm, Any]:
    form = PartyFilterForm(request.GET or None, sorts=sorts, target=target)
    filters = queries.PartyFilters()
    sort = sorts[0][0]
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries.PartyFilters(
            name=data["name"] or None,
            tag=data["tag"] or None,
            lifecycle_stage=data["lifecycle_stage"] or None,
            owner_id=data["owner_id"],
        )
        sort = data["sort"] or sort
    rows = list_of(filters).order_by(sort, "pk")
    try:
        rows = apply_custom_filters(rows, target, request.GET)
    except DomainError as error:
        add_custom_errors(form, error)
        rows = rows.none()
    if request.GET.get("export") in FORMATS:  # every filtered row, not only the page
        return form, rows
    return form, paginated(request, rows, PER_PAGE)


@requires("crm", "read")
def account_list(request: HttpRequest) -> HttpResponse:
    """/crm/accounts/: accounts with filters, sorting and pages."""
    form, page = _filtered_page(
        request, ACCOUNT_SORT_CHOICES, queries.accounts, "customers.account"
    )
    if request.GET.get("export") in FORMATS:
        response = export_response(page, exports.ACCOUNT_COLUMNS, request.GET["export"], "accounts")
        return response  # type: ignore[return-value]
    context = {"form": form, "page": page, "can_write": _can_write(request)}
    return render(request, "customers/account_list.html", context)


@requires("crm", "read")
def person_list(request: HttpRequest) -> HttpResponse:
    """/crm/people/: people with filters, sorting and pages."""
    form, page = _filtered_page(request, PERSON_SORT_CHOICES, queries.people, "customers.person")
    if request.GET.get("export") in FORMATS:
        response = export_response(page, exports.PERSON_COLUMNS, request.GET["export"], "people")
        return response  # type: ignore[return-value]
    context = {"form": form, "page": page, "can_write": _can_write(request)}
    return render(request, "customers/person_list.html", context)


def _save(form: ServiceForm, call: Callable[..., Any], *args: Any) -> Any:
    """Run a service with the form's data; None (and errors on the form) when it refused."""
    try:
        return call(*args)
    except DomainError as error:
        form.add_domain_error(error)
        return None


@requires("crm", "write")
def account_create(request: HttpRequest) -> HttpResponse:
    """/crm/accounts/new/: add an account."""
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = _save(form, lambda: services.create_account(**form.service_arguments()))
        if account is not None:
            messages.success(request, f"Account {account.name} added.")
            return redirect("customers-account-detail", account.pk)
    return render(request, "customers/party_form.html", {"form": form, "title": "New account"})


@requires("crm", "write")
def account_edit(request: HttpRequest, account_id: int) -> HttpResponse:
    """/crm/accounts/<id>/edit/: change an account."""
    account = _account_or_404(account_id)
    initial = {
        "name": account.name,
        "legal_name": account.legal_name,
        "website": account.website,
        "industry": account.industry,
        "size_band": account.size_band,
        "parent_id": account.parent_id or "",
        "owner_id": account.owner_id or "",
        "tags": ", ".join(t.name for t in account.tags.all()),
        **initial_custom_values(account.custom),
    }
    form = AccountForm(request.POST or None, initial=initial, account_id=account.pk)
    if request.method == "POST" and form.is_valid():
        args = form.service_arguments()
        if _save(form, lambda: services.update_account(account.pk, **args)) is not None:
            messages.success(request, "Account saved.")
            return redirect("customers-account-detail", account.pk)
    context = {"form": form, "title": f"Edit {account.name}", "party": account}
    return render(request, "customers/party_form.html", context)


@requires("crm", "write")
def person_create(request: HttpRequest) -> HttpResponse:
    """/crm/people/new/: add a person (optionally ?account=<id> preselected)."""
    form = PersonForm(request.POST or None, initial={"account_id": request.GET.get("account")})
    if request.method == "POST" and form.is_valid():
        person = _save(form, lambda: services.create_person(**form.service_arguments()))
        if person is not None:
            messages.success(request, f"{person.full_name} added.")
            return redirect("customers-person-detail", person.pk)
    return render(request, "customers/party_form.html", {"form": form, "title": "New person"})


@requires("crm", "write")
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """/crm/people/<id>/edit/: change a person."""
    person = _person_or_404(person_id)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "account_id": person.account_id or "",
        "job_title": person.job_title,
        "owner_id": person.owner_id or "",
        "tags": ", ".join(t.name for t in person.tags.all()),
        **initial_custom_values(person.custom),
    }
    form = PersonForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        args = form.service_arguments()
        if _save(form, lambda: services.update_person(person.pk, **args)) is not None:
            messages.success(request, "Person saved.")
            return redirect("customers-person-detail", person.pk)
    context = {"form": form, "title": f"Edit {person.full_name}", "party": person}
    return render(request, "customers/party_form.html", context)


def _account_or_404(account_id: int) -> Account:
    try:
        return queries.account(account_id)
    except Account.DoesNotExist as exc:
        raise Http404("No such account.") from exc


def _person_or_404(person_id: int) -> Person:
    try:
        return queries.person(person_id)
    except Person.DoesNotExist as exc:
        raise Http404("No such person.") from exc


# --- detail pages and their small forms ---------------------------------------------------


def _party_forms(data: Any = None, action: str | None = None) -> dict[str, forms.Form]:
    """The add/change forms of a detail page; only the submitted one is bound."""
    classes: dict[str, type[forms.Form]] = {
        "email": EmailForm,
        "phone": PhoneForm,
        "address": AddressForm,
        "lifecycle": LifecycleForm,
        "consent": ConsentForm,
    }
    return {name: cls(data if name == action else None) for name, cls in classes.items()}


def _run_action(kind: str, party: Account | Person, action: str, form: Any) -> str | None:
    """Call the service for a submitted detail-page form; the success message or None."""
    data = form.cleaned_data
    if action == "email":
        done = _save(form, lambda: services.add_email(kind, party.pk, **data))
        return None if done is None else f"E-mail {done.email} added."
    if action == "phone":
        done = _save(form, lambda: services.add_phone(kind, party.pk, **_phone_args(data)))
        return None if done is None else f"Phone {done.number} added."
    if action == "address":
        done = _save(form, lambda: services.add_address(kind, party.pk, **data))
        return None if done is None else "Address added."
    if action == "lifecycle":
        done = _save(form, services.change_lifecycle_stage, kind, party.pk, data["stage"])
        return None if done is None else f"Stage changed to {data['stage'].replace('_', ' ')}."
    if action == "consent" and kind == "person":
        done = _save(form, lambda: services.record_consent(party.pk, **data))
        return None if done is None else f"Consent for {data['channel']} recorded."
    return None


def _phone_args(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": data["number"],
        "contact_kind": data["contact_kind"],
        "is_primary": data["is_primary"],
    }


def _remove(kind: str, party: Account | Person, action: str, item_id: str) -> str | None:
    """Remove one of the party's e-mails, phones or addresses (only the party's own)."""
    lists = {
        "remove_email": (queries.emails, services.remove_email),
        "remove_phone": (queries.phones, services.remove_phone),
        "remove_address": (queries.addresses, services.remove_address),
    }
    if action not in lists or not item_id.isdigit():
        return None
    rows, remove = lists[action]
    if not rows(party).filter(pk=int(item_id)).exists():
        raise Http404("No such entry.")
    remove(int(item_id))
    return "Removed."


def _detail(request: HttpRequest, kind: str, party: Account | Person) -> HttpResponse:
    action = request.POST.get("action", "") if request.method == "POST" else None
    page_forms = _party_forms(request.POST if action else None, action)
    if action:
        if not _can_write(request):
            return forbidden(request, "Changing customers needs crm:write.", "crm:write")
        removed = _remove(kind, party, action, request.POST.get("item", ""))
        if removed:
            messages.success(request, removed)
            return redirect(f"customers-{kind}-detail", party.pk)
        form = page_forms.get(action)
        if form is not None and form.is_valid():
            message = _run_action(kind, party, action, form)
            if message:
                messages.success(request, message)
                return redirect(f"customers-{kind}-detail", party.pk)
    context: dict[str, Any] = {
        "party": party,
        "kind": kind,
        "forms": page_forms,
        "can_write": _can_write(request),
        "addresses": queries.addresses(party),
        "emails": queries.emails(party),
        "phones": queries.phones(party),
        "lifecycle": queries.lifecycle_history(party),
    }
    if isinstance(party, Account):
        context["children"] = queries.children(party)
        context["contacts"] = queries.people(queries.PartyFilters(account_id=party.pk))
        template = "customers/account_detail.html"
    else:
        context["consents"] = queries.current_consents(party)
        context["consent_history"] = queries.consent_history(party)[:20]
        template = "customers/person_detail.html"
    return render(request, template, context)


@requires("crm", "read")
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    """/crm/accounts/<id>/: profile, subsidiaries, contacts, addresses, contact points, history."""
    return _detail(request, "account", _account_or_404(account_id))


@requires("crm", "read")
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """/crm/people/<id>/: profile, addresses, contact points, consent, history."""
    return _detail(request, "person", _person_or_404(person_id))

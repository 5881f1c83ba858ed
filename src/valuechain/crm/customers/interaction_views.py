"""Pages of touch points: the log panel and timeline on party pages, the unmatched review page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from valuechain.crm.customers import exports, interaction_queries, interactions, queries
from valuechain.crm.customers.interaction_forms import (
    TIMELINE_CHANNELS,
    LogActivityForm,
    ResolveForm,
)
from valuechain.crm.customers.models import Account, Person
from valuechain.platform.dataexchange.exports import FORMATS, export_response
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.identity.domain import allows

TIMELINE_PER_PAGE = 20
UNMATCHED_PER_PAGE = 50


def _party(kind: str, party_id: int) -> Account | Person:
    try:
        return queries.account(party_id) if kind == "account" else queries.person(party_id)
    except (Account.DoesNotExist, Person.DoesNotExist) as exc:
        raise Http404(f"No such {kind}.") from exc


def touchpoints_context(
    request: HttpRequest, party: Account | Person, form: LogActivityForm | None = None
) -> dict[str, Any]:
    """What ``customers/_touchpoints.html`` shows: the log form and one timeline page."""
    kind = "account" if isinstance(party, Account) else "person"
    channel = request.GET.get("tl_channel") or ""
    if channel not in dict(TIMELINE_CHANNELS):
        channel = ""
    rows = interaction_queries.timeline(party, channel or None)
    return {
        "party": party,
        "kind": kind,
        "form": form or LogActivityForm(),
        "open_panel": form is not None and bool(form.errors),
        "page": Paginator(rows, TIMELINE_PER_PAGE).get_page(request.GET.get("tl_page")),
        "channel": channel,
        "channels": TIMELINE_CHANNELS,
        "can_write": allows(getattr(request, "permissions", frozenset()), "crm", "write"),
        "timeline_url": reverse(f"customers-{kind}-timeline", args=[party.pk]),
        "log_url": reverse(f"customers-{kind}-log-activity", args=[party.pk]),
    }


@requires("crm", "read")
def timeline(request: HttpRequest, kind: str, party_id: int) -> HttpResponse:
    """htmx fragment: the panel and timeline, for the channel filter and page links."""
    party = _party(kind, party_id)
    return render(request, "customers/_touchpoints.html", touchpoints_context(request, party))


@requires("crm", "write")
def log_activity(request: HttpRequest, kind: str, party_id: int) -> HttpResponse:
    """POST: log a call, meeting or note; htmx gets the refreshed fragment, others a redirect."""
    party = _party(kind, party_id)
    detail = f"customers-{kind}-detail"
    if request.method != "POST":
        return redirect(detail, party.pk)
    form = LogActivityForm(request.POST)
    if form.is_valid():
        try:
            interactions.log_activity(kind, party.pk, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if request.headers.get("HX-Request"):
                context = touchpoints_context(request, party)
                context["logged"] = form.cleaned_data["kind"]
                return render(request, "customers/_touchpoints.html", context)
            return redirect(detail, party.pk)
    context = touchpoints_context(request, party, form)
    if request.headers.get("HX-Request"):
        return render(request, "customers/_touchpoints.html", context)
    return render(request, "customers/log_activity.html", context, status=422)


@requires("crm", "read")
def unmatched_list(request: HttpRequest) -> HttpResponse:
    """/crm/interactions/unmatched/: interactions no customer owns yet, to attach or dismiss."""
    rows = interaction_queries.unmatched()
    if request.GET.get("export") in FORMATS:
        fmt = request.GET["export"]
        response = export_response(rows, exports.UNMATCHED_COLUMNS, fmt, "unmatched-interactions")
        return response  # type: ignore[return-value]
    page = Paginator(rows, UNMATCHED_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/unmatched_list.html",
        {
            "page": page,
            "form": ResolveForm(),
            "can_write": allows(getattr(request, "permissions", frozenset()), "crm", "write"),
        },
    )


def _person_id(text: str) -> int:
    text = text.strip()
    if text.isdigit():
        return int(text)
    party = queries.find_party_by_identifier("email", text)
    if not isinstance(party, Person):
        raise DomainError(
            "unknown_person", f"No person has the e-mail address {text!r}.", field="person"
        )
    return party.pk


@requires("crm", "write")
def unmatched_resolve(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """POST: attach an unmatched interaction to a person found by e-mail or id."""
    if request.method != "POST":
        return redirect("customers-unmatched-list")
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            interactions.resolve_unmatched(
                interaction_id,
                "person",
                _person_id(form.cleaned_data["person"]),
                remember_identifier=form.cleaned_data["remember_identifier"],
            )
        except DomainError as error:
            if error.status == 404 and error.field is None:
                raise Http404(error.message) from error
            form.add_domain_error(error)
        else:
            return redirect("customers-unmatched-list")
    rows = interaction_queries.unmatched()
    context = {
        "page": Paginator(rows, UNMATCHED_PER_PAGE).get_page(request.GET.get("page")),
        "form": ResolveForm(),
        "failed_form": form,
        "failed_id": interaction_id,
        "can_write": True,
    }
    return render(request, "customers/unmatched_list.html", context, status=422)


@requires("crm", "write")
def unmatched_dismiss(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """POST: take an unmatched interaction off the list."""
    if request.method == "POST":
        try:
            interactions.dismiss_unmatched(interaction_id)
        except DomainError as error:
            if error.status == 404:
                raise Http404(error.message) from error
    return redirect("customers-unmatched-list")

"""Pages of leads: the list, a lead's page (score, duplicates, status, owner), forms, convert."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from valuechain.crm.customers.models import Account, Person
from valuechain.crm.leads import conversion, queries, scoring, services
from valuechain.crm.leads.domain import DEFAULT_RULES
from valuechain.crm.leads.exports import LEAD_COLUMNS
from valuechain.crm.leads.forms import (
    ConvertForm,
    LeadFilterForm,
    LeadForm,
    OwnerForm,
    ScoringRuleForm,
    StatusForm,
)
from valuechain.crm.leads.models import Lead
from valuechain.platform.customfields.forms import add_custom_errors, initial_custom_values
from valuechain.platform.customfields.services import apply_custom_filters
from valuechain.platform.dataexchange.exports import FORMATS, export_response
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import call_service, paginated

PER_PAGE = 50
DEFAULT_KEYS = ("name", "field", "operator", "value", "points")
FORM_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "job_title",
    "email",
    "phone",
    "country",
    "region",
    "postal_code",
    "industry",
    "size_band",
    "source",
    "campaign",
    "consent_granted",
    "notes",
)


def _can_write(request: HttpRequest) -> bool:
    return allows(getattr(request, "permissions", frozenset()), "crm", "write")


def _lead_or_404(lead_id: int) -> Lead:
    try:
        return queries.lead(lead_id)
    except Lead.DoesNotExist as exc:
        raise Http404("No such lead.") from exc


@requires("crm", "read")
def lead_list(request: HttpRequest) -> HttpResponse:
    """/crm/leads/: leads with filters, sorting and pages."""
    form = LeadFilterForm(request.GET or None)
    filters, sort = queries.LeadFilters(), "-created_at"
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries.LeadFilters(
            text=data["q"] or None,
            status=data["status"] or None,
            source=data["source"] or None,
            owner_id=data["owner_id"],
            min_score=data["min_score"],
            max_score=data["max_score"],
            campaign=data["campaign"] or None,
            created_from=data["created_from"],
            created_to=data["created_to"],
        )
        sort = data["sort"] or sort
    try:
        rows = queries.leads(filters).order_by(sort, "-pk")
        rows = apply_custom_filters(rows, "leads.lead", request.GET)
    except DomainError as error:
        if error.code == "invalid_custom_fields":
            add_custom_errors(form, error)
        else:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        rows = queries.leads().none()
    if request.GET.get("export") in FORMATS:  # every filtered row, not only the page
        response = export_response(rows, LEAD_COLUMNS, request.GET["export"], "leads")
        return response  # type: ignore[return-value]
    page = paginated(request, rows, PER_PAGE)
    context = {"form": form, "page": page, "can_write": _can_write(request)}
    return render(request, "leads/lead_list.html", context)


@requires("crm", "write")
def lead_create(request: HttpRequest) -> HttpResponse:
    """/crm/leads/new/: capture a lead by hand."""
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lead = call_service(form, lambda: services.create_lead(**form.service_arguments()))
        if lead is not None:
            messages.success(request, f"Lead {lead.full_name} added (score {lead.score}).")
            return redirect("leads-lead-detail", lead.pk)
    return render(request, "leads/lead_form.html", {"form": form, "title": "New lead"})


@requires("crm", "write")
def lead_edit(request: HttpRequest, lead_id: int) -> HttpResponse:
    """/crm/leads/<id>/edit/: change an open lead."""
    lead = _lead_or_404(lead_id)
    if lead.is_converted:
        messages.error(request, "A converted lead cannot be changed.")
        return redirect("leads-lead-detail", lead.pk)
    initial = {name: getattr(lead, name) for name in FORM_FIELDS}
    initial["owner_id"] = lead.owner_id or ""
    initial.update(initial_custom_values(lead.custom))
    form = LeadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        if call_service(form, lambda: services.update_lead(lead.pk, **arguments)) is not None:
            messages.success(request, "Lead saved.")
            return redirect("leads-lead-detail", lead.pk)
    context = {"form": form, "title": f"Edit {lead.full_name}", "lead": lead}
    return render(request, "leads/lead_form.html", context)


def _detail_action(request: HttpRequest, lead: Lead, action: str) -> tuple[Any, str | None]:
    """Run the submitted status or owner form; (the bound form, the success message)."""
    if action == "status":
        form: Any = StatusForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = call_service(
                form,
                lambda: services.change_status(lead.pk, data["status"], reason=data["reason"]),
            )
            if done is not None:
                return form, f"Status changed to {data['status']}."
        return form, None
    form = OwnerForm(request.POST)
    if form.is_valid():
        owner = form.cleaned_data["owner_id"]
        done = call_service(
            form, lambda: services.assign_owner(lead.pk, int(owner) if owner else None)
        )
        if done is not None:
            return form, "Owner changed."
    return form, None


@requires("crm", "read")
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    """/crm/leads/<id>/: profile, score explanation, duplicates, status, owner, history."""
    lead = _lead_or_404(lead_id)
    status_form, owner_form = StatusForm(), OwnerForm(initial={"owner_id": lead.owner_id or ""})
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, "Changing leads needs crm:write.", "crm:write")
        action = request.POST.get("action", "")
        if action not in ("status", "owner"):
            raise Http404("No such action.")
        form, message = _detail_action(request, lead, action)
        if message:
            messages.success(request, message)
            return redirect("leads-lead-detail", lead.pk)
        if action == "status":
            status_form = form
        else:
            owner_form = form
    context = {
        "lead": lead,
        "duplicates": queries.duplicates(lead),
        "history": queries.status_history(lead)[:20],
        "status_form": status_form,
        "owner_form": owner_form,
        "can_write": _can_write(request),
    }
    return render(request, "leads/lead_detail.html", context)


def _convert_choices(lead: Lead) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The account and person choices: new, the duplicates found, or none (accounts)."""
    found = queries.duplicates(lead)
    account_ids = [d.id for d in found if d.kind == "account"]
    person_ids = [d.id for d in found if d.kind == "person"]
    people = list(Person.objects.filter(pk__in=person_ids).select_related("account"))
    account_ids += [p.account_id for p in people if p.account_id]
    accounts = Account.objects.filter(pk__in=account_ids).order_by("name", "pk")
    new_account = f"Create from company “{lead.company}”" if lead.company else "None"
    account_choices = [("new", new_account)]
    account_choices += [(str(a.pk), f"Link {a.name}") for a in accounts]
    if lead.company:
        account_choices.append(("none", "No account"))
    person_choices = [("new", f"Create {lead.full_name}")]
    person_choices += [(str(p.pk), f"Link {p.full_name}") for p in people]
    return account_choices, person_choices


@requires("crm", "write")
def lead_convert(request: HttpRequest, lead_id: int) -> HttpResponse:
    """/crm/leads/<id>/convert/: one step to account + contact + opportunity."""
    lead = _lead_or_404(lead_id)
    if lead.is_converted:
        messages.error(request, "This lead was converted already.")
        return redirect("leads-lead-detail", lead.pk)
    accounts, people = _convert_choices(lead)
    initial = {"create_opportunity": True, "opportunity_name": f"{lead.company or lead.full_name}"}
    form = ConvertForm(request.POST or None, initial=initial, accounts=accounts, people=people)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        done = call_service(form, lambda: conversion.convert_lead(lead.pk, **arguments))
        if done is not None:
            messages.success(request, f"{lead.full_name} converted.")
            return redirect("customers-person-detail", done.person.pk)
    context = {"form": form, "lead": lead, "title": f"Convert {lead.full_name}"}
    return render(request, "leads/lead_convert.html", context)


@requires("crm", "read")
def scoring_rules(request: HttpRequest) -> HttpResponse:
    """/crm/leads/scoring/: the tenant's rules; writers add, switch and delete them.

    GET writes nothing: before the first lead is scored the page previews the defaults.
    """
    form = ScoringRuleForm()
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, "Changing scoring rules needs crm:write.", "crm:write")
        action, item = request.POST.get("action", ""), request.POST.get("item", "")
        if action == "defaults":
            scoring.set_up_default_rules()
            messages.success(request, "Default rules created.")
            return redirect("leads-scoring-rules")
        if action == "add":
            form = ScoringRuleForm(request.POST)
            if form.is_valid() and call_service(
                form, lambda: scoring.create_scoring_rule(**form.cleaned_data)
            ):
                messages.success(request, "Rule added; open leads were scored again.")
                return redirect("leads-scoring-rules")
        elif action in ("toggle", "delete") and item.isdigit():
            rule = queries.scoring_rules().filter(pk=int(item)).first()
            if rule is None:
                raise Http404("No such rule.")
            if action == "toggle":
                scoring.update_scoring_rule(rule.pk, is_active=not rule.is_active)
            else:
                scoring.delete_scoring_rule(rule.pk)
            messages.success(request, "Rules changed; open leads were scored again.")
            return redirect("leads-scoring-rules")
        else:
            raise Http404("No such action.")
    context = {
        "rules": queries.scoring_rules(),
        "set_up": scoring.is_set_up(),
        "defaults": [dict(zip(DEFAULT_KEYS, row, strict=True)) for row in DEFAULT_RULES],
        "form": form,
        "can_write": _can_write(request),
    }
    return render(request, "leads/scoring_rules.html", context)

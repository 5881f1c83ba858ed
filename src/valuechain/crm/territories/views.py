"""Pages of territories: the list, one territory's criteria, team, rules and counts, forms."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.crm.territories import queries, services
from valuechain.crm.territories.exports import TERRITORY_COLUMNS
from valuechain.crm.territories.forms import MemberForm, RuleForm, TerritoryForm, join_list
from valuechain.crm.territories.models import Territory
from valuechain.platform.dataexchange.exports import FORMATS, export_response
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, requires
from valuechain.platform.identity.record_rules import current_role
from valuechain.platform.web.pages import call_service, paginated

PER_PAGE = 50
SORTS = {"name": "name", "-name": "-name", "priority": "-priority"}


def _can_manage() -> bool:
    return current_role() in services.MANAGING_ROLES


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """The 403 page for members who may read territories but not change them."""
    if _can_manage():
        return None
    return forbidden(
        request, "Only an administrator or a sales manager may change territories.", "crm:write"
    )


def _territory_or_404(territory_id: int) -> Territory:
    try:
        return queries.territory(territory_id)
    except Territory.DoesNotExist as exc:
        raise Http404("No such territory.") from exc


@requires("crm", "read")
def territory_list(request: HttpRequest) -> HttpResponse:
    """/crm/territories/: territories with their team and record counts."""
    name = request.GET.get("name", "").strip()
    sort = SORTS.get(request.GET.get("sort", ""), "-priority")
    rows = queries.territories(queries.TerritoryFilters(name=name or None)).order_by(
        sort, "name", "pk"
    )
    if request.GET.get("export") in FORMATS:  # every filtered row, not only the page
        fmt = request.GET["export"]
        return export_response(rows, TERRITORY_COLUMNS, fmt, "territories")  # type: ignore[return-value]
    page = paginated(request, rows, PER_PAGE)
    context = {"page": page, "name": name, "can_manage": _can_manage()}
    return render(request, "territories/territory_list.html", context)


@requires("crm", "read")
def territory_detail(request: HttpRequest, territory_id: int) -> HttpResponse:
    """/crm/territories/<id>/: criteria, team, rules, record counts and their small forms."""
    territory = _territory_or_404(territory_id)
    return _detail(request, territory, MemberForm(), RuleForm())


def _detail(
    request: HttpRequest, territory: Territory, member_form: MemberForm, rule_form: RuleForm
) -> HttpResponse:
    context = {
        "territory": territory,
        "members": queries.members(territory.pk),
        "rules": queries.rules(territory.pk).select_related("last_user"),
        "counts": queries.record_counts(territory.pk),
        "member_form": member_form,
        "rule_form": rule_form,
        "can_manage": _can_manage(),
    }
    return render(request, "territories/territory_detail.html", context)


@requires("crm", "write")
def territory_create(request: HttpRequest) -> HttpResponse:
    """/crm/territories/new/: add a territory."""
    if (refused := _refusal(request)) is not None:
        return refused
    form = TerritoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        territory = call_service(
            form, lambda: services.create_territory(**form.service_arguments())
        )
        if territory is not None:
            messages.success(request, f"Territory {territory.name} added.")
            return redirect("territories-detail", territory.pk)
    return render(
        request, "territories/territory_form.html", {"form": form, "title": "New territory"}
    )


@requires("crm", "write")
def territory_edit(request: HttpRequest, territory_id: int) -> HttpResponse:
    """/crm/territories/<id>/edit/: change a territory's name, priority and criteria."""
    if (refused := _refusal(request)) is not None:
        return refused
    territory = _territory_or_404(territory_id)
    initial = {
        "name": territory.name,
        "description": territory.description,
        "priority": territory.priority,
        "is_active": territory.is_active,
        "countries": join_list(territory.countries),
        "regions": join_list(territory.regions),
        "postal_prefixes": join_list(territory.postal_prefixes),
        "industries": join_list(territory.industries),
        "size_bands": territory.size_bands,
    }
    form = TerritoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        args = form.service_arguments()
        if call_service(form, lambda: services.update_territory(territory.pk, **args)) is not None:
            messages.success(request, "Territory saved.")
            return redirect("territories-detail", territory.pk)
    context = {"form": form, "title": f"Edit {territory.name}", "territory": territory}
    return render(request, "territories/territory_form.html", context)


@requires("crm", "write")
@require_POST
def member_add(request: HttpRequest, territory_id: int) -> HttpResponse:
    """Add a user to the team (POST from the detail page)."""
    if (refused := _refusal(request)) is not None:
        return refused
    territory = _territory_or_404(territory_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        added = call_service(
            form,
            lambda: services.add_member(territory.pk, user_id=data["user_id"], role=data["role"]),
        )
        if added is not None:
            messages.success(request, "Team member added.")
            return redirect("territories-detail", territory.pk)
    return _detail(request, territory, form, RuleForm())


@requires("crm", "write")
@require_POST
def member_remove(request: HttpRequest, territory_id: int, member_id: int) -> HttpResponse:
    """Take a user off the team."""
    if (refused := _refusal(request)) is not None:
        return refused
    territory = _territory_or_404(territory_id)
    try:
        services.remove_member(territory.pk, member_id)
    except DomainError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, "Team member removed.")
    return redirect("territories-detail", territory.pk)


@requires("crm", "write")
@require_POST
def rule_add(request: HttpRequest, territory_id: int) -> HttpResponse:
    """Add an assignment rule (POST from the detail page)."""
    if (refused := _refusal(request)) is not None:
        return refused
    territory = _territory_or_404(territory_id)
    form = RuleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        rule = call_service(
            form,
            lambda: services.create_rule(
                territory.pk, applies_to=data["applies_to"], method=data["method"]
            ),
        )
        if rule is not None:
            messages.success(request, "Assignment rule added.")
            return redirect("territories-detail", territory.pk)
    return _detail(request, territory, MemberForm(), form)

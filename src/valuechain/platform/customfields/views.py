"""Pages of custom fields: the settings list grouped by record type, with a create form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.customfields import queries, registry, services
from valuechain.platform.customfields.forms import CustomFieldDefinitionForm
from valuechain.platform.customfields.models import CustomFieldDefinition
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, requires
from valuechain.platform.identity.domain import allows


def _can_write(request: HttpRequest) -> bool:
    return allows(getattr(request, "permissions", frozenset()), "admin", "write")


@requires("admin", "read")
def custom_field_list(request: HttpRequest) -> HttpResponse:
    """/settings/custom-fields/: every definition by record type, and a form to add one."""
    form = CustomFieldDefinitionForm()
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, "Defining custom fields needs admin:write.", "admin:write")
        form = CustomFieldDefinitionForm(request.POST)
        if form.is_valid():
            try:
                definition = services.create_definition(**form.service_arguments())
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Custom field {definition.label} added.")
                return redirect("custom-field-list")
    context: dict[str, Any] = {
        "groups": queries.grouped_definitions(),
        "form": form,
        "can_write": _can_write(request),
        "has_targets": bool(registry.targets()),
    }
    return render(request, "customfields/custom_field_list.html", context)


def _definition_or_404(definition_id: int) -> CustomFieldDefinition:
    try:
        return queries.definition(definition_id)
    except CustomFieldDefinition.DoesNotExist as exc:
        raise Http404("No such custom field.") from exc


@require_POST
@requires("admin", "write")
def custom_field_deactivate(request: HttpRequest, definition_id: int) -> HttpResponse:
    """Hide a field everywhere; records keep their values."""
    definition = _definition_or_404(definition_id)
    services.deactivate_definition(definition.pk)
    messages.success(request, f"Custom field {definition.label} deactivated.")
    return redirect("custom-field-list")


@require_POST
@requires("admin", "write")
def custom_field_activate(request: HttpRequest, definition_id: int) -> HttpResponse:
    """Show a deactivated field again."""
    definition = _definition_or_404(definition_id)
    services.activate_definition(definition.pk)
    messages.success(request, f"Custom field {definition.label} active again.")
    return redirect("custom-field-list")

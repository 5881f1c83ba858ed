"""Pages of custom fields: the settings list grouped by record type, with a create form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.customfields import queries, registry, services
from valuechain.platform.customfields.forms import CustomFieldDefinitionForm, CustomFieldEditForm
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


@requires("admin", "read")
def custom_field_detail(request: HttpRequest, definition_id: int) -> HttpResponse:
    """A custom field's settings, a form to change them (admin:write) and its history."""
    definition = _definition_or_404(definition_id)
    form = CustomFieldEditForm.for_definition(definition)
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, "Changing custom fields needs admin:write.", "admin:write")
        form = CustomFieldEditForm(request.POST)
        if form.is_valid():
            try:
                services.update_definition(
                    definition.pk, **form.service_arguments(definition.field_type)
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, "Custom field saved.")
                return redirect("custom-field-list")
    target = registry.get_target(definition.target)
    context: dict[str, Any] = {
        "definition": definition,
        "target_name": target.verbose_name if target else definition.target,
        "form": form,
        "can_write": _can_write(request),
    }
    return render(request, "customfields/custom_field_detail.html", context)


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

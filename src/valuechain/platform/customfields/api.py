"""API routes of custom fields: definitions (admin area; any member may read them)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, SessionAuth, TokenAuth, area_router, paginate
from valuechain.platform.customfields import queries, registry, services
from valuechain.platform.customfields.models import CustomFieldDefinition
from valuechain.platform.customfields.schemas import (
    CustomFieldFilters,
    CustomFieldIn,
    CustomFieldOut,
    CustomFieldPatch,
    TargetOut,
)

router = area_router("admin", tags=["custom fields"])
# Forms of every area need the definitions, so reading them needs membership only.
MEMBER_AUTH = [TokenAuth(None), SessionAuth(None)]


@router.get(
    "/custom-fields",
    response=Page[CustomFieldOut],
    auth=MEMBER_AUTH,
    summary="List custom field definitions",
)
def list_definitions(
    request: HttpRequest, filters: Query[CustomFieldFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The tenant's custom fields, by target and form order; active ones unless asked."""
    return paginate(
        queries.definitions(filters.target, filters.include_inactive),
        params,
        sortable=("target", "order", "key", "label", "created_at"),
        default_sort=("target", "order", "label"),
    )


@router.get(
    "/custom-fields/targets",
    response=list[TargetOut],
    auth=MEMBER_AUTH,
    summary="List the record types that take custom fields",
)
def list_targets(request: HttpRequest) -> list[registry.Target]:
    """Every record type custom fields can be defined on."""
    return registry.targets()


@router.post("/custom-fields", response={201: CustomFieldOut}, summary="Define a custom field")
def create_definition(request: HttpRequest, data: CustomFieldIn) -> Status[CustomFieldDefinition]:
    """Add a custom field to a record type."""
    return Status(201, services.create_definition(**data.dict()))


@router.get(
    "/custom-fields/{definition_id}",
    response=CustomFieldOut,
    auth=MEMBER_AUTH,
    summary="Get a custom field definition",
)
def get_definition(request: HttpRequest, definition_id: int) -> CustomFieldDefinition:
    """One definition, active or not."""
    return queries.definition(definition_id)


@router.patch(
    "/custom-fields/{definition_id}", response=CustomFieldOut, summary="Change a custom field"
)
def update_definition(
    request: HttpRequest, definition_id: int, data: CustomFieldPatch
) -> CustomFieldDefinition:
    """Change label, choices, flags or order; key, target and field_type are refused."""
    return services.update_definition(definition_id, **data.dict(exclude_unset=True))


@router.delete(
    "/custom-fields/{definition_id}",
    response={204: None},
    summary="Deactivate a custom field",
)
def deactivate_definition(request: HttpRequest, definition_id: int) -> Status[None]:
    """Hide the field everywhere; records keep their values (PATCH is_active to bring it back)."""
    services.deactivate_definition(definition_id)
    return Status(204, None)

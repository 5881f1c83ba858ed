"""The API kernel: the Ninja instance, the one error shape, area routers, list conventions.

Every 4xx answers ``{"code", "message", "details"}``. Every router belongs to an area
(crm, scm, intelligence, admin); its operations need ``area:read`` for GET and
``area:write`` for anything else, checked in the authentication step so no route can
forget it. Lists take ``limit``, ``offset``, ``sort`` and a FilterSchema and answer a
``Page`` (see docs/api.md). POSTs honour ``Idempotency-Key`` (platform/idempotency.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from http import HTTPStatus
from typing import Any, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, FilterSchema, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from valuechain.platform.errors import DomainError
from valuechain.platform.identity import record_rules
from valuechain.platform.identity.domain import allows
from valuechain.platform.tenancy.context import TenantNotSet, bind

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_PAGE_SIZE = 500


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"code": code, "message": message, "details": details or {}}


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JsonResponse:
    """A JsonResponse in the error shape."""
    return JsonResponse(error_body(code, message, details), status=status)


class ErrorOut(Schema):
    """The error shape, for OpenAPI: a stable code, a message for people, and details."""

    code: str = Field(..., examples=["validation_error"])
    message: str
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="Context: 'field' for the input at fault, 'errors' for validation errors.",
    )


ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class Forbidden(Exception):
    """The principal is known but lacks the permission the operation needs."""

    def __init__(self, message: str, needed: str) -> None:
        super().__init__(message)
        self.needed = needed


def _check_area(request: HttpRequest, area: str | None) -> None:
    """Raise Forbidden unless the request's permissions allow the method in the area."""
    if area is None:  # member routes (e.g. /me): any active member may call them
        return
    level = "read" if request.method in SAFE_METHODS else "write"
    permissions: frozenset[str] = getattr(request, "permissions", frozenset())
    if not allows(permissions, area, level):
        raise Forbidden(f"This needs the {area}:{level} permission.", needed=f"{area}:{level}")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer vc_…``: an API token scoped to areas, for one membership."""

    def __init__(self, area: str | None) -> None:
        self.area = area
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from valuechain.platform.identity.services import authenticate_token

        api_token = authenticate_token(token)
        if api_token is None:
            return None
        membership = api_token.membership
        request.membership = membership  # type: ignore[attr-defined]
        request.tenant = membership.tenant  # type: ignore[attr-defined]
        request.api_token = api_token  # type: ignore[attr-defined]
        request.permissions = api_token.permissions()  # type: ignore[attr-defined]
        bind(
            tenant_id=membership.tenant_id,
            actor_id=membership.user_id,
            token_id=api_token.pk,
            channel="api",
            bypass=False,
        )
        record_rules.remember_role(membership.role)
        _check_area(request, self.area)
        return api_token


class SessionAuth(APIKeyCookie):
    """The browser's session cookie, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def __init__(self, area: str | None) -> None:
        self.area = area
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from valuechain.platform.identity.domain import effective_permissions

        user = getattr(request, "user", None)
        membership = getattr(request, "membership", None)
        if user is None or not user.is_authenticated or membership is None:
            return None
        request.permissions = effective_permissions(membership.role, None)  # type: ignore[attr-defined]
        _check_area(request, self.area)
        return user


def area_auth(area: str) -> list[Any]:
    """The authentication chain for routers of one area."""
    return [TokenAuth(area), SessionAuth(area)]


def area_router(area: str, **kwargs: Any) -> Router:
    """A router whose every operation needs a signed-in member with the area's permission."""
    return Router(auth=area_auth(area), **kwargs)


def member_router(**kwargs: Any) -> Router:
    """A router whose operations need only a signed-in member (token or session), no area."""
    return Router(auth=[TokenAuth(None), SessionAuth(None)], **kwargs)


# --- lists ------------------------------------------------------------------------------

T = TypeVar("T")


class ListParams(Schema):
    """Paging and sorting parameters every list endpoint accepts."""

    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Page size, 1 to 500.")
    offset: int = Field(0, ge=0, description="Rows to skip.")
    sort: str | None = Field(
        None, description="Comma-separated fields; a leading '-' sorts descending."
    )


class Page(Schema, Generic[T]):
    """One page of a list: the items, the total count and the window asked for."""

    items: list[T]
    count: int
    limit: int
    offset: int


def order_by_param(sort: str | None, allowed: Sequence[str], default: Sequence[str]) -> list[str]:
    """Translate ``?sort=-created_at,name`` into order_by terms, refusing unknown fields."""
    if not sort:
        return list(default)
    terms: list[str] = []
    for raw in sort.split(","):
        term = raw.strip()
        name = term.lstrip("-")
        if name not in allowed:
            raise DomainError(
                "invalid_sort",
                f"Cannot sort by {name!r}; sortable fields: {', '.join(allowed)}.",
                field="sort",
                details={"allowed": list(allowed)},
            )
        terms.append(term)
    return terms


def paginate(
    queryset: QuerySet[Any],
    params: ListParams,
    *,
    sortable: Sequence[str],
    default_sort: Sequence[str] = ("-pk",),
    filters: FilterSchema | None = None,
) -> dict[str, Any]:
    """Filter, sort and slice a queryset into the Page shape; pk breaks ties for stable pages.

    ``filters`` is the operation's ``Query[SomeFilterSchema]`` (Ninja's FilterSchema with
    ``FilterLookup`` annotations); fields left out of the query string filter nothing.
    """
    if filters is not None:
        queryset = filters.filter(queryset)
    ordering = [*order_by_param(params.sort, sortable, default_sort), "pk"]
    queryset = queryset.order_by(*ordering)
    return {
        "items": list(queryset[params.offset : params.offset + params.limit]),
        "count": queryset.count(),
        "limit": params.limit,
        "offset": params.offset,
    }


# --- the instance -------------------------------------------------------------------------


def _status_code_name(status: int) -> str:
    """'not_found' for 404 and so on: the fallback error code for a bare status."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def _validation_details(exc: ValidationError) -> dict[str, Any]:
    """Flatten Ninja/Pydantic validation errors into field paths and messages."""
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        errors.append(
            {
                "field": ".".join(location[1:]) or ".".join(location),
                "location": location[0] if location else "",
                "message": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
        )
    return {"errors": errors}


class DecimalJsonParser(Parser):
    """JSON bodies with exact numbers: ``1.10`` arrives as Decimal('1.10'), never a float."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(request.body, parse_float=Decimal)
        return parsed


IDEMPOTENCY_HEADER_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": (
        "1-255 printable ASCII characters. A repeat of the same request with the same key "
        "replays the first response (header `Idempotent-Replayed: true`) instead of running "
        "again; the same key with a different request is refused with 422 "
        "`idempotency_key_reused`. Keys are kept at least 24 hours."
    ),
}


class ValuechainAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema documents the Idempotency-Key header on every POST."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            post = operations.get("post")
            if post is None:
                continue
            parameters = post.setdefault("parameters", [])
            if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                parameters.append(dict(IDEMPOTENCY_HEADER_PARAMETER))
        return schema


API_DESCRIPTION = """CRM and SCM for e-commerce.

* **Authentication**: `Authorization: Bearer <token>` (API tokens, scoped to areas) or a
  browser session (unsafe methods then need the CSRF token).
* **Errors**: every 4xx answers `{"code", "message", "details"}`; `code` is stable,
  `details.field` names the input at fault, validation errors list `details.errors`.
* **Lists**: `limit` (1-500, default 50), `offset`, `sort` (comma-separated fields, `-` for
  descending; unknown fields give 422 `invalid_sort` with the allowed list) and per-list
  filters; answers `{items, count, limit, offset}`.
* **Idempotency**: POST accepts `Idempotency-Key`; a retry with the same key and request
  replays the first response with `Idempotent-Replayed: true`.
* **Numbers**: money amounts and rates are decimal strings (`"12.50"`), never floats;
  JSON numbers in request bodies are read as exact decimals.
* **Versioning**: this is `/api/v1`; fields are only added within a version.
"""


def build_api(routers: Sequence[tuple[str, Router]]) -> NinjaAPI:
    """Create the /api/v1 instance with the error handlers and the given routers."""
    api = ValuechainAPI(
        title="valuechain API",
        version="1",
        urls_namespace="api-v1",
        description=API_DESCRIPTION,
        parser=DecimalJsonParser(),
    )
    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (
            ValidationError,
            lambda request, exc: error_response(
                422, "validation_error", "The request is not valid.", _validation_details(exc)
            ),
        ),
        (
            DomainError,
            lambda request, exc: error_response(exc.status, exc.code, exc.message, exc.details),
        ),
        (
            AuthenticationError,
            lambda request, exc: error_response(
                401, "not_authenticated", "Sign in or send a valid API token."
            ),
        ),
        (
            Forbidden,
            lambda request, exc: error_response(
                403, "permission_denied", str(exc), {"needed": exc.needed}
            ),
        ),
        (
            PermissionDenied,
            lambda request, exc: error_response(
                403, "permission_denied", str(exc) or "You may not do this."
            ),
        ),
        (
            TenantNotSet,
            lambda request, exc: error_response(
                403, "no_tenant", "Your account is not a member of any active tenant."
            ),
        ),
        (
            Http404,
            lambda request, exc: error_response(404, "not_found", "No such record."),
        ),
        (
            ObjectDoesNotExist,
            lambda request, exc: error_response(404, "not_found", "No such record."),
        ),
        (
            Throttled,
            lambda request, exc: error_response(429, "throttled", "Too many requests."),
        ),
        (
            HttpError,
            lambda request, exc: error_response(
                exc.status_code,
                "csrf_failed" if "CSRF" in str(exc) else _status_code_name(exc.status_code),
                str(exc),
            ),
        ),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
    for prefix, router in routers:
        api.add_router(prefix, router)
    return api


class ApiErrorShapeMiddleware:
    """Give any 4xx under /api/ that is not already JSON the error shape (405, 404 routes…)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and 400 <= response.status_code < 500
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            message = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
            replaced = HttpResponse(
                json.dumps(error_body(_status_code_name(status), message)),
                status=status,
                content_type="application/json",
            )
            if response.has_header("Allow"):
                replaced["Allow"] = response["Allow"]
            return replaced
        return response

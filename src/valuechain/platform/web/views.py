"""Pages of the shell: the home dashboard, the area landing pages, global search, tenant switch."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from valuechain.platform.tenancy.middleware import SESSION_TENANT_KEY
from valuechain.platform.tenancy.services import active_memberships
from valuechain.platform.web.navigation import (
    AREAS_BY_KEY,
    build_navigation,
    member_permissions,
    reverse_or_none,
)
from valuechain.platform.web.queries import (
    MEMBERS_URL_NAME,
    MIN_QUERY_LENGTH,
    normalise_query,
    run_search,
    searchable_kinds,
)

NO_TENANT_MESSAGE = (
    "You are not an active member of any tenant, so there is nothing to show here yet. "
    "Ask an administrator of your company to add you."
)
DROPDOWN_LIMIT = 5
PAGE_LIMIT = 20


@dataclass(frozen=True)
class QuickLink:
    """A shortcut on the home dashboard."""

    label: str
    url: str
    description: str


def _require_tenant(request: HttpRequest) -> None:
    """Refuse pages that need a tenant when the user has no active membership."""
    if getattr(request, "membership", None) is None:
        raise PermissionDenied(NO_TENANT_MESSAGE)


def _quick_links(permissions: frozenset[str]) -> list[QuickLink]:
    """Shortcuts the member may use, limited to pages that are installed."""
    candidates = [
        ("search", "Search", "Find records of this tenant by name.", None),
        (MEMBERS_URL_NAME, "Members", "People of this tenant and their roles.", "admin:read"),
        ("tenant_admin:index", "Back office", "Django admin of this tenant.", "admin:write"),
        ("api-v1:openapi-view", "API documentation", "Endpoints, schemas and errors.", None),
    ]
    links = []
    for url_name, label, description, permission in candidates:
        if permission is not None and permission not in permissions:
            continue
        url = reverse_or_none(url_name)
        if url is not None:
            links.append(QuickLink(label, url, description))
    return links


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page after sign-in: the tenant, its areas and their entries, quick links."""
    permissions = member_permissions(request)
    return render(request, "web/home.html", {"quick_links": _quick_links(permissions)})


@login_required
@require_GET
def area_page(request: HttpRequest, area: str) -> HttpResponse:
    """Landing page of an area: every entry of its menu the member may open."""
    _require_tenant(request)
    permissions = member_permissions(request)
    if f"{area}:read" not in permissions:
        raise PermissionDenied(f"Your role has no access to the {AREAS_BY_KEY[area].title} area.")
    navigation = build_navigation(permissions, request.path)
    return render(
        request,
        "web/area.html",
        {"area": next(nav for nav in navigation if nav.key == area)},
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    """Global search in the current tenant: a full page, or the header's dropdown for htmx."""
    _require_tenant(request)
    permissions = member_permissions(request)
    query = normalise_query(request.GET.get("q", ""))
    long_enough = len(query) >= MIN_QUERY_LENGTH
    is_dropdown = bool(getattr(request, "htmx", False))
    limit = DROPDOWN_LIMIT if is_dropdown else PAGE_LIMIT
    groups = run_search(query, permissions, limit) if long_enough else []
    context = {
        "search_query": query,
        "long_enough": long_enough,
        "min_length": MIN_QUERY_LENGTH,
        "groups": groups,
        "kinds": searchable_kinds(permissions),
    }
    if is_dropdown:
        if not long_enough:
            return HttpResponse("")  # an empty dropdown is hidden by CSS (:empty)
        return render(request, "web/_search_dropdown.html", context)
    return render(request, "web/search.html", context)


@login_required
@require_POST
def switch_tenant(request: HttpRequest) -> HttpResponse:
    """Make another tenant current for this session, if the user is an active member of it."""
    wanted = request.POST.get("tenant", "").strip()
    chosen = next((m for m in active_memberships(request.user) if str(m.tenant_id) == wanted), None)
    if chosen is None:
        messages.error(
            request,
            "You can only switch to a tenant you are an active member of; "
            "the current tenant is unchanged.",
        )
    else:
        request.session[SESSION_TENANT_KEY] = chosen.tenant_id
        messages.success(request, f"You are now working in {chosen.tenant.name}.")
    return redirect("home")


def favicon(request: HttpRequest) -> HttpResponse:
    """Redirect /favicon.ico to the icon; resolved per request, when static files are ready."""
    return redirect(static("web/favicon.svg"), permanent=True)

"""The navigation a member sees: areas and their registered menu entries, filtered by permission.

Menu entries come from ``registry.menu_items(area)``; an entry is shown when the member's
role grants its permission, and an area when the role grants ``<area>:read``. URLs are
reversed per request, so an entry whose URL name does not resolve is skipped (and logged)
instead of breaking every page; ``tests/platform/web`` checks that none is broken.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from valuechain.platform.identity.domain import role_permissions
from valuechain.platform.web.registry import AREA_TITLES, MenuItem, menu_items

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Area:
    """A top-level part of the product with its landing page."""

    key: str
    title: str
    url_name: str
    description: str


AREAS: tuple[Area, ...] = (
    Area(
        "crm",
        AREA_TITLES["crm"],
        "area_crm",
        "Customers, sales, marketing, service and loyalty.",
    ),
    Area(
        "scm",
        AREA_TITLES["scm"],
        "area_scm",
        "Catalog, orders, inventory, procurement, manufacturing and fulfilment.",
    ),
    Area(
        "intelligence",
        AREA_TITLES["intelligence"],
        "area_intelligence",
        "Analytics, customer value, segments, recommendations and planning.",
    ),
    Area(
        "admin",
        AREA_TITLES["admin"],
        "area_admin",
        "Settings of this tenant: people, access, integrations and the back office.",
    ),
)
AREAS_BY_KEY = {area.key: area for area in AREAS}


@dataclass(frozen=True)
class NavLink:
    """A menu entry resolved for one request."""

    label: str
    url: str
    is_current: bool = False


@dataclass(frozen=True)
class NavArea:
    """An area resolved for one request, with the entries the member may see."""

    key: str
    title: str
    url: str
    description: str
    links: tuple[NavLink, ...]
    is_current: bool = False


def member_permissions(request: HttpRequest) -> frozenset[str]:
    """The permissions of the request's membership in the current tenant (none without one)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return frozenset()
    return role_permissions(membership.role)


def reverse_or_none(url_name: str) -> str | None:
    """Reverse a URL name, or None when no such URL is installed."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _visible_items(area: str, permissions: frozenset[str]) -> list[tuple[MenuItem, str]]:
    """Entries of an area the permissions allow, with their URLs; broken entries are skipped."""
    visible = []
    for item in menu_items(area):
        if item.permission not in permissions:
            continue
        url = reverse_or_none(item.url_name)
        if url is None:
            logger.warning("Menu entry %r: URL name %r does not resolve", item.label, item.url_name)
            continue
        visible.append((item, url))
    return visible


def _current_url(path: str, urls: list[str]) -> str | None:
    """The longest URL that is a prefix of the path: the entry the page belongs to."""
    matches = [url for url in urls if url != "/" and path.startswith(url)]
    return max(matches, key=len) if matches else None


def build_navigation(permissions: frozenset[str], path: str = "") -> list[NavArea]:
    """The areas (and their entries) the permissions allow, marking the one the path is in."""
    resolved: list[tuple[Area, str, list[tuple[MenuItem, str]]]] = []
    for area in AREAS:
        if f"{area.key}:read" not in permissions:
            continue
        resolved.append((area, reverse(area.url_name), _visible_items(area.key, permissions)))
    current = _current_url(path, [url for _, _, items in resolved for _, url in items])
    navigation = []
    for area, area_url, items in resolved:
        links = tuple(NavLink(item.label, url, url == current) for item, url in items)
        in_area = path.startswith(area_url) or any(link.is_current for link in links)
        navigation.append(NavArea(area.key, area.title, area_url, area.description, links, in_area))
    return navigation

"""Where contexts plug into the shell: menu entries per area and global-search providers.

A context registers in its AppConfig.ready(); the shell renders what is registered and
shows each user only the entries their permissions allow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

AREA_TITLES = {"crm": "CRM", "scm": "SCM", "intelligence": "Intelligence", "admin": "Admin"}


@dataclass(frozen=True)
class MenuItem:
    """One entry of an area's menu."""

    area: str
    label: str
    url_name: str
    permission: str  # e.g. "admin:read"
    order: int = 100


@dataclass(frozen=True)
class SearchHit:
    """One global-search result: what it is, its title, a line of detail and where it lives."""

    kind: str
    title: str
    detail: str
    url: str


SearchProvider = Callable[[str, int], list[SearchHit]]  # (query, limit) -> hits, tenant-scoped


@dataclass(frozen=True)
class RegisteredSearch:
    """A search provider with the permission needed to see its hits."""

    kind: str
    permission: str
    provider: SearchProvider


_menu: dict[tuple[str, str], MenuItem] = {}
_search: dict[str, RegisteredSearch] = {}


def register_menu_item(item: MenuItem) -> None:
    """Add (or replace) a menu entry; idempotent so reloading an app is harmless."""
    if item.area not in AREA_TITLES:
        raise ValueError(f"Unknown area {item.area!r}")
    _menu[(item.area, item.url_name)] = item


def menu_items(area: str) -> list[MenuItem]:
    """The entries of one area, in display order."""
    return sorted((i for i in _menu.values() if i.area == area), key=lambda i: (i.order, i.label))


def register_search(kind: str, permission: str, provider: SearchProvider) -> None:
    """Let the global search box find records of one kind."""
    _search[kind] = RegisteredSearch(kind, permission, provider)


def search_providers() -> list[RegisteredSearch]:
    """Every registered search provider, by kind."""
    return [_search[kind] for kind in sorted(_search)]

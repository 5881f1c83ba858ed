"""Where other contexts plug into the customer 360° view: key figures and panels.

The 360° view (page and ``GET /api/v1/customers/{id}/360``) belongs to customers, but most of
what it shows belongs to other contexts: open opportunities (sales), open tasks
(activities), lifetime revenue and orders (orders, later), tickets, loyalty, CLV. A context
registers in its ``AppConfig.ready()``:

* a **key figure provider**: ``(party_kind, party) -> {name: value}``, merged into the
  view's ``key_figures`` (e.g. ``{"lifetime_revenue": "1200.00", "order_count": 3}``);
* a **panel**: a titled block with a loader ``(party_kind, party) -> JSON-able data`` that
  the API returns under ``panels[key]`` and the page renders with the panel's template
  (the context is ``{"panel": panel, "data": data, "party": party, "party_kind": kind}``).

Loaders run inside the request's tenant context and must cost a fixed number of queries
(no N+1): the 360° call has a query-count guard. ``party_kind`` is ``"person"`` or
``"account"``. A panel is shown only to users holding its ``permission``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PanelLoader = Callable[[str, Any], Any]
KeyFigureProvider = Callable[[str, Any], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    """One block of the 360° view contributed by a context."""

    key: str
    title: str
    template: str
    load: PanelLoader
    permission: str = "crm:read"
    order: int = 100


@dataclass(frozen=True)
class KeyFigures:
    """A context's contribution to the 360° view's key figures."""

    key: str
    provide: KeyFigureProvider
    permission: str = "crm:read"
    order: int = 100


_panels: dict[str, Panel] = {}
_key_figures: dict[str, KeyFigures] = {}


def register_panel(panel: Panel) -> None:
    """Add (or replace) a panel; idempotent so reloading an app is harmless."""
    _panels[panel.key] = panel


def panels() -> list[Panel]:
    """Every registered panel, in display order."""
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def register_key_figures(provider: KeyFigures) -> None:
    """Add (or replace) a key-figure provider."""
    _key_figures[provider.key] = provider


def key_figure_providers() -> list[KeyFigures]:
    """Every registered key-figure provider, in display order."""
    return sorted(_key_figures.values(), key=lambda item: (item.order, item.key))

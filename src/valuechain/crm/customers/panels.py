"""Where other contexts plug into the customer 360° view: key figures and panels.

The 360° view (page and ``GET /api/v1/customers/{id}/360``) belongs to customers, but most of
what it shows belongs to other contexts: open opportunities (sales), open tasks
(activities), lifetime revenue and orders (orders, later), tickets, loyalty, CLV. A context
registers in its ``AppConfig.ready()``:

* a **key figure provider**: ``(party_kind, party) -> {name: value}``, merged into the
  view's ``key_figures`` (e.g. ``{"lifetime_revenue": "1200.00", "order_count": 3}``);
* a **panel**: a titled block with a loader ``(party_kind, party) -> JSON-able data`` that
  the API returns under ``panels[key]`` and the page renders with the panel's template
  (the context is ``{"panel": panel, "data": data, "party": party, "party_kind": kind}``);
* a **timeline source**: a loader ``(party_kind, party, channel, before, limit) -> entries``
  that contributes its own records (orders, opportunities, tickets…) to the merged
  timeline. It returns at most ``limit`` ``TimelineEntry`` rows older than the ``before``
  cursor (``None`` on the first page), newest first; ``before.q(source_key)`` gives the
  keyset condition as a ``Q`` on ``occurred_at``/``pk``. With a ``channel`` filter, a
  source whose records have no channel returns nothing.

Loaders run inside the request's tenant context and must cost a fixed number of queries
(no N+1): the 360° call has a query-count guard. ``party_kind`` is ``"person"`` or
``"account"``. A panel is shown only to users holding its ``permission``.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

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


@dataclass(frozen=True)
class TimelineEntry:
    """One row of the merged timeline: an interaction, a stage move, an order…"""

    occurred_at: dt.datetime
    source: str  # the TimelineSource key; with record_id it orders ties and forms the cursor
    record_id: int
    kind: str
    title: str
    detail: str = ""
    channel: str = ""
    url: str = ""
    ids: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Unique across sources, e.g. ``interaction-42``."""
        return f"{self.source}-{self.record_id}"

    def sort_key(self) -> tuple[dt.datetime, str, int]:
        """Newest first means descending by this key."""
        return (self.occurred_at, self.source, self.record_id)


class InvalidCursor(ValueError):
    """A timeline cursor that was not made by ``TimelineCursor.encode``."""


@dataclass(frozen=True)
class TimelineCursor:
    """Where a timeline page ended: the last entry's time, source and id (keyset paging)."""

    occurred_at: dt.datetime
    source: str
    record_id: int

    @classmethod
    def after(cls, entry: TimelineEntry) -> TimelineCursor:
        """The cursor of the page that follows ``entry``."""
        return cls(entry.occurred_at, entry.source, entry.record_id)

    def encode(self) -> str:
        """An opaque, URL-safe token."""
        raw = f"{self.occurred_at.isoformat()}|{self.source}|{self.record_id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> TimelineCursor:
        """Read a token back; InvalidCursor when it is not one."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            when, source, record_id = raw.split("|")
            occurred_at = dt.datetime.fromisoformat(when)
            if occurred_at.tzinfo is None or not source:
                raise ValueError(raw)
            return cls(occurred_at, source, int(record_id))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidCursor(token) from exc

    def q(self, source: str, time_field: str = "occurred_at", pk_field: str = "pk") -> Q:
        """The rows of ``source`` that sort strictly after this cursor, newest first."""
        if source < self.source:
            return Q(**{f"{time_field}__lte": self.occurred_at})
        if source > self.source:
            return Q(**{f"{time_field}__lt": self.occurred_at})
        return Q(**{f"{time_field}__lt": self.occurred_at}) | Q(
            **{time_field: self.occurred_at, f"{pk_field}__lt": self.record_id}
        )


TimelineLoader = Callable[[str, Any, str | None, TimelineCursor | None, int], list[TimelineEntry]]


@dataclass(frozen=True)
class TimelineSource:
    """A context's records on the 360° timeline; ``load`` costs a fixed number of queries."""

    key: str
    load: TimelineLoader
    permission: str = "crm:read"


_panels: dict[str, Panel] = {}
_key_figures: dict[str, KeyFigures] = {}
_timeline_sources: dict[str, TimelineSource] = {}


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


def register_timeline_source(source: TimelineSource) -> None:
    """Add (or replace) a timeline source; keys must not contain ``|``."""
    if "|" in source.key or not source.key:
        raise ValueError(f"Timeline source key {source.key!r} may not be empty or contain '|'.")
    _timeline_sources[source.key] = source


def timeline_sources() -> list[TimelineSource]:
    """Every registered timeline source, by key."""
    return sorted(_timeline_sources.values(), key=lambda item: item.key)

"""Where other contexts plug into the product page: panels.

The product page belongs to the catalog, but other contexts know things about its variants:
inventory shows on hand / reserved / available per warehouse, orders the open order lines,
procurement the suppliers. A context registers in its ``AppConfig.ready()``::

    register_product_panel("stock", load, title="Stock", order=10)

``load(variant_ids: list[int])`` receives the ids of the product's variants (in primary-key
order) and returns either ``(template_name, context_dict)`` — rendered with the context plus
``panel``, ``product`` and ``variant_ids`` — or an HTML string (escaped unless marked safe
with ``django.utils.safestring.mark_safe``), or None to show nothing. Loaders run inside the
request's tenant context and must cost a fixed number of queries (no N+1). A panel is shown
only to users holding its ``permission``; a loader that raises is shown as unavailable and
logged, so one broken panel never breaks the product page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

log = logging.getLogger(__name__)

PanelResult = tuple[str, dict[str, Any]] | str | None
ProductPanelLoader = Callable[[list[int]], PanelResult]


@dataclass(frozen=True)
class ProductPanel:
    """One block of the product page contributed by a context."""

    name: str
    load: ProductPanelLoader
    title: str = ""
    permission: str = "scm:read"
    order: int = 100


_panels: dict[str, ProductPanel] = {}


def register_product_panel(
    name: str,
    fn: ProductPanelLoader,
    *,
    title: str = "",
    permission: str = "scm:read",
    order: int = 100,
) -> None:
    """Add (or replace, by name) a panel of the product page."""
    _panels[name] = ProductPanel(
        name, fn, title or name.replace("_", " ").capitalize(), permission, order
    )


def unregister_product_panel(name: str) -> None:
    """Remove a panel (tests)."""
    _panels.pop(name, None)


def product_panels() -> list[ProductPanel]:
    """Registered panels in display order."""
    return sorted(_panels.values(), key=lambda p: (p.order, p.name))


@dataclass(frozen=True)
class RenderedPanel:
    """A panel ready for the page: its title and HTML."""

    name: str
    title: str
    html: SafeString
    failed: bool = False


def render_product_panels(
    product: Any, variant_ids: list[int], permissions: frozenset[str], request: Any = None
) -> list[RenderedPanel]:
    """Every panel the user may see, rendered for the product's variants."""
    from valuechain.platform.identity.domain import allows

    out: list[RenderedPanel] = []
    for panel in product_panels():
        area, _, level = panel.permission.partition(":")
        if not allows(permissions, area, level or "read"):
            continue
        try:
            result = panel.load(variant_ids)
            if result is None:
                continue
            if isinstance(result, tuple):
                template, context = result
                html = mark_safe(  # noqa: S308 - a template's own output
                    render_to_string(
                        template,
                        {**context, "panel": panel, "product": product, "variant_ids": variant_ids},
                        request=request,
                    )
                )
            else:
                html = conditional_escape(result)
        except Exception:  # one broken panel never breaks the page
            log.exception("product panel %s failed", panel.name)
            out.append(RenderedPanel(panel.name, panel.title, mark_safe(""), failed=True))
            continue
        out.append(RenderedPanel(panel.name, panel.title, html))
    return out

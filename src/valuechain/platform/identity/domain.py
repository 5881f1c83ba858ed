"""Roles, areas and permissions: pure rules, no Django.

A permission is an area plus a level ("crm:read", "scm:write"). A role grants a set of them;
an API token is scoped to a subset, and a request may do only what both allow.
"""

from __future__ import annotations

from collections.abc import Iterable

AREAS = ("crm", "scm", "orders", "intelligence", "admin")
LEVELS = ("read", "write")

# A grant on an area grants these narrower areas at the same level too. Sales orders are part
# of SCM, but a sales rep writes orders (from a won deal, by phone) without writing stock,
# prices or the rest of SCM — so "orders" can also be granted on its own.
IMPLIED_AREAS: dict[str, tuple[str, ...]] = {"scm": ("orders",)}

ROLES: dict[str, str] = {
    "admin": "Administrator",
    "sales_rep": "Sales representative",
    "sales_manager": "Sales manager",
    "marketer": "Marketer",
    "service_agent": "Service agent",
    "planner": "Planner",
    "buyer": "Buyer",
    "warehouse": "Warehouse staff",
    "production": "Production staff",
    "supplier": "Supplier (extranet)",
}
ROLE_CHOICES = list(ROLES.items())

_R, _W = "read", "write"
ROLE_GRANTS: dict[str, dict[str, str]] = {
    "admin": {"crm": _W, "scm": _W, "intelligence": _W, "admin": _W},
    "sales_rep": {"crm": _W, "scm": _R, "orders": _W, "intelligence": _R},
    "sales_manager": {"crm": _W, "scm": _R, "orders": _W, "intelligence": _R},
    "marketer": {"crm": _W, "intelligence": _R},
    "service_agent": {"crm": _W, "scm": _R},
    "planner": {"scm": _W, "intelligence": _W, "crm": _R},
    "buyer": {"scm": _W, "intelligence": _R},
    "warehouse": {"scm": _W},
    "production": {"scm": _W},
    # A supplier's login sees no staff area; the extranet checks its link to a supplier.
    "supplier": {},
}

ALL_SCOPES = tuple(f"{area}:{level}" for area in AREAS for level in LEVELS)


class InvalidScope(ValueError):
    """A scope string is not of the form area:level with a known area and level."""


def parse_scope(scope: str) -> tuple[str, str]:
    """Split 'crm:write' into ('crm', 'write'), refusing unknown areas and levels."""
    area, _, level = scope.strip().partition(":")
    if area not in AREAS or level not in LEVELS:
        raise InvalidScope(f"{scope!r} is not a scope; expected one of {', '.join(ALL_SCOPES)}")
    return area, level


def expand(grants: Iterable[str]) -> frozenset[str]:
    """Return the full permission set: write implies read, an area its narrower areas."""
    result: set[str] = set()
    for scope in grants:
        area, level = parse_scope(scope)
        for granted in (area, *IMPLIED_AREAS.get(area, ())):
            result.add(f"{granted}:read")
            if level == "write":
                result.add(f"{granted}:write")
    return frozenset(result)


def role_permissions(role: str) -> frozenset[str]:
    """Return the permissions a role grants."""
    grants = ROLE_GRANTS.get(role, {})
    return expand(f"{area}:{level}" for area, level in grants.items())


def effective_permissions(role: str, token_scopes: Iterable[str] | None) -> frozenset[str]:
    """Permissions of a request: the role's, narrowed to the token's scopes when a token is used."""
    granted = role_permissions(role)
    if token_scopes is None:
        return granted
    return granted & expand(token_scopes)


def allows(permissions: frozenset[str], area: str, level: str) -> bool:
    """True when the permission set allows the level in the area."""
    return f"{area}:{level}" in permissions

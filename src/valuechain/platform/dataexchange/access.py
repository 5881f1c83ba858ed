"""Who may use which importer: the importer's permission to write, its area's read to look."""

from __future__ import annotations

from valuechain.platform.dataexchange.registry import Importer, importers
from valuechain.platform.identity.domain import allows, parse_scope


def may_import(permissions: frozenset[str], importer: Importer) -> bool:
    """True when the permissions include the importer's (e.g. ``crm:write``)."""
    area, level = parse_scope(importer.permission)
    return allows(permissions, area, level)


def may_see(permissions: frozenset[str], importer: Importer) -> bool:
    """True when the permissions allow reading the importer's area (jobs, reports, rejects)."""
    area, _ = parse_scope(importer.permission)
    return allows(permissions, area, "read")


def visible_keys(permissions: frozenset[str]) -> list[str]:
    """Keys of the importers whose jobs the permissions may see."""
    return [i.key for i in importers() if may_see(permissions, i)]


def importable(permissions: frozenset[str]) -> list[Importer]:
    """The importers the permissions may run."""
    return [i for i in importers() if may_import(permissions, i)]

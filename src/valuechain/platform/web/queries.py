"""Read side of the shell: global search across the registered providers, and the members provider.

Every provider runs inside the request's tenant context; the providers of business contexts
query through their scoped managers, so they only ever see the current tenant's rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db.models import Q

from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership
from valuechain.platform.web.navigation import reverse_or_none
from valuechain.platform.web.registry import SearchHit, search_providers

logger = logging.getLogger(__name__)

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
MEMBERS_URL_NAME = "identity-members"  # the identity context's members page
MEMBERS_FALLBACK_URL = "/settings/members/"


@dataclass(frozen=True)
class SearchGroup:
    """The hits of one kind; ``failed`` when its provider raised (the rest still show)."""

    kind: str
    hits: tuple[SearchHit, ...]
    failed: bool = False


def normalise_query(raw: str) -> str:
    """Trim, collapse whitespace and cap the length of a search query."""
    return " ".join(raw.split())[:MAX_QUERY_LENGTH]


def searchable_kinds(permissions: frozenset[str]) -> list[str]:
    """The kinds of record the permissions let a member search."""
    return [p.kind for p in search_providers() if p.permission in permissions]


def run_search(query: str, permissions: frozenset[str], limit: int) -> list[SearchGroup]:
    """Ask every provider the permissions allow; groups with hits (or a failure), by kind."""
    groups = []
    for registered in search_providers():
        if registered.permission not in permissions:
            continue
        try:
            hits = tuple(registered.provider(query, limit)[:limit])
        except Exception:
            # One broken provider must not take the search box down for every other kind.
            logger.exception("Search provider %r failed for %r", registered.kind, query)
            groups.append(SearchGroup(registered.kind, (), failed=True))
            continue
        if hits:
            groups.append(SearchGroup(registered.kind, hits))
    return groups


def search_members(query: str, limit: int) -> list[SearchHit]:
    """Active members of the current tenant whose name or e-mail contains every word."""
    # Membership is not tenant-owned (a user belongs to several tenants), so it has no
    # scoped manager: the filter on the current tenant is the scoping here.
    memberships = Membership.objects.filter(
        tenant_id=require_tenant_id(), is_active=True, user__is_active=True
    ).select_related("user")
    for word in query.split():
        memberships = memberships.filter(
            Q(user__email__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
        )
    members_url = reverse_or_none(MEMBERS_URL_NAME) or MEMBERS_FALLBACK_URL
    hits = []
    for membership in memberships.order_by("user__email")[:limit]:
        user = membership.user
        name = user.get_full_name() or user.email
        hits.append(
            SearchHit(
                kind="Members",
                title=name,
                detail=f"{user.email} · {membership.get_role_display()}",
                url=members_url,
            )
        )
    return hits

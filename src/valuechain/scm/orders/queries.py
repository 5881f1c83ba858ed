"""The read side of sales orders: lists and pages, lines for fulfillment, and what the
customer 360° view shows (lifetime revenue, order count, last orders, the timeline)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from valuechain.crm.customers.panels import TimelineCursor, TimelineEntry
from valuechain.platform.errors import DomainError
from valuechain.platform.money import Money
from valuechain.platform.web.registry import SearchHit
from valuechain.scm.orders import domain
from valuechain.scm.orders.models import SalesOrder, SalesOrderEvent, SalesOrderLine

ORDER_SORTS = ("number", "created_at", "order_date", "gross_total", "state", "channel")
LAST_ORDERS = 5
SOURCE_TYPE = "orders.salesorderline"


@dataclass(frozen=True)
class OrderFilters:
    """What a list of orders can be narrowed by; None filters nothing."""

    state: str | None = None
    channel: str | None = None
    account_id: int | None = None
    person_id: int | None = None
    opportunity_id: int | None = None
    search: str | None = None


def orders(filters: OrderFilters | None = None) -> QuerySet[SalesOrder]:
    """Sales orders with their customer loaded, newest first."""
    filters = filters or OrderFilters()
    queryset = SalesOrder.objects.select_related("account", "person", "warehouse")
    if filters.state:
        if filters.state not in domain.STATES:
            raise DomainError(
                "invalid_state",
                f"{filters.state!r} is not a state; use one of {', '.join(domain.STATES)}.",
                field="state",
            )
        queryset = queryset.filter(state=filters.state)
    if filters.channel:
        if filters.channel not in domain.CHANNELS:
            raise DomainError(
                "invalid_channel",
                f"{filters.channel!r} is not a channel; use one of {', '.join(domain.CHANNELS)}.",
                field="channel",
            )
        queryset = queryset.filter(channel=filters.channel)
    for name in ("account_id", "person_id", "opportunity_id"):
        value = getattr(filters, name)
        if value is not None:
            queryset = queryset.filter(**{name: value})
    if filters.search:
        text = filters.search.strip()
        queryset = queryset.filter(
            Q(number__icontains=text)
            | Q(external_reference__icontains=text)
            | Q(account__name__icontains=text)
            | Q(person__last_name__icontains=text)
        )
    return queryset.order_by("-created_at", "-pk")


def order(order_id: int) -> SalesOrder:
    """One order with its customer; DoesNotExist (a 404) when unknown."""
    return orders().get(pk=order_id)


def open_order_of_opportunity(opportunity_id: int) -> SalesOrder | None:
    """The order made from an opportunity that is not cancelled, if any."""
    return (
        SalesOrder.objects.filter(opportunity_id=opportunity_id)
        .exclude(state="cancelled")
        .order_by("pk")
        .first()
    )


def lines(sales_order: SalesOrder) -> list[SalesOrderLine]:
    """An order's lines in order, with their variants, and the live state of MTO supply."""
    rows = list(
        SalesOrderLine.objects.filter(order=sales_order)
        .select_related("variant", "variant__product")
        .order_by("position", "pk")
    )
    for row in rows:
        row.order = sales_order  # the amounts format in the order's currency: no re-read
    _refresh_supply_status(rows)
    return rows


def _refresh_supply_status(rows: Iterable[SalesOrderLine]) -> None:
    """Show each MTO line's supply request in the state it is in now (one query)."""
    wanted = {row.pk: row for row in rows if row.supply_request_id is not None}
    if not wanted:
        return
    from valuechain.scm.inventory.queries import supply_for_origin

    for line_id, request in supply_for_origin(SOURCE_TYPE, list(wanted)).items():
        wanted[line_id].supply_status = str(request.state)


def lines_by_ids(ids: Iterable[int]) -> dict[int, SalesOrderLine]:
    """Order lines by id, with their order, its customer and the variant loaded."""
    wanted = sorted({int(pk) for pk in ids})
    rows = SalesOrderLine.objects.filter(pk__in=wanted).select_related(
        "order", "order__account", "order__person", "variant", "variant__product"
    )
    return {row.pk: row for row in rows}


def history(sales_order: SalesOrder) -> list[SalesOrderEvent]:
    """The order's state changes, oldest first."""
    return list(
        SalesOrderEvent.objects.filter(order=sales_order)
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )


def search_orders(query: str, limit: int) -> list[SearchHit]:
    """Global-search provider: orders by number, external reference or customer name."""
    text = query.strip()
    if not text:
        return []
    found = orders(OrderFilters(search=text))[:limit]
    return [
        SearchHit(
            kind="sales order",
            title=item.number,
            detail=f"{customer_name(item)} · {item.state} · {item.currency} {item.gross.amount}",
            url=reverse("orders-detail", args=[item.pk]),
        )
        for item in found
    ]


def customer_name(item: SalesOrder) -> str:
    """The person's name, the account's, both, or "walk-in customer"."""
    if item.person is not None and item.account is not None:
        return f"{item.person.full_name} ({item.account.name})"
    if item.person is not None:
        return item.person.full_name
    if item.account is not None:
        return item.account.name
    return "walk-in customer"


# --- the customer 360° view ----------------------------------------------------------------


def _party_orders(party_kind: str, party: Any) -> QuerySet[SalesOrder]:
    key = "account" if party_kind == "account" else "person"
    return SalesOrder.objects.filter(**{key: party})


def revenue_by_currency(party_kind: str, party: Any) -> list[Money]:
    """A party's ordered revenue (confirmed to closed orders, net of tax) per currency."""
    rows = (
        _party_orders(party_kind, party)
        .filter(state__in=domain.REVENUE_STATES)
        .order_by()
        .values("currency")
        .annotate(total=Sum("net_total"))
        .order_by("currency")
    )
    return [Money(row["total"] or Decimal(0), row["currency"]).rounded() for row in rows]


def key_figures(party_kind: str, party: Any) -> dict[str, Any]:
    """360° key figures: lifetime revenue in the base currency (today's rates), order count.

    Orders in a currency without a rate are left out of the amount and counted in
    ``lifetime_revenue_unconverted``; cancelled orders and drafts do not count.
    """
    from valuechain.platform import fx

    base = fx.tenant_base_currency()
    total = Money.zero(base)
    unconverted = 0
    for money in revenue_by_currency(party_kind, party):
        try:
            total += fx.convert(money, base, timezone.localdate())
        except DomainError:
            unconverted += 1
    counts = (
        _party_orders(party_kind, party)
        .order_by()
        .aggregate(
            orders=Count("pk", filter=Q(state__in=domain.REVENUE_STATES)),
            open=Count("pk", filter=Q(state__in=domain.OPEN_STATES)),
        )
    )
    return {
        "lifetime_revenue": str(total.rounded().amount),
        "lifetime_revenue_currency": base,
        "lifetime_revenue_unconverted": unconverted,
        "order_count": counts["orders"],
        "open_order_count": counts["open"],
    }


def panel_last_orders(party_kind: str, party: Any) -> dict[str, Any]:
    """The 360° panel "Last orders": the party's latest orders as plain data."""
    items = list(_party_orders(party_kind, party).order_by("-created_at", "-pk")[:LAST_ORDERS])
    return {
        "items": [
            {
                "id": item.pk,
                "number": item.number,
                "channel": item.channel,
                "state": item.state,
                "order_date": item.order_date.isoformat(),
                "gross_total": str(item.gross.amount),
                "currency": item.currency,
            }
            for item in items
        ],
        "count": len(items),
    }


def timeline_entries(
    party_kind: str,
    party: Any,
    channel: str | None,
    before: TimelineCursor | None,
    limit: int,
) -> list[TimelineEntry]:
    """Timeline source "sales_order": every order's creation and state changes (one query).

    With a channel filter, the entries of orders whose channel maps to that touch-point
    channel (pos -> store, web -> web…) are returned.
    """
    key = "account" if party_kind == "account" else "person"
    rows = SalesOrderEvent.objects.filter(**{key: party}).select_related("order")
    if channel:
        order_channels = [c for c, tp in domain.TOUCH_POINT_CHANNELS.items() if tp == channel]
        if not order_channels:
            return []
        rows = rows.filter(order__channel__in=order_channels)
    if before is not None:
        rows = rows.filter(before.q("sales_order"))
    return [
        TimelineEntry(
            occurred_at=row.occurred_at,
            source="sales_order",
            record_id=row.pk,
            kind=f"sales_order_{row.state}",
            title=f"Order {row.order.number} {domain.EVENT_TITLES[row.state]}",
            detail=row.detail,
            channel=domain.TOUCH_POINT_CHANNELS.get(row.order.channel, ""),
            url=reverse("orders-detail", args=[row.order_id]),
            ids={"order_id": row.order_id, "state": row.state},
        )
        for row in rows.order_by("-occurred_at", "-pk")[:limit]
    ]

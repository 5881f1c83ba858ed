"""Supplier scorecards measured from the documents: purchase orders, receipts, inspections, bills.

- On-time-in-full: of the order lines due in the period (the line's requested date, else the
  order's), the share whose whole quantity had been received by that date.
- Quality acceptance: of the quantity received in the period whose fate is decided (accepted
  at once, or inspected), the share not rejected. Goods still waiting for inspection don't count.
- Price variance: what the supplier's bills dated in the period charged above or below the
  order's unit prices, as a share of the agreed amount (draft and cancelled bills don't count).
- Lead-time reliability: of the receipts in the period, the share that came within a day of
  the lead time the order promised (order date to requested date), early or late.

The trend repeats the four measures per calendar month of the period. Every measure reads a
fixed number of queries whatever the number of documents.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.scm.payables.models import BillLine
from valuechain.scm.procurement import domain
from valuechain.scm.procurement.models import Supplier
from valuechain.scm.purchasing.models import PurchaseOrderLine
from valuechain.scm.receiving.models import ReceiptLine

# Orders that were placed with the supplier (drafts, unapproved and cancelled ones were not).
PLACED_ORDER_STATES = ("sent", "partially_received", "received", "closed")
# Bills that the supplier really sent and the business accepted to look at.
COUNTED_BILL_STATES = ("posted", "to_approve", "approved", "partially_paid", "paid")
# Rankings look back this far for on-time-in-full and quality.
RANKING_LOOKBACK_DAYS = 365
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class MonthScore:
    """The scorecard of one calendar month of the period."""

    month: dt.date  # the first day of the month
    card: domain.Scorecard


@dataclass(frozen=True)
class SupplierScorecard:
    """A supplier's scorecard over a period, with its month-by-month trend."""

    supplier: Supplier
    date_from: dt.date
    date_to: dt.date
    card: domain.Scorecard
    trend: list[MonthScore]


@dataclass
class _Facts:
    """What one supplier's documents say, each fact dated so it can be put in a month."""

    due: list[tuple[dt.date, domain.DueLine]]
    decided: list[tuple[dt.date, Decimal, Decimal]]  # date, decided quantity, rejected
    prices: list[tuple[dt.date, domain.BilledPrice]]
    deliveries: list[tuple[dt.date, domain.Delivery]]

    def card(self, start: dt.date, end: dt.date) -> domain.Scorecard:
        """The four measures from the facts dated between ``start`` and ``end``."""
        decided = [(q, r) for day, q, r in self.decided if start <= day <= end]
        return domain.scorecard(
            due_lines=[line for day, line in self.due if start <= day <= end],
            received=sum((q for q, _ in decided), Decimal(0)),
            rejected=sum((r for _, r in decided), Decimal(0)),
            prices=[p for day, p in self.prices if start <= day <= end],
            deliveries=[d for day, d in self.deliveries if start <= day <= end],
        )


def clean_period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for; by default the last twelve months up to today (invalid_period)."""
    end = date_to or timezone.localdate()
    start = date_from or (end.replace(day=1) - dt.timedelta(days=334)).replace(day=1)
    if start > end:
        raise DomainError(
            "invalid_period", "The period starts after it ends.", field="date_from", status=422
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise DomainError(
            "invalid_period",
            "A scorecard covers at most three years.",
            field="date_from",
            status=422,
        )
    return start, end


def _received_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _facts(supplier_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, _Facts]:
    """Read the dated facts of several suppliers' documents in four queries."""
    facts = {pk: _Facts([], [], [], []) for pk in supplier_ids}
    due_lines = list(
        PurchaseOrderLine.objects.filter(
            order__supplier_id__in=supplier_ids, order__state__in=PLACED_ORDER_STATES
        )
        .annotate(due=Coalesce("requested_on", "order__requested_on"))
        .filter(due__gte=start, due__lte=end)
        .values("pk", "quantity", "due", supplier=F("order__supplier_id"))
    )
    received_by_due: dict[int, Decimal] = defaultdict(Decimal)
    due_of = {row["pk"]: row["due"] for row in due_lines}
    for row in ReceiptLine.objects.filter(po_line_id__in=list(due_of)).values(
        "po_line_id", "quantity", "receipt__received_at"
    ):
        if _received_day(row["receipt__received_at"]) <= due_of[row["po_line_id"]]:
            received_by_due[row["po_line_id"]] += row["quantity"]
    for row in due_lines:
        line = domain.DueLine(row["quantity"], received_by_due[row["pk"]])
        facts[row["supplier"]].due.append((row["due"], line))

    receipts = ReceiptLine.objects.filter(
        receipt__purchase_order__supplier_id__in=supplier_ids,
        receipt__received_at__date__gte=start,
        receipt__received_at__date__lte=end,
    ).values(
        "accepted_quantity",
        "rejected_quantity",
        received_at=F("receipt__received_at"),
        supplier=F("receipt__purchase_order__supplier_id"),
        order_date=F("po_line__order__order_date"),
        due=Coalesce("po_line__requested_on", "po_line__order__requested_on"),
    )
    for row in receipts:
        day = _received_day(row["received_at"])
        card = facts[row["supplier"]]
        decided = row["accepted_quantity"] + row["rejected_quantity"]
        if decided > 0:
            card.decided.append((day, decided, row["rejected_quantity"]))
        if row["due"] is not None:
            promised = (row["due"] - row["order_date"]).days
            card.deliveries.append((day, domain.Delivery(promised, (day - row["order_date"]).days)))

    for row in BillLine.objects.filter(
        bill__supplier_id__in=supplier_ids,
        bill__state__in=COUNTED_BILL_STATES,
        bill__bill_date__gte=start,
        bill__bill_date__lte=end,
        po_line__isnull=False,
    ).values(
        "quantity",
        "unit_price",
        agreed=F("po_line__unit_price"),
        day=F("bill__bill_date"),
        supplier=F("bill__supplier_id"),
    ):
        price = domain.BilledPrice(row["quantity"], row["agreed"], row["unit_price"])
        facts[row["supplier"]].prices.append((row["day"], price))
    return facts


def _months(start: dt.date, end: dt.date) -> Iterable[tuple[dt.date, dt.date, dt.date]]:
    """(first day of the month, start within the period, end within the period), in order."""
    month = start.replace(day=1)
    while month <= end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        yield month, max(month, start), min(following - dt.timedelta(days=1), end)
        month = following


def supplier_scorecard(
    supplier: Supplier, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> SupplierScorecard:
    """One supplier's scorecard over a period (the last twelve months by default) with trend."""
    start, end = clean_period(date_from, date_to)
    facts = _facts([supplier.pk], start, end)[supplier.pk]
    trend = [
        MonthScore(month, facts.card(first, last)) for month, first, last in _months(start, end)
    ]
    return SupplierScorecard(supplier, start, end, facts.card(start, end), trend)


def measured_rates(
    supplier_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """Per supplier, on-time-in-full and quality acceptance of the last year (for rankings)."""
    ids = sorted(set(supplier_ids))
    if not ids:
        return {}
    end = today or timezone.localdate()
    start = end - dt.timedelta(days=RANKING_LOOKBACK_DAYS)
    rates = {}
    for pk, facts in _facts(ids, start, end).items():
        card = facts.card(start, end)
        rates[pk] = (card.on_time_in_full, card.quality_acceptance)
    return rates


def as_dict(card: domain.Scorecard) -> dict[str, Any]:
    """A scorecard as the API and the page show it."""
    return {
        "on_time_in_full": card.on_time_in_full,
        "quality_acceptance": card.quality_acceptance,
        "price_variance": card.price_variance,
        "lead_time_reliability": card.lead_time_reliability,
        "lines_due": card.lines_due,
        "received_quantity": card.received_quantity,
        "rejected_quantity": card.rejected_quantity,
        "deliveries": card.deliveries,
    }

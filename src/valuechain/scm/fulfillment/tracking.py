"""Use cases of shipment tracking: carriers' events ingested by shipment or by tracking
number, delivery recorded from them, and the order closed when all of it is delivered.

Ingestion is idempotent: an event is the same one when its shipment, time, status and
carrier code are equal (carriers resend their whole history); the shipment row is locked
first, so two deliveries of the same batch record it once, and the unique constraint on
those four columns backs that up. A ``delivered`` event marks the shipment delivered at
the event's time. When no shipment of the order is left undelivered and the order is
shipped in full, ``orders.aftersales.register_delivery`` closes it; the order row is
locked before the other shipments are counted, so two last deliveries at once still close
it (the second one sees the first's committed state).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_text
from valuechain.scm.fulfillment import domain, queries
from valuechain.scm.fulfillment.models import Shipment, TrackingEvent
from valuechain.scm.orders import aftersales

MAX_EVENTS = 500  # per call: a carrier's full history of one shipment fits many times


@dataclass
class TrackingResult:
    """What one ingestion did to a shipment: the events recorded and how many were known."""

    shipment: Shipment
    recorded: list[TrackingEvent] = field(default_factory=list)
    duplicates: int = 0


def _reports(events: Sequence[Mapping[str, Any]]) -> list[domain.TrackingReport]:
    if not events:
        raise DomainError("no_events", "Send at least one tracking event.", field="events")
    if len(events) > MAX_EVENTS:
        raise DomainError(
            "too_many_events", f"Send at most {MAX_EVENTS} events at once.", field="events"
        )
    reports = []
    for index, event in enumerate(events):
        try:
            reports.append(
                domain.tracking_report(
                    occurred_at=event.get("occurred_at"),
                    status=event.get("status"),
                    code=event.get("code", ""),
                    location=event.get("location", ""),
                    description=event.get("description", ""),
                    field=f"events[{index}]",
                )
            )
        except domain.RuleBroken as exc:
            raise DomainError(exc.code, exc.message, field=exc.field, status=exc.status) from exc
    return reports


def _payload(shipment: Shipment, **extra: Any) -> dict[str, Any]:
    return {
        "shipment_id": shipment.pk,
        "number": shipment.number,
        "order_id": shipment.order_id,
        "tracking_number": shipment.tracking_number,
        "state": shipment.state,
        **extra,
    }


def close_order_if_delivered(shipment: Shipment) -> None:
    """Put the delivery on the order's history; close the order when all of it arrived."""
    queries.lock_sales_order(shipment.order_id)  # before counting: see "two last deliveries"
    waiting = (
        Shipment.objects.filter(order_id=shipment.order_id)
        .exclude(state="delivered")
        .exclude(pk=shipment.pk)
        .exists()
    )
    aftersales.register_delivery(
        shipment.order_id, reference=shipment.number, all_delivered=not waiting
    )


def _deliver(shipment: Shipment, reports: Sequence[domain.TrackingReport]) -> None:
    arrived = domain.delivered_at(reports)
    if arrived is None or not domain.can_move("shipment", shipment.state, "delivered"):
        return
    shipment.state = "delivered"
    shipment.delivered_at = arrived
    shipment.save(update_fields=["state", "delivered_at", "updated_at"])
    publish("ShipmentDelivered", _payload(shipment, delivered_at=arrived.isoformat()))
    close_order_if_delivered(shipment)


def _ingest(shipment: Shipment, reports: Sequence[domain.TrackingReport]) -> TrackingResult:
    """Record the new reports on a locked shipment and deliver it when one says so."""
    known = TrackingEvent.objects.filter(shipment=shipment).values_list(
        "occurred_at", "status", "code"
    )
    fresh = domain.new_reports(reports, known)
    rows = [
        TrackingEvent(
            shipment=shipment,
            occurred_at=r.occurred_at,
            status=r.status,
            code=r.code,
            location=r.location,
            description=r.description,
        )
        for r in fresh
    ]
    for row in rows:
        row.save()
        publish(
            "ShipmentTrackingEventRecorded",
            _payload(
                shipment,
                event_id=row.pk,
                status=row.status,
                code=row.code,
                occurred_at=row.occurred_at.isoformat(),
                location=row.location,
            ),
        )
    _deliver(shipment, fresh)
    return TrackingResult(shipment, rows, len(reports) - len(rows))


@transaction.atomic
def record_events(shipment_id: int, events: Sequence[Mapping[str, Any]]) -> TrackingResult:
    """Record a carrier's events of one shipment; ones recorded already are skipped.

    Each event: occurred_at (with time zone), status (``TRACKING_STATUSES``), and optional
    code, location, description. Refuses ``not_found`` (404), ``invalid_tracking_status``,
    ``invalid_occurred_at``, ``too_long``, ``no_events`` and ``too_many_events``.
    """
    reports = _reports(events)
    shipment = Shipment.objects.select_for_update().filter(pk=shipment_id).first()
    if shipment is None:
        raise DomainError("not_found", "No such shipment.", status=404)
    return _ingest(shipment, reports)


@transaction.atomic
def record_events_by_tracking_number(events: Sequence[Mapping[str, Any]]) -> list[TrackingResult]:
    """Record events that name their shipment by tracking number (a carrier's webhook).

    Every number must match exactly one shipment of the tenant: ``unknown_tracking_number``
    (404) or ``ambiguous_tracking_number`` (409) otherwise, and then nothing is recorded.
    Results come back per shipment, in the order the numbers first appear.
    """
    reports = _reports(events)
    numbers = [
        clean_text(event.get("tracking_number"), f"events[{index}].tracking_number", 100)
        for index, event in enumerate(events)
    ]
    wanted = sorted(set(numbers))
    if "" in wanted:
        index = numbers.index("")
        raise DomainError(
            "tracking_number_required",
            "Give each event's tracking number.",
            field=f"events[{index}].tracking_number",
        )
    matches: dict[str, list[int]] = {}
    for pk, number in Shipment.objects.filter(tracking_number__in=wanted).values_list(
        "pk", "tracking_number"
    ):
        matches.setdefault(number, []).append(pk)
    for number in wanted:
        found = matches.get(number, [])
        if not found:
            raise DomainError(
                "unknown_tracking_number",
                f"No shipment has the tracking number {number!r}.",
                field="tracking_number",
                status=404,
                details={"tracking_number": number},
            )
        if len(found) > 1:
            raise DomainError(
                "ambiguous_tracking_number",
                f"{len(found)} shipments have the tracking number {number!r}; "
                "send the events to each shipment instead.",
                field="tracking_number",
                status=409,
                details={"tracking_number": number, "shipment_ids": sorted(found)},
            )
    ids = {number: matches[number][0] for number in wanted}
    locked = {
        row.pk: row
        for row in Shipment.objects.select_for_update()
        .filter(pk__in=sorted(ids.values()))
        .order_by("pk")
    }
    results = []
    for number in dict.fromkeys(numbers):  # first appearance order
        mine = [r for r, n in zip(reports, numbers, strict=True) if n == number]
        results.append(_ingest(locked[ids[number]], mine))
    return results


def events_of(shipment_id: int) -> list[TrackingEvent]:
    """The shipment's tracking events, oldest first."""
    return list(TrackingEvent.objects.filter(shipment_id=shipment_id).order_by("occurred_at", "pk"))

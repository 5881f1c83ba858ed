"""Use cases of supply requests: make-to-stock proposals and make-to-order requests that
count as incoming stock until they are done or cancelled.

Same rules as ``services.py``: one transaction, the stock location's balance row locked
before the request row, ``invalid_transition`` (409) for a move the states do not allow.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_text
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import domain
from valuechain.scm.inventory.models import (
    SupplyRequest,
    Warehouse,
)
from valuechain.scm.inventory.services import (
    BalanceKey,
    clean_quantity,
    ensure_balances,
    location_of,
    lock_balances,
    not_found,
    post,
)


@transaction.atomic
def request_supply(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    reason: str,
    origin_type: str = "",
    origin_id: int | None = None,
    expected_on: date | None = None,
    note: str = "",
) -> SupplyRequest:
    """Ask for more of a variant at a warehouse: a reorder proposal or an MTO request.

    The quantity counts as incoming at the warehouse's stock location while the request is
    open or ordered. A second open reorder proposal for the same variant and warehouse is
    refused with ``duplicate_proposal`` (409).
    """
    amount = clean_quantity(quantity)
    reason = clean_choice(reason, "reason", domain.SUPPLY_REASONS)
    stock = location_of(warehouse, "stock")
    key: BalanceKey = (variant.pk, stock.pk, None)
    post([], incoming={key: amount})
    try:
        with transaction.atomic():
            request = SupplyRequest.objects.create(
                variant=variant,
                warehouse=warehouse,
                quantity=amount,
                reason=reason,
                origin_type=clean_text(origin_type, "origin_type", 60),
                origin_id=origin_id,
                expected_on=expected_on,
                note=clean_text(note, "note", 200),
            )
    except IntegrityError as exc:
        raise DomainError(
            "duplicate_proposal",
            "There already is an open reorder proposal for this item and warehouse.",
            status=409,
        ) from exc
    publish(
        "SupplyRequested",
        {
            "supply_request_id": request.pk,
            "variant_id": variant.pk,
            "warehouse_id": warehouse.pk,
            "quantity": str(amount),
            "reason": reason,
            "origin_type": request.origin_type,
            "origin_id": origin_id,
        },
    )
    return request


SUPPLY_TRANSITIONS = {
    "open": ("ordered", "done", "cancelled"),
    "ordered": ("done", "cancelled"),
    "done": (),
    "cancelled": (),
}


@transaction.atomic
def change_supply_request(
    request_id: int,
    *,
    state: str | None = None,
    quantity: Any = None,
    expected_on: date | None = None,
) -> SupplyRequest:
    """Move a supply request on (ordered, done, cancelled) or change its quantity or date.

    Done and cancelled requests no longer count as incoming. Refused: ``invalid_transition``.
    """
    found = SupplyRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise not_found("supply request")
    key: BalanceKey = (found.variant_id, location_of(found.warehouse_id, "stock").pk, None)
    ids = ensure_balances([key])
    lock_balances(ids.values())
    request = SupplyRequest.objects.select_for_update().get(pk=request_id)
    if request.state not in domain.OPEN_SUPPLY_STATES:
        raise DomainError(
            "invalid_transition",
            f"The request is {request.state} already.",
            field="state",
            status=409,
        )
    change = domain.ZERO
    if quantity is not None:
        amount = clean_quantity(quantity)
        change += amount - request.quantity
        request.quantity = amount
    if expected_on is not None:
        request.expected_on = expected_on
    if state is not None and state != request.state:
        state = clean_choice(state, "state", domain.SUPPLY_STATES)
        if state not in SUPPLY_TRANSITIONS[request.state]:
            raise DomainError(
                "invalid_transition",
                f"A {request.state} request cannot become {state}.",
                field="state",
                status=409,
            )
        if state not in domain.OPEN_SUPPLY_STATES:
            change -= request.quantity
        request.state = state
    if change:
        post([], incoming={key: change})
    request.save()
    publish(
        "SupplyRequestChanged",
        {
            "supply_request_id": request.pk,
            "state": request.state,
            "quantity": str(request.quantity),
        },
    )
    return request

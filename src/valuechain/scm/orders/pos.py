"""Use case: a store sale posted by a till (POS) in one call.

One transaction: the lines are found by GTIN and priced from the price lists in the
payment's currency (or as the till sends them), taxed for the store's country; the payment
must cover the total; the customer is the given person/account or the owner of the loyalty
card; a POS order is created already shipped and its items leave the store's stock
(``inventory.services.issue``, unreserved); a ``store`` / ``purchase`` touch point lands on
the customer's timeline. The receipt number (per store) makes the call idempotent: posting
the same receipt again returns the stored sale and changes nothing.

A loyalty card nobody owns does not stop the sale: the order stays anonymous and the touch
point is parked as *unmatched* for review in the CRM, where attaching it to a person
teaches the card to the system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.crm.customers import interactions
from valuechain.crm.customers import queries as customer_queries
from valuechain.crm.customers.models import Account, Interaction
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_text
from valuechain.platform.money import normalize_currency
from valuechain.scm.catalog import queries as catalog_queries
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.orders import domain, services
from valuechain.scm.orders.models import SalesOrder, SalesOrderEvent, SalesOrderLine

PAYMENT_METHODS = ("cash", "card", "voucher", "mobile", "other")
MAX_POS_LINES = 200


@dataclass(frozen=True)
class PosSale:
    """What a posted sale produced."""

    order: SalesOrder
    change: Decimal
    interaction_id: int | None
    replayed: bool = False


def _store(code: Any) -> Warehouse:
    text = clean_text(code, "store", 20, required=True)
    store = Warehouse.objects.filter(code=text, is_active=True).first()
    if store is None:
        raise DomainError("unknown_store", f"No active warehouse has code {text!r}.", field="store")
    if not store.is_store:
        raise DomainError(
            "not_a_store", f"{store.code} is a warehouse, not a store (POS).", field="store"
        )
    return store


def _customer(data: Mapping[str, Any]) -> tuple[int | None, int | None, str]:
    """(person_id, account_id, loyalty card) of the sale; unknown cards stay anonymous."""
    person_id, account_id = data.get("person_id"), data.get("account_id")
    card = str(data.get("loyalty_card") or "").strip()
    if person_id or account_id or not card:
        return person_id, account_id, card
    owner = customer_queries.find_party_by_identifier("loyalty_card", card)
    if isinstance(owner, Account):
        return None, owner.pk, card
    if owner is not None:
        return owner.pk, None, card
    return None, None, card


def _replay(store: Warehouse, reference: str) -> PosSale | None:
    order = SalesOrder.objects.filter(channel="pos", external_reference=reference).first()
    if order is None:
        return None
    assert order.paid_amount is not None
    change = domain.change_due(order.gross_total, order.paid_amount, order.currency)
    interaction_id = (
        Interaction.objects.filter(source="pos", external_id=reference)
        .values_list("pk", flat=True)
        .first()
    )
    return PosSale(order, change, interaction_id, replayed=True)


def _sold_at(value: Any) -> dt.datetime:
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    raise DomainError("invalid_sold_at", "Give sold_at as a date and time.", field="sold_at")


def post_sale(data: Mapping[str, Any]) -> PosSale:
    """Post a store sale (see the module docstring); returns the order and change due."""
    with transaction.atomic():
        store = _store(data.get("store"))
        receipt = clean_text(data.get("receipt_number"), "receipt_number", 80, required=True)
        reference = f"{store.code}/{receipt}"
        replay = _replay(store, reference)
        if replay is not None:
            return replay
        payment = data.get("payment") or {}
        if not isinstance(payment, Mapping):
            raise DomainError("invalid_payment", "Send the payment as an object.", field="payment")
        method = clean_choice(payment.get("method"), "payment.method", PAYMENT_METHODS)
        currency = normalize_currency(payment.get("currency"), "payment.currency")
        paid = services._decimal(payment.get("amount"), "payment.amount")
        raw_lines = data.get("lines") or []
        if not raw_lines:
            raise DomainError("lines_required", "Scan at least one item.", field="lines")
        if len(raw_lines) > MAX_POS_LINES:
            raise DomainError(
                "too_many_lines", f"A receipt has at most {MAX_POS_LINES} lines.", field="lines"
            )
        lines = []
        for index, raw in enumerate(raw_lines):
            gtin = str((raw or {}).get("gtin") or "").strip()
            variant = catalog_queries.variant_by_gtin(gtin) if gtin else None
            if variant is None:
                raise DomainError(
                    "unknown_gtin",
                    f"No product has the GTIN {gtin!r}.",
                    field=f"lines[{index}].gtin",
                    details={"gtin": gtin},
                )
            line = {k: v for k, v in raw.items() if k != "gtin" and v is not None}
            lines.append({**line, "variant_id": variant.pk})
        person_id, account_id, card = _customer(data)
        sold_at = _sold_at(data.get("sold_at"))
        order = services.create_order(
            {
                "channel": "pos",
                "person_id": person_id,
                "account_id": account_id,
                "currency": currency,
                "order_date": timezone.localdate(sold_at),
                "ship_to_country": store.country,
                "ship_to_postal_code": store.postal_code,
                "warehouse_id": store.pk,
                "external_reference": reference,
                "lines": lines,
            }
        )
        change = domain.change_due(order.gross_total, paid, currency)
        _hand_over(order, store, reference)
        order.state = "shipped"
        order.confirmed_at = order.shipped_at = timezone.now()
        order.payment_method = method
        order.paid_amount = paid
        order.save(
            update_fields=[
                "state",
                "confirmed_at",
                "shipped_at",
                "payment_method",
                "paid_amount",
                "updated_at",
            ]
        )
        # The till's time for both steps: an offline till may post a sale afterwards.
        SalesOrderEvent.objects.filter(order=order).update(occurred_at=sold_at)
        SalesOrderEvent.objects.create(
            order=order,
            state="shipped",
            account_id=order.account_id,
            person_id=order.person_id,
            occurred_at=sold_at,
            detail=f"store sale at {store.code}, receipt {receipt}, paid by {method}",
        )
        interaction_id = _touch_point(order, store, receipt, reference, card, data, sold_at)
        publish(
            "PosSaleRecorded",
            {
                "order_id": order.pk,
                "number": order.number,
                "store": store.code,
                "receipt_number": receipt,
                "person_id": order.person_id,
                "account_id": order.account_id,
                "currency": currency,
                "gross_total": str(order.gross_total),
                "payment_method": method,
                "interaction_id": interaction_id,
            },
        )
        publish("SalesOrderShipped", services._payload(order, reference=reference))
    return PosSale(order, change, interaction_id)


def _hand_over(order: SalesOrder, store: Warehouse, reference: str) -> None:
    """Take every line out of the store's stock and mark it shipped."""
    rows = list(
        SalesOrderLine.objects.select_for_update(of=("self",))  # not the joined variants
        .filter(order=order)
        .select_related("variant")
        .order_by("pk")
    )
    for line in rows:
        if line.supply_kind in ("stock", "mto"):
            inventory.issue(
                variant=line.variant,
                warehouse=store,
                quantity=line.quantity,
                reference=reference,
                source_type=services.SOURCE_TYPE,
                source_id=line.pk,
            )
        elif line.supply_kind == "kit":
            from valuechain.scm.catalog.models import Variant

            for component_id, per_kit in catalog_queries.kit_components(line.variant_id):
                inventory.issue(
                    variant=Variant.objects.get(pk=component_id),
                    warehouse=store,
                    quantity=line.quantity * per_kit,
                    reference=reference,
                    source_type=services.SOURCE_TYPE,
                    source_id=line.pk,
                )
        line.shipped_quantity = line.quantity
        line.save(update_fields=["shipped_quantity", "updated_at"])


def _touch_point(
    order: SalesOrder,
    store: Warehouse,
    receipt: str,
    reference: str,
    card: str,
    data: Mapping[str, Any],
    sold_at: dt.datetime,
) -> int | None:
    """The ``store`` / ``purchase`` interaction of the sale (None for an anonymous one)."""
    row: dict[str, Any] = {
        "channel": "store",
        "kind": "purchase",
        "direction": "inbound",
        "occurred_at": sold_at,
        "actor_name": str(data.get("cashier") or ""),
        "subject": f"Store purchase {order.number} at {store.name}"[:300],
        "payload": {
            "order_id": order.pk,
            "number": order.number,
            "store": store.code,
            "receipt_number": receipt,
            "currency": order.currency,
            "gross_total": str(order.gross.amount),
            "lines": order.lines.count(),
        },
        "person_id": order.person_id,
        "account_id": order.account_id if order.person_id is None else None,
        "related_type": "orders.salesorder",
        "related_id": str(order.pk),
        "source": "pos",
        "external_id": reference,
    }
    if order.person_id is None and order.account_id is None:
        if not card:
            return None
        row["identifier_kind"], row["identifier_value"] = "loyalty_card", card
    interaction, _ = interactions.record_interaction(row)
    return int(interaction.pk)

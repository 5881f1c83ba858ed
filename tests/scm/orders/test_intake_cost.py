"""What placing an order costs and leaves behind: statements, audit entries, order numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.errors import DomainError
from valuechain.platform.models import DocumentSequence
from valuechain.platform.numbering import configure_sequence, next_number
from valuechain.scm.orders import services
from valuechain.scm.orders.models import SalesOrder, SalesOrderLine

D = Decimal


def _web_order(shop, *lines):
    return {"channel": "web", "person_id": shop.ada.pk, "lines": list(lines)}


def test_create_and_confirm_of_three_lines_takes_a_fixed_number_of_statements(
    shop, django_assert_num_queries
):
    data = _web_order(
        shop,
        {"variant_id": shop.widget.pk, "quantity": 1},
        {"variant_id": shop.gadget.pk, "quantity": 2},
        {"variant_id": shop.widget.pk, "quantity": 3, "unit_price": "7.50"},
    )
    services.create_and_confirm(data)  # the sequence row and the content-type cache exist now
    # Savepoint + release of the outer atomic (the test's transaction is open): 2.
    # Draft: person, base currency, ship-to addresses, customer group (own, then the
    # person's account), variants (one query for all lines), kits among them, a price-list
    # look-up for each of the two unpriced lines, one tax query per tax class (standard,
    # reduced): 11; the sequence bump in its savepoint: 3; the order's savepoint, insert,
    # audit entry, release: 4; the lines (one insert), the history row, the event: 3.
    # Confirm: the reservation's savepoint, inventory settings, the balances locked in pk
    # order, the warehouses, one balance update, one reservations insert, its event,
    # release: 8; one update of the lines and one insert of their audit entries: 2; the
    # order's old values, update and audit entry, its history row and event: 5.
    with django_assert_num_queries(38):
        order = services.create_and_confirm(data)
    assert order.state == "confirmed"
    lines = list(SalesOrderLine.objects.filter(order=order).order_by("position"))
    assert [line.reserved_quantity for line in lines] == [D(1), D(2), D(3)]
    assert order.number == "SO-000002"


def test_confirm_audits_each_line_with_its_reserved_quantity(shop):
    order = services.create_order(
        _web_order(
            shop, {"variant_id": shop.widget.pk, "quantity": 4}, {"sku": "SRV-1", "quantity": 1}
        )
    )
    services.confirm_order(order.pk)
    widget, service = SalesOrderLine.objects.filter(order=order).order_by("position")
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SalesOrderLine), action="update"
    )
    # The service line reserves nothing, so nothing about it changed: no entry.
    assert [(e.object_id, e.changes) for e in entries] == [
        (str(widget.pk), {"reserved_quantity": {"old": "0.0000", "new": "4.0000"}})
    ]
    assert entries.get().channel == "cli" and entries.get().object_repr == str(widget)
    assert str(service.pk) not in {e.object_id for e in entries}


def test_taking_a_number_writes_no_audit_entry_configuring_the_sequence_does(in_tenant_a):
    assert next_number("so") == "SO-000001"
    assert next_number("so") == "SO-000002"
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(DocumentSequence)
    )
    assert not entries.exists()
    configure_sequence("so", next_value=10)
    assert [(e.action, e.changes) for e in entries] == [
        ("update", {"next_value": {"old": 3, "new": 10}})
    ]
    assert next_number("so") == "SO-000010"


@pytest.mark.django_db(transaction=True)
def test_a_refused_one_call_order_leaves_a_gap_a_refused_draft_does_not(shop):
    # Outside any transaction (as the API calls it) the number is taken first, in its own.
    scarce = {"variant_id": shop.gadget.pk, "quantity": 11}  # 10 gadgets in stock
    with pytest.raises(DomainError) as refused:
        services.create_and_confirm(_web_order(shop, scarce))
    assert refused.value.code == "insufficient_stock"
    placed = services.create_and_confirm(
        _web_order(shop, {"variant_id": shop.widget.pk, "quantity": 1})
    )
    assert placed.number == "SO-000002"  # SO-000001 went to the refused order

    with pytest.raises(DomainError) as invalid:
        services.create_order(_web_order(shop, {"variant_id": shop.widget.pk, "quantity": 0}))
    assert invalid.value.code == "invalid_quantity"
    draft = services.create_order(_web_order(shop, {"variant_id": shop.widget.pk, "quantity": 1}))
    assert draft.number == "SO-000003"  # the draft's transaction gave nothing away
    assert list(SalesOrder.objects.order_by("number").values_list("number", flat=True)) == [
        "SO-000002",
        "SO-000003",
    ]

"""RFQs: quotes in two currencies compared in the base currency, ranked with procurement's
weights, awarded to the best offers (or one supplier) into one order per supplier."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from tests.scm.purchasing.conftest import D

from valuechain.platform import fx
from valuechain.platform.errors import DomainError
from valuechain.scm.purchasing import rfq
from valuechain.scm.purchasing.models import PurchaseOrder, QuoteLine


@pytest.fixture
def quoted(buying):
    fx.record_rate("EUR", "USD", D("1.25"), dt.date(2020, 1, 1))
    request = rfq.create_rfq(
        warehouse_id=buying.warehouse.pk,
        lines=[
            {"variant_id": buying.bolt.pk, "quantity": "100"},
            {"variant_id": buying.nut.pk, "quantity": "50"},
        ],
        supplier_ids=[buying.nord.pk, buying.lyon.pk],
        requested_on=dt.date(2030, 1, 15),
    )
    bolt, nut = request.lines.order_by("position")
    valid = timezone.localdate() + dt.timedelta(days=10)
    rfq.record_quote(
        request.pk,
        supplier_id=buying.nord.pk,
        valid_until=valid,
        lines=[
            {"rfq_line_id": bolt.pk, "unit_price": "0.80", "lead_time_days": 5},
            {"rfq_line_id": nut.pk, "unit_price": "0.25", "lead_time_days": 5},
        ],
    )
    rfq.record_quote(
        request.pk,
        supplier_id=buying.lyon.pk,
        currency="USD",
        valid_until=valid,
        lines=[
            {"rfq_line_id": bolt.pk, "unit_price": "0.95", "lead_time_days": 10},
            {
                "rfq_line_id": nut.pk,
                "unit_price": "0.30",
                "lead_time_days": 10,
                "min_order_quantity": 100,
            },
        ],
    )
    return request, bolt, nut


def test_comparison_side_by_side(buying, quoted):
    request, _bolt, _nut = quoted
    result = rfq.compare(request.pk)
    assert result.base_currency == "EUR"
    rows = [
        [
            (
                o.supplier.code,
                o.currency,
                o.quantity,
                o.total,
                o.total_base,
                o.rank,
                o.score,
                o.best,
            )
            for o in item.offers
        ]
        for item in result.lines
    ]
    assert rows == [
        [
            ("LYON", "USD", D("100"), D("95.00"), D("76.00"), 1, D("0.7000"), True),
            ("NORD", "EUR", D("100"), D("80.00"), D("80.00"), 2, D("0.5000"), False),
        ],
        [
            ("NORD", "EUR", D("50"), D("12.50"), D("12.50"), 1, D("0.9000"), True),
            # LYON's MOQ of 100 doubles what the line costs.
            ("LYON", "USD", D("100"), D("30.00"), D("24.00"), 2, D("0.3000"), False),
        ],
    ]
    assert result.totals_base == {buying.lyon.pk: D("100.00"), buying.nord.pk: D("92.50")}


def test_award_best_per_line_makes_one_order_per_supplier(buying, quoted):
    request, bolt, _nut = quoted
    orders = rfq.award(request.pk)
    assert [
        (o.supplier.code, o.currency, o.fx_rate, o.net_total, o.base_net_total) for o in orders
    ] == [
        ("NORD", "EUR", D(1), D("12.50"), D("12.50")),
        ("LYON", "USD", D("0.8"), D("95.00"), D("76.00")),
    ]
    assert [(line.sku, line.quantity, line.unit_price) for line in orders[1].lines.all()] == [
        ("BOLT", D("100"), D("0.95"))
    ]
    assert all(o.rfq_id == request.pk and o.state == "draft" for o in orders)
    request.refresh_from_db()
    assert request.state == "closed"
    assert QuoteLine.objects.get(rfq_line=bolt, awarded=True).quote.supplier_id == buying.lyon.pk
    with pytest.raises(DomainError) as caught:
        rfq.award(request.pk)
    assert caught.value.code == "invalid_transition"


def test_award_everything_to_one_supplier(buying, quoted):
    request, _bolt, _nut = quoted
    (order,) = rfq.award(request.pk, supplier_id=buying.nord.pk)
    assert (order.supplier_id, order.net_total, order.lines.count()) == (
        buying.nord.pk,
        D("92.50"),
        2,
    )


def test_award_per_line_and_refusals(buying, quoted):
    request, bolt, nut = quoted
    with pytest.raises(DomainError) as caught:
        rfq.award(request.pk, lines={bolt.pk: buying.nord.pk, nut.pk: 999999})
    assert caught.value.code == "no_offer"
    (order,) = rfq.award(request.pk, lines={bolt.pk: buying.nord.pk})
    assert (order.supplier_id, order.net_total) == (buying.nord.pk, D("80.00"))


def test_expired_quotes_are_shown_but_not_ranked(buying, quoted):
    request, bolt, _nut = quoted
    rfq.record_quote(
        request.pk,
        supplier_id=buying.lyon.pk,
        currency="USD",
        valid_until=timezone.localdate() - dt.timedelta(days=1),
        lines=[{"rfq_line_id": bolt.pk, "unit_price": "0.10"}],
    )
    result = rfq.compare(request.pk)
    offers = result.lines[0].offers
    assert [(o.supplier.code, o.rank, o.problem) for o in offers] == [
        ("NORD", 1, ""),
        ("LYON", None, "expired"),
    ]
    with pytest.raises(DomainError) as caught:
        rfq.award(request.pk, supplier_id=buying.lyon.pk)
    assert caught.value.code == "quote_expired"


def test_send_emails_invited_suppliers_with_an_address(buying, django_capture_on_commit_callbacks):
    request = rfq.create_rfq(
        warehouse_id=buying.warehouse.pk,
        lines=[{"variant_id": buying.bolt.pk, "quantity": "5"}],
        supplier_ids=[buying.nord.pk, buying.lyon.pk],
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = rfq.send_rfq(request.pk)
    assert sent.state == "sent"
    assert [m.to for m in mail.outbox] == [["orders@nordwerk.example"]]
    assert "BOLT" in mail.outbox[0].body
    with pytest.raises(DomainError) as caught:
        rfq.send_rfq(request.pk)
    assert caught.value.code == "invalid_transition"
    assert rfq.cancel_rfq(request.pk).state == "cancelled"
    with pytest.raises(DomainError) as caught:
        rfq.record_quote(
            request.pk,
            supplier_id=buying.nord.pk,
            lines=[{"rfq_line_id": request.lines.get().pk, "unit_price": "1"}],
        )
    assert caught.value.code == "invalid_transition"
    assert PurchaseOrder.objects.count() == 0


def test_quote_errors(buying):
    request = rfq.create_rfq(
        warehouse_id=buying.warehouse.pk, lines=[{"variant_id": buying.bolt.pk, "quantity": "5"}]
    )
    line = request.lines.get()
    with pytest.raises(DomainError) as caught:
        rfq.record_quote(
            request.pk,
            supplier_id=buying.nord.pk,
            lines=[{"rfq_line_id": line.pk, "unit_price": "-1"}],
        )
    assert (caught.value.code, caught.value.field) == ("invalid_unit_price", "unit_price")
    with pytest.raises(DomainError) as caught:
        rfq.record_quote(
            request.pk, supplier_id=buying.nord.pk, lines=[{"rfq_line_id": 0, "unit_price": "1"}]
        )
    assert caught.value.code == "rfq_line_not_found"
    with pytest.raises(DomainError) as caught:
        rfq.create_rfq(warehouse_id=buying.warehouse.pk, lines=[])
    assert caught.value.code == "lines_required"
    # Quoting invites a supplier not invited yet.
    rfq.record_quote(
        request.pk, supplier_id=buying.lyon.pk, lines=[{"rfq_line_id": line.pk, "unit_price": "1"}]
    )
    assert list(request.invitations.values_list("supplier__code", flat=True)) == ["LYON"]

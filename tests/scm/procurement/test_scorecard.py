"""Supplier scorecards from real documents: orders, receipts (decided or pending), bills.

The documents are written straight to the tables, as receiving and payables leave them, so
these tests pin the measures and not those contexts' workflows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from tests.scm.procurement.conftest import supplied

from valuechain.platform.errors import DomainError
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory import warehouses
from valuechain.scm.payables.models import BillLine, SupplierBill
from valuechain.scm.procurement import queries, scorecard
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine
from valuechain.scm.receiving.models import Receipt, ReceiptLine

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 28)


def _order(buying, supplier, number, ordered_on, state, lines, warehouse):
    order = PurchaseOrder.objects.create(
        number=number,
        supplier=supplier,
        warehouse=warehouse,
        state=state,
        currency="EUR",
        order_date=ordered_on,
    )
    made = []
    for position, (item, quantity, price, due) in enumerate(lines, start=1):
        made.append(
            PurchaseOrderLine.objects.create(
                order=order,
                position=position,
                variant=item,
                sku=item.sku,
                description=item.sku,
                quantity=D(quantity),
                unit_price=D(price),
                requested_on=due,
            )
        )
    return order, made


def _receipt(order, number, day, lines, warehouse):
    receipt = Receipt.objects.create(
        number=number,
        purchase_order=order,
        warehouse=warehouse,
        received_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
    )
    stock = inventory.location_of(warehouse, "stock")
    for po_line, quantity, accepted, rejected in lines:
        ReceiptLine.objects.create(
            receipt=receipt,
            po_line=po_line,
            variant=po_line.variant,
            quantity=D(quantity),
            location=stock,
            accepted_quantity=D(accepted),
            rejected_quantity=D(rejected),
        )


def _bill(supplier, order, number, day, state, lines):
    bill = SupplierBill.objects.create(
        number=number,
        supplier=supplier,
        purchase_order=order,
        supplier_invoice_number=f"INV-{number}",
        bill_date=day,
        due_date=day + dt.timedelta(days=30),
        currency="EUR",
        state=state,
    )
    for position, (po_line, quantity, price) in enumerate(lines, start=1):
        BillLine.objects.create(
            bill=bill,
            position=position,
            po_line=po_line,
            description=po_line.sku,
            quantity=D(quantity),
            unit_price=D(price),
        )


@pytest.fixture
def history(buying):
    """NORD: two placed orders in January and February, receipts, a posted and a draft bill."""
    warehouse = warehouses.create_warehouse(code="WH1", name="Main")
    nord, bolt, nut = buying.nord, buying.bolt, buying.nut
    due_jan, due_feb = dt.date(2026, 1, 15), dt.date(2026, 2, 10)
    po1, (l1, l2) = _order(
        buying,
        nord,
        "PO-1",
        dt.date(2026, 1, 5),
        "received",
        [(bolt, 10, "2.00", due_jan), (nut, 20, "1.00", due_jan)],
        warehouse,
    )
    _order(buying, nord, "PO-2", dt.date(2026, 2, 1), "sent", [(bolt, 4, "2", due_feb)], warehouse)
    # Drafts were never placed: their due line must not count.
    _order(buying, nord, "PO-3", dt.date(2026, 2, 1), "draft", [(nut, 9, "1", due_feb)], warehouse)
    # 9 days after ordering, 10 promised: reliable; 3 nuts rejected by inspection.
    _receipt(po1, "GR-1", dt.date(2026, 1, 14), [(l1, 10, 10, 0), (l2, 15, 12, 3)], warehouse)
    # 15 days: late and not reliable; its inspection is still pending (nothing decided).
    _receipt(po1, "GR-2", dt.date(2026, 1, 20), [(l2, 5, 0, 0)], warehouse)
    _bill(nord, po1, "B-1", dt.date(2026, 1, 25), "posted", [(l1, 10, "2.10"), (l2, 15, "1.00")])
    _bill(nord, po1, "B-2", dt.date(2026, 1, 26), "draft", [(l2, 5, "9.00")])
    return buying


def test_scorecard_over_two_months(history):
    card = scorecard.supplier_scorecard(history.nord, JAN, FEB)
    measures = scorecard.as_dict(card.card)
    assert measures == {
        # bolt line complete on 14 Jan; nut line had 15 of 20 by 15 Jan; Feb bolt line nothing
        "on_time_in_full": D("0.3333"),
        # 25 decided (10 bolts + 15 nuts), 3 rejected; the 5 pending nuts don't count
        "quality_acceptance": D("0.8800"),
        # billed 21.00 + 15.00 against agreed 20.00 + 15.00; the draft bill doesn't count
        "price_variance": D("0.0286"),
        # GR-1's two lines within a day of the promised 10 days, GR-2 five days late
        "lead_time_reliability": D("0.6667"),
        "lines_due": 3,
        "received_quantity": D(25),
        "rejected_quantity": D(3),
        "deliveries": 3,
    }
    assert [m.month for m in card.trend] == [JAN, dt.date(2026, 2, 1)]
    january, february = (scorecard.as_dict(m.card) for m in card.trend)
    assert january["on_time_in_full"] == D("0.5000")
    assert january["lines_due"] == 2
    assert february == {
        "on_time_in_full": D("0.0000"),
        "quality_acceptance": None,
        "price_variance": None,
        "lead_time_reliability": None,
        "lines_due": 1,
        "received_quantity": D(0),
        "rejected_quantity": D(0),
        "deliveries": 0,
    }


def test_a_supplier_without_documents_is_unmeasured(history):
    card = scorecard.supplier_scorecard(history.lyon, JAN, FEB).card
    assert (card.on_time_in_full, card.quality_acceptance, card.price_variance) == (
        None,
        None,
        None,
    )
    assert card.lead_time_reliability is None


def test_period_errors(history):
    with pytest.raises(DomainError) as error:
        scorecard.supplier_scorecard(history.nord, FEB, JAN)
    assert (error.value.code, error.value.field) == ("invalid_period", "date_from")
    with pytest.raises(DomainError) as error:
        scorecard.supplier_scorecard(history.nord, dt.date(2020, 1, 1), FEB)
    assert error.value.message == "A scorecard covers at most three years."


def test_rankings_use_measured_on_time_in_full_and_quality(history):
    supplied(history.nord, history.bolt, [(0, "1.00")])
    supplied(history.lyon, history.bolt, [(0, "1.00")])
    rates = scorecard.measured_rates([history.nord.pk, history.lyon.pk], dt.date(2026, 6, 30))
    assert rates == {
        history.nord.pk: (D("0.3333"), D("0.8800")),
        history.lyon.pk: (None, None),
    }
    rows = queries.supplier_ranking(history.bolt.pk, "1").rows
    nord = next(r for r in rows if r.supplier_product.supplier_id == history.nord.pk)
    lyon = next(r for r in rows if r.supplier_product.supplier_id == history.lyon.pk)
    # Rankings look back a year from today, so whether January 2026 still counts depends on
    # the day the suite runs: the criteria show what measured_rates gives for today.
    today_rates = scorecard.measured_rates([history.nord.pk])[history.nord.pk]
    expected = [D("0.5000") if r is None else r for r in today_rates]
    assert [nord.criteria["on_time_in_full"], nord.criteria["quality"]] == expected
    assert [lyon.criteria["on_time_in_full"], lyon.criteria["quality"]] == [D("0.5000")] * 2


def test_scorecard_api_and_page(history, client_a):
    response = client_a.get(
        f"/api/v1/suppliers/{history.nord.pk}/scorecard?date_from=2026-01-01&date_to=2026-02-28"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["measures"]["on_time_in_full"] == "0.3333"
    assert body["measures"]["price_variance"] == "0.0286"
    assert [m["month"] for m in body["trend"]] == ["2026-01-01", "2026-02-01"]
    assert body["trend"][1]["measures"]["quality_acceptance"] is None

    bad = client_a.get(
        f"/api/v1/suppliers/{history.nord.pk}/scorecard?date_from=2026-03-01&date_to=2026-02-28"
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_period"
    assert client_a.get("/api/v1/suppliers/999999/scorecard").status_code == 404

    page = client_a.get(
        f"/scm/suppliers/{history.nord.pk}/scorecard/?date_from=2026-01-01&date_to=2026-02-28"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "33.3 %" in html  # on time in full
    assert "88.0 %" in html  # quality acceptance
    assert "+2.9 %" in html  # price variance
    assert '<svg class="chart"' in html
    refused = client_a.get(
        f"/scm/suppliers/{history.nord.pk}/scorecard/?date_from=2026-03-01&date_to=2026-02-28"
    )
    assert "The period starts after it ends." in refused.content.decode()

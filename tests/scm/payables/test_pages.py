"""Payables pages through Django's test client: the menu, bill list (filters, sort, pages),
new bill from an order (pre-filled, errors by their fields or naming the line), the bill page
with its match table and actions, the payment form, credit notes, the due list, the
tolerances, returns to vendor; read-only roles, 404s and query-count guards on the lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from tests.conftest import make_member

from valuechain.scm.inventory import services as inventory
from valuechain.scm.payables import bills, payments, vendor_returns
from valuechain.scm.payables.models import ReturnToVendor, SupplierBill, SupplierPayment
from valuechain.scm.procurement import services as procurement

from .conftest import Buying, D


@pytest.fixture
def delivered(buying: Buying) -> Any:
    """PO-000001: 10 BOLT at 4.00 (8 accepted into stock, 2 rejected into quality) and
    20 NUT at 0.10 (all accepted); 30 days' terms."""
    order = buying.order(
        {
            "variant": buying.bolt,
            "quantity": 10,
            "unit_price": "4.00",
            "accepted": 8,
            "rejected": 2,
        },
        {"variant": buying.nut, "quantity": 20, "unit_price": "0.10", "accepted": 20},
    )
    inventory.receive(variant=buying.bolt, warehouse=buying.warehouse, quantity=D(8))
    inventory.receive(
        variant=buying.bolt,
        warehouse=buying.warehouse,
        quantity=D(2),
        location=inventory.location_of(buying.warehouse, "quality"),
    )
    return order


def text(response: Any) -> str:
    """The page's HTML."""
    return response.content.decode()


def field_error(response: Any, field: str, message: str) -> None:
    """The page is the form again (200), with ``message`` right under the field."""
    assert response.status_code == 200, response.status_code
    html = text(response)
    assert f'<p class="field-error" id="id_{field}_error">{escape(message)}</p>' in html, html


def form_error(response: Any, message: str) -> None:
    """The page is the form again, with ``message`` above the fields."""
    assert response.status_code == 200
    assert f"<p>{escape(message)}</p>" in text(response).split('<div class="form-errors"')[1]


def flash(response: Any) -> list[str]:
    """The messages shown on the page a redirect led to."""
    return [str(m) for m in response.context["messages"]]


def bill_of(buying: Buying, order: Any, *lines: tuple[Any, str, str], number: str = "NW-1"):
    """A draft bill of the order with (order line, quantity, unit price) lines."""
    return bills.create_bill(
        purchase_order_id=order.pk,
        supplier_invoice_number=number,
        bill_date=dt.date(2026, 3, 20),
        lines=[{"po_line_id": pl.pk, "quantity": q, "unit_price": p} for pl, q, p in lines],
    )


def test_menu_lists_the_payables_pages(client_a, delivered):
    html = text(client_a.get("/scm/bills/"))
    assert (
        '<li><a href="/scm/bills/" class="is-current" aria-current="page">Supplier bills</a>'
        in (html)
    )
    assert '<li><a href="/scm/bills/aging/">Payables due</a></li>' in html
    assert '<li><a href="/scm/vendor-returns/">Returns to vendor</a></li>' in html
    assert '<a href="/scm/payables/settings/">Tolerances</a>' in html


def test_bill_list_shows_filters_sorts_and_pages(client_a, buying, delivered):
    bolt, _nut = buying.lines(delivered)
    first = bills.post_bill(bill_of(buying, delivered, (bolt, "8", "4.00")).pk)
    lyon = procurement.create_supplier(code="LYON", name="Lyon", currency="EUR")
    for index in range(50):
        bills.create_bill(
            supplier_id=lyon.pk,
            supplier_invoice_number=f"L-{index:02d}",
            bill_date=dt.date(2026, 1, 1) + dt.timedelta(days=index),
            lines=[{"description": "Freight", "quantity": 1, "unit_price": str(index + 1)}],
        )

    page = client_a.get("/scm/bills/")
    assert page.status_code == 200
    html = text(page)
    # Newest first: NORD's bill of 2026-03-20, then LYON's of 2026-02-19 (L-49) and back.
    numbers = [b.number for b in page.context["page"].object_list]
    assert len(numbers) == 50
    assert numbers[:2] == ["BILL-000001", "BILL-000051"]
    assert (
        f'<tr><td><a href="/scm/bills/{first.pk}/">BILL-000001</a></td><td>NORD</td><td>NW-1</td>\n'
        "      <td>PO-000001</td><td>2026-03-20</td><td>2026-04-19</td>\n"
        '      <td class="num">32.00 EUR</td><td class="num">32.00</td>'
        '<td><span class="badge">posted</span></td></tr>'
    ) in html
    assert "<span>Page 1 of 2 · 51 in all</span>" in html
    assert '<a href="?page=2" rel="next">Next</a>' in html
    second = client_a.get("/scm/bills/?page=2")
    assert [b.supplier_invoice_number for b in second.context["page"].object_list] == ["L-00"]
    # Past the last page: the last page.
    assert client_a.get("/scm/bills/?page=9").context["page"].number == 2

    largest = client_a.get("/scm/bills/?sort=-total").context["page"].object_list
    assert [b.total for b in largest[:3]] == [D("50.00"), D("49.00"), D("48.00")]
    by_supplier = client_a.get("/scm/bills/?sort=supplier_code").context["page"].object_list
    assert by_supplier[0].supplier.code == "LYON"
    assert client_a.get("/scm/bills/?sort=number").context["page"][0].number == "BILL-000001"
    # An unknown sort falls back to newest first.
    assert client_a.get("/scm/bills/?sort=secret").context["sort"] == "-bill_date"

    def listed(query: str) -> list[str]:
        response = client_a.get(f"/scm/bills/?{query}")
        assert response.status_code == 200
        return [b.supplier_invoice_number for b in response.context["page"].object_list]

    assert listed(f"supplier={buying.supplier.pk}") == ["NW-1"]
    assert listed("state=posted") == ["NW-1"]
    assert listed("state=bogus&q=L-4") == [f"L-4{i}" for i in range(9, -1, -1)]
    assert listed("q=nw-") == ["NW-1"]
    assert listed("due_before=2026-02-01&sort=due_date") == ["L-00", "L-01"]
    assert listed("due_before=not-a-day&q=L-03") == ["L-03"]
    empty = client_a.get("/scm/bills/?q=nothing-like-this")
    assert '<td colspan="9" class="empty-note">No bills match.</td>' in text(empty)
    assert '<option value="posted" selected>posted</option>' in text(
        client_a.get("/scm/bills/?state=posted")
    )
    assert '<option value="to_approve">to approve</option>' in html


def test_list_pages_cost_the_same_queries_whatever_their_length(
    client_a, buying, delivered, django_assert_max_num_queries
):
    lyon = procurement.create_supplier(code="LYON", name="Lyon", currency="EUR")
    bolt, _ = buying.lines(delivered)

    def add_bills(count: int, start: int) -> None:
        for index in range(start, start + count):
            bill = bills.create_bill(
                supplier_id=lyon.pk if index % 2 else buying.supplier.pk,
                supplier_invoice_number=f"Q-{index}",
                bill_date=dt.date(2026, 3, 1),
                lines=[{"description": "Freight", "quantity": 1, "unit_price": "10"}],
            )
            bills.approve_bill(bills.post_bill(bill.pk).pk)

    def add_returns(count: int) -> None:
        for _ in range(count):
            vendor_returns.create_return(
                purchase_order_id=delivered.pk,
                reason="damaged",
                lines=[{"po_line_id": bolt.pk, "quantity": "1", "source": "stock"}],
            )

    def cost(url: str) -> int:
        with django_assert_max_num_queries(14) as captured:
            assert client_a.get(url).status_code == 200
        return len(captured.captured_queries)

    add_bills(2, 0)
    add_returns(2)
    few = [cost(url) for url in ("/scm/bills/", "/scm/bills/aging/", "/scm/vendor-returns/")]
    add_bills(20, 2)
    add_returns(20)
    many = [cost(url) for url in ("/scm/bills/", "/scm/bills/aging/", "/scm/vendor-returns/")]
    assert many == few


def test_new_bill_pick_order_and_pre_filled_form(client_a, buying, delivered):
    pick = client_a.get("/scm/bills/new/")
    assert pick.status_code == 200
    assert (
        '<tr><td>PO-000001</td><td>NORD</td><td>2026-03-02</td><td class="num">0.00 EUR</td>'
        "<td>received</td>\n"
        f'      <td><a class="btn btn-secondary" href="/scm/bills/new/?po={delivered.pk}">Bill</a>'
    ) in text(pick)
    bolt, nut = buying.lines(delivered)
    form = text(client_a.get(f"/scm/bills/new/?po={delivered.pk}"))
    assert "<h1>Bill of PO-000001 (NORD, EUR)</h1>" in form
    assert (
        f'<input type="text" inputmode="decimal" name="qty_{bolt.pk}" id="qty_{bolt.pk}" '
        'value="8" size="10">'
    ) in form
    assert f'name="price_{bolt.pk}" id="price_{bolt.pk}" value="4" size="12">' in form
    assert f'name="qty_{nut.pk}" id="qty_{nut.pk}" value="20" size="10">' in form
    assert f'name="price_{nut.pk}" id="price_{nut.pk}" value="0.1" size="12">' in form
    assert client_a.get("/scm/bills/new/?po=999999").status_code == 404
    draft = buying.order({"variant": buying.nut, "quantity": 1, "unit_price": 1}, state="draft")
    assert client_a.get(f"/scm/bills/new/?po={draft.pk}").status_code == 404
    # Not a number: the order list again.
    assert client_a.get("/scm/bills/new/?po=abc").templates[0].name == (
        "payables/bill_pick_order.html"
    )


def test_new_bill_errors_by_their_fields(client_a, buying, delivered):
    bolt, nut = buying.lines(delivered)
    url = f"/scm/bills/new/?po={delivered.pk}"
    valid = {
        "supplier_invoice_number": "NW-7",
        "bill_date": "2026-03-20",
        "tax_amount": "6.46",
        f"qty_{bolt.pk}": "8",
        f"price_{bolt.pk}": "4",
        f"qty_{nut.pk}": "",
        f"price_{nut.pk}": "0.1",
    }
    field_error(
        client_a.post(url, {**valid, "supplier_invoice_number": ""}),
        "supplier_invoice_number",
        "This field is required.",
    )
    field_error(
        client_a.post(url, {**valid, "bill_date": "20.03.2026"}), "bill_date", "Enter a valid date."
    )
    field_error(
        client_a.post(url, {**valid, "tax_amount": "0.001"}),
        "tax_amount",
        "The tax amount has more than 2 decimals.",
    )
    again = client_a.post(url, {**valid, f"qty_{bolt.pk}": "abc"})
    form_error(again, "Line 1: The quantity must be a number.")
    # What was typed stays in the table.
    assert f'name="qty_{bolt.pk}" id="qty_{bolt.pk}" value="abc" size="10">' in text(again)
    form_error(
        client_a.post(url, {**valid, f"price_{bolt.pk}": "4.0000001"}),
        "Line 1: The unit price has more than 6 decimals.",
    )
    form_error(
        client_a.post(url, {**valid, f"qty_{bolt.pk}": ""}), "A bill needs at least one line."
    )
    assert SupplierBill.objects.count() == 0

    created = client_a.post(url, valid)
    bill = SupplierBill.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/scm/bills/{bill.pk}/"
    # The empty NUT quantity left that line out.
    assert [(ln.quantity, ln.unit_price) for ln in bill.lines.all()] == [(D(8), D(4))]
    assert (bill.number, bill.total, bill.state) == ("BILL-000001", D("38.46"), "draft")
    assert flash(client_a.get(created["Location"])) == ["BILL-000001 recorded as a draft."]
    field_error(
        client_a.post(url, {**valid, "supplier_invoice_number": "nw-7"}),
        "supplier_invoice_number",
        "Invoice nw-7 of supplier NORD is already booked (bill BILL-000001); cancel that bill "
        "first if it was wrong.",
    )


def test_bill_page_match_table_and_actions(client_a, buying, delivered):
    bolt, nut = buying.lines(delivered)
    bill = bill_of(buying, delivered, (bolt, "9", "4.00"), (nut, "20", "0.11"))
    page = client_a.get(f"/scm/bills/{bill.pk}/")
    assert page.status_code == 200
    html = text(page)
    assert '<h1>BILL-000001 <span class="badge">draft</span></h1>' in html
    assert "<dt>Dates</dt><dd>billed 2026-03-20 · due 2026-04-19 (30 days)</dd>" in html
    assert "<dt>Total</dt><dd>38.20 + tax 0.00 = <strong>38.20 EUR</strong>" in html
    assert (
        "<tr><td>1. Item BOLT</td>\n"
        '        <td class="num">10</td><td class="num">4</td>\n'
        '        <td class="num">10</td><td class="num">8</td>\n'
        '        <td class="num">0</td><td class="num">9</td><td class="num">4</td>'
        '<td class="num">36.00</td>\n'
        '        <td><span class="badge badge-warning">qty over</span>\n'
        "          <br>1 over accepted (allowed 0)"
    ) in html
    assert (
        '<td class="num">0</td><td class="num">20</td><td class="num">0.11</td>'
        '<td class="num">2.20</td>\n'
        '        <td><span class="badge badge-warning">price over</span>\n'
        "          \n"
        "          <br>0.01 per unit over the PO (allowed 0.002)"
    ) in html
    assert f'action="/scm/bills/{bill.pk}/post/"' in html
    assert "Register a payment" not in html  # a draft is not owed yet

    posted = client_a.post(f"/scm/bills/{bill.pk}/post/")
    assert (posted.status_code, posted["Location"]) == (302, f"/scm/bills/{bill.pk}/")
    after = client_a.get(posted["Location"])
    assert flash(after) == ["BILL-000001 does not match: it waits for approval."]
    html = text(after)
    assert '<h1>BILL-000001 <span class="badge">to approve</span></h1>' in html
    assert "Approve mismatch</button>" in html
    # Posting twice: the service's refusal as a message.
    again = client_a.post(f"/scm/bills/{bill.pk}/post/", follow=True)
    assert flash(again) == ["BILL-000001 is to approve: it cannot be posted."]

    field_error(
        client_a.post(f"/scm/bills/{bill.pk}/refuse/", {"reason": ""}),
        "reason",
        "This field is required.",
    )
    refused = client_a.post(f"/scm/bills/{bill.pk}/refuse/", {"reason": "price not agreed"})
    assert refused.status_code == 302
    html = text(client_a.get(refused["Location"]))
    assert '<h1>BILL-000001 <span class="badge">cancelled</span></h1>' in html
    assert "<dt>Refused</dt><dd>price not agreed (" in html
    # A stale page refusing again is told why, by the form.
    stale = client_a.post(f"/scm/bills/{bill.pk}/refuse/", {"reason": "again"})
    form_error(stale, "BILL-000001 is cancelled: it cannot be refused.")

    other = bill_of(buying, delivered, (bolt, "9", "4.00"), number="NW-2")
    client_a.post(f"/scm/bills/{other.pk}/post/", follow=True)
    approved = client_a.post(f"/scm/bills/{other.pk}/approve/", follow=True)
    assert flash(approved) == ["BILL-000002 approved."]
    cancelled = client_a.post(f"/scm/bills/{other.pk}/cancel/", follow=True)
    assert flash(cancelled) == ["BILL-000002 cancelled."]
    assert SupplierBill.objects.get(pk=other.pk).state == "cancelled"

    assert client_a.post(f"/scm/bills/{bill.pk}/delete/").status_code == 404
    assert client_a.get(f"/scm/bills/{bill.pk}/post/").status_code == 405
    assert client_a.get("/scm/bills/999999/").status_code == 404
    assert client_a.post("/scm/bills/999999/post/").status_code == 404


def test_payment_form(client_a, buying, delivered):
    bill = bills.post_bill(
        bills.create_bill_from_order(
            purchase_order_id=delivered.pk,
            supplier_invoice_number="NW-1",
            bill_date=dt.date(2026, 3, 20),
        ).pk
    )
    url = f"/scm/bills/{bill.pk}/payments/"
    page = text(client_a.get(f"/scm/bills/{bill.pk}/"))
    assert (
        '<input type="text" name="amount" value="34.00" maxlength="30" required id="id_amount">'
        in page
    )
    valid = {"amount": "30", "paid_on": "2026-03-25", "method": "transfer", "reference": "TR-9"}
    field_error(
        client_a.post(url, {**valid, "amount": "40"}),
        "amount",
        "40.00 EUR is more than the 34.00 EUR BILL-000001 still owes.",
    )
    field_error(
        client_a.post(url, {**valid, "amount": "abc"}), "amount", "The amount must be a number."
    )
    field_error(
        client_a.post(url, {**valid, "amount": "0"}),
        "amount",
        "The amount must be above 0 and at most 9999999999999999.",
    )
    field_error(client_a.post(url, {**valid, "paid_on": ""}), "paid_on", "This field is required.")
    field_error(
        client_a.post(url, {**valid, "method": "barter"}),
        "method",
        "Select a valid choice. barter is not one of the available choices.",
    )
    assert SupplierPayment.objects.count() == 0

    paid = client_a.post(url, valid)
    assert (paid.status_code, paid["Location"]) == (302, f"/scm/bills/{bill.pk}/")
    after = client_a.get(paid["Location"])
    assert flash(after) == ["PAY-000001: 30.00 EUR paid."]
    html = text(after)
    assert '<h1>BILL-000001 <span class="badge">partially paid</span></h1>' in html
    assert (
        "<dt>Settled</dt><dd>paid 30.00 · credited 0.00 · <strong>open 4.00 EUR</strong></dd>"
    ) in html
    assert (
        "<tr><td>PAY-000001</td><td>2026-03-25</td><td>transfer</td><td>TR-9</td>"
        '<td class="num">30.00 EUR</td></tr>'
    ) in html
    assert 'name="amount" value="4.00"' in html
    client_a.post(url, {**valid, "amount": "4.00"})
    html = text(client_a.get(f"/scm/bills/{bill.pk}/"))
    assert '<span class="badge">paid</span></h1>' in html
    assert "Register a payment" not in html
    # A stale page paying a paid bill sees why next to the amount.
    field_error(
        client_a.post(url, valid),
        "amount",
        "BILL-000001 is paid: only posted or approved bills with something left to pay can be "
        "paid.",
    )


def test_vendor_return_pages_and_the_credit_note(client_a, buying, delivered):
    bolt, _nut = buying.lines(delivered)
    pick = text(client_a.get("/scm/vendor-returns/new/"))
    assert (
        f'<a class="btn btn-secondary" href="/scm/vendor-returns/new/?po={delivered.pk}">Return</a>'
        in pick
    )
    url = f"/scm/vendor-returns/new/?po={delivered.pk}"
    form = text(client_a.get(url))
    assert "<h1>Return goods of PO-000001 to NORD</h1>" in form
    assert ('<tr><td>1</td><td>BOLT</td>\n        <td class="num">2</td>') in form
    valid = {"reason": "failed inspection", f"quality_{bolt.pk}": "2", f"reason_{bolt.pk}": "rust"}
    field_error(client_a.post(url, {**valid, "reason": ""}), "reason", "This field is required.")
    form_error(
        client_a.post(url, {**valid, f"quality_{bolt.pk}": "x"}),
        "Line 1: The quantity must be a number.",
    )
    form_error(
        client_a.post(url, {"reason": "nothing chosen"}), "A return needs at least one line."
    )
    assert ReturnToVendor.objects.count() == 0
    assert client_a.get("/scm/vendor-returns/new/?po=999999").status_code == 404

    created = client_a.post(url, valid)
    rtv = ReturnToVendor.objects.get()
    assert (created.status_code, created["Location"]) == (302, f"/scm/vendor-returns/{rtv.pk}/")
    detail = client_a.get(created["Location"])
    assert flash(detail) == ["RTV-000001 prepared."]
    html = text(detail)
    assert '<h1>RTV-000001 <span class="badge">draft</span></h1>' in html
    assert (
        '<tr><td>1</td><td>BOLT</td><td>—</td><td>quality</td><td class="num">2</td>'
        '<td class="num">4</td><td>rust</td></tr>'
    ) in html
    shipped = client_a.post(f"/scm/vendor-returns/{rtv.pk}/ship/", follow=True)
    assert flash(shipped) == ["RTV-000001 shipped: a credit note is expected."]
    html = text(shipped)
    assert (
        '<h2 id="credit-title">Credit note SCN-000001 <span class="badge">expected</span></h2>'
        in html
    )
    assert "<dt>Expected</dt><dd>8.00 EUR</dd>" in html
    again = client_a.post(f"/scm/vendor-returns/{rtv.pk}/ship/", follow=True)
    assert flash(again) == ["RTV-000001 is shipped: it cannot be shipped."]

    receive = f"/scm/vendor-returns/{rtv.pk}/credit-note/"
    note = {"supplier_credit_number": "CN-77", "amount": "7.50", "received_on": "2026-03-28"}
    field_error(
        client_a.post(receive, {**note, "amount": "abc"}), "amount", "The amount must be a number."
    )
    field_error(
        client_a.post(receive, {**note, "supplier_credit_number": ""}),
        "supplier_credit_number",
        "This field is required.",
    )
    received = client_a.post(receive, note, follow=True)
    assert flash(received) == ["SCN-000001 received."]
    html = text(received)
    assert "<dt>Received</dt><dd>7.50 EUR (supplier's CN-77, 2026-03-28)</dd>" in html
    assert "<dt>Difference</dt><dd>-0.50 EUR</dd>" in html
    assert '<h1>RTV-000001 <span class="badge">credited</span></h1>' in html
    form_error(client_a.post(receive, note), "SCN-000001 is received: it was received already.")

    listed = text(client_a.get("/scm/vendor-returns/?state=credited"))
    assert (
        f'<tr><td><a href="/scm/vendor-returns/{rtv.pk}/">RTV-000001</a></td><td>NORD</td>'
        "<td>PO-000001</td><td>failed inspection</td>\n"
        '      <td><span class="badge">credited</span></td><td class="num">8.00 EUR</td></tr>'
    ) in listed
    assert "No returns match." in text(client_a.get("/scm/vendor-returns/?state=draft"))
    assert "RTV-000001" in text(client_a.get("/scm/vendor-returns/?q=inspection"))
    assert "RTV-000001" not in text(client_a.get("/scm/vendor-returns/?q=zzz"))

    # The credit is set off against an open bill of NORD from that bill's page.
    bill = bills.post_bill(bill_of(buying, delivered, (bolt, "8", "4.00")).pk)
    page = text(client_a.get(f"/scm/bills/{bill.pk}/"))
    credit = rtv.credit_note
    assert f'<option value="{credit.pk}">SCN-000001 · 7.50 EUR</option>' in page
    applied = client_a.post(
        f"/scm/bills/{bill.pk}/credit/", {"credit_note_id": credit.pk}, follow=True
    )
    assert flash(applied) == ["SCN-000001 applied: 7.50 EUR less."]
    assert (
        "<dt>Settled</dt><dd>paid 0.00 · credited 7.50 · <strong>open 24.50 EUR</strong></dd>"
    ) in text(applied)
    twice = client_a.post(
        f"/scm/bills/{bill.pk}/credit/", {"credit_note_id": credit.pk}, follow=True
    )
    assert flash(twice) == [
        "SCN-000001 is received and applied already: only a received credit note not yet "
        "applied can be set off against a bill."
    ]

    # A second return: nothing rejected is left on hold, so shipping it is refused.
    second = vendor_returns.create_return(
        purchase_order_id=delivered.pk,
        reason="more rust",
        lines=[{"po_line_id": bolt.pk, "quantity": "1"}],
    )
    refused = client_a.post(f"/scm/vendor-returns/{second.pk}/ship/", follow=True)
    assert flash(refused) == [
        "Only 0 of BOLT are rejected and on hold on this order line; 1 would go back."
    ]
    cancelled = client_a.post(f"/scm/vendor-returns/{second.pk}/cancel/", follow=True)
    assert flash(cancelled) == ["RTV-000002 cancelled."]
    assert client_a.post(f"/scm/vendor-returns/{second.pk}/credit-note/", note).status_code == 404
    assert client_a.post(f"/scm/vendor-returns/{second.pk}/burn/").status_code == 404
    assert client_a.get("/scm/vendor-returns/999999/").status_code == 404


def test_due_list(client_a, buying, delivered):
    today = timezone.localdate()
    order = buying.order(
        {"variant": buying.nut, "quantity": 10, "unit_price": "2.50", "accepted": 10}, terms=30
    )
    bill = bills.post_bill(
        bills.create_bill_from_order(
            purchase_order_id=order.pk,
            supplier_invoice_number="OLD-1",
            bill_date=today - dt.timedelta(days=40),
        ).pk
    )
    payments.register_payment(bill_id=bill.pk, amount="5", paid_on=today)
    fresh = bills.create_bill_from_order(
        purchase_order_id=delivered.pk, supplier_invoice_number="NEW-1", bill_date=today
    )
    bills.post_bill(fresh.pk)  # due in 30 days
    overdue = client_a.get("/scm/bills/?overdue=1").context["page"].object_list
    assert [b.supplier_invoice_number for b in overdue] == ["OLD-1"]
    html = text(client_a.get("/scm/bills/aging/"))
    assert (
        f'<tr><td><a href="/scm/bills/{bill.pk}/">BILL-000001</a></td><td>NORD</td>'
        f"<td>{(today - dt.timedelta(days=10)).isoformat()}</td>\n"
        '      <td class="num">10</td><td>1-30</td><td class="num">20.00 EUR</td>'
        '<td class="num">20.00</td></tr>'
    ) in html
    assert (
        "<dt>not due</dt><dd>34.00 EUR</dd><dt>1-30</dt><dd>20.00 EUR</dd>"
        "<dt>31-60</dt><dd>0.00 EUR</dd>"
    ) in html
    assert "<dt>Total open</dt><dd><strong>54.00 EUR</strong></dd>" in html
    lyon = procurement.create_supplier(code="LYON", name="Lyon", currency="EUR")
    none = text(client_a.get(f"/scm/bills/aging/?supplier={lyon.pk}"))
    assert '<td colspan="7" class="empty-note">Nothing owed.</td>' in none
    assert f'<option value="{lyon.pk}" selected>LYON</option>' in none


def test_tolerance_settings_page(client_a, buying):
    page = text(client_a.get("/scm/payables/settings/"))
    assert 'name="price_tolerance_percent" value="2.00"' in page
    assert '<option value="admin" selected>Administrator</option>' in page
    valid = {
        "price_tolerance_percent": "1.5",
        "price_tolerance_amount": "0.05",
        "quantity_tolerance_percent": "5",
        "approver_role": "buyer",
    }
    field_error(
        client_a.post("/scm/payables/settings/save/", {**valid, "price_tolerance_percent": "-1"}),
        "price_tolerance_percent",
        "The price tolerance percent must be 0 or more and at most 1000.",
    )
    field_error(
        client_a.post(
            "/scm/payables/settings/save/", {**valid, "quantity_tolerance_percent": "0.001"}
        ),
        "quantity_tolerance_percent",
        "The quantity tolerance percent has more than 2 decimals.",
    )
    field_error(
        client_a.post("/scm/payables/settings/save/", {**valid, "approver_role": "boss"}),
        "approver_role",
        "Select a valid choice. boss is not one of the available choices.",
    )
    saved = client_a.post("/scm/payables/settings/save/", valid, follow=True)
    assert flash(saved) == ["Tolerances saved."]
    html = text(saved)
    assert 'name="price_tolerance_percent" value="1.50"' in html
    assert 'name="price_tolerance_amount" value="0.050000"' in html
    assert 'name="quantity_tolerance_percent" value="5.00"' in html
    assert '<option value="buyer" selected>Buyer</option>' in html
    assert client_a.get("/scm/payables/settings/save/").status_code == 405


def test_read_only_roles_see_but_do_not_change(tenant_a, buying, delivered):
    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    bolt, _ = buying.lines(delivered)
    bill = bill_of(buying, delivered, (bolt, "8", "4.00"))
    for url in (
        "/scm/bills/",
        f"/scm/bills/{bill.pk}/",
        "/scm/bills/aging/",
        "/scm/vendor-returns/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/scm/bills/new/?po={delivered.pk}").status_code == 403
    assert client.post(f"/scm/bills/{bill.pk}/post/").status_code == 403
    assert client.post(f"/scm/bills/{bill.pk}/payments/", {"amount": "1"}).status_code == 403
    assert client.get("/scm/vendor-returns/new/").status_code == 403
    assert SupplierBill.objects.get(pk=bill.pk).state == "draft"

"""Purchase orders: prices from breaks, FX fixed at the order date, approval at the edge,
role checks, illegal transitions, cancelling, closing, sending the PDF by e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from tests.conftest import make_member
from tests.scm.purchasing.conftest import D

from valuechain.platform import fx
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.purchasing import approval, queries, receipts, sending, services


def order_of(buying, *lines, **values):
    return services.create_order(
        supplier_id=buying.nord.pk, warehouse_id=buying.warehouse.pk, lines=list(lines), **values
    )


def test_create_prices_from_breaks_and_snapshots(buying):
    order = order_of(
        buying,
        {"variant_id": buying.bolt.pk, "quantity": "100"},
        {"variant_id": buying.nut.pk, "quantity": "50", "requested_on": dt.date(2026, 5, 1)},
        order_date=dt.date(2026, 4, 1),
        requested_on=dt.date(2026, 4, 20),
    )
    assert order.number == "PO-000001"
    assert (order.state, order.currency, order.incoterm, order.payment_terms_days) == (
        "draft",
        "EUR",
        "DAP",
        30,
    )
    lines = list(order.lines.order_by("position"))
    assert [
        (
            line.position,
            line.sku,
            line.supplier_sku,
            line.gtin,
            line.quantity,
            line.unit_price,
            line.net_amount,
        )
        for line in lines
    ] == [
        (1, "BOLT", "NW-B", "4006381333931", D("100"), D("0.90"), D("90.00")),
        (2, "NUT", "NW-N", "", D("50"), D("0.20"), D("10.00")),
    ]
    assert [line.requested_on for line in lines] == [dt.date(2026, 4, 20), dt.date(2026, 5, 1)]
    assert lines[0].supplier_product_id == buying.nord_bolt.pk
    assert (order.net_total, order.fx_rate, order.base_net_total) == (D("100.00"), 1, D("100.00"))
    assert OutboxEvent.objects.filter(type="PurchaseOrderCreated").count() == 1


def test_foreign_currency_totals_at_the_order_date_rate(buying):
    Tenant.objects.filter(pk=buying.tenant.pk).update(base_currency="USD")
    fx.record_rate("EUR", "USD", D("1.08"), dt.date(2026, 1, 1))
    fx.record_rate("EUR", "USD", D("1.20"), dt.date(2026, 6, 1))  # later: must not apply
    order = order_of(
        buying,
        {"variant_id": buying.bolt.pk, "quantity": "100"},
        {"variant_id": buying.nut.pk, "quantity": "50"},
        order_date=dt.date(2026, 3, 1),
    )
    assert (order.currency, order.fx_rate, order.net_total, order.base_net_total) == (
        "EUR",
        D("1.08"),
        D("100.00"),
        D("108.00"),
    )
    # A line change keeps the fixed rate; a new order date fixes the rate again.
    services.update_line(order.lines.get(position=2).pk, quantity="55")
    order.refresh_from_db()
    assert (order.net_total, order.base_net_total) == (D("101.00"), D("109.08"))
    services.update_order(order.pk, order_date=dt.date(2026, 6, 2))
    order.refresh_from_db()
    assert (order.fx_rate, order.base_net_total) == (D("1.20"), D("121.20"))


def test_missing_rate_is_refused(buying):
    with pytest.raises(DomainError) as caught:
        order_of(buying, currency="JPY")
    assert caught.value.code == "fx_rate_missing"


def test_line_errors(buying):
    order = order_of(buying)
    with pytest.raises(DomainError) as caught:
        services.add_line(order.pk, variant_id=buying.bolt.pk, quantity="0")
    assert (caught.value.code, caught.value.field) == ("invalid_quantity", "quantity")
    lyon_order = services.create_order(supplier_id=buying.lyon.pk, warehouse_id=buying.warehouse.pk)
    with pytest.raises(DomainError) as caught:
        services.add_line(lyon_order.pk, variant_id=buying.nut.pk, quantity="1")
    assert (caught.value.code, caught.value.field) == ("unit_price_required", "unit_price")
    line = services.add_line(
        lyon_order.pk, variant_id=buying.nut.pk, quantity="3", unit_price="0.5"
    )
    assert line.net_amount == D("1.50")
    with pytest.raises(DomainError) as caught:
        services.add_line(
            order.pk,
            variant_id=buying.bolt.pk,
            quantity="1",
            supplier_product_id=buying.lyon_bolt.pk,
        )
    assert caught.value.code == "wrong_supplier"


def test_new_quantity_reaches_another_price_break(buying):
    order = order_of(buying, {"variant_id": buying.bolt.pk, "quantity": "50"})
    line = order.lines.get()
    assert line.unit_price == D("1.00")
    services.update_line(line.pk, quantity="120")
    line.refresh_from_db()
    assert (line.unit_price, line.net_amount) == (D("0.90"), D("108.00"))
    services.remove_line(line.pk)
    order.refresh_from_db()
    assert (order.net_total, order.lines.count()) == (D("0.00"), 0)


def test_submit_without_rule_puts_the_order_in_force(buying):
    order = order_of(buying, {"variant_id": buying.bolt.pk, "quantity": "10"})
    services.submit_order(order.pk)
    order.refresh_from_db()
    assert (order.state, order.approval_role) == ("sent", "")
    with pytest.raises(DomainError) as caught:
        services.update_order(order.pk, note="late change")
    assert (caught.value.code, caught.value.status) == ("not_editable", 409)
    with pytest.raises(DomainError) as caught:
        services.submit_order(order.pk)
    assert caught.value.code == "invalid_transition"


def test_submit_refuses_an_empty_order(buying):
    order = order_of(buying)
    with pytest.raises(DomainError) as caught:
        services.submit_order(order.pk)
    assert caught.value.code == "no_lines"


def test_approval_threshold_edge(buying):
    approval.create_rule(min_amount="100.00", role="planner")
    at = order_of(buying, {"variant_id": buying.bolt.pk, "quantity": "1", "unit_price": "100"})
    below = order_of(buying, {"variant_id": buying.bolt.pk, "quantity": "1", "unit_price": "99.99"})
    assert services.submit_order(at.pk).state == "to_approve"
    assert services.submit_order(below.pk).state == "sent"
    at.refresh_from_db()
    assert at.approval_role == "planner"


def test_approval_roles(buying, tenant_a, admin_a):
    approval.create_rule(min_amount="50", role="planner")
    order = order_of(buying, {"variant_id": buying.bolt.pk, "quantity": "100"})
    services.submit_order(order.pk)
    buyer = make_member(tenant_a, "buyer@alpha.test", "buyer")
    planner = make_member(tenant_a, "planner@alpha.test", "planner")
    with tenant_context(tenant_a, actor=buyer.user), pytest.raises(DomainError) as caught:
        approval.approve_order(order.pk)
    assert (caught.value.code, caught.value.status) == ("approver_role_required", 403)
    # The administrator placed this order: nobody approves their own purchase.
    with pytest.raises(DomainError) as caught:
        approval.approve_order(order.pk)
    assert caught.value.code == "own_order"
    with pytest.raises(DomainError) as caught:
        sending.send_order(order.pk)
    assert caught.value.code == "invalid_transition"
    with tenant_context(tenant_a, actor=planner.user):
        approved = approval.approve_order(order.pk)
    assert (approved.state, approved.approved_by_id) == ("sent", planner.user.pk)
    assert approved.approved_at is not None
    with tenant_context(tenant_a, actor=planner.user), pytest.raises(DomainError) as caught:
        approval.approve_order(order.pk)
    assert caught.value.code == "invalid_transition"


def test_refuse_goes_back_to_draft_with_the_reason(buying, tenant_a):
    approval.create_rule(min_amount="0", role="planner")
    order = order_of(buying, {"variant_id": buying.bolt.pk, "quantity": "10"})
    services.submit_order(order.pk)
    planner = make_member(tenant_a, "planner@alpha.test", "planner")
    with tenant_context(tenant_a, actor=planner.user):
        refused = approval.refuse_order(order.pk, "Too expensive")
    assert (refused.state, refused.refusal_reason) == ("draft", "Too expensive")
    services.update_line(order.lines.get().pk, quantity="20")  # editable again


def test_rules_are_the_administrators(buying, tenant_a):
    buyer = make_member(tenant_a, "buyer@alpha.test", "buyer")
    with tenant_context(tenant_a, actor=buyer.user), pytest.raises(DomainError) as caught:
        approval.create_rule(min_amount="1", role="buyer")
    assert caught.value.code == "admin_required"
    with pytest.raises(DomainError) as caught:
        approval.create_rule(min_amount="1", role="boss")
    assert caught.value.code == "invalid_role"
    rule = approval.create_rule(min_amount="1", role="admin")
    with pytest.raises(DomainError) as caught:
        approval.create_rule(min_amount="1.00", role="planner")
    assert caught.value.code == "duplicate_rule"
    approval.delete_rule(rule.pk)
    assert approval.rules() == []


def test_cancel_and_close(buying):
    order = order_of(buying, {"variant_id": buying.bolt.pk, "quantity": "10"})
    with pytest.raises(DomainError) as caught:
        services.close_order(order.pk)
    assert caught.value.code == "invalid_transition"
    assert services.cancel_order(order.pk, "no longer needed").state == "cancelled"
    with pytest.raises(DomainError) as caught:
        services.cancel_order(order.pk)
    assert caught.value.code == "invalid_transition"
    other = order_of(buying, {"variant_id": buying.bolt.pk, "quantity": "10"})
    services.submit_order(other.pk)
    line = other.lines.get()
    line.received_quantity = D("4")
    line.save()
    with pytest.raises(DomainError) as caught:
        services.cancel_order(other.pk)
    assert caught.value.code == "already_received"
    other.refresh_from_db()
    receipts.refresh_receipt_state(other, [line])
    other.refresh_from_db()
    assert other.state == "partially_received"
    assert services.close_order(other.pk).state == "closed"


def test_send_emails_the_pdf_and_moves_to_sent(buying, django_capture_on_commit_callbacks):
    order = order_of(buying, {"variant_id": buying.bolt.pk, "quantity": "10"})
    with django_capture_on_commit_callbacks(execute=True):
        sent = sending.send_order(order.pk)
    assert (sent.state, sent.sent_to) == ("sent", "orders@nordwerk.example")
    assert sent.sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["orders@nordwerk.example"]
    assert message.subject == "Purchase order PO-000001"
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("PO-000001.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    # Sent again to another address: recorded, still sent.
    with django_capture_on_commit_callbacks(execute=True):
        again = sending.send_order(order.pk, email="sales@nordwerk.example")
    assert (again.state, again.sent_to, len(mail.outbox)) == ("sent", "sales@nordwerk.example", 2)


def test_send_refusals(buying, django_capture_on_commit_callbacks):
    order = services.create_order(
        supplier_id=buying.lyon.pk,
        warehouse_id=buying.warehouse.pk,
        lines=[{"variant_id": buying.bolt.pk, "quantity": "1"}],
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as caught:
        sending.send_order(order.pk)
    assert (caught.value.code, caught.value.field) == ("email_required", "email")
    with pytest.raises(DomainError) as caught:
        sending.send_order(order.pk, email="not-an-address")
    assert caught.value.code == "invalid_email"
    approval.create_rule(min_amount="0", role="admin")
    with pytest.raises(DomainError) as caught:
        sending.send_order(order.pk, email="a@b.example")
    assert caught.value.code == "approval_required"
    assert len(mail.outbox) == 0
    order.refresh_from_db()
    assert order.state == "draft"


def test_pdf_shows_the_order(buying):
    order = order_of(buying, {"variant_id": buying.bolt.pk, "quantity": "10"})
    pdf = sending.render_pdf(queries.order(order.pk), compress=False)
    assert b"PURCHASE ORDER PO-000001" in pdf
    assert b"NW-B" in pdf and b"Total net 10.00 EUR" in pdf

"""The returns pages: request from an order, the detail's actions through the path,
refusals shown on the page, the list's filters, and the buttons each role sees."""

from __future__ import annotations

from decimal import Decimal

from tests.scm.fulfillment.conftest import member, signed_in

from valuechain.scm.returns.models import ReturnAuthorization

from .conftest import on_hand

D = Decimal


def test_request_and_work_a_return_in_the_browser(world, order, client_a):
    (line,) = order.lines.all()
    order_page = client_a.get(f"/scm/orders/{order.pk}/").content.decode()
    assert f"/scm/returns/new/?order={order.pk}" in order_page
    form = client_a.get(f"/scm/returns/new/?order={order.pk}")
    assert form.status_code == 200
    assert f'name="quantity_{line.pk}"' in form.content.decode()
    too_many = client_a.post(
        "/scm/returns/new/",
        {"order": order.pk, f"quantity_{line.pk}": "5", f"reason_{line.pk}": "damaged"},
    )
    assert too_many.status_code == 200
    assert (
        "Only 4 of MUG-1 can be returned (shipped 4); 5 is too many." in too_many.content.decode()
    )
    assert ReturnAuthorization.objects.count() == 0
    done = client_a.post(
        "/scm/returns/new/",
        {
            "order": order.pk,
            f"quantity_{line.pk}": "1",
            f"reason_{line.pk}": "wrong_item",
            "reason": "Blue, not red",
        },
    )
    rma = ReturnAuthorization.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/scm/returns/{rma.pk}/"
    detail = client_a.get(f"/scm/returns/{rma.pk}/").content.decode()
    assert "RMA-000001" in detail and "Blue, not red" in detail and "Authorise" in detail
    client_a.post(f"/scm/returns/{rma.pk}/authorise/")
    rma_line = rma.lines.get()
    client_a.post(f"/scm/returns/{rma.pk}/receive/", {f"received_{rma_line.pk}": "1"})
    assert on_hand(world, "quality") == D("1")
    client_a.post(
        f"/scm/returns/{rma.pk}/inspect/",
        {f"condition_{rma_line.pk}": "as_new", f"disposition_{rma_line.pk}": "restock"},
    )
    assert (on_hand(world, "quality"), on_hand(world, "stock")) == (D("0"), D("17"))
    closed = client_a.post(f"/scm/returns/{rma.pk}/close/", {"method": "refund"}, follow=True)
    page = closed.content.decode()
    # 1 x 9.99 less 15 % = 8.4915 -> 8.49 net, 1.61 tax, 10.10 gross.
    assert "RF-000001" in page and "EUR 10.10" in page and "Mark paid" in page
    again = client_a.post(f"/scm/returns/{rma.pk}/receive/", {}, follow=True)
    assert "A return that is closed cannot be received." in again.content.decode()
    client_a.post(f"/scm/returns/{rma.pk}/paid/", {"reference": "card"})
    assert rma.refund.__class__.objects.get().state == "paid"
    listed = client_a.get("/scm/returns/?state=closed&q=RMA-0000").content.decode()
    assert "RMA-000001" in listed
    assert "RMA-000001" not in client_a.get("/scm/returns/?state=requested").content.decode()
    assert client_a.get("/scm/returns/999999/").status_code == 404
    assert client_a.post(f"/scm/returns/{rma.pk}/explode/").status_code == 404


def test_roles_see_their_buttons(world, order, tenant_a):
    (line,) = order.lines.all()
    agent = signed_in(member(tenant_a, "agent@alpha.test", "service_agent"))
    keeper = signed_in(member(tenant_a, "keeper@alpha.test", "warehouse"))
    assert keeper.get(f"/scm/returns/new/?order={order.pk}").status_code == 403
    agent.post("/scm/returns/new/", {"order": order.pk, f"quantity_{line.pk}": "1"})
    rma = ReturnAuthorization.objects.get()
    assert "Authorise</button>" not in keeper.get(f"/scm/returns/{rma.pk}/").content.decode()
    assert "Authorise</button>" in agent.get(f"/scm/returns/{rma.pk}/").content.decode()
    refused = keeper.post(f"/scm/returns/{rma.pk}/authorise/", follow=True)
    assert "This needs the crm:write permission" in refused.content.decode()
    agent.post(f"/scm/returns/{rma.pk}/authorise/")
    assert "Receive into quality" not in agent.get(f"/scm/returns/{rma.pk}/").content.decode()
    assert "Receive into quality" in keeper.get(f"/scm/returns/{rma.pk}/").content.decode()
    rma.refresh_from_db()
    assert rma.state == "authorised"

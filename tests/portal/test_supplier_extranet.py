"""Supplier extranet: a login linked to a supplier lists and quotes only the RFQs sent to
it; its quote shows in the staff comparison; staff pages stay closed to it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.conftest import PASSWORD
from tests.scm.purchasing.conftest import Buying, D, error, post

from valuechain.platform.errors import DomainError
from valuechain.portal.suppliers import services
from valuechain.portal.suppliers.models import SupplierPortalUser
from valuechain.scm.purchasing import rfq
from valuechain.scm.purchasing.models import Quote


@pytest.fixture
def sent(buying: Buying) -> tuple[Any, Any]:
    """RFQ-1 sent to NORD only; RFQ-2 sent to LYON only."""
    to_nord = rfq.create_rfq(
        warehouse_id=buying.warehouse.pk,
        lines=[
            {"variant_id": buying.bolt.pk, "quantity": "100"},
            {"variant_id": buying.nut.pk, "quantity": "50"},
        ],
        supplier_ids=[buying.nord.pk],
    )
    rfq.send_rfq(to_nord.pk, email=False)
    to_lyon = rfq.create_rfq(
        warehouse_id=buying.warehouse.pk,
        lines=[{"variant_id": buying.bolt.pk, "quantity": "10"}],
        supplier_ids=[buying.lyon.pk],
    )
    rfq.send_rfq(to_lyon.pk, email=False)
    return to_nord, to_lyon


@pytest.fixture
def nord_client(buying: Buying) -> Client:
    services.grant_access(buying.nord.pk, "sales@nordwerk.example", password=PASSWORD)
    client = Client()
    client.force_login(SupplierPortalUser.objects.get(supplier=buying.nord).membership.user)
    return client


def test_grant_access_api(buying: Buying, client_a: Client) -> None:
    response = post(
        client_a,
        f"/suppliers/{buying.nord.pk}/portal-users",
        {"email": "Quotes@Nordwerk.example", "password": PASSWORD},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    link = SupplierPortalUser.objects.get()
    assert body == {
        "id": link.pk,
        "supplier_id": buying.nord.pk,
        "membership_id": link.membership_id,
        "email": "quotes@nordwerk.example",
        "role": "supplier",
        "is_active": True,
    }
    again = post(
        client_a,
        f"/suppliers/{buying.nord.pk}/portal-users",
        {"email": "quotes@nordwerk.example"},
    )
    error(again, 409, "already_member", "email")
    error(
        post(client_a, "/suppliers/999999/portal-users", {"email": "x@y.example"}), 404, "not_found"
    )
    assert SupplierPortalUser.objects.count() == 1


def test_grant_needs_password_for_new_account(buying: Buying) -> None:
    with pytest.raises(DomainError) as caught:
        services.grant_access(buying.nord.pk, "new@nordwerk.example")
    assert (caught.value.code, caught.value.field) == ("password_required", "password")
    assert SupplierPortalUser.objects.count() == 0


def test_lists_only_own_rfqs(sent: tuple[Any, Any], nord_client: Client) -> None:
    to_nord, to_lyon = sent
    page = nord_client.get("/portal/supplier/rfqs/")
    assert page.status_code == 200
    text = page.content.decode()
    assert to_nord.number in text
    assert to_lyon.number not in text
    assert nord_client.get(f"/portal/supplier/rfqs/{to_lyon.pk}/").status_code == 404
    assert nord_client.get(f"/portal/supplier/rfqs/{to_nord.pk}/").status_code == 200


def test_draft_rfq_is_not_shown(buying: Buying, nord_client: Client) -> None:
    draft = rfq.create_rfq(
        warehouse_id=buying.warehouse.pk,
        lines=[{"variant_id": buying.bolt.pk, "quantity": "1"}],
        supplier_ids=[buying.nord.pk],
    )
    assert draft.number not in nord_client.get("/portal/supplier/rfqs/").content.decode()
    assert nord_client.get(f"/portal/supplier/rfqs/{draft.pk}/").status_code == 404


def test_quote_reaches_staff_comparison(
    buying: Buying, sent: tuple[Any, Any], nord_client: Client, client_a: Client
) -> None:
    to_nord, _ = sent
    bolt, nut = to_nord.lines.order_by("position")
    valid = timezone.localdate() + dt.timedelta(days=20)
    response = nord_client.post(
        f"/portal/supplier/rfqs/{to_nord.pk}/",
        {
            "currency": "EUR",
            "valid_until": valid.isoformat(),
            f"price_{bolt.pk}": "0.85",
            f"lead_{bolt.pk}": "7",
            f"moq_{bolt.pk}": "20",
            f"price_{nut.pk}": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    quote = Quote.objects.get(rfq=to_nord)
    assert (quote.supplier_id, quote.channel, quote.currency, quote.valid_until) == (
        buying.nord.pk,
        "portal",
        "EUR",
        valid,
    )
    comparison = client_a.get(f"/api/v1/rfqs/{to_nord.pk}/comparison")
    assert comparison.status_code == 200
    lines = comparison.json()["lines"]
    offers = [
        [
            (o["supplier_code"], o["currency"], D(o["unit_price"]), D(o["lead_time_days"]))
            for o in line["offers"]
        ]
        for line in lines
    ]
    assert offers == [[("NORD", "EUR", D("0.85"), D("7"))], []]
    assert D(quote.lines.get().min_order_quantity) == D("20")


def test_invalid_price_shows_field_error(sent: tuple[Any, Any], nord_client: Client) -> None:
    to_nord, _ = sent
    bolt = to_nord.lines.order_by("position").first()
    response = nord_client.post(f"/portal/supplier/rfqs/{to_nord.pk}/", {f"price_{bolt.pk}": "-1"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {f"price_{bolt.pk}": ["Ensure this value is greater than or equal to 0."]}
    assert not Quote.objects.filter(rfq=to_nord).exists()


def test_no_priced_line_shows_service_error(sent: tuple[Any, Any], nord_client: Client) -> None:
    to_nord, _ = sent
    response = nord_client.post(f"/portal/supplier/rfqs/{to_nord.pk}/", {"currency": "EUR"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"__all__": ["Quote at least one line."]}


def test_staff_pages_and_api_refused(sent: tuple[Any, Any], nord_client: Client) -> None:
    to_nord, _ = sent
    assert nord_client.get(f"/scm/rfqs/{to_nord.pk}/").status_code == 403
    assert nord_client.get("/scm/suppliers/").status_code == 403
    assert nord_client.get(f"/api/v1/rfqs/{to_nord.pk}/comparison").status_code == 403


def test_staff_refused_from_extranet(sent: tuple[Any, Any], client_a: Client) -> None:
    assert client_a.get("/portal/supplier/rfqs/").status_code == 403
    assert Client().get("/portal/supplier/rfqs/").status_code == 302

"""Pages of carriers: the carrier list, a carrier with its services, the rate card editor,
the carrier comparison and the carrier choice of a shipment."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from valuechain.crm.customers.forms import ServiceForm
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import paginated
from valuechain.scm.carriers import queries, services
from valuechain.scm.carriers.forms import (
    BreakForm,
    CarrierEditForm,
    CarrierForm,
    CompareForm,
    RateCardForm,
    ServiceAddForm,
    ShipmentChoiceForm,
    ZoneForm,
)
from valuechain.scm.carriers.models import Carrier, RateCard

PER_PAGE = 25
WRITE_NEEDED = "Changing carriers needs write access to SCM."


def _can_write(request: HttpRequest) -> bool:
    return allows(getattr(request, "permissions", frozenset()), "scm", "write")


def _save(form: ServiceForm, call: Callable[[], Any]) -> Any:
    """Run a service; None (and the error next to its field) when it refused."""
    try:
        return call()
    except DomainError as error:
        if error.status == 404 and error.field is None:
            raise Http404(error.message) from error
        form.add_domain_error(error)
        return None


def _message(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    """Run a service; its refusal becomes an error message."""
    try:
        result = call()
    except DomainError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success)
    return result


def _carrier_or_404(carrier_id: int) -> Carrier:
    try:
        return queries.carrier(carrier_id)
    except Carrier.DoesNotExist as exc:
        raise Http404("No such carrier.") from exc


def _card_or_404(rate_card_id: int) -> RateCard:
    try:
        return queries.rate_card(rate_card_id)
    except RateCard.DoesNotExist as exc:
        raise Http404("No such rate card.") from exc


def _owned(request: HttpRequest, zones: list[Any]) -> bool:
    """Whether the zone or break the form names belongs to the rate card shown."""
    if "zone_id" in request.POST:
        return request.POST["zone_id"] in {str(z.pk) for z in zones}
    breaks = {str(b.pk) for z in zones for b in z.breaks.all()}
    return request.POST.get("break_id", "") in breaks


def _posted(form: ServiceForm) -> dict[str, Any]:
    return {k: (v if v != "" else None) for k, v in form.cleaned_data.items()}


@requires("scm", "read")
def carrier_list(request: HttpRequest) -> HttpResponse:
    """/scm/carriers/: carriers with their services and a form to add one."""
    form = CarrierForm(request.POST or None)
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, WRITE_NEEDED, "scm:write")
        if form.is_valid():
            created = _save(form, lambda: services.create_carrier(**form.cleaned_data))
            if created is not None:
                messages.success(request, f"Carrier {created.name} created.")
                return redirect("carriers-detail", created.pk)
    rows = queries.carriers().order_by("name", "pk")
    page = paginated(request, rows, PER_PAGE)
    context = {"form": form, "page": page, "can_write": _can_write(request)}
    return render(request, "carriers/carrier_list.html", context)


@requires("scm", "read")
def carrier_detail(request: HttpRequest, carrier_id: int) -> HttpResponse:
    """/scm/carriers/<id>/: the carrier, its services with their rate cards, edit forms."""
    carrier = _carrier_or_404(carrier_id)
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "")
    edit_form = CarrierEditForm(
        post if action == "edit" else None,
        initial={
            "name": carrier.name,
            "tracking_url_template": carrier.tracking_url_template,
            "is_active": carrier.is_active,
        },
    )
    service_form = ServiceAddForm(post if action == "add_service" else None)
    card_form = RateCardForm(post if action == "rate_card" else None)
    status = 200
    if post is not None:
        if not _can_write(request):
            return forbidden(request, WRITE_NEEDED, "scm:write")
        own_services = {str(s.pk) for s in carrier.services.all()}
        if "service_id" in request.POST and request.POST["service_id"] not in own_services:
            raise Http404("No such service of this carrier.")
        done: Any = None
        if action == "edit" and edit_form.is_valid():
            done = _save(
                edit_form, lambda: services.update_carrier(carrier.pk, **edit_form.cleaned_data)
            )
        elif action == "add_service" and service_form.is_valid():
            done = _save(
                service_form, lambda: services.add_service(carrier.pk, **service_form.cleaned_data)
            )
        elif action == "rate_card" and card_form.is_valid():
            done = _save(
                card_form,
                lambda: services.create_rate_card(
                    service_id=int(request.POST.get("service_id") or 0), **_posted(card_form)
                ),
            )
            if done is not None:
                return redirect("carriers-rate-card", done.pk)
        elif action == "toggle_service":
            service_id = int(request.POST.get("service_id") or 0)
            active = request.POST.get("active") == "1"
            done = _message(
                request,
                lambda: services.update_service(service_id, is_active=active),
                "Service activated." if active else "Service deactivated.",
            )
        if done is not None:
            if action != "toggle_service":
                messages.success(request, "Saved.")
            return redirect("carriers-detail", carrier.pk)
        status = 422 if action != "toggle_service" else 200
    cards = {card.service_id: card for card in queries.rate_cards(carrier_id=carrier.pk)}
    service_rows = [(service, cards.get(service.pk)) for service in carrier.services.all()]
    context = {
        "carrier": carrier,
        "service_rows": service_rows,
        "edit_form": edit_form,
        "service_form": service_form,
        "card_form": card_form,
        "can_write": _can_write(request),
    }
    return render(request, "carriers/carrier_detail.html", context, status=status)


@requires("scm", "read")
def rate_card_detail(request: HttpRequest, rate_card_id: int) -> HttpResponse:
    """/scm/carriers/rate-cards/<id>/: zones by weight breaks, with forms to change them."""
    card = _card_or_404(rate_card_id)
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "")
    card_form = RateCardForm(
        post if action == "card" else None,
        initial={
            "currency": card.currency,
            "fuel_surcharge_percent": card.fuel_surcharge_percent,
            "excess_price_per_kg": card.excess_price_per_kg,
        },
    )
    zone_form = ZoneForm(post if action == "zone" else None)
    break_form = BreakForm(post if action == "break" else None)
    zones = list(card.zones.all())
    break_form.fields["zone"].choices = [(z.pk, str(z)) for z in zones]  # type: ignore[attr-defined]
    status = 200
    if post is not None:
        if not _can_write(request):
            return forbidden(request, WRITE_NEEDED, "scm:write")
        done: Any = None
        if action == "card" and card_form.is_valid():
            done = _save(
                card_form, lambda: services.update_rate_card(card.pk, **_posted(card_form))
            )
        elif action == "zone" and zone_form.is_valid():
            done = _save(zone_form, lambda: services.add_zone(card.pk, **zone_form.cleaned_data))
        elif action == "break" and break_form.is_valid():
            data = break_form.cleaned_data
            done = _save(
                break_form,
                lambda: services.set_break(
                    int(data["zone"]), max_weight_kg=data["max_weight_kg"], price=data["price"]
                ),
            )
        elif action in ("remove_zone", "remove_break") and not _owned(request, zones):
            raise Http404("No such zone or break on this rate card.")
        elif action == "remove_zone":
            zone_id = int(request.POST.get("zone_id") or 0)
            done = _message(request, lambda: services.delete_zone(zone_id), "Zone removed.") or 1
        elif action == "remove_break":
            break_id = int(request.POST.get("break_id") or 0)
            done = _message(request, lambda: services.remove_break(break_id), "Break removed.") or 1
        if done is not None:
            if action in ("card", "zone", "break"):
                messages.success(request, "Saved.")
            return redirect("carriers-rate-card", card.pk)
        status = 422
    weights = sorted({b.max_weight_kg for z in zones for b in z.breaks.all()})
    grid = [
        (zone, [{b.max_weight_kg: b for b in zone.breaks.all()}.get(w) for w in weights])
        for zone in zones
    ]
    context = {
        "card": card,
        "weights": weights,
        "grid": grid,
        "card_form": card_form,
        "zone_form": zone_form,
        "break_form": break_form,
        "can_write": _can_write(request),
    }
    return render(request, "carriers/rate_card_detail.html", context, status=status)


def _shipment_initial(shipment_id: int | None) -> tuple[dict[str, Any], dict[str, Any] | None]:
    if shipment_id is None:
        return {}, None
    facts = queries.shipment_destination(shipment_id)
    if facts is None:
        raise Http404("No such shipment.")
    initial = {
        "country": facts["country"],
        "postal_code": facts["postal_code"],
        "weight_kg": facts["weight_kg"] or "",
        "ship_date": facts["ship_date"],
    }
    return initial, facts


@requires("scm", "read")
def compare(request: HttpRequest) -> HttpResponse:
    """/scm/carriers/compare/: every service's price and delivery date, the choice
    highlighted; opened from a shipment (``?shipment=<id>``) it can record the choice, from
    an order's ship form (``?order=<id>``) it links back to shipping with a service."""
    raw_shipment = request.GET.get("shipment") or request.POST.get("shipment")
    shipment_id = int(raw_shipment) if raw_shipment and raw_shipment.isdigit() else None
    initial, facts = _shipment_initial(shipment_id)
    parcel = None
    raw_order = request.GET.get("order", "")
    if facts is None and raw_order.isdigit():
        parcel = queries.order_parcel(int(raw_order))
        if parcel is None:
            raise Http404("No such sales order.")
        initial = {k: parcel[k] or "" for k in ("country", "postal_code", "weight_kg")}
    comparison = None
    status = 200
    if request.method == "POST" and facts is not None:
        if not _can_write(request):
            return forbidden(request, WRITE_NEEDED, "scm:write")
        choice_form = ShipmentChoiceForm(request.POST)
        if choice_form.is_valid():
            result = _save(
                choice_form,
                lambda: services.choose_for_shipment(shipment_id, **_posted(choice_form)),  # type: ignore[arg-type]
            )
            if result is not None:
                choice = result[0]
                messages.success(
                    request,
                    f"Carrier chosen: {choice.total} {choice.currency}, "
                    f"delivery {choice.estimated_delivery}.",
                )
                return redirect("fulfillment-shipment", shipment_id)
        status = 422
        form = CompareForm(initial=initial)
    else:
        choice_form = ShipmentChoiceForm()
        form = CompareForm(request.GET if "weight_kg" in request.GET else None, initial=initial)
        if form.is_bound and form.is_valid():
            comparison = _save(form, lambda: services.quote(**_posted(form)))
            if comparison is None:
                status = 422
        elif form.is_bound:
            status = 422
    context = {
        "form": form,
        "comparison": comparison,
        "facts": facts,
        "parcel": parcel,
        "choice_form": choice_form,
        "choice": queries.choice_for_shipment(shipment_id) if shipment_id else None,
        "can_write": _can_write(request),
        "zero": Decimal("0"),
    }
    return render(request, "carriers/compare.html", context, status=status)

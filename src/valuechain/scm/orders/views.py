"""Pages of sales orders: the list, a new order, the order page with its lines and actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import paginated
from valuechain.scm.orders import conversion, domain, queries, services
from valuechain.scm.orders.forms import (
    SORT_CHOICES,
    CancelForm,
    LineForm,
    OrderFilterForm,
    OrderForm,
    ServiceForm,
)
from valuechain.scm.orders.models import SalesOrder

PER_PAGE = 50


def can_write(request: HttpRequest) -> bool:
    """Whether the member may change orders."""
    return allows(getattr(request, "permissions", frozenset()), "orders", "write")


def _order_or_404(order_id: int) -> SalesOrder:
    try:
        return queries.order(order_id)
    except ObjectDoesNotExist as exc:
        raise Http404("No such sales order.") from exc


def _save(form: ServiceForm, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except DomainError as error:
        form.add_domain_error(error)
        return None


@requires("orders", "read")
def order_list(request: HttpRequest) -> HttpResponse:
    """/scm/orders/: orders with filters (state, channel, search), sorting and pages."""
    form = OrderFilterForm(request.GET or None)
    filters = queries.OrderFilters()
    sort = SORT_CHOICES[0][0]
    if form.is_bound and form.is_valid():
        filters = queries.OrderFilters(**form.filter_values())
        sort = form.cleaned_data["sort"] or sort
    rows = queries.orders(filters).order_by(sort, "pk")
    page = paginated(request, rows, PER_PAGE)
    context = {"form": form, "page": page, "can_write": can_write(request)}
    template = "orders/_order_rows.html" if request.headers.get("HX-Request") else None
    return render(request, template or "orders/order_list.html", context)


@requires("orders", "write")
def order_create(request: HttpRequest) -> HttpResponse:
    """/scm/orders/new/: a new draft (?account=… or ?person=… preselects the customer)."""
    initial = {"account_id": request.GET.get("account"), "person_id": request.GET.get("person")}
    form = OrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = _save(form, lambda: services.create_order(form.service_data()))
        if created is not None:
            messages.success(request, f"Draft order {created.number} created; add its lines.")
            return redirect("orders-detail", created.pk)
    return render(request, "orders/order_form.html", {"form": form, "title": "New sales order"})


def _detail(request: HttpRequest, order: SalesOrder, **extra: Any) -> HttpResponse:
    context = {
        "order": order,
        "lines": queries.lines(order),
        "history": queries.history(order),
        "customer": queries.customer_name(order),
        "can_write": can_write(request),
        "line_form": extra.pop("line_form", None) or LineForm(),
        "cancel_form": extra.pop("cancel_form", None) or CancelForm(),
        "can_confirm": order.state == "draft",
        "can_cancel": domain.can_transition(order.state, "cancelled"),
        "can_close": domain.can_transition(order.state, "closed"),
        "error": extra.pop("error", None),
        **extra,
    }
    return render(request, "orders/order_detail.html", context, status=extra.get("status", 200))


@requires("orders", "read")
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """/scm/orders/<id>/: the order, its lines, supply status, actions and history."""
    return _detail(request, _order_or_404(order_id))


@require_POST
@requires("orders", "write")
def line_add(request: HttpRequest, order_id: int) -> HttpResponse:
    """Add a line to a draft; errors appear next to the fields."""
    order = _order_or_404(order_id)
    form = LineForm(request.POST)
    if form.is_valid():
        data = form.service_data()
        code = str(data.pop("sku"))
        data["gtin" if code.isdigit() and len(code) in (8, 12, 13, 14) else "sku"] = code
        line = _save(form, lambda: services.add_line(order.pk, data))
        if line is not None:
            messages.success(request, f"{line.sku} added.")
            return redirect("orders-detail", order.pk)
    return _detail(request, _order_or_404(order_id), line_form=form)


@require_POST
@requires("orders", "write")
def line_remove(request: HttpRequest, order_id: int, line_id: int) -> HttpResponse:
    """Remove a line from a draft."""
    order = _order_or_404(order_id)
    try:
        services.remove_line(order.pk, line_id)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("orders-detail", order.pk)


def _action(request: HttpRequest, order_id: int, call: Callable[[int], Any], done: str) -> Any:
    order = _order_or_404(order_id)
    try:
        call(order.pk)
    except DomainError as error:
        return _detail(request, _order_or_404(order_id), error=error)
    messages.success(request, f"{order.number} {done}.")
    return redirect("orders-detail", order.pk)


@require_POST
@requires("orders", "write")
def order_confirm(request: HttpRequest, order_id: int) -> HttpResponse:
    """Confirm a draft: reserves stock; a shortage shows the available quantity."""
    response: HttpResponse = _action(request, order_id, services.confirm_order, "confirmed")
    return response


@require_POST
@requires("orders", "write")
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    """Cancel an order (releases its reservations)."""
    form = CancelForm(request.POST)
    reason = form.data.get("reason", "")
    response: HttpResponse = _action(
        request, order_id, lambda pk: services.cancel_order(pk, reason=reason), "cancelled"
    )
    return response


@require_POST
@requires("orders", "write")
def order_close(request: HttpRequest, order_id: int) -> HttpResponse:
    """Close a shipped order."""
    response: HttpResponse = _action(request, order_id, services.close_order, "closed")
    return response


@require_POST
@requires("orders", "write")
def order_from_opportunity(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """POST /scm/orders/from-opportunity/<id>/: the won deal's draft order (or its open one)."""
    try:
        created = conversion.order_from_opportunity(opportunity_id, {})
    except DomainError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        existing = queries.open_order_of_opportunity(opportunity_id)
        if error.code == "opportunity_already_ordered" and existing is not None:
            messages.info(request, f"This deal already has order {existing.number}.")
            return redirect("orders-detail", existing.pk)
        messages.error(request, error.message)
        return redirect("sales-opportunity-detail", opportunity_id)
    messages.success(
        request, f"Draft order {created.number} created from the deal; check it and confirm."
    )
    return redirect("orders-detail", created.pk)

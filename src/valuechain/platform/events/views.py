"""Pages of webhooks: the endpoint list with its create form, and an endpoint's page."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.events import queries, webhooks
from valuechain.platform.events.forms import WebhookEndpointForm
from valuechain.platform.events.models import WebhookEndpoint
from valuechain.platform.identity.decorators import forbidden, requires
from valuechain.platform.identity.domain import allows

DELIVERIES_PER_PAGE = 25


def _can_write(request: HttpRequest) -> bool:
    return allows(getattr(request, "permissions", frozenset()), "admin", "write")


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    try:
        return queries.endpoint(endpoint_id)
    except WebhookEndpoint.DoesNotExist as exc:
        raise Http404("No such webhook endpoint.") from exc


@requires("admin", "read")
def webhook_list(request: HttpRequest) -> HttpResponse:
    """/settings/webhooks/: the endpoints, and a form to add one (admin:write)."""
    form = WebhookEndpointForm()
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, "Adding webhooks needs admin:write.", "admin:write")
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                endpoint = webhooks.create_endpoint(**form.service_arguments())
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, "Webhook endpoint added. Copy its signing secret below.")
                return redirect("webhook-detail", endpoint.pk)
    context = {"endpoints": queries.endpoints(), "form": form, "can_write": _can_write(request)}
    return render(request, "events/webhook_list.html", context)


@requires("admin", "read")
def webhook_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """An endpoint: settings, secret, test button, delivery log and change history."""
    endpoint = _endpoint_or_404(endpoint_id)
    form = WebhookEndpointForm(
        initial={
            "url": endpoint.url,
            "event_types": ", ".join(endpoint.event_types),
            "description": endpoint.description,
            "is_active": endpoint.is_active,
        }
    )
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, "Changing webhooks needs admin:write.", "admin:write")
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                webhooks.update_endpoint(endpoint.pk, **form.service_arguments())
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, "Webhook endpoint saved.")
                return redirect("webhook-detail", endpoint.pk)
    page = Paginator(queries.deliveries(endpoint), DELIVERIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context: dict[str, Any] = {
        "endpoint": endpoint,
        "form": form,
        "page": page,
        "can_write": _can_write(request),
    }
    return render(request, "events/webhook_detail.html", context)


@require_POST
@requires("admin", "write")
def webhook_test(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """Queue a test event for one endpoint."""
    endpoint = _endpoint_or_404(endpoint_id)
    webhooks.send_test_event(endpoint.pk)
    messages.success(request, "Test event queued; its delivery appears below.")
    return redirect("webhook-detail", endpoint.pk)


@require_POST
@requires("admin", "write")
def webhook_rotate_secret(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """Replace the endpoint's signing secret."""
    endpoint = _endpoint_or_404(endpoint_id)
    webhooks.rotate_secret(endpoint.pk)
    messages.success(request, "New signing secret created; update your receiver.")
    return redirect("webhook-detail", endpoint.pk)


@require_POST
@requires("admin", "write")
def webhook_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """Remove an endpoint and its delivery log."""
    endpoint = _endpoint_or_404(endpoint_id)
    webhooks.delete_endpoint(endpoint.pk)
    messages.success(request, f"Webhook endpoint {endpoint.url} deleted.")
    return redirect("webhook-list")


@require_POST
@requires("admin", "write")
def webhook_redeliver(
    request: HttpRequest, endpoint_id: int, delivery_id: uuid.UUID
) -> HttpResponse:
    """Send one delivery's event to the endpoint again."""
    endpoint = _endpoint_or_404(endpoint_id)
    delivery = queries.deliveries(endpoint).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("No such delivery.")
    webhooks.redeliver(delivery.pk)
    messages.success(request, f"{delivery.event.type} queued for delivery again.")
    return redirect("webhook-detail", endpoint.pk)

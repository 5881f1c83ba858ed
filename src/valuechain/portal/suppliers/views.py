"""Pages of the supplier extranet: /portal/supplier/… for logins linked to a supplier."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from valuechain.platform.identity.decorators import forbidden
from valuechain.platform.web.pages import call_service, found_or_404
from valuechain.portal.suppliers import services
from valuechain.portal.suppliers.forms import PortalQuoteForm
from valuechain.scm.procurement.models import Supplier
from valuechain.scm.purchasing import rfq

SupplierView = Callable[..., HttpResponse]


def supplier_required(view: SupplierView) -> SupplierView:
    """Run the view only for a login linked to a supplier; it gets that supplier."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        supplier = services.supplier_of(getattr(request, "membership", None))
        if supplier is None:
            return forbidden(request, "This page is for supplier extranet logins only.")
        return view(request, supplier, *args, **kwargs)

    return wrapped


@supplier_required
def rfq_list(request: HttpRequest, supplier: Supplier) -> HttpResponse:
    """/portal/supplier/rfqs/: the RFQs sent to my supplier."""
    return render(
        request,
        "portal_suppliers/rfq_list.html",
        {"supplier": supplier, "rfqs": list(rfq.supplier_rfqs(supplier.pk)[:200])},
    )


def _page(
    request: HttpRequest, supplier: Supplier, found: Any, form: PortalQuoteForm | None = None
) -> HttpResponse:
    lines = list(found.lines.all())
    quote = next(iter(found.quotes.all()), None)
    if form is None:
        initial: dict[str, Any] = {}
        if quote is not None:
            initial = {"currency": quote.currency, "valid_until": quote.valid_until}
            for row in quote.lines.all():
                initial[f"price_{row.rfq_line_id}"] = row.unit_price
                initial[f"lead_{row.rfq_line_id}"] = row.lead_time_days
                initial[f"moq_{row.rfq_line_id}"] = row.min_order_quantity
        form = PortalQuoteForm(initial=initial, rfq_lines=lines)
    status = 400 if form.errors else 200
    return render(
        request,
        "portal_suppliers/rfq_detail.html",
        {"supplier": supplier, "rfq": found, "lines": lines, "quote": quote, "form": form},
        status=status,
    )


@supplier_required
def rfq_detail(request: HttpRequest, supplier: Supplier, rfq_id: int) -> HttpResponse:
    """/portal/supplier/rfqs/<id>/: the RFQ's lines and my quote form (POST submits it)."""
    found = found_or_404(lambda pk: rfq.invited_rfq(pk, supplier.pk), rfq_id)
    if request.method != "POST":
        return _page(request, supplier, found)
    form = PortalQuoteForm(request.POST, rfq_lines=list(found.lines.all()))
    if form.is_valid():
        quote = call_service(
            form, lambda: services.submit_quote(supplier, found.pk, **form.service_arguments())
        )
        if quote is not None:
            messages.success(request, f"Your quote on {found.number} was sent.")
            return redirect("portal-supplier-rfq", found.pk)
    return _page(request, supplier, found, form)

"""Pages of the supplier extranet: /portal/supplier/… for logins linked to a supplier, and
the buyer's page that grants and revokes those logins (/scm/suppliers/<id>/extranet/)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, requires
from valuechain.platform.web.pages import call_service, found_or_404
from valuechain.portal.suppliers import queries, services
from valuechain.portal.suppliers.forms import PortalAccessForm, PortalQuoteForm
from valuechain.scm.procurement import queries as procurement
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


# --- the buyer's side: who may log in for a supplier ----------------------------------------


@requires("scm", "write")
def supplier_access(request: HttpRequest, supplier_id: int) -> HttpResponse:
    """/scm/suppliers/<id>/extranet/: the supplier's logins; POST grants one more."""
    if not services.may_manage_access():
        return forbidden(request, "Only a buyer or an administrator manages extranet access.")
    supplier = found_or_404(procurement.supplier, supplier_id)
    form = PortalAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = call_service(
            form,
            lambda: services.grant_access(
                supplier.pk, **form.service_arguments(), actor=request.user
            ),
        )
        if link is not None:
            messages.success(
                request, f"{link.membership.user.email} can now log in for {supplier.code}."
            )
            return redirect("portal-supplier-access", supplier.pk)
    return render(
        request,
        "portal_suppliers/access.html",
        {"supplier": supplier, "form": form, "logins": list(queries.portal_users(supplier.pk))},
        status=400 if form.errors else 200,
    )


@requires("scm", "write")
@require_POST
def supplier_access_state(request: HttpRequest, supplier_id: int, link_id: int) -> HttpResponse:
    """POST /scm/suppliers/<id>/extranet/<link>/: revoke, or with ``active=1`` restore."""
    supplier = found_or_404(procurement.supplier, supplier_id)
    restore = request.POST.get("active") == "1"
    try:
        link = services.set_access(supplier.pk, link_id, is_active=restore, actor=request.user)
    except DomainError as error:
        if error.status == 404:
            raise Http404("No such extranet login.") from None
        messages.error(request, error.message)
    else:
        done = "restored" if restore else "revoked"
        messages.success(request, f"Access of {link.membership.user.email} {done}.")
    return redirect("portal-supplier-access", supplier.pk)

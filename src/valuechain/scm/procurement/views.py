"""Pages of procurement: suppliers, what they supply, the supplier ranking of an item and the
selection weights. Thin: forms parse, services decide, queries read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.web.pages import call_service, paginated
from valuechain.scm.catalog.models import Variant
from valuechain.scm.procurement import domain, queries, services
from valuechain.scm.procurement.forms import (
    RankingForm,
    SelectionSettingsForm,
    SupplierForm,
    SupplierProductForm,
    format_price_breaks,
)

PER_PAGE = 50
SUPPLIER_SORTS = {
    "code": "code",
    "name": "name",
    "-created_at": "-created_at",
    "payment_terms_days": "payment_terms_days",
}


def _supplier_or_404(supplier_id: int) -> Any:
    try:
        return queries.supplier(supplier_id)
    except DomainError:
        raise Http404("No such supplier.") from None


# --- suppliers ------------------------------------------------------------------------------


@requires("scm", "read")
def supplier_list(request: HttpRequest) -> HttpResponse:
    """/scm/suppliers/: search, filter by status and currency, sort, page."""
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "active")
    currency = request.GET.get("currency", "").strip()
    active = {"active": True, "inactive": False}.get(status)
    rows = queries.suppliers(q=q, is_active=active, currency=currency).order_by(
        SUPPLIER_SORTS.get(request.GET.get("sort", ""), "code"), "pk"
    )
    return render(
        request,
        "procurement/supplier_list.html",
        {
            "page": paginated(request, rows, PER_PAGE),
            "q": q,
            "status": status,
            "currency": currency,
        },
    )


@requires("scm", "write")
def supplier_create(request: HttpRequest) -> HttpResponse:
    """/scm/suppliers/new/: a supplier from a new or an existing CRM account."""
    form = SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        supplier = call_service(form, lambda: services.create_supplier(**form.service_arguments()))
        if supplier is not None:
            messages.success(request, f"Supplier {supplier.code} added.")
            return redirect("procurement-supplier", supplier.pk)
    return render(request, "procurement/supplier_form.html", {"form": form, "supplier": None})


@requires("scm", "read")
def supplier_detail(request: HttpRequest, supplier_id: int) -> HttpResponse:
    """/scm/suppliers/<id>/: terms, supplied products and a form to add one."""
    supplier = _supplier_or_404(supplier_id)
    products = queries.supplier_products(supplier_id=supplier.pk).order_by("variant__sku", "pk")
    return render(
        request,
        "procurement/supplier_detail.html",
        {
            "supplier": supplier,
            "page": paginated(request, products, PER_PAGE),
            "form": SupplierProductForm(initial={"currency": supplier.currency}),
            "incoterm_name": domain.INCOTERM_NAMES.get(supplier.incoterm, ""),
        },
    )


@requires("scm", "write")
def supplier_edit(request: HttpRequest, supplier_id: int) -> HttpResponse:
    """/scm/suppliers/<id>/edit/: change code, name, terms and GLN."""
    supplier = _supplier_or_404(supplier_id)
    initial = {
        "code": supplier.code,
        "name": supplier.account.name,
        "currency": supplier.currency,
        "payment_terms_days": supplier.payment_terms_days,
        "incoterm": supplier.incoterm,
        "gln": supplier.gln,
    }
    form = SupplierForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form, lambda: services.update_supplier(supplier.pk, **form.service_arguments())
        )
        if changed is not None:
            messages.success(request, f"Supplier {changed.code} saved.")
            return redirect("procurement-supplier", supplier.pk)
    return render(request, "procurement/supplier_form.html", {"form": form, "supplier": supplier})


@requires("scm", "write")
@require_POST
def supplier_active(request: HttpRequest, supplier_id: int) -> HttpResponse:
    """POST /scm/suppliers/<id>/active/: deactivate (or, with ``active=1``, reactivate)."""
    supplier = _supplier_or_404(supplier_id)
    try:
        if request.POST.get("active") == "1":
            services.update_supplier(supplier.pk, is_active=True)
            messages.success(request, f"Supplier {supplier.code} is active again.")
        else:
            services.deactivate_supplier(supplier.pk)
            messages.success(request, f"Supplier {supplier.code} deactivated.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("procurement-supplier", supplier.pk)


# --- supplied products ----------------------------------------------------------------------


@requires("scm", "write")
def supplier_product_create(request: HttpRequest, supplier_id: int) -> HttpResponse:
    """POST /scm/suppliers/<id>/products/: add a supplied product (errors by the fields)."""
    supplier = _supplier_or_404(supplier_id)
    form = SupplierProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        product = call_service(
            form,
            lambda: services.create_supplier_product(
                supplier_id=supplier.pk, **form.service_arguments()
            ),
        )
        if product is not None:
            messages.success(request, f"{supplier.code} now supplies {form.cleaned_data['sku']}.")
            return redirect("procurement-supplier", supplier.pk)
    return render(
        request,
        "procurement/supplier_product_form.html",
        {"form": form, "supplier": supplier, "product": None},
    )


@requires("scm", "write")
def supplier_product_edit(request: HttpRequest, supplier_product_id: int) -> HttpResponse:
    """/scm/supplier-products/<id>/edit/: order rules, lead time, prices, active flag."""
    try:
        product = queries.supplier_product(supplier_product_id)
    except DomainError:
        raise Http404("No such supplied product.") from None
    initial = {
        "supplier_sku": product.supplier_sku,
        "currency": product.currency,
        "min_order_quantity": product.min_order_quantity.normalize(),
        "pack_size": product.pack_size.normalize(),
        "lead_time_days": product.lead_time_days,
        "lead_time_std_days": product.lead_time_std_days,
        "price_breaks": format_price_breaks(product.price_breaks.all()),
        "is_active": product.is_active,
    }
    form = SupplierProductForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form,
            lambda: services.update_supplier_product(product.pk, **form.service_arguments()),
        )
        if changed is not None:
            messages.success(request, f"{product.supplier.code} · {product.variant.sku} saved.")
            return redirect("procurement-supplier", product.supplier_id)
    return render(
        request,
        "procurement/supplier_product_form.html",
        {"form": form, "supplier": product.supplier, "product": product},
    )


# --- selection ------------------------------------------------------------------------------


@requires("scm", "read")
def ranking(request: HttpRequest) -> HttpResponse:
    """/scm/suppliers/ranking/?sku=…&quantity=…: the suppliers of an item, best first."""
    form = RankingForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        variant = Variant.objects.filter(sku__iexact=form.cleaned_data["sku"].strip()).first()
        if variant is None:
            form.add_error("sku", f"No item with SKU {form.cleaned_data['sku']}.")
        else:
            try:
                result = queries.supplier_ranking(variant.pk, form.cleaned_data["quantity"])
            except DomainError as error:
                form.add_error("quantity", error.message)
    return render(
        request,
        "procurement/ranking.html",
        {"form": form, "ranking": result, "criteria": domain.CRITERIA},
    )


def _settings_page(request: HttpRequest, form: SelectionSettingsForm) -> HttpResponse:
    return render(request, "procurement/settings.html", {"form": form})


@requires("scm", "read")
def selection_settings(request: HttpRequest) -> HttpResponse:
    """/scm/procurement/settings/: the weights of supplier selection."""
    row = services.selection_settings()
    initial = {f"weight_{name}": weight for name, weight in services.weights_of(row).items()}
    return _settings_page(request, SelectionSettingsForm(initial=initial))


@requires("scm", "write")
@require_POST
def selection_settings_save(request: HttpRequest) -> HttpResponse:
    """POST /scm/procurement/settings/save/: change the weights (errors by the fields)."""
    form = SelectionSettingsForm(request.POST)
    if form.is_valid():
        saved = call_service(form, lambda: services.update_selection_settings(**form.cleaned_data))
        if saved is not None:
            messages.success(request, "Selection weights saved.")
            return redirect("procurement-settings")
    return _settings_page(request, form)

"""Pages of the catalog: products (list, page, forms), variants, kits, related products,
comparison, price lists, customer groups and tax rates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import call_service, paginated
from valuechain.scm.catalog import (
    availability,
    compare,
    panels,
    pricing,
    pricing_services,
    queries,
    services,
)
from valuechain.scm.catalog.forms import (
    CustomerGroupForm,
    KitForm,
    PriceForm,
    PriceListForm,
    ProductFilterForm,
    ProductForm,
    RelatedForm,
    TaxRateForm,
    VariantForm,
)
from valuechain.scm.catalog.models import (
    CustomerGroup,
    CustomerGroupMember,
    KitComponent,
    PriceList,
    PriceListItem,
    Product,
    TaxRate,
    Variant,
)

PER_PAGE = 25
PRODUCT_EDIT_FIELDS = (
    "name",
    "description",
    "kind",
    "supply_mode",
    "tax_class",
    "hs_code",
    "category",
    "country_of_origin",
    "is_active",
)


def _permissions(request: HttpRequest) -> frozenset[str]:
    return getattr(request, "permissions", frozenset())


def _can_write(request: HttpRequest) -> bool:
    return allows(_permissions(request), "scm", "write")


def _product_or_404(product_id: int) -> Product:
    try:
        return queries.product(product_id)
    except Product.DoesNotExist as exc:
        raise Http404("No such product.") from exc


def _variant_or_404(variant_id: int) -> Variant:
    try:
        return queries.variants().get(pk=variant_id)
    except Variant.DoesNotExist as exc:
        raise Http404("No such variant.") from exc


# --- products ------------------------------------------------------------------------------


@requires("scm", "read")
def product_list(request: HttpRequest) -> HttpResponse:
    """/scm/products/: products with search, filters, sorting and pages."""
    form = ProductFilterForm(request.GET or None)
    filters, sort = queries.ProductFilters(), "name"
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries.ProductFilters(
            q=data["q"] or None,
            kind=data["kind"] or None,
            supply_mode=data["supply_mode"] or None,
            is_active={"yes": True, "no": False}.get(data["active"]),
        )
        sort = data["sort"] or sort
    rows = queries.products(filters).order_by(sort, "pk")
    page = paginated(request, rows, PER_PAGE)
    context = {"form": form, "page": page, "can_write": _can_write(request)}
    template = (
        "catalog/_product_rows.html"
        if request.headers.get("HX-Request")
        else "catalog/product_list.html"
    )
    return render(request, template, context)


@requires("scm", "write")
def product_create(request: HttpRequest) -> HttpResponse:
    """/scm/products/new/: a product with its default variant (and generated variants)."""
    form = ProductForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            attributes = form.attributes()
        except ValueError as exc:
            form.add_error("attributes", str(exc))
        else:

            def create() -> Product:
                from django.db import transaction

                with transaction.atomic():
                    product = services.create_product(**form.service_arguments())
                    if attributes:
                        services.generate_variants(product.pk, attributes)
                return product

            product = call_service(form, create)
            if product is not None:
                messages.success(request, f"Product {product.name} created.")
                return redirect("catalog-product-detail", product.pk)
    return render(request, "catalog/form.html", {"form": form, "title": "New product"})


@requires("scm", "write")
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    """/scm/products/<id>/edit/: change a product."""
    product = _product_or_404(product_id)
    initial = {name: getattr(product, name) for name in PRODUCT_EDIT_FIELDS}
    for name in ("base_uom", "sales_uom", "purchase_uom"):
        unit = getattr(product, name)
        initial[name] = unit.code if unit else ""
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        if call_service(form, lambda: services.update_product(product.pk, **arguments)) is not None:
            messages.success(request, "Product saved.")
            return redirect("catalog-product-detail", product.pk)
    context = {"form": form, "title": f"Edit {product.name}", "back": product}
    return render(request, "catalog/form.html", context)


@requires("scm", "read")
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    """/scm/products/<id>/: facts, variants with availability, prices, kits, related, panels."""
    product = _product_or_404(product_id)
    variants = list(product.variants.all())
    ids = [v.pk for v in variants]
    stock = availability.available(ids)
    kit_lines: dict[int, list[Any]] = {}
    for line in (
        KitComponent.objects.filter(kit_id__in=ids)
        .select_related("component__product")
        .order_by("component_id")
    ):
        kit_lines.setdefault(line.kit_id, []).append(line)
    prices = list(
        PriceListItem.objects.filter(variant_id__in=ids)
        .select_related("price_list__customer_group", "variant")
        .order_by("price_list__currency", "price_list__name", "variant__sku", "min_quantity")
    )
    rows = [
        {"variant": v, "available": stock.get(v.pk), "kit": kit_lines.get(v.pk, [])}
        for v in variants
    ]
    kit_checks = {}
    for variant_id in kit_lines:
        currencies = sorted({p.price_list.currency for p in prices if p.variant_id == variant_id})
        kit_checks[variant_id] = [
            (c, pricing.kit_price_check(variant_id, currency=c)) for c in currencies
        ]
    base = product.base_uom.code if product.base_uom else "pc"
    units = {
        "base": base,
        "sales": product.sales_uom.code if product.sales_uom else base,
        "purchase": product.purchase_uom.code if product.purchase_uom else base,
    }
    context = {
        "product": product,
        "units": units,
        "rows": rows,
        "attributes": queries.attributes_of(product),
        "prices": prices,
        "kit_checks": kit_checks,
        "related": queries.related_products(product.pk),
        "panels": panels.render_product_panels(product, ids, _permissions(request), request),
        "can_write": _can_write(request),
    }
    return render(request, "catalog/product_detail.html", context)


@requires("scm", "write")
def variant_create(request: HttpRequest, product_id: int) -> HttpResponse:
    """/scm/products/<id>/variants/new/: add a variant."""
    product = _product_or_404(product_id)
    form = VariantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        arguments.pop("is_active", None)
        if call_service(form, lambda: services.create_variant(product.pk, **arguments)) is not None:
            messages.success(request, "Variant added.")
            return redirect("catalog-product-detail", product.pk)
    context = {"form": form, "title": f"New variant of {product.name}", "back": product}
    return render(request, "catalog/form.html", context)


@requires("scm", "write")
def variant_edit(request: HttpRequest, variant_id: int) -> HttpResponse:
    """/scm/variants/<id>/edit/: change a variant."""
    variant = _variant_or_404(variant_id)
    initial: dict[str, Any] = {
        name: getattr(variant, name)
        for name in (
            "sku",
            "gtin",
            "name",
            "weight_kg",
            "length_cm",
            "width_cm",
            "height_cm",
            "is_active",
        )
    }
    for row in variant.values.all():
        initial[f"attr_{row.attribute_id}"] = str(row.value_id)
    form = VariantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        for name in ("weight_kg", "length_cm", "width_cm", "height_cm"):
            arguments[name] = arguments[name] or None
        if call_service(form, lambda: services.update_variant(variant.pk, **arguments)) is not None:
            messages.success(request, "Variant saved.")
            return redirect("catalog-product-detail", variant.product_id)
    context = {"form": form, "title": f"Edit {variant.sku}", "back": variant.product}
    return render(request, "catalog/form.html", context)


@requires("scm", "write")
def kit_edit(request: HttpRequest, variant_id: int) -> HttpResponse:
    """/scm/variants/<id>/kit/: a kit's components as ``SKU quantity`` lines."""
    variant = _variant_or_404(variant_id)
    lines = queries.kit_components(variant.pk)
    skus = dict(Variant.objects.filter(pk__in=[c for c, _ in lines]).values_list("pk", "sku"))
    form = KitForm(
        request.POST or None,
        initial={"components": "\n".join(f"{skus[c]} {q.normalize()}" for c, q in lines)},
    )
    if request.method == "POST" and form.is_valid():
        parsed: list[tuple[int, Any]] = []
        wanted = []
        for raw in form.cleaned_data["components"].splitlines():
            if raw.strip():
                sku, _, quantity = raw.strip().rpartition(" ")
                wanted.append((sku.strip() or quantity, quantity if sku.strip() else "1"))
        found = dict(
            Variant.objects.filter(sku__in=[s for s, _ in wanted]).values_list("sku", "pk")
        )
        unknown = [s for s, _ in wanted if s not in found]
        if unknown:
            form.add_error("components", f"No variant with SKU {unknown[0]!r}.")
        else:
            parsed = [(found[s], q) for s, q in wanted]
            if (
                call_service(form, lambda: services.set_kit_components(variant.pk, parsed))
                is not None
            ):
                messages.success(request, "Kit components saved.")
                return redirect("catalog-product-detail", variant.product_id)
    context = {"form": form, "title": f"Kit components of {variant.sku}", "back": variant.product}
    return render(request, "catalog/form.html", context)


@requires("scm", "write")
def related_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    """/scm/products/<id>/related/: accessories and up-sell alternatives."""
    product = _product_or_404(product_id)
    current = queries.related_products(product.pk)
    initial = {kind: [str(p.pk) for p in rows] for kind, rows in current.items()}
    form = RelatedForm(request.POST or None, initial=initial, exclude=product.pk)
    if request.method == "POST" and form.is_valid():

        def save() -> bool:
            from django.db import transaction

            with transaction.atomic():
                for kind in ("accessory", "upsell"):
                    ids = [int(i) for i in form.cleaned_data[kind]]
                    services.set_related_products(product.pk, kind, ids)
            return True

        if call_service(form, save):
            messages.success(request, "Related products saved.")
            return redirect("catalog-product-detail", product.pk)
    context = {"form": form, "title": f"Related products of {product.name}", "back": product}
    return render(request, "catalog/form.html", context)


@requires("scm", "read")
def product_compare(request: HttpRequest) -> HttpResponse:
    """/scm/products/compare/?ids=1,2,3&currency=EUR&customer_group=: up to four products."""
    currency = (request.GET.get("currency") or "EUR").upper()[:3]
    group = request.GET.get("customer_group", "")
    table, error, ids = None, None, []
    raw = request.GET.getlist("ids")
    try:
        ids = compare.parse_ids(raw if len(raw) > 1 else (raw[0] if raw else ""))
        if ids:
            table = compare.compare(ids, currency=currency, customer_group=group)
    except DomainError as exc:
        error = exc.message
        status = exc.status
    else:
        status = 200
    context = {
        "table": table,
        "error": error,
        "ids": ",".join(str(i) for i in ids) if ids else request.GET.get("ids", ""),
        "currency": currency,
        "customer_group": group,
        "groups": CustomerGroup.objects.order_by("code"),
    }
    return render(request, "catalog/compare.html", context, status=status)


# --- price lists, groups, taxes ------------------------------------------------------------


@requires("scm", "read")
def price_list_list(request: HttpRequest) -> HttpResponse:
    """/scm/price-lists/: price lists with a form to add one."""
    form = PriceListForm(request.POST or None)
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, "Changing prices needs write access to SCM.", "scm:write")
        if form.is_valid():
            created = call_service(
                form, lambda: pricing_services.create_price_list(**form.cleaned_data)
            )
            if created is not None:
                messages.success(request, f"Price list {created.name} created.")
                return redirect("catalog-price-list-detail", created.pk)
    rows = (
        PriceList.objects.select_related("customer_group")
        .annotate(item_count=Count("items"))
        .order_by("currency", "name", "pk")
    )
    page = paginated(request, rows, PER_PAGE)
    context = {"form": form, "page": page, "can_write": _can_write(request)}
    return render(request, "catalog/price_list_list.html", context)


def _quantity(text: str) -> Any:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return text


@requires("scm", "read")
def price_list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    """/scm/price-lists/<id>/: a list's prices with a form to set one."""
    price_list = PriceList.objects.select_related("customer_group").filter(pk=list_id).first()
    if price_list is None:
        raise Http404("No such price list.")
    form = PriceForm(request.POST or None)
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, "Changing prices needs write access to SCM.", "scm:write")
        if "remove" in request.POST:
            try:
                pricing_services.remove_price(int(request.POST["remove"]))
            except (DomainError, ValueError):
                messages.error(request, "No such price.")
            return redirect("catalog-price-list-detail", price_list.pk)
        if form.is_valid():
            variant = Variant.objects.filter(sku=form.cleaned_data["sku"].strip()).first()
            if variant is None:
                form.add_error("sku", "No variant with this SKU.")
            else:
                item = call_service(
                    form,
                    lambda: pricing_services.set_price(
                        price_list.pk,
                        variant_id=variant.pk,
                        unit_price=form.cleaned_data["unit_price"],
                        min_quantity=_quantity(form.cleaned_data["min_quantity"]),
                    ),
                )
                if item is not None:
                    messages.success(request, "Price saved.")
                    return redirect("catalog-price-list-detail", price_list.pk)
    items = (
        PriceListItem.objects.filter(price_list=price_list)
        .select_related("variant__product")
        .order_by("variant__sku", "min_quantity")
    )
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    context = {
        "price_list": price_list,
        "form": form,
        "page": page,
        "can_write": _can_write(request),
    }
    return render(request, "catalog/price_list_detail.html", context)


@requires("scm", "read")
def pricing_setup(request: HttpRequest) -> HttpResponse:
    """/scm/pricing/: customer groups (with their members) and tax rates."""
    group_form = CustomerGroupForm(request.POST if "group-code" in request.POST else None)
    tax_form = TaxRateForm(request.POST if "tax-country" in request.POST else None)
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, "Changing prices needs write access to SCM.", "scm:write")
        if group_form.is_bound and group_form.is_valid():
            data = group_form.cleaned_data
            if call_service(group_form, lambda: pricing_services.create_customer_group(**data)):
                messages.success(request, "Customer group created.")
                return redirect("catalog-pricing-setup")
        if tax_form.is_bound and tax_form.is_valid():
            data = tax_form.cleaned_data
            if call_service(tax_form, lambda: pricing_services.set_tax_rate(**data)):
                messages.success(request, "Tax rate saved.")
                return redirect("catalog-pricing-setup")
    context = {
        "groups": CustomerGroup.objects.annotate(member_count=Count("members")).order_by("code"),
        "members": CustomerGroupMember.objects.select_related(
            "group", "account", "person"
        ).order_by("group__code", "pk")[:200],
        "rates": TaxRate.objects.order_by("country", "region", "tax_class"),
        "group_form": group_form,
        "tax_form": tax_form,
        "can_write": _can_write(request),
    }
    return render(request, "catalog/pricing_setup.html", context)

"""Use cases of procurement: suppliers, the items they supply, the selection weights.

Every function runs in one transaction, locks the row it changes (``select_for_update``),
raises DomainError with a stable code and the field at fault, and publishes a past-tense
event. A supplier is a role of a CRM account: creating one by name creates the account
through the customers services, so contacts and addresses stay in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Account
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.fx import tenant_base_currency
from valuechain.platform.inputs import clean_choice, clean_code, clean_number, clean_text
from valuechain.platform.money import normalize_currency
from valuechain.scm.catalog.models import Variant
from valuechain.scm.procurement import domain
from valuechain.scm.procurement.models import (
    PriceBreak,
    ProcurementSettings,
    Supplier,
    SupplierProduct,
)

MAX_QUANTITY = Decimal("99999999999999")  # 18 digits, 4 of them decimals
MAX_PRICE = Decimal("999999999999")  # 18 digits, 6 of them decimals
MAX_LEAD_TIME_DAYS = Decimal(3650)
MAX_PAYMENT_TERMS_DAYS = 3650
MAX_WEIGHT = Decimal(9999)
QUANTITY_PLACES = 4
PRICE_PLACES = 6
DAY_PLACES = 2

SUPPLIER_FIELDS = {"name", "code", "currency", "payment_terms_days", "incoterm", "gln", "is_active"}
PRODUCT_FIELDS = {
    "supplier_sku",
    "currency",
    "min_order_quantity",
    "pack_size",
    "lead_time_days",
    "lead_time_std_days",
    "price_breaks",
    "is_active",
}
WEIGHT_FIELDS = {f"weight_{name}" for name in domain.CRITERIA}


# --- cleaning -------------------------------------------------------------------------------


def not_found(label: str, field: str | None = None) -> DomainError:
    """The 404 of a record that does not exist in the current tenant."""
    return DomainError(f"{label}_not_found", f"No such {label}.", field=field, status=404)


def _gln(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    problem = domain.gln_problem(text)
    if problem:
        raise DomainError("invalid_gln", problem, field="gln")
    return text


def _payment_terms(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_PAYMENT_TERMS_DAYS
    ):
        raise DomainError(
            "invalid_payment_terms_days",
            f"Payment terms are whole days from 0 to {MAX_PAYMENT_TERMS_DAYS}.",
            field="payment_terms_days",
        )
    return value


def _supplier_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "code" in data:
        values["code"] = clean_code(data["code"], "supplier")
    if "currency" in data:
        values["currency"] = normalize_currency(data["currency"], "currency")
    if "payment_terms_days" in data:
        values["payment_terms_days"] = _payment_terms(data["payment_terms_days"])
    if "incoterm" in data:
        values["incoterm"] = clean_choice(
            str(data["incoterm"] or "").upper(), "incoterm", domain.INCOTERMS, blank=True
        )
    if "gln" in data:
        values["gln"] = _gln(data["gln"])
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    return values


def _refuse_unknown(changes: Iterable[str], allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError("invalid_field", f"Cannot change {', '.join(sorted(unknown))}.")


def _check_code_free(code: str, supplier_id: int | None = None) -> None:
    taken = Supplier.objects.filter(code=code).exclude(pk=supplier_id).exists()
    if taken:
        raise DomainError(
            "duplicate_code",
            f"There already is a supplier with the code {code}.",
            field="code",
            status=409,
        )


def _supplier_payload(supplier: Supplier) -> dict[str, Any]:
    return {"supplier_id": supplier.pk, "code": supplier.code, "account_id": supplier.account_id}


# --- suppliers ------------------------------------------------------------------------------


def _account_for_new_supplier(name: Any, account_id: Any) -> Account:
    """The account the new supplier role belongs to: an existing one, or one made by name."""
    has_name = bool(str(name or "").strip())
    if account_id not in (None, "") and has_name:
        raise DomainError(
            "account_or_name",
            "Either choose an existing account or enter a new name, not both.",
            field="account_id",
        )
    if account_id not in (None, ""):
        if isinstance(account_id, bool) or not isinstance(account_id, int):
            raise not_found("account", "account_id")
        account = Account.objects.select_for_update().filter(pk=account_id).first()
        if account is None:
            raise not_found("account", "account_id")
        if Supplier.objects.filter(account=account).exists():
            raise DomainError(
                "account_already_supplier",
                f"{account.name} already is a supplier.",
                field="account_id",
                status=409,
            )
        return account
    if not has_name:
        raise DomainError(
            "name_required", "Enter the supplier's name or choose an account.", field="name"
        )
    return customers.create_account(
        name=clean_text(name, "name", 200, required=True), lifecycle_stage="prospect"
    )


@transaction.atomic
def create_supplier(
    *,
    code: str,
    name: str = "",
    account_id: int | None = None,
    currency: str = "",
    payment_terms_days: int = 30,
    incoterm: str = "",
    gln: str = "",
) -> Supplier:
    """Make an account a supplier: an existing one (``account_id``) or a new one (``name``).

    The currency defaults to the tenant's base currency.
    """
    values = _supplier_values(
        {
            "code": code,
            "currency": currency or tenant_base_currency(),
            "payment_terms_days": payment_terms_days,
            "incoterm": incoterm,
            "gln": gln,
        }
    )
    _check_code_free(values["code"])
    account = _account_for_new_supplier(name, account_id)
    try:
        with transaction.atomic():
            supplier = Supplier.objects.create(account=account, **values)
    except IntegrityError as exc:  # a concurrent create took the code or the account
        raise DomainError(
            "duplicate_code",
            f"There already is a supplier with the code {values['code']} or for this account.",
            field="code",
            status=409,
        ) from exc
    publish("SupplierCreated", _supplier_payload(supplier))
    return supplier


def _locked_supplier(supplier_id: Any) -> Supplier:
    supplier = Supplier.objects.select_for_update().filter(pk=supplier_id).first()
    if supplier is None:
        raise not_found("supplier")
    return supplier


@transaction.atomic
def update_supplier(supplier_id: int, **changes: Any) -> Supplier:
    """Change a supplier's code, terms, GLN or active flag; ``name`` renames its account."""
    _refuse_unknown(changes, SUPPLIER_FIELDS)
    supplier = _locked_supplier(supplier_id)
    values = _supplier_values(changes)
    if "code" in values and values["code"] != supplier.code:
        _check_code_free(values["code"], supplier.pk)
    if "name" in changes:
        customers.update_account(
            supplier.account_id, name=clean_text(changes["name"], "name", 200, required=True)
        )
    for field, value in values.items():
        setattr(supplier, field, value)
    supplier.save()
    publish("SupplierChanged", {**_supplier_payload(supplier), "changed": sorted(changes)})
    return supplier


@transaction.atomic
def deactivate_supplier(supplier_id: int) -> Supplier:
    """Stop buying from a supplier: it leaves every ranking; its records stay."""
    supplier = _locked_supplier(supplier_id)
    if not supplier.is_active:
        raise DomainError(
            "already_inactive", f"Supplier {supplier.code} is already inactive.", status=409
        )
    supplier.is_active = False
    supplier.save()
    publish("SupplierDeactivated", _supplier_payload(supplier))
    return supplier


# --- supplied products ----------------------------------------------------------------------


def _price_breaks(value: Any) -> list[domain.PriceBreak]:
    """Price breaks from ``[{"min_quantity", "unit_price"}, …]``, sorted by quantity."""
    if not isinstance(value, list | tuple) or not value:
        raise DomainError(
            "price_breaks_required",
            "Enter at least one price: from which quantity, at which unit price.",
            field="price_breaks",
        )
    breaks = []
    for index, row in enumerate(value):
        data = row if isinstance(row, Mapping) else getattr(row, "__dict__", {})
        try:
            min_quantity = clean_number(
                data.get("min_quantity"),
                "min_quantity",
                places=QUANTITY_PLACES,
                maximum=MAX_QUANTITY,
            )
            unit_price = clean_number(
                data.get("unit_price"), "unit_price", places=PRICE_PLACES, maximum=MAX_PRICE
            )
        except DomainError as error:
            raise DomainError(
                "invalid_price_break",
                f"Price {index + 1}: {error.message}",
                field="price_breaks",
                details={"index": index, "part": error.field},
            ) from None
        breaks.append(domain.PriceBreak(min_quantity, unit_price))
    quantities = [b.min_quantity for b in breaks]
    if len(set(quantities)) != len(quantities):
        raise DomainError(
            "duplicate_price_break",
            "Two prices start at the same quantity.",
            field="price_breaks",
        )
    return sorted(breaks, key=lambda b: b.min_quantity)


def _check_breaks_cover(
    breaks: list[domain.PriceBreak], min_order_quantity: Decimal, pack_size: Decimal
) -> None:
    """Every quantity one may order must have a price: the first break starts low enough."""
    smallest = domain.smallest_order(min_order_quantity, pack_size)
    if breaks[0].min_quantity > smallest:
        first, least = _plain(breaks[0].min_quantity), _plain(smallest)
        raise DomainError(
            "price_breaks_gap",
            f"The first price starts at {first}, but {least} can be ordered; add a price from "
            f"{least} or lower.",
            field="price_breaks",
            details={"smallest_order": least},
        )


def _plain(number: Decimal) -> str:
    """A quantity without trailing zeros: 12 rather than 12.0000."""
    return f"{number.normalize():f}"


def _product_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "supplier_sku" in data:
        values["supplier_sku"] = clean_text(data["supplier_sku"], "supplier_sku", 64)
    if "currency" in data:
        values["currency"] = normalize_currency(data["currency"], "currency")
    for field, places, maximum in (
        ("min_order_quantity", QUANTITY_PLACES, MAX_QUANTITY),
        ("pack_size", QUANTITY_PLACES, MAX_QUANTITY),
        ("lead_time_days", DAY_PLACES, MAX_LEAD_TIME_DAYS),
        ("lead_time_std_days", DAY_PLACES, MAX_LEAD_TIME_DAYS),
    ):
        if field in data:
            values[field] = clean_number(data[field], field, places=places, maximum=maximum)
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    return values


def _replace_breaks(product: SupplierProduct, breaks: list[domain.PriceBreak]) -> None:
    product.price_breaks.all().delete()
    for row in breaks:
        PriceBreak.objects.create(
            supplier_product=product, min_quantity=row.min_quantity, unit_price=row.unit_price
        )


def _product_payload(product: SupplierProduct) -> dict[str, Any]:
    return {
        "supplier_product_id": product.pk,
        "supplier_id": product.supplier_id,
        "variant_id": product.variant_id,
    }


@transaction.atomic
def create_supplier_product(
    *,
    supplier_id: int,
    variant_id: int,
    price_breaks: list[Any],
    supplier_sku: str = "",
    currency: str = "",
    min_order_quantity: Any = 0,
    pack_size: Any = 1,
    lead_time_days: Any = 0,
    lead_time_std_days: Any = 0,
) -> SupplierProduct:
    """Record that a supplier delivers a variant: its SKU, order rules, lead time, prices.

    The currency defaults to the supplier's.
    """
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        raise not_found("supplier", "supplier_id")
    variant = Variant.objects.filter(pk=variant_id).first()
    if variant is None:
        raise not_found("variant", "variant_id")
    values = _product_values(
        {
            "supplier_sku": supplier_sku,
            "currency": currency or supplier.currency,
            "min_order_quantity": min_order_quantity,
            "pack_size": pack_size,
            "lead_time_days": lead_time_days,
            "lead_time_std_days": lead_time_std_days,
        }
    )
    breaks = _price_breaks(price_breaks)
    _check_breaks_cover(breaks, values["min_order_quantity"], values["pack_size"])
    duplicate = DomainError(
        "duplicate_supplier_product",
        f"{supplier.code} already supplies {variant.sku}; change that record instead.",
        field="variant_id",
        status=409,
    )
    if SupplierProduct.objects.filter(supplier=supplier, variant=variant).exists():
        raise duplicate
    try:
        with transaction.atomic():
            product = SupplierProduct.objects.create(supplier=supplier, variant=variant, **values)
    except IntegrityError as exc:  # a concurrent create of the same pair
        raise duplicate from exc
    _replace_breaks(product, breaks)
    publish("SupplierProductCreated", _product_payload(product))
    return product


@transaction.atomic
def update_supplier_product(supplier_product_id: int, **changes: Any) -> SupplierProduct:
    """Change a supplied product; ``price_breaks`` replaces all its prices."""
    _refuse_unknown(changes, PRODUCT_FIELDS)
    product = SupplierProduct.objects.select_for_update().filter(pk=supplier_product_id).first()
    if product is None:
        raise not_found("supplier_product")
    values = _product_values(changes)
    for field, value in values.items():
        setattr(product, field, value)
    if "price_breaks" in changes:
        breaks = _price_breaks(changes["price_breaks"])
    else:
        breaks = [
            domain.PriceBreak(row.min_quantity, row.unit_price)
            for row in product.price_breaks.order_by("min_quantity")
        ]
    # A higher MOQ or another pack size can leave the old prices covering every quantity or
    # not: check the combination that will be stored.
    _check_breaks_cover(breaks, product.min_order_quantity, product.pack_size)
    product.save()
    if "price_breaks" in changes:
        _replace_breaks(product, breaks)
    publish("SupplierProductChanged", {**_product_payload(product), "changed": sorted(changes)})
    return product


# --- selection weights ----------------------------------------------------------------------


def selection_settings() -> ProcurementSettings:
    """The tenant's selection weights; an unsaved default row when none was stored (no write)."""
    row = ProcurementSettings.objects.first()
    if row is None:
        row = ProcurementSettings()
        for field in WEIGHT_FIELDS:  # as the database would return them: two decimals
            setattr(row, field, Decimal(getattr(row, field)).quantize(Decimal("0.01")))
    return row


def weights_of(row: ProcurementSettings) -> dict[str, Decimal]:
    """The weights of a settings row by criterion name, as domain.rank takes them."""
    return {name: Decimal(getattr(row, f"weight_{name}")) for name in domain.CRITERIA}


@transaction.atomic
def update_selection_settings(**weights: Any) -> ProcurementSettings:
    """Change the weights of supplier selection (``weight_price``, ``weight_lead_time``, …)."""
    _refuse_unknown(weights, WEIGHT_FIELDS)
    row = ProcurementSettings.objects.select_for_update().first()
    if row is None:
        try:
            with transaction.atomic():
                row = ProcurementSettings.objects.create()
        except IntegrityError:  # a concurrent first save created it
            row = ProcurementSettings.objects.select_for_update().get()
    for field in WEIGHT_FIELDS:  # a row just created holds the model's defaults unrounded
        setattr(row, field, Decimal(getattr(row, field)).quantize(Decimal("0.01")))
    for field, value in weights.items():
        weight = clean_number(value, field, places=2, maximum=MAX_WEIGHT)
        setattr(row, field, weight.quantize(Decimal("0.01")))
    if sum(weights_of(row).values(), Decimal(0)) <= 0:
        raise DomainError(
            "weights_all_zero",
            "At least one weight must be above zero, or no supplier could be ranked.",
            field="weight_price",
        )
    row.save()
    publish(
        "ProcurementSettingsChanged",
        {name: str(weight) for name, weight in weights_of(row).items()},
    )
    return row


@transaction.atomic
def record_lead_time(
    *, supplier_id: int, variant_id: int, mean_days: Decimal, std_days: Decimal
) -> SupplierProduct | None:
    """Store the lead time receipts measured (mean and spread in days) on the supplier's record
    of the variant; None when the supplier has no such record. Called by receiving."""
    row = (
        SupplierProduct.objects.select_for_update()
        .filter(supplier_id=supplier_id, variant_id=variant_id)
        .first()
    )
    if row is None:
        return None
    row.lead_time_days = min(mean_days, MAX_LEAD_TIME_DAYS).quantize(Decimal("0.01"))
    row.lead_time_std_days = min(std_days, MAX_LEAD_TIME_DAYS).quantize(Decimal("0.01"))
    row.save(update_fields=["lead_time_days", "lead_time_std_days", "updated_at"])
    publish(
        "SupplierLeadTimeLearned",
        {
            "supplier_product_id": row.pk,
            "lead_time_days": str(row.lead_time_days),
            "lead_time_std_days": str(row.lead_time_std_days),
        },
    )
    return row

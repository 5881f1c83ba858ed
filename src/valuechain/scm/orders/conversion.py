"""Use case: a sales order from a won opportunity (its customer, currency, lines and prices).

An opportunity line names its product by SKU; each becomes an order line of the variant with
that SKU at the negotiated unit price (``price_source = "opportunity"``), taxed for the
ship-to. One order per opportunity: a second is refused with 409 while the first is not
cancelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from valuechain.crm.sales import queries as sales_queries
from valuechain.platform.errors import DomainError
from valuechain.scm.catalog.models import Variant
from valuechain.scm.orders import services
from valuechain.scm.orders.models import SalesOrder


def order_from_opportunity(opportunity_id: int, options: Mapping[str, Any]) -> SalesOrder:
    """Create (and with ``confirm`` confirm) the order of a won opportunity."""
    with transaction.atomic():
        try:
            opportunity = sales_queries.opportunity(opportunity_id)
        except ObjectDoesNotExist as exc:
            raise DomainError("not_found", "No such opportunity.", status=404) from exc
        if opportunity.status != "won":
            raise DomainError(
                "opportunity_not_won",
                f"{opportunity.name} is {opportunity.status}; only won opportunities become "
                "orders.",
                status=409,
                details={"status": opportunity.status},
            )
        existing = (
            SalesOrder.objects.filter(opportunity_id=opportunity.pk)
            .exclude(state="cancelled")
            .values_list("number", flat=True)
            .first()
        )
        if existing is not None:
            raise DomainError(
                "opportunity_already_ordered",
                f"{opportunity.name} already has order {existing}.",
                status=409,
                field="opportunity_id",
                details={"number": existing},
            )
        rows = list(sales_queries.lines(opportunity))
        skus = {row.sku for row in rows if row.sku}
        variants = {v.sku: v.pk for v in Variant.objects.filter(sku__in=skus)}
        lines = []
        for index, row in enumerate(rows):
            variant_id = variants.get(row.sku)
            if variant_id is None:
                raise DomainError(
                    "unknown_sku",
                    f"Line {index + 1} ({row.product_name}) has "
                    + (f"SKU {row.sku!r}, which no product has." if row.sku else "no SKU.")
                    + " Fix the opportunity's line first.",
                    field=f"lines[{index}].sku",
                    details={"sku": row.sku, "line_id": row.pk},
                )
            lines.append(
                {
                    "variant_id": variant_id,
                    "quantity": row.quantity,
                    "unit_price": row.unit_price,
                    "price_source": "opportunity",
                }
            )
        data = {
            **{k: v for k, v in options.items() if k != "confirm" and v is not None},
            "account_id": opportunity.account_id,
            "person_id": opportunity.person_id,
            "currency": opportunity.currency,
            "opportunity_id": opportunity.pk,
            "lines": lines,
        }
        if data.get("person_id") and data.get("account_id"):
            from valuechain.crm.customers.models import Person

            person_account = (
                Person.objects.filter(pk=data["person_id"]).values_list("account_id", flat=True)
            ).first()
            if person_account != data["account_id"]:
                data.pop("person_id")  # a contact of another company: the account orders
        if options.get("confirm"):
            return services.create_and_confirm(data)
        return services.create_order(data)

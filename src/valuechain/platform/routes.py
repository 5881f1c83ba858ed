"""API routes of the kernel: FX rates and document number sequences (area "admin").

Reading needs ``admin:read``, writing ``admin:write``: rates and sequences are tenant
settings. Other contexts use the rates and numbers through ``platform.fx`` and
``platform.numbering`` directly, whatever the caller's role.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Status

from valuechain.platform import fx, numbering
from valuechain.platform.api import ERROR_RESPONSES, ListParams, Page, area_router, paginate
from valuechain.platform.money import Money, decimal_text, normalize_currency
from valuechain.platform.schemas import (
    ConversionOut,
    ConvertQuery,
    FxRateFilter,
    FxRateIn,
    FxRateOut,
    NumberOut,
    SequenceOut,
    SequencePatch,
)

router = area_router("admin", tags=["settings"])


@router.get(
    "/fx-rates",
    response={200: Page[FxRateOut], **ERROR_RESPONSES},
    summary="List FX rates",
)
def list_fx_rates(
    request: HttpRequest, params: Query[ListParams], filters: Query[FxRateFilter]
) -> Any:
    """The tenant's rates, newest day first; sortable by valid_on, base and quote."""
    return paginate(
        fx.rates(),
        params,
        sortable=("valid_on", "base", "quote"),
        default_sort=("-valid_on", "base", "quote"),
        filters=filters,
    )


@router.post("/fx-rates", response={201: FxRateOut, **ERROR_RESPONSES}, summary="Record an FX rate")
def create_fx_rate(request: HttpRequest, payload: FxRateIn) -> Any:
    """Record a rate; 409 fx_rate_exists when the pair has one for that day."""
    rate = fx.record_rate(
        payload.base, payload.quote, payload.rate, payload.valid_on, payload.source
    )
    return Status(201, rate)


@router.get(
    "/fx-rates/convert",
    response={200: ConversionOut, **ERROR_RESPONSES},
    summary="Convert an amount",
)
def convert_amount(request: HttpRequest, query: Query[ConvertQuery]) -> Any:
    """Convert at the rate valid on the day (direct, inverse or via the base currency)."""
    day = query.on or timezone.localdate()
    original = Money(query.amount, normalize_currency(query.currency_from, "from"))
    converted, rate = fx.conversion(original, query.currency_to, day)
    return {
        "original": {"amount": str(original.amount), "currency": original.currency},
        "converted": {"amount": str(converted.amount), "currency": converted.currency},
        "rate": decimal_text(rate),
        "on": day,
    }


@router.delete(
    "/fx-rates/{int:rate_id}",
    response={204: None, **ERROR_RESPONSES},
    summary="Delete an FX rate",
)
def delete_fx_rate(request: HttpRequest, rate_id: int) -> Any:
    """Delete a rate of the tenant."""
    fx.delete_rate(rate_id)
    return Status(204, None)


@router.get(
    "/sequences",
    response={200: Page[SequenceOut], **ERROR_RESPONSES},
    summary="List number sequences",
)
def list_sequences(request: HttpRequest, params: Query[ListParams]) -> Any:
    """The tenant's document number sequences by key."""
    return paginate(
        numbering.sequences(), params, sortable=("key", "updated_at"), default_sort=("key",)
    )


@router.patch(
    "/sequences/{key}",
    response={200: SequenceOut, **ERROR_RESPONSES},
    summary="Configure a number sequence",
)
def configure_sequence(request: HttpRequest, key: str, payload: SequencePatch) -> Any:
    """Set prefix, padding or next value (creating the sequence if needed); 422
    sequence_backwards when the next value would move back."""
    return numbering.configure_sequence(
        key, prefix=payload.prefix, padding=payload.padding, next_value=payload.next_value
    )


@router.post(
    "/sequences/{key}/next",
    response={201: NumberOut, **ERROR_RESPONSES},
    summary="Reserve the next number",
)
def reserve_number(request: HttpRequest, key: str) -> Any:
    """Take the next number for a document made outside valuechain; it is never handed out
    again, even if unused. Send an Idempotency-Key to make retries safe."""
    return Status(201, {"key": key, "number": numbering.next_number(key)})

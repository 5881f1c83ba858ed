"""Settings pages of the kernel: FX rates (list, add, delete, convert) and number sequences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from valuechain.platform import fx, numbering
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.money import Money, decimal_text, normalize_currency

RATES_PER_PAGE = 50
_WRITE = "admin:write"


def _add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's error next to its field, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _can_write(request: HttpRequest) -> bool:
    return allows(getattr(request, "permissions", frozenset()), "admin", "write")


def _currency_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=3,
        max_length=3,
        help_text="ISO 4217 code, e.g. EUR.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 4}),
    )


class FxRateForm(forms.Form):
    """Record a rate: 1 base buys `rate` quote from a day on."""

    base = _currency_field("Base currency")
    quote = _currency_field("Quote currency")
    rate = forms.DecimalField(
        label="Rate",
        max_digits=20,
        decimal_places=10,
        help_text="Units of the quote currency one unit of the base buys.",
    )
    valid_on = forms.DateField(label="Valid from", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label="Source", max_length=60, required=False)


class ConvertForm(forms.Form):
    """Convert an amount at the rate of a day."""

    amount = forms.DecimalField(label="Amount", max_digits=30, decimal_places=10)
    currency_from = _currency_field("From")
    currency_to = _currency_field("To")
    on = forms.DateField(label="On", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RateFilterForm(forms.Form):
    """Narrow the list to one currency (as base or quote)."""

    currency = forms.CharField(label="Currency", max_length=3, required=False)


def _fx_page(
    request: HttpRequest, add_form: FxRateForm | None = None, status: int = 200
) -> HttpResponse:
    filter_form = RateFilterForm(request.GET or None)
    rates = fx.rates()
    currency = ""
    if filter_form.is_valid():
        currency = (filter_form.cleaned_data.get("currency") or "").strip().upper()
        if currency:
            rates = rates.filter(Q(base=currency) | Q(quote=currency))
    page = Paginator(rates, RATES_PER_PAGE).get_page(request.GET.get("page"))
    convert_form, conversion = _conversion(request)
    context: dict[str, Any] = {
        "page": page,
        "rates": [(rate, decimal_text(rate.rate)) for rate in page.object_list],
        "filter_form": filter_form,
        "currency": currency,
        "add_form": add_form or FxRateForm(initial={"valid_on": timezone.localdate()}),
        "convert_form": convert_form,
        "conversion": conversion,
        "can_write": _can_write(request),
    }
    return render(request, "platform/fx_rates.html", context, status=status)


def _conversion(request: HttpRequest) -> tuple[ConvertForm, dict[str, Any] | None]:
    """The convert form from the query string and, when valid, its result."""
    if "amount" not in request.GET:
        return ConvertForm(), None
    form = ConvertForm(request.GET)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    day = data["on"] or timezone.localdate()
    try:
        original = Money(data["amount"], normalize_currency(data["currency_from"], "currency_from"))
        converted, rate = fx.conversion(
            original, normalize_currency(data["currency_to"], "currency_to"), day
        )
    except DomainError as error:
        _add_domain_error(form, error)
        return form, None
    return form, {
        "original": original,
        "converted": converted,
        "rate": decimal_text(rate),
        "on": day,
    }


@requires("admin", "read")
def fx_rates(request: HttpRequest) -> HttpResponse:
    """List, add and convert FX rates."""
    if request.method != "POST":
        return _fx_page(request)
    if not _can_write(request):
        return forbidden(request, "Recording rates needs the admin:write permission.", _WRITE)
    form = FxRateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rate = fx.record_rate(
                data["base"], data["quote"], data["rate"], data["valid_on"], data["source"]
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(
                request,
                f"Recorded 1 {rate.base} = {decimal_text(rate.rate)} {rate.quote} "
                f"from {rate.valid_on.isoformat()}.",
            )
            return redirect("platform-fx-rates")
    return _fx_page(request, form, status=422)


@require_POST
@requires("admin", "write")
def fx_rate_delete(request: HttpRequest, rate_id: int) -> HttpResponse:
    """Delete one rate."""
    try:
        fx.delete_rate(rate_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Rate deleted.")
    return redirect("platform-fx-rates")


class SequenceForm(forms.Form):
    """A sequence's configuration; the next value may only move forward."""

    # The form metaclass moves declared fields into base_fields, so this does not clobber
    # Form.prefix (the HTML name prefix) at run time; only the type checker sees a clash.
    prefix = forms.CharField(  # type: ignore[assignment]
        label="Prefix", max_length=numbering.PREFIX_MAX_LENGTH, required=False, strip=False
    )
    padding = forms.IntegerField(label="Digits", min_value=0, max_value=numbering.MAX_PADDING)
    next_value = forms.IntegerField(label="Next value", min_value=1, max_value=numbering.MAX_VALUE)


class NewSequenceForm(SequenceForm):
    """A new sequence: its key plus the configuration."""

    key = forms.SlugField(
        label="Key", max_length=40, help_text="Lower-case, e.g. 'so' for sales orders."
    )
    field_order = ["key", "prefix", "padding", "next_value"]


def _sequence_page(
    request: HttpRequest,
    *,
    failed_key: str | None = None,
    failed_form: SequenceForm | None = None,
    new_form: NewSequenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = []
    for sequence in numbering.sequences():
        if sequence.key == failed_key and failed_form is not None:
            form = failed_form
        else:
            form = SequenceForm(
                initial={
                    "prefix": sequence.prefix,
                    "padding": sequence.padding,
                    "next_value": sequence.next_value,
                },
                prefix=f"seq-{sequence.key}",
            )
        rows.append((sequence, numbering.preview(sequence), form))
    context = {
        "rows": rows,
        "new_form": new_form or NewSequenceForm(initial={"padding": 6, "next_value": 1}),
        "can_write": _can_write(request),
    }
    return render(request, "platform/sequences.html", context, status=status)


def _configure(form: SequenceForm, key: str) -> DomainError | None:
    data = form.cleaned_data
    try:
        numbering.configure_sequence(
            key,
            prefix=data["prefix"],
            padding=data["padding"],
            next_value=data["next_value"],
        )
    except DomainError as error:
        _add_domain_error(form, error)
        return error
    return None


@requires("admin", "read")
def sequences(request: HttpRequest) -> HttpResponse:
    """List number sequences and add one."""
    if request.method != "POST":
        return _sequence_page(request)
    if not _can_write(request):
        return forbidden(request, "Configuring sequences needs the admin:write permission.", _WRITE)
    form = NewSequenceForm(request.POST)
    if form.is_valid():
        key = form.cleaned_data["key"]
        if numbering.sequences().filter(key=key).exists():
            form.add_error("key", f"A sequence {key!r} exists; edit it in the list.")
        elif _configure(form, key) is None:
            messages.success(request, f"Sequence {key} created.")
            return redirect("platform-sequences")
    return _sequence_page(request, new_form=form, status=422)


@require_POST
@requires("admin", "write")
def sequence_update(request: HttpRequest, key: str) -> HttpResponse:
    """Change one sequence's prefix, digits or next value."""
    form = SequenceForm(request.POST, prefix=f"seq-{key}")
    if form.is_valid() and _configure(form, key) is None:
        messages.success(request, f"Sequence {key} saved.")
        return redirect("platform-sequences")
    return _sequence_page(request, failed_key=key, failed_form=form, status=422)

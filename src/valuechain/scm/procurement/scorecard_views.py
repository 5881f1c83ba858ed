"""The supplier scorecard page: the four measures over a period and their trend per month."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from valuechain.crm.sales.domain import chart_layout
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.scm.procurement import queries, scorecard

# Rates drawn as bars, in percent; price variance is signed and stays in the table.
CHART_SERIES = ("on_time_in_full", "quality_acceptance", "lead_time_reliability")
HUNDRED = Decimal(100)


class ScorecardPeriodForm(forms.Form):
    """The period of a scorecard; empty: the last twelve months."""

    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")


def _percent(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else rate * HUNDRED


@requires("scm", "read")
def supplier_scorecard(request: HttpRequest, supplier_id: int) -> HttpResponse:
    """/scm/suppliers/<id>/scorecard/: measures of a period, a chart and a table per month."""
    try:
        supplier = queries.supplier(supplier_id)
    except DomainError as error:
        raise Http404(error.message) from error
    form = ScorecardPeriodForm(request.GET or None)
    card = None
    if not form.is_bound or form.is_valid():
        period = form.cleaned_data if form.is_bound else {}
        try:
            card = scorecard.supplier_scorecard(
                supplier, period.get("date_from"), period.get("date_to")
            )
        except DomainError as error:
            form.add_error(error.field or None, error.message)
    chart = None
    if card is not None:
        groups = [
            (
                month.month.strftime("%b %y"),
                {name: _percent(getattr(month.card, name)) for name in CHART_SERIES},
            )
            for month in card.trend
        ]
        chart = chart_layout(groups, CHART_SERIES)
    return render(
        request,
        "procurement/scorecard.html",
        {"supplier": supplier, "form": form, "card": card, "chart": chart},
    )

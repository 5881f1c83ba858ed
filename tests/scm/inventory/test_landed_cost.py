"""Landed costs: exact splits by value, weight and quantity, FX at the document date, the
part already shipped going to COGS, and the refusals."""

from __future__ import annotations

from datetime import date

import pytest
from tests.scm.inventory.conftest import D, Network, variant

from valuechain.platform import fx
from valuechain.platform.errors import DomainError
from valuechain.scm.inventory import costing, landed_cost, services, valuation_report, warehouses
from valuechain.scm.inventory.models import CostLayer, LandedCostAllocation, StockValuation

DAY = date(2026, 3, 2)


def _value(v, warehouse) -> tuple:
    row = StockValuation.objects.get(variant=v, warehouse=warehouse)
    return row.quantity, row.value, row.unit_cost


def _shares(landed) -> list[tuple]:
    rows = LandedCostAllocation.objects.filter(landed_cost=landed).order_by("pk")
    return [(a.amount, a.inventory_amount, a.cogs_amount) for a in rows]


def test_allocate_is_exact_by_largest_remainder():
    assert costing.allocate(D("100.00"), [D(1), D(1), D(1)]) == [
        D("33.34"),
        D("33.33"),
        D("33.33"),
    ]
    assert costing.allocate(D("10.00"), [D(1), D(2)]) == [D("3.33"), D("6.67")]
    assert costing.allocate(D("0.05"), [D(3), D(3), D(3), D(1)]) == [
        D("0.02"),  # 1.5 cents each: the leftover cents go to the earliest
        D("0.02"),
        D("0.01"),
        D("0.00"),
    ]
    assert sum(costing.allocate(D("99.99"), [D("0.7"), D("1.3"), D("5")])) == D("99.99")
    with pytest.raises(ValueError):
        costing.allocate(D(1), [D(0)])


def test_by_value_three_equal_receipts(network: Network):
    plum = variant("PLM-1", "Plum")
    for item in (network.apple, network.pear, plum):
        services.receive(
            variant=item, warehouse=network.dc1, quantity=D(10), unit_cost=D(1), reference="PO-9"
        )
    draft = landed_cost.create_landed_cost(
        date=DAY, method="value", reference="PO-9", lines=[{"kind": "freight", "amount": "100.00"}]
    )
    assert (draft.number, draft.state) == ("LC-000001", "draft")
    assert _shares(draft) == [(D(0), D(0), D(0))] * 3
    posted = landed_cost.post_landed_cost(draft.pk)
    assert posted.state == "posted" and posted.posted_at is not None
    assert _shares(posted) == [
        (D("33.34"), D("33.34"), D(0)),
        (D("33.33"), D("33.33"), D(0)),
        (D("33.33"), D("33.33"), D(0)),
    ]
    assert _value(network.apple, network.dc1) == (D(10), D("43.34"), D("4.334000"))
    assert _value(plum, network.dc1) == (D(10), D("43.33"), D("4.333000"))
    assert valuation_report.reconcile() == []
    (out,) = services.issue(variant=network.apple, warehouse=network.dc1, quantity=D(3))
    assert out.value == D("13.00")  # 43.34 x 3 / 10
    with pytest.raises(DomainError) as caught:
        landed_cost.post_landed_cost(draft.pk)
    assert (caught.value.code, caught.value.status) == ("invalid_transition", 409)


def test_by_weight_with_a_foreign_currency_line(network: Network):
    fx.record_rate("EUR", "USD", D("1.25"), DAY)
    apple = network.apple
    apple.weight_kg = D(2)
    apple.save()
    pear = network.pear
    pear.weight_kg = D("1")
    pear.save()
    a = services.receive(
        variant=apple, warehouse=network.dc1, quantity=D(3), unit_cost=D(4), reference="PO-3"
    )
    p = services.receive(
        variant=pear, warehouse=network.dc2, quantity=D(4), unit_cost=D(1), reference="PO-3"
    )
    draft = landed_cost.create_landed_cost(
        date=DAY,
        method="weight",
        move_ids=[p.pk, a.pk],
        lines=[
            {"kind": "freight", "amount": "50.00"},
            {"kind": "duty", "amount": "20", "currency": "usd"},
        ],
    )
    duty = draft.lines.get(kind="duty")
    assert (duty.currency, duty.rate, duty.base_amount) == ("USD", D("0.8"), D("16.00"))
    landed_cost.post_landed_cost(draft.pk)
    assert _shares(draft) == [
        (D("39.60"), D("39.60"), D(0)),  # 6 kg of 10
        (D("26.40"), D("26.40"), D(0)),
    ]
    assert _value(apple, network.dc1) == (D(3), D("51.60"), D("17.200000"))
    assert _value(pear, network.dc2) == (D(4), D("30.40"), D("7.600000"))
    assert valuation_report.reconcile() == []
    report = valuation_report.report()
    assert report["valuation_value"] == report["ledger_value"] == D("82.00")


def test_by_weight_refuses_a_receipt_without_weight(network: Network):
    services.receive(
        variant=network.apple, warehouse=network.dc1, quantity=D(1), unit_cost=D(1), reference="X"
    )
    with pytest.raises(DomainError) as caught:
        landed_cost.create_landed_cost(
            date=DAY, method="weight", reference="X", lines=[{"kind": "freight", "amount": "5"}]
        )
    assert (caught.value.code, caught.value.field) == ("missing_weight", "method")
    assert "APL-1 has no weight" in caught.value.message


@pytest.mark.parametrize("method", ["average", "fifo"])
def test_shipped_part_goes_to_cogs(network: Network, method: str):
    warehouses.update_settings(costing_method=method)
    services.receive(
        variant=network.apple,
        warehouse=network.dc1,
        quantity=D(10),
        unit_cost=D(5),
        reference="PO-7",
    )
    services.issue(variant=network.apple, warehouse=network.dc1, quantity=D(4), reference="SO-7")
    draft = landed_cost.create_landed_cost(
        date=DAY, method="quantity", reference="PO-7", lines=[{"kind": "insurance", "amount": "10"}]
    )
    landed_cost.post_landed_cost(draft.pk)
    assert _shares(draft) == [(D("10.00"), D("6.00"), D("4.00"))]
    assert _value(network.apple, network.dc1) == (D(6), D("36.00"), D("6.000000"))
    if method == "fifo":
        layer = CostLayer.objects.get(move__reference="PO-7")
        assert (layer.remaining_quantity, layer.remaining_value) == (D(6), D("36.00"))
    figures = valuation_report.cogs()
    assert (figures["shipments_value"], figures["landed_cost_adjustments"], figures["cogs"]) == (
        D("20.00"),
        D("4.00"),
        D("24.00"),
    )
    assert valuation_report.cogs(reference="SO-7")["cogs"] == D("20.00")
    (out,) = services.issue(variant=network.apple, warehouse=network.dc1, quantity=D(6))
    assert out.value == D("36.00")
    assert valuation_report.reconcile() == []


def test_by_quantity_awkward_split(network: Network):
    services.receive(
        variant=network.apple, warehouse=network.dc1, quantity=D(1), unit_cost=D(1), reference="Q"
    )
    services.receive(
        variant=network.pear, warehouse=network.dc1, quantity=D(2), unit_cost=D(1), reference="Q"
    )
    draft = landed_cost.create_landed_cost(
        date=DAY,
        method="quantity",
        reference="Q",
        lines=[{"kind": "freight", "amount": "7.01"}, {"kind": "other", "amount": "2.99"}],
    )
    landed_cost.post_landed_cost(draft.pk)
    assert [s[0] for s in _shares(draft)] == [D("3.33"), D("6.67")]
    assert valuation_report.reconcile() == []


def test_refusals(network: Network):
    def refused(**kwargs):
        values = {"date": DAY, "method": "value", "reference": "R", "lines": []}
        values.update(kwargs)
        with pytest.raises(DomainError) as caught:
            landed_cost.create_landed_cost(**values)
        return caught.value.code, caught.value.field

    good = [{"kind": "freight", "amount": "1"}]
    assert refused() == ("lines_required", "lines")
    assert refused(method="volume", lines=good) == ("invalid_method", "method")
    assert refused(lines=[{"kind": "tip", "amount": "1"}]) == ("invalid_kind", "lines.0.kind")
    assert refused(lines=[{"kind": "duty", "amount": "-1"}]) == ("invalid_amount", "lines.0.amount")
    assert refused(lines=[{"kind": "duty", "amount": "1.001"}]) == (
        "invalid_amount",
        "lines.0.amount",
    )
    assert refused(lines=good) == ("no_receipts", "reference")
    assert refused(lines=good, reference="") == ("receipts_required", "reference")
    assert refused(lines=good, move_ids=[999999]) == ("not_found", "move_ids")
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(1), reference="R")
    assert refused(lines=good) == ("nothing_to_split", "method")  # received at no cost
    assert refused(lines=[{"kind": "duty", "amount": "1", "currency": "JPY"}]) == (
        "fx_rate_missing",
        None,
    )
    draft = landed_cost.create_landed_cost(date=DAY, method="quantity", reference="R", lines=good)
    landed_cost.delete_landed_cost(draft.pk)
    with pytest.raises(DomainError) as caught:
        landed_cost.post_landed_cost(draft.pk)
    assert caught.value.code == "not_found"

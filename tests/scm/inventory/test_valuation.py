"""Inventory valuation: exact values of every move under moving average and FIFO, the
reconciliation of the valuation with the ledger, COGS and the report as of a past day."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from tests.scm.inventory.conftest import D, Network

from valuechain.platform.errors import DomainError
from valuechain.scm.inventory import movements, services, valuation, valuation_report, warehouses
from valuechain.scm.inventory.models import CostLayer, StockMove, StockValuation


def _held(net: Network, warehouse) -> tuple[Decimal, Decimal, Decimal]:
    row = StockValuation.objects.get(variant=net.apple, warehouse=warehouse)
    return row.quantity, row.value, row.unit_cost


def _sequence(net: Network) -> dict[str, StockMove]:
    """receive 10@5, receive 10@7, ship 15, return 1, transfer 2, adjust +1, scrap 1."""
    moves: dict[str, StockMove] = {}
    moves["r1"] = services.receive(
        variant=net.apple, warehouse=net.dc1, quantity=D(10), unit_cost=D(5), reference="PO-1"
    )
    moves["r2"] = services.receive(
        variant=net.apple, warehouse=net.dc1, quantity=D(10), unit_cost=D(7), reference="PO-2"
    )
    (moves["ship"],) = services.issue(
        variant=net.apple, warehouse=net.dc1, quantity=D(15), reference="SO-1"
    )
    moves["return"] = movements.return_goods(
        variant=net.apple, warehouse=net.dc1, quantity=D(1), reference="SO-1"
    )
    transfer = movements.ship_transfer(
        variant=net.apple, from_warehouse=net.dc1, to_warehouse=net.dc2, quantity=D(2)
    )
    moves["transfer"] = StockMove.objects.get(
        source_id=transfer.pk, source_type="inventory.transfer"
    )
    movements.receive_transfer(transfer.pk)
    moves["received"] = StockMove.objects.filter(source_id=transfer.pk).order_by("pk").last()
    moves["adjust"] = movements.adjust(
        variant=net.apple, location=services.location_of(net.dc1, "stock"), quantity=D(1)
    )
    moves["scrap"] = movements.scrap(variant=net.apple, warehouse=net.dc1, quantity=D(1))
    return moves


def _values(moves: dict[str, StockMove]) -> dict[str, tuple[Decimal, Decimal]]:
    return {name: (m.unit_cost, m.value) for name, m in moves.items()}


def test_moving_average_sequence(network: Network):
    moves = _sequence(network)
    assert _values(moves) == {
        "r1": (D("5.000000"), D("50.00")),
        "r2": (D("7.000000"), D("70.00")),
        "ship": (D("6.000000"), D("90.00")),  # 120 / 20 x 15
        "return": (D("6.000000"), D("6.00")),  # at the current average
        "transfer": (D("6.000000"), D("12.00")),
        "received": (D("6.000000"), D("12.00")),  # inside DC2: carries the cost, no change
        "adjust": (D("6.000000"), D("6.00")),
        "scrap": (D("6.000000"), D("6.00")),
    }
    assert _held(network, network.dc1) == (D(4), D("24.00"), D("6.000000"))
    assert _held(network, network.dc2) == (D(2), D("12.00"), D("6.000000"))
    assert valuation_report.reconcile() == []
    assert not CostLayer.objects.exists()


def test_fifo_sequence(network: Network):
    warehouses.update_settings(costing_method="fifo")
    moves = _sequence(network)
    assert _values(moves) == {
        "r1": (D("5.000000"), D("50.00")),
        "r2": (D("7.000000"), D("70.00")),
        "ship": (D("5.666667"), D("85.00")),  # 10 x 5 + 5 x 7
        "return": (D("7.000000"), D("7.00")),  # the current cost: 35 / 5 left
        "transfer": (D("7.000000"), D("14.00")),  # from the oldest layer left (7)
        "received": (D("7.000000"), D("14.00")),
        "adjust": (D("7.000000"), D("7.00")),  # 28 / 4
        "scrap": (D("7.000000"), D("7.00")),
    }
    assert _held(network, network.dc1) == (D(4), D("28.00"), D("7.000000"))
    assert _held(network, network.dc2) == (D(2), D("14.00"), D("7.000000"))
    layers = CostLayer.objects.filter(warehouse=network.dc1).order_by("pk")
    assert [(x.quantity, x.remaining_quantity, x.remaining_value) for x in layers] == [
        (D(10), D(0), D("0.00")),
        (D(10), D(2), D("14.00")),
        (D(1), D(1), D("7.00")),  # the return
        (D(1), D(1), D("7.00")),  # the adjustment
    ]
    assert [x.move_id for x in layers] == [
        moves["r1"].pk,
        moves["r2"].pk,
        moves["return"].pk,
        moves["adjust"].pk,
    ]
    (dc2_layer,) = CostLayer.objects.filter(warehouse=network.dc2)
    assert (dc2_layer.remaining_quantity, dc2_layer.remaining_value) == (D(2), D("14.00"))
    assert valuation_report.reconcile() == []


@pytest.mark.parametrize("method", ["average", "fifo"])
def test_cogs_per_order_and_totals(network: Network, method: str):
    warehouses.update_settings(costing_method=method)
    _sequence(network)
    services.issue(variant=network.apple, warehouse=network.dc2, quantity=D(1), reference="SO-2")
    figures = valuation_report.cogs()
    expected = {
        "average": (D("96.00"), D("6.00"), D("90.00"), D("84.00")),
        "fifo": (D("92.00"), D("7.00"), D("85.00"), D("78.00")),
    }[method]
    shipped, returned, so1_shipped, so1_cogs = expected
    assert (figures["shipments_value"], figures["returns_value"]) == (shipped, returned)
    assert figures["cogs"] == shipped - returned
    assert figures["currency"] == "EUR"
    so1 = next(r for r in figures["by_reference"] if r["reference"] == "SO-1")
    assert (so1["shipments_value"], so1["cogs"], so1["shipped_quantity"]) == (
        so1_shipped,
        so1_cogs,
        D(15),
    )
    assert (
        valuation_report.cogs(reference="SO-2")["cogs"] == D("6.00")
        if method == "average"
        else D("7.00")
    )
    assert valuation_report.cogs(warehouse_id=network.dc2.pk)["cogs"] == (
        D("6.00") if method == "average" else D("7.00")
    )
    tomorrow = services.today() + timedelta(days=1)
    assert valuation_report.cogs(date_from=tomorrow)["cogs"] == D(0)


def test_report_today_and_as_of_a_past_day(network: Network):
    network.apple.product.category = "Fruit"
    network.apple.product.save()
    _sequence(network)
    services.receive(variant=network.pear, warehouse=network.dc2, quantity=D(3), unit_cost=D("1.1"))
    report = valuation_report.report()
    assert report["reconciled"] is True
    assert report["valuation_value"] == report["ledger_value"] == D("39.30")
    assert [
        (r["warehouse_code"], r["quantity"], r["value"], r["unit_cost"])
        for r in report["by_warehouse"]
    ] == [
        ("DC1", D(4), D("24.00"), D("6.000000")),
        ("DC2", D(5), D("15.30"), D("3.060000")),
    ]
    assert [(r["category"], r["quantity"], r["value"]) for r in report["by_category"]] == [
        ("", D(3), D("3.30")),
        ("Fruit", D(6), D("36.00")),
    ]
    # moves of earlier days: shift them back, the report as of then sees only those
    yesterday = services.today() - timedelta(days=1)
    first = StockMove.objects.order_by("pk")[:2]
    StockMove.objects.filter(pk__in=[m.pk for m in first]).update(
        moved_at=first[0].moved_at - timedelta(days=1)
    )
    past = valuation_report.report(day=yesterday)
    assert (past["quantity"], past["valuation_value"], past["ledger_value"]) == (
        D(20),
        D("120.00"),
        D("120.00"),
    )
    assert valuation_report.report(warehouse_id=network.dc2.pk)["valuation_value"] == D("15.30")
    assert valuation_report.report(category="Fruit")["valuation_value"] == D("36.00")
    lines = valuation_report.report_lines(report)
    assert lines[0] == [
        "group",
        "name",
        "quantity",
        "value",
        "unit_cost",
        "ledger_value",
        "currency",
    ]
    assert lines[1] == ["warehouse", "DC1", "4", "24.00", "6.000000", "24.00", "EUR"]
    assert lines[-1] == ["category", "Fruit", "6", "36.00", "6.000000", "36.00", "EUR"]


def test_reconcile_finds_a_corrupted_valuation(network: Network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(2), unit_cost=D(3))
    StockValuation.objects.filter(variant=network.apple).update(value=D("5.99"))
    (problem,) = valuation_report.reconcile()
    assert (problem["valuation_value"], problem["ledger_value"]) == (D("5.99"), D("6.00"))
    assert valuation_report.report()["reconciled"] is False


def test_receipt_without_cost_uses_the_current_cost_or_zero(network: Network):
    first = services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(2))
    assert (first.unit_cost, first.value) == (D(0), D(0))
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(2), unit_cost=D(4))
    third = services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(1))
    assert (third.unit_cost, third.value) == (D("2.000000"), D("2.00"))  # (0 + 8) / 4


def test_unit_cost_rounding_and_refusals(network: Network):
    move = services.receive(
        variant=network.apple, warehouse=network.dc1, quantity=D(3), unit_cost=D("0.3333335")
    )
    assert (move.unit_cost, move.value) == (D("0.333334"), D("1.00"))
    (out,) = services.issue(variant=network.apple, warehouse=network.dc1, quantity=D(1))
    assert out.value == D("0.33")
    (out,) = services.issue(variant=network.apple, warehouse=network.dc1, quantity=D(2))
    assert out.value == D("0.67")  # the rest of the value, exactly
    assert _held(network, network.dc1)[:2] == (D(0), D("0.00"))
    for bad in ("-1", "abc", "NaN"):
        with pytest.raises(DomainError) as caught:
            services.receive(
                variant=network.apple, warehouse=network.dc1, quantity=D(1), unit_cost=bad
            )
        assert (caught.value.code, caught.value.field) == ("invalid_unit_cost", "unit_cost")


def test_costing_method_change_is_refused_while_stock_is_valued(network: Network):
    assert services.policy().costing_method == "average"
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(1), unit_cost=D(2))
    with pytest.raises(DomainError) as caught:
        warehouses.update_settings(costing_method="fifo")
    assert (caught.value.code, caught.value.status, caught.value.field) == (
        "valued_stock_exists",
        409,
        "costing_method",
    )
    with pytest.raises(DomainError) as caught:
        warehouses.update_settings(costing_method="lifo")
    assert caught.value.code == "invalid_costing_method"
    assert warehouses.update_settings(costing_method="average").costing_method == "average"
    services.issue(variant=network.apple, warehouse=network.dc1, quantity=D(1))
    assert warehouses.update_settings(costing_method="fifo").costing_method == "fifo"


@pytest.mark.parametrize("method", ["average", "fifo"])
def test_negative_stock_is_valued_at_the_last_cost_and_filled_later(network: Network, method):
    warehouses.update_settings(allow_negative_stock=True, costing_method=method)
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(2), unit_cost=D(5))
    moves = services.issue(variant=network.apple, warehouse=network.dc1, quantity=D(5))
    assert [m.value for m in moves] == [D("10.00"), D("15.00")]  # on hand, then 3 x 5 short
    assert _held(network, network.dc1)[:2] == (D(-3), D("-15.00"))
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(4), unit_cost=D(6))
    assert _held(network, network.dc1)[:2] == (D(1), D("9.00"))
    assert valuation_report.reconcile() == []
    if method == "fifo":
        layer = CostLayer.objects.filter(warehouse=network.dc1).order_by("pk").last()
        assert (layer.remaining_quantity, layer.remaining_value) == (D(1), D("9.00"))


def test_production_takes_the_given_cost(network: Network):
    from valuechain.scm.inventory import production

    move = production.produce(
        variant=network.apple, warehouse=network.dc1, quantity=D(4), unit_cost=D("2.5")
    )
    assert (move.unit_cost, move.value) == (D("2.500000"), D("10.00"))
    again = production.produce(variant=network.apple, warehouse=network.dc1, quantity=D(1))
    assert again.value == D("2.50")  # the current average


def test_current_cost_and_valued_locations(network: Network):
    assert valuation.current_cost(network.apple.pk, network.dc1.pk) == D(0)
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(4), unit_cost=D(3))
    assert valuation.current_cost(network.apple.pk, network.dc1.pk) == D(3)
    assert valuation.valued_warehouse(services.location_of(network.dc1, "scrap")) is None
    assert (
        valuation.valued_warehouse(services.location_of(network.dc1, "transit")) == network.dc1.pk
    )
    assert valuation.valued_warehouse(services.virtual_location("customer")) is None


def test_in_transit_counts_under_the_receiving_warehouse_and_put_away_changes_nothing(
    network: Network,
):
    services.receive(
        variant=network.apple,
        warehouse=network.dc1,
        quantity=D(4),
        unit_cost=D(3),
        location=services.location_of(network.dc1, "receiving"),
    )
    put_away = movements.post_move(
        kind="transfer",
        variant=network.apple,
        quantity=D(4),
        from_location=services.location_of(network.dc1, "receiving"),
        to_location=services.location_of(network.dc1, "stock"),
    )
    assert (put_away.unit_cost, put_away.value) == (D("3.000000"), D("12.00"))
    assert _held(network, network.dc1)[:2] == (D(4), D("12.00"))
    movements.ship_transfer(
        variant=network.apple, from_warehouse=network.dc1, to_warehouse=network.dc2, quantity=D(1)
    )
    by_code = {r["warehouse_code"]: r["value"] for r in valuation_report.report()["by_warehouse"]}
    assert by_code == {"DC1": D("9.00"), "DC2": D("3.00")}  # DC2's while in transit
    assert valuation_report.reconcile() == []

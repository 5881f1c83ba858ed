"""Pure allocation, ranking and picking rules (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from valuechain.scm.inventory import domain
from valuechain.scm.inventory.domain import Bin, Need, Site

TODAY = date(2026, 6, 1)
A = Site(1, priority=2, country="DE", postal_code="10115", latitude=52.53, longitude=13.38)
B = Site(2, priority=1, country="DE", postal_code="80331", latitude=48.14, longitude=11.58)
C = Site(3, priority=3, country="FR", postal_code="75001", latitude=48.86, longitude=2.34)


def test_rank_by_priority_without_ship_to():
    assert [s.id for s in domain.rank_sites([A, B, C])] == [2, 1, 3]


def test_rank_by_postal_prefix_within_country():
    assert [
        s.id
        for s in domain.rank_sites([A, B, C], ship_to_country="DE", ship_to_postal_code="10999")
    ] == [1, 2, 3]
    assert [
        s.id
        for s in domain.rank_sites([A, B, C], ship_to_country="DE", ship_to_postal_code="81000")
    ] == [2, 1, 3]
    assert [s.id for s in domain.rank_sites([A, B, C], ship_to_country="FR")] == [3, 2, 1]


def test_rank_by_distance_with_coordinates():
    ranked = domain.rank_sites([A, B, C], ship_to_latitude=49.26, ship_to_longitude=4.03)  # Reims
    assert [s.id for s in ranked] == [3, 2, 1]
    assert round(domain.distance_km(52.52, 13.405, 48.137, 11.575)) == 504  # Berlin-Munich


def test_allocate_split_across_warehouses_in_order():
    plan = domain.allocate(
        [Need(10, 7, D(8))], {(7, 1): D(5), (7, 2): D(5)}, [B, A], allow_split=True
    )
    assert plan.allocations == [(10, 7, 2, D(5)), (10, 7, 1, D(3))]
    assert plan.backordered == {}


def test_allocate_without_split_takes_the_first_whole_warehouse():
    plan = domain.allocate(
        [Need(10, 7, D(6))], {(7, 1): D(10), (7, 2): D(5)}, [B, A], allow_split=False
    )
    assert plan.allocations == [(10, 7, 1, D(6))]


def test_allocate_shortage_reports_requested_and_available():
    with pytest.raises(domain.Shortage) as caught:
        domain.allocate([Need(1, 7, D(4)), Need(2, 7, D(4))], {(7, 1): D(3), (7, 2): D(3)}, [A, B])
    assert (caught.value.variant_id, caught.value.requested, caught.value.available) == (
        7,
        D(8),
        D(6),
    )
    with pytest.raises(domain.Shortage) as caught:
        domain.allocate([Need(1, 7, D(4))], {(7, 1): D(3), (7, 2): D(3)}, [A, B], allow_split=False)
    assert caught.value.available == D(3)


def test_allocate_backorders_the_rest():
    plan = domain.allocate(
        [Need(1, 7, D(10))], {(7, 1): D(3), (7, 2): D(-2)}, [A, B], allow_backorder=True
    )
    assert plan.allocations == [(1, 7, 1, D(3))]
    assert plan.backordered == {1: D(7)}
    plan = domain.allocate(
        [Need(1, 7, D(10))],
        {(7, 1): D(3), (7, 2): D(4)},
        [A, B],
        allow_split=False,
        allow_backorder=True,
    )
    assert plan.allocations == [(1, 7, 2, D(4))]
    assert plan.backordered == {1: D(6)}


def test_pick_fefo_skips_expired_and_takes_earliest_first():
    bins = [
        Bin(1, D(5), None),
        Bin(2, D(5), date(2026, 9, 1)),
        Bin(3, D(5), date(2026, 7, 1)),
        Bin(4, D(5), date(2026, 5, 31)),  # expired yesterday
        Bin(5, D(5), date(2026, 6, 1)),  # last day: still good
    ]
    assert domain.pick(D(12), bins, fefo=True, today=TODAY) == [(5, D(5)), (3, D(5)), (2, D(2))]
    assert domain.pick(D(12), bins, fefo=False, today=TODAY) == [(1, D(5)), (2, D(5)), (3, D(2))]
    assert domain.pick(D(30), bins, fefo=True, today=TODAY)[-1] == (1, D(5))


def test_reorder_quantity_orders_up_to_max_below_min():
    assert domain.reorder_quantity(available=D(3), incoming=D(1), minimum=D(5), maximum=D(20)) == D(
        16
    )
    assert domain.reorder_quantity(available=D(3), incoming=D(2), minimum=D(5), maximum=D(20)) == D(
        0
    )
    assert domain.reorder_quantity(
        available=D(-4), incoming=D(0), minimum=D(5), maximum=D(20)
    ) == D(24)

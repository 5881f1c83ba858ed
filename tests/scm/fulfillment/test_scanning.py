"""The pick and pack scan modes and the package label, as bar codes calls them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from valuechain.platform.errors import DomainError
from valuechain.scm.barcodes import gs1
from valuechain.scm.barcodes.labels import label_source
from valuechain.scm.barcodes.scanning import ScanInput, scan_mode
from valuechain.scm.fulfillment import packing, services
from valuechain.scm.fulfillment.models import Package, PickListLine

from .conftest import MUG_GTIN, TEA_GTIN

D = Decimal


def _scan(mode: str, code: str, state: dict, **data) -> object:
    text = gs1.normalise(code)
    elements = gs1.parse_element_string(code) if gs1.is_element_string(code) else {}
    registered = scan_mode(mode)
    assert registered is not None
    return registered.handle(
        ScanInput(mode=mode, code=text, elements=elements, state=state, data=data)
    )


def _refused(code: str, *args, **kwargs) -> None:
    with pytest.raises(DomainError) as caught:
        _scan(*args, **kwargs)
    assert caught.value.code == code, caught.value.message


def test_modes_are_registered():
    pick, pack = scan_mode("pick"), scan_mode("pack")
    assert pick is not None and pick.label == "Pick" and not pick.needs_warehouse
    assert pack is not None and pack.label == "Pack"
    assert [f.name for f in pick.fields] == ["quantity"]


def test_pick_then_pack_by_scanning(world):
    order = world.order((world.mug, "2"), (world.tea, "1"))
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
    state: dict = {}
    _refused("pick_list_required", "pick", MUG_GTIN, state)
    outcome = _scan("pick", pick_list.number.lower(), state)
    assert state["pick_list_id"] == pick_list.pk
    assert outcome.prompt == "Go to WH1/STOCK/A-01: 1 x TEA-1 lot L1"
    _refused("location_required", "pick", MUG_GTIN, state)
    _scan("pick", "WH1/STOCK/A-01", state)
    assert state["pick_location"] == "WH1/STOCK/A-01"
    outcome = _scan("pick", f"]C101{'0' + TEA_GTIN}10L1", state)
    assert outcome.message == "Picked 1 x TEA-1 at WH1/STOCK/A-01."
    assert outcome.prompt == "Go to WH1/STOCK/B-01: 2 x MUG-1"
    _scan("pick", "WH1/STOCK/B-01", state)
    outcome = _scan("pick", MUG_GTIN, state, quantity="2")
    assert outcome.prompt == "Everything is picked: take it to packing."
    assert sorted(PickListLine.objects.values_list("quantity_picked", flat=True)) == [
        D("1"),
        D("2"),
    ]

    pack_state: dict = {}
    _refused("package_required", "pack", MUG_GTIN, pack_state)
    outcome = _scan("pack", order.number, pack_state)
    package = Package.objects.get()
    assert pack_state["pack_package_id"] == package.pk
    assert outcome.message == f"New package {package.sscc} for {order.number}."
    _scan("pack", MUG_GTIN, pack_state, quantity=2)
    _scan("pack", TEA_GTIN, pack_state)
    other_state: dict = {}
    outcome = _scan("pack", f"(00){package.sscc}", other_state)
    assert other_state["pack_package_id"] == package.pk
    _scan("pack", package.sscc, other_state)  # the bare 18 digits work too
    _refused("unknown_package", "pack", gs1.make_sscc(9, "0614141", 42), other_state)
    assert sorted(package.lines.values_list("quantity", flat=True)) == [D("1"), D("2")]


def test_package_label(world):
    order = world.order((world.mug, "2"))
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
    line = pick_list.lines.get()
    services.confirm_pick(pick_list.pk, line.pk, "2")
    package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    packing.pack_items(package.pk, [(line.pk, "2")])
    packing.close_package(package.pk, weight_kg="0.8")
    source = label_source("package")
    assert source is not None
    label = source(package.pk)
    assert label is not None
    assert label.title == f"SSCC {package.sscc}"
    assert label.code_value == f"(00){package.sscc}"
    assert label.symbology == "gs1-128"
    assert "Ship to: Acme GmbH" in label.lines
    assert f"Order {order.number}" in label.lines
    assert "Weight: 0.800 kg" in label.lines
    assert "2 x MUG-1" in label.lines
    assert source(999999) is None

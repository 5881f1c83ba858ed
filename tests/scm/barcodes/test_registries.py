"""The label-source and scan-mode registries, and the purity of the GS1/EPC modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from valuechain.scm.barcodes import labels, scanning

SRC = Path(__file__).resolve().parents[3] / "src" / "valuechain" / "scm" / "barcodes"


@pytest.mark.parametrize("module", ["gs1.py", "epc.py", "labels.py", "scanning.py"])
def test_pure_modules_import_no_django(module):
    # Not under import-linter's "domain is pure" contract (it matches *.domain only and
    # pyproject.toml is shared), so this test keeps them free of Django and the web layer.
    tree = ast.parse((SRC / module).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    project = {name for name in imported if name.startswith("valuechain")}
    assert not {name for name in imported if name.split(".")[0] in {"django", "ninja"}}
    assert project <= {"valuechain.scm.barcodes.gs1"}


def test_label_sources_register_by_kind():
    def source(record_id):
        return labels.LabelData("Box", ["line"], f"(00){record_id}", "gs1-128")

    labels.register_label_source("test-box", source)
    try:
        assert labels.label_source("test-box") is source
        assert "test-box" in labels.label_kinds()
        assert labels.label_source("nothing") is None
    finally:
        labels._sources.pop("test-box")
    with pytest.raises(ValueError):
        labels.register_label_source("Bad Kind", source)
    with pytest.raises(ValueError):
        labels.LabelData("x", [], "1", "pdf417")


def test_gtin_symbology_by_length():
    assert labels.gtin_symbology("96385074") == "ean8"
    assert labels.gtin_symbology("036000291452") == "upca"
    assert labels.gtin_symbology("6291041500213") == "ean13"
    assert labels.gtin_symbology("80614141123458") == "itf14"


def test_scan_modes_register_and_sort():
    def handle(scan):
        return scanning.ScanOutcome(f"saw {scan.code}")

    scanning.register_scan_mode(scanning.ScanMode("test-late", "Late", handle, order=999))
    scanning.register_scan_mode(scanning.ScanMode("test-early", "Early", handle, order=-1))
    try:
        keys = [mode.key for mode in scanning.scan_modes()]
        assert keys[0] == "test-early"
        assert keys[-1] == "test-late"
        mode = scanning.scan_mode("test-late")
        assert mode is not None
        outcome = mode.handle(scanning.ScanInput("test-late", "X", {}, {}))
        assert outcome == scanning.ScanOutcome("saw X")
    finally:
        scanning._modes.pop("test-late")
        scanning._modes.pop("test-early")
    with pytest.raises(ValueError):
        scanning.register_scan_mode(scanning.ScanMode("a b", "A", handle))

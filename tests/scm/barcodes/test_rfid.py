"""RFID ingest: decode SGTIN-96/SSCC-96, move serialised items, idempotent, unknowns kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from tests.scm.barcodes.conftest import ledger_matches_balances, location, on_hand

from valuechain.platform.errors import DomainError
from valuechain.scm.barcodes import epc, services
from valuechain.scm.barcodes.models import TagRead
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import Lot, StockMove

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
GTIN = "06291041500213"  # the fixture variant's GTIN-13 as a GTIN-14


def tag(serial: int) -> str:
    """The SGTIN-96 of the fixture variant (company prefix 6291041, 7 digits)."""
    return epc.encode_sgtin96(GTIN, serial, company_prefix_length=7)


def read(reader: str, antenna: int, hex_value: str, seconds: int = 0) -> dict:
    return {
        "reader": reader,
        "antenna": antenna,
        "epc": hex_value,
        "read_at": T0 + timedelta(seconds=seconds),
    }


@pytest.fixture
def dock(variant, warehouse):
    """Serials 1001 and 1002 on hand in WH1/STOCK; antenna dock#1 watches WH1/STOCK/A-01,
    dock#2 watches WH1/STOCK."""
    for serial in ("1001", "1002"):
        Lot.objects.create(variant=variant, number=serial, is_serial=True)
        inventory.receive(
            variant=variant, warehouse=warehouse, quantity=Decimal(1), lot_number=serial
        )
    services.save_antenna(reader="dock", antenna=1, location_id=location("WH1/STOCK/A-01").pk)
    services.save_antenna(reader="dock", antenna=2, location_id=location("WH1/STOCK").pk)
    return variant


def test_an_item_seen_elsewhere_moves_there(dock):
    report = services.ingest_reads([read("dock", 1, tag(1001))])
    assert report.as_dict() == {
        "received": 1,
        "duplicates": 0,
        "moved": 1,
        "unchanged": 0,
        "unknown": 0,
        "moves": [
            {
                "epc": tag(1001),
                "gtin": GTIN,
                "serial": "1001",
                "variant_id": dock.pk,
                "from_location": "WH1/STOCK",
                "to_location": "WH1/STOCK/A-01",
                "quantity": "1.0000",
                "move_id": StockMove.objects.get(kind="transfer").pk,
            }
        ],
        "unknown_reads": [],
    }
    assert on_hand(dock, "WH1/STOCK/A-01", "1001") == Decimal(1)
    assert on_hand(dock, "WH1/STOCK", "1001") == Decimal(0)
    row = TagRead.objects.get()
    assert (row.scheme, row.gtin, row.serial, row.variant_id, row.outcome) == (
        "sgtin-96",
        GTIN,
        "1001",
        dock.pk,
        "moved",
    )
    assert row.location == location("WH1/STOCK/A-01")
    assert row.detail == "WH1/STOCK → WH1/STOCK/A-01"
    assert ledger_matches_balances()


def test_reads_are_idempotent(dock):
    batch = [read("dock", 1, tag(1001)), read("dock", 1, tag(1001))]  # a duplicate inside too
    first = services.ingest_reads(batch)
    assert (first.received, first.duplicates, first.counts["moved"]) == (2, 1, 1)
    again = services.ingest_reads(batch)
    assert again.as_dict()["moved"] == 0
    assert (again.received, again.duplicates) == (2, 2)
    assert TagRead.objects.count() == 1
    assert StockMove.objects.filter(kind="transfer").count() == 1


def test_an_item_already_where_the_ledger_has_it_is_unchanged(dock):
    report = services.ingest_reads([read("dock", 2, tag(1002))])
    assert (report.counts["unchanged"], report.counts["moved"]) == (1, 0)
    assert TagRead.objects.get().detail == "already at WH1/STOCK"


def test_the_latest_read_in_a_batch_decides(dock):
    report = services.ingest_reads(
        [read("dock", 1, tag(1001), seconds=0), read("dock", 2, tag(1001), seconds=5)]
    )
    # Seen at A-01 first, then back at STOCK: it is where the ledger has it.
    assert report.counts == {"unchanged": 2}
    assert StockMove.objects.filter(kind="transfer").count() == 0


def test_stale_reads_do_not_undo_a_later_move(dock):
    services.ingest_reads([read("dock", 1, tag(1001), seconds=0)])
    # A read from before that move, at the old place, arrives late.
    late = services.ingest_reads([read("dock", 2, tag(1001), seconds=-3600)])
    assert late.counts == {"unchanged": 1}
    assert TagRead.objects.get(read_at=T0 - timedelta(hours=1)).detail == (
        "read is older than the item's last move"
    )
    assert on_hand(dock, "WH1/STOCK/A-01", "1001") == Decimal(1)


def test_unknown_reads_are_kept_and_reported(dock):
    other_gtin = epc.encode_sgtin96("09506000134352", 5, company_prefix_length=7)
    never_received = tag(4242)
    sscc = epc.encode_sscc96("106141412345678908", company_prefix_length=7)
    report = services.ingest_reads(
        [
            read("dock", 1, "E2801160600002054C3BA6D1", 1),  # a TID, not an EPC
            read("dock", 1, "ABC", 2),  # too short
            read("dock", 1, other_gtin, 3),  # no variant has that GTIN
            read("dock", 1, never_received, 4),  # no such serial
            read("gate", 7, tag(1001), 5),  # antenna not mapped
            read("dock", 1, sscc, 6),  # a pallet: recorded, nothing to move
        ]
    )
    result = report.as_dict()
    assert (result["moved"], result["unchanged"], result["unknown"]) == (0, 1, 5)
    reasons = [entry["reason"] for entry in result["unknown_reads"]]
    assert reasons == [
        "unsupported_header: EPC header 0xE2 is not supported (SGTIN-96 0x30 and SSCC-96 0x31"
        " are).",
        "invalid_length: An EPC-96 is 24 hex characters (96 bits); got 3.",
        "antenna gate#7 is not mapped",
        "no variant has GTIN 09506000134352",
        "serial 4242 is not in the ledger",
    ]
    assert TagRead.objects.count() == 6
    assert TagRead.objects.get(epc=sscc).sscc == "106141412345678908"
    assert StockMove.objects.filter(kind="transfer").count() == 0


def test_an_item_not_on_hand_is_unknown(dock, warehouse):
    inventory.issue(variant=dock, warehouse=warehouse, quantity=Decimal(2))  # both serials sold
    report = services.ingest_reads([read("dock", 1, tag(1001))])
    assert report.unknown[0]["reason"].startswith("serial 1001 is not on hand")


def test_limits_and_bad_input(dock):
    with pytest.raises(DomainError) as caught:
        services.ingest_reads([read("dock", 1, tag(1))] * 5001)
    assert caught.value.code == "too_many_reads"
    naive = {"reader": "dock", "antenna": 1, "epc": tag(1), "read_at": datetime(2026, 1, 1)}
    with pytest.raises(DomainError) as caught:
        services.ingest_reads([naive])
    assert caught.value.code == "invalid_read_at"
    with pytest.raises(DomainError) as caught:
        services.ingest_reads([{**read("dock", 1, tag(1)), "reader": ""}])
    assert caught.value.code == "invalid_reader"
    assert services.ingest_reads([]).as_dict()["received"] == 0


def test_a_full_batch_of_5000_reads(dock):
    reads = [read("dock", 2, tag(1002), seconds=i) for i in range(4999)]
    reads.append(read("dock", 1, tag(1001), seconds=1))
    report = services.ingest_reads(reads)
    assert (report.counts["moved"], report.counts["unchanged"]) == (1, 4999)
    assert TagRead.objects.count() == 5000


def test_antenna_mapping_rules(dock, warehouse):
    mapping = services.save_antenna(
        reader="dock", antenna=1, location_id=location("WH1/STOCK/B-02").pk, name="Door 1"
    )
    assert (mapping.location.code, mapping.name) == ("WH1/STOCK/B-02", "Door 1")
    with pytest.raises(DomainError) as caught:
        services.save_antenna(reader="dock", antenna=1, location_id=999999)
    assert caught.value.code == "not_found"
    from valuechain.scm.inventory.models import Location

    supplier = Location.objects.filter(warehouse__isnull=True).first()
    if supplier is not None:
        with pytest.raises(DomainError) as caught:
            services.save_antenna(reader="dock", antenna=1, location_id=supplier.pk)
        assert caught.value.code == "invalid_location"
    with pytest.raises(DomainError) as caught:
        services.save_antenna(reader="dock", antenna=-1, location_id=mapping.location_id)
    assert caught.value.code == "invalid_antenna"
    services.delete_antenna(mapping.pk)
    report = services.ingest_reads([read("dock", 1, tag(1001))])
    assert report.unknown[0]["reason"] == "antenna dock#1 is not mapped"


def test_ingest_costs_a_fixed_number_of_queries(dock, warehouse):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(count: int, offset: int) -> int:
        reads = [read("dock", 2, tag(900000 + offset + i), seconds=i) for i in range(count)]
        reads += [read("dock", 2, tag(1002), seconds=offset)]
        with CaptureQueriesContext(connection) as captured:
            report = services.ingest_reads(reads)
        assert report.counts["unchanged"] == 1
        assert report.counts["unknown"] == count  # serials not in the ledger
        return len(captured.captured_queries)

    # 50 reads fit one INSERT batch on SQLite too; larger batches add one INSERT per batch.
    assert cost(5, 0) == cost(50, 1000)

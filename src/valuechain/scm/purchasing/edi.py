"""The purchase order as an X12 850 / EDIFACT ORDERS field model: a pure mapping.

Plain Python and Decimal only (no Django): ``queries.edi_source`` reads an order into
``EdiOrder`` and ``document`` maps it to the segments a translator turns into either syntax
(BEG/BGM number and date, CUR, ITD/PAT terms, FOB/TOD incoterm, N1/NAD parties, PO1/LIN
lines with their item identifiers, DTM dates, CTT/CNT control totals).

A missing GLN does not stop the document: the party is then identified by the code we gave
it (qualifier 92, "assigned by buyer"), which most partners accept after set-up; every gap is
listed in ``warnings``, and ``missing`` refuses the document when the caller asks for a
strict one (an EDI channel that only routes by GLN).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

GLN_QUALIFIER = "UL"  # X12 N103: Global Location Number (EDIFACT 3055 = 9)
BUYER_ASSIGNED = "92"  # X12 N103: assigned by buyer
# X12 PO1 product qualifiers by GTIN length: UPC-A, EAN-13/8, GTIN-14.
GTIN_QUALIFIERS = {8: "EN", 12: "UP", 13: "EN", 14: "UK"}


@dataclass(frozen=True)
class EdiParty:
    """A party of the order: its N1 role (BY buyer, SE seller, ST ship-to), name and ids."""

    role: str
    name: str
    code: str  # our code for the party, the fallback identifier
    gln: str = ""
    country: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class EdiLine:
    """One line as printed: position, quantity and unit, price and the item's identifiers."""

    position: int
    quantity: Decimal
    uom: str
    unit_price: Decimal
    sku: str
    supplier_sku: str
    gtin: str
    description: str
    requested_on: dt.date | None


@dataclass(frozen=True)
class EdiOrder:
    """What the mapping needs of a purchase order."""

    number: str
    order_date: dt.date
    currency: str
    payment_terms_days: int
    incoterm: str
    incoterm_place: str
    requested_on: dt.date | None
    net_total: Decimal
    parties: tuple[EdiParty, ...]
    lines: tuple[EdiLine, ...]


class EdiIncomplete(ValueError):
    """The order lacks what any 850 needs (lines); ``problems`` lists what."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def edi_date(value: dt.date) -> str:
    """CCYYMMDD, the date format of X12 and of EDIFACT DTM qualifier 102."""
    return value.strftime("%Y%m%d")


def plain(number: Decimal) -> str:
    """A number without trailing zeros or exponent: 12, 1.5, 0.125."""
    text = f"{number.normalize():f}"
    return text


def _party(party: EdiParty) -> dict[str, Any]:
    identified = bool(party.gln)
    return {
        "qualifier": party.role,
        "name": party.name,
        "id_qualifier": GLN_QUALIFIER if identified else BUYER_ASSIGNED,
        "id": party.gln if identified else party.code,
        "country": party.country,
        "postal_code": party.postal_code,
    }


def _item_ids(line: EdiLine) -> list[dict[str, str]]:
    ids = [{"qualifier": "IN", "id": line.sku}]  # buyer's item number
    if line.supplier_sku:
        ids.append({"qualifier": "VN", "id": line.supplier_sku})  # vendor's item number
    if line.gtin:
        ids.append({"qualifier": GTIN_QUALIFIERS.get(len(line.gtin), "EN"), "id": line.gtin})
    return ids


def warnings(order: EdiOrder) -> list[str]:
    """What a strict partner would miss: party GLNs, line GTINs and supplier SKUs."""
    found = []
    names = {"BY": "buyer", "SE": "supplier", "ST": "ship-to"}
    for party in order.parties:
        if not party.gln:
            found.append(f"The {names.get(party.role, party.role)} ({party.code}) has no GLN.")
    for line in order.lines:
        if not line.gtin:
            found.append(f"Line {line.position} ({line.sku}) has no GTIN.")
        if not line.supplier_sku:
            found.append(f"Line {line.position} ({line.sku}) has no supplier SKU.")
    return found


def document(order: EdiOrder) -> dict[str, Any]:
    """The 850 / ORDERS field model of the order (EdiIncomplete without lines)."""
    if not order.lines:
        raise EdiIncomplete(["The order has no lines."])
    requested = order.requested_on
    header_dates = [{"qualifier": "002", "date": edi_date(requested)}] if requested else []
    return {
        "standard": {"x12": "850", "edifact": "ORDERS"},
        "BEG": {
            "purpose": "00",  # original
            "type": "SA",  # stand-alone order
            "number": order.number,
            "date": edi_date(order.order_date),
        },
        "CUR": {"entity": "BY", "currency": order.currency},
        "ITD": {"type": "01", "net_days": order.payment_terms_days},  # 01: basic terms
        "FOB": {"incoterm": order.incoterm, "place": order.incoterm_place},
        "DTM": header_dates,
        "N1": [_party(party) for party in order.parties],
        "PO1": [
            {
                "position": line.position,
                "quantity": plain(line.quantity),
                "unit": line.uom,
                "unit_price": plain(line.unit_price),
                "item_ids": _item_ids(line),
                "description": line.description,
                "DTM": (
                    [{"qualifier": "002", "date": edi_date(line.requested_on)}]
                    if line.requested_on
                    else []
                ),
            }
            for line in order.lines
        ],
        "CTT": {
            "line_count": len(order.lines),
            "quantity_total": plain(sum((line.quantity for line in order.lines), Decimal(0))),
        },
        "AMT": {"qualifier": "TT", "amount": f"{order.net_total:.2f}"},
        "warnings": warnings(order),
    }

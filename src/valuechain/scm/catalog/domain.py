"""Pure rules of the catalog: kinds, GTIN check digits, price breaks, kit availability.

No Django here: plain Python, unit-tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

import pycountry

# stockable: tracked in the stock ledger; consumable: issued without balances; service: no stock.
PRODUCT_KINDS = ("stockable", "consumable", "service")
# mts: make-to-stock (replenished ahead of demand); mto: make-to-order (an order triggers supply).
SUPPLY_MODES = {"mts": "make to stock", "mto": "make to order"}
# Tax classes a product may carry; "standard" is what a country's default rate applies to.
TAX_CLASSES = ("standard", "reduced", "zero", "exempt")
GTIN_LENGTHS = (8, 12, 13, 14)
# accessory: sold with the product (cross-sell); upsell: a higher-value alternative.
RELATION_KINDS = ("accessory", "upsell")
# Unit categories; a conversion is only possible within one. Reference units: piece, kg, m,
# litre, hour (factor 1).
UOM_CATEGORIES = ("unit", "weight", "length", "volume", "time")
STANDARD_UNITS: tuple[tuple[str, str, str, str], ...] = (
    ("pc", "Piece", "unit", "1"),
    ("pair", "Pair", "unit", "2"),
    ("dozen", "Dozen", "unit", "12"),
    ("kg", "Kilogram", "weight", "1"),
    ("g", "Gram", "weight", "0.001"),
    ("t", "Tonne", "weight", "1000"),
    ("lb", "Pound", "weight", "0.45359237"),
    ("m", "Metre", "length", "1"),
    ("cm", "Centimetre", "length", "0.01"),
    ("mm", "Millimetre", "length", "0.001"),
    ("l", "Litre", "volume", "1"),
    ("ml", "Millilitre", "volume", "0.001"),
    ("h", "Hour", "time", "1"),
)
MAX_COMPARE = 4
MEASURE_FIELDS = ("weight_kg", "length_cm", "width_cm", "height_cm")


class InvalidInput(ValueError):
    """A value a rule refuses, with a stable code and the field at fault."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def gs1_check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit for the digits before it (weights 3,1,3,… from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def clean_gtin(value: str) -> str:
    """A GTIN-8/12/13/14 as digits only, its check digit verified; "" stays "".

    Raises InvalidInput ``invalid_gtin`` (wrong length or characters) or ``gtin_check_digit``.
    """
    text = "".join(str(value or "").split())
    if not text:
        return ""
    if not text.isdigit() or len(text) not in GTIN_LENGTHS:
        raise InvalidInput(
            "invalid_gtin", "A GTIN has 8, 12, 13 or 14 digits and nothing else.", "gtin"
        )
    if gs1_check_digit(text[:-1]) != int(text[-1]):
        raise InvalidInput(
            "gtin_check_digit",
            f"The GTIN's check digit is wrong: {text[:-1]} ends in {gs1_check_digit(text[:-1])}.",
            "gtin",
        )
    return text


def gtin_forms(value: str) -> list[str]:
    """Every spelling of one GTIN: a GTIN-13 and its zero-padded GTIN-14 are the same item.

    ``"4006381333931"`` gives ``["4006381333931", "04006381333931"]``; a scanned AI (01)
    is always 14 digits, a label often 13, 12 or 8.
    """
    text = "".join(str(value or "").split())
    if not text.isdigit() or len(text) > 14:
        return [text] if text else []
    full = text.zfill(14)
    return [full[-n:] for n in GTIN_LENGTHS if set(full[:-n]) <= {"0"}]


@dataclass(frozen=True)
class PriceBreak:
    """One price of one list: from ``min_quantity`` on, ``unit_price`` per unit."""

    list_id: int
    min_quantity: Decimal
    unit_price: Decimal


def best_break(breaks: Iterable[PriceBreak], quantity: Decimal) -> PriceBreak | None:
    """The break that applies to ``quantity`` within one list: the highest min_quantity ≤ it."""
    chosen: PriceBreak | None = None
    for item in breaks:
        if item.min_quantity <= quantity and (
            chosen is None or item.min_quantity > chosen.min_quantity
        ):
            chosen = item
    return chosen


def choose_price(tiers: Sequence[Iterable[PriceBreak]], quantity: Decimal) -> Decimal | None:
    """The unit price for ``quantity`` from price lists grouped in tiers of precedence.

    The first tier that has an applicable break wins (the customer group's lists come before
    the general ones). Within a tier each list gives its own applicable break and the lowest
    of those prices wins (the customer gets the best of overlapping lists). None when no list
    covers the quantity.
    """
    for tier in tiers:
        per_list: dict[int, list[PriceBreak]] = {}
        for item in tier:
            per_list.setdefault(item.list_id, []).append(item)
        prices = [b.unit_price for b in (best_break(v, quantity) for v in per_list.values()) if b]
        if prices:
            return min(prices)
    return None


def kit_availability(
    components: Sequence[tuple[int, Decimal]], available: Mapping[int, Decimal]
) -> Decimal:
    """Whole kits buildable from component stock: min over components of floor(avail / qty).

    A component missing from ``available`` counts as 0; negative availability counts as 0.
    A kit without components has availability 0.
    """
    if not components:
        return Decimal(0)
    counts = []
    for variant_id, quantity in components:
        have = max(available.get(variant_id, Decimal(0)), Decimal(0))
        counts.append((have / quantity).to_integral_value(rounding=ROUND_FLOOR))
    return max(min(counts), Decimal(0))


def clean_country(value: str, field: str = "country") -> str:
    """An ISO 3166-1 alpha-2 code, upper case (``de`` -> ``DE``)."""
    code = str(value or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise InvalidInput(
            f"invalid_{field}",
            f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. DE, US).",
            field,
        )
    return code


def clean_region(value: str) -> str:
    """A region code within a country (a state or province such as ``CA`` or ``BY``), upper case."""
    code = "".join(str(value or "").split()).upper()
    if len(code) > 10 or not all(c.isalnum() or c == "-" for c in code):
        raise InvalidInput(
            "invalid_region", "A region is a short code such as CA or BY (at most 10).", "region"
        )
    return code


def tax_lookup_order(region: str, tax_class: str) -> list[tuple[str, str]]:
    """The (region, tax class) keys tried in turn for a country's tax rate.

    Most specific first: the region's rate for the class, the country's rate for the class,
    then the same for the standard class (a class without its own rate pays the standard).
    """
    keys: list[tuple[str, str]] = []
    for klass in dict.fromkeys([tax_class, "standard"]):
        for place in dict.fromkeys([region, ""]):
            keys.append((place, klass))
    return keys


@dataclass(frozen=True)
class Unit:
    """A unit of measure as the conversion sees it."""

    code: str
    category: str
    factor: Decimal


def convert_quantity(quantity: Decimal, from_unit: Unit, to_unit: Unit) -> Decimal:
    """``quantity`` of ``from_unit`` expressed in ``to_unit`` (same category only), exact.

    3 dozen in pc is 36; 250 g in kg is 0.25. Raises InvalidInput ``uom_category_mismatch``
    across categories. The result is normalised (no trailing zeros beyond the value).
    """
    if from_unit.category != to_unit.category:
        raise InvalidInput(
            "uom_category_mismatch",
            f"Cannot convert {from_unit.code} ({from_unit.category}) to "
            f"{to_unit.code} ({to_unit.category}).",
            "uom",
        )
    if from_unit.factor == to_unit.factor:
        return quantity
    result = quantity * from_unit.factor / to_unit.factor
    return result.quantize(Decimal("0.000001")).normalize() if result != 0 else Decimal(0)


def clean_hs_code(value: str) -> str:
    """A Harmonized System code: 6 to 10 digits (dots and spaces dropped), or ""."""
    text = "".join(c for c in str(value or "") if c not in " .")
    if text and (not text.isdigit() or not 6 <= len(text) <= 10):
        raise InvalidInput(
            "invalid_hs_code",
            "An HS code has 6 to 10 digits (e.g. 6109.10 or 61091000).",
            "hs_code",
        )
    return text


def variant_combinations(attributes: Sequence[tuple[int, Sequence[int]]]) -> list[tuple[int, ...]]:
    """Every combination of one value per attribute, in the order given (a cartesian product)."""
    combos: list[tuple[int, ...]] = [()]
    for _, values in attributes:
        combos = [(*combo, value) for combo in combos for value in values]
    return combos if attributes else []


def kit_price_check(kit_price: Decimal, component_total: Decimal) -> str:
    """ "ok" when a kit's price is below the sum of its components' prices, else "not_below"."""
    return "ok" if kit_price < component_total else "not_below"

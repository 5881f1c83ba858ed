"""Pure rules of territories: which territory a record falls in, and whom it goes to.

A territory's criteria are five lists (countries, regions, postal-code prefixes, industries,
size bands); an empty list accepts anything, a filled one must contain the record's value.
When several territories match, the tie-break is, in this order:

1. the higher ``priority`` (the administrator's explicit word wins);
2. the more specific one: more filled criteria;
3. the longer matching postal-code prefix (``750`` beats ``75``);
4. the older territory (lower id), so the answer never depends on row order.

Assignment picks among a territory's eligible members (sorted by user id): round robin takes
the first member after the cursor (the last user assigned), wrapping around; least loaded
takes the member with the fewest open records, ties going to the first after the cursor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from valuechain.crm.customers.domain import SIZE_BANDS, InvalidInput, normalise_country

RECORD_TYPES = ("account", "lead")
MEMBER_ROLES = ("member", "manager")
ASSIGNMENT_METHODS = ("round_robin", "least_loaded")
CRITERIA_FIELDS = ("countries", "regions", "postal_prefixes", "industries", "size_bands")
MAX_CRITERION_VALUES = 200

__all__ = ["SIZE_BANDS", "InvalidInput"]


def _fold(value: str | None) -> str:
    """Case- and space-insensitive form used for regions and industries."""
    return " ".join((value or "").split()).casefold()


def normalise_postal(value: str | None) -> str:
    """Postal codes compare upper case without spaces or dashes (``sw1a 1aa`` -> ``SW1A1AA``)."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


@dataclass(frozen=True)
class RecordAttributes:
    """What a lead or account is matched by; blank values match only empty criteria."""

    country: str = ""
    region: str = ""
    postal_code: str = ""
    industry: str = ""
    size_band: str = ""


@dataclass(frozen=True)
class Criteria:
    """One territory's criteria as stored (already normalised by ``clean_criteria``)."""

    territory_id: int
    priority: int = 0
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    postal_prefixes: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()

    @property
    def filled(self) -> int:
        """How many criteria are filled: the specificity."""
        return sum(1 for name in CRITERIA_FIELDS if getattr(self, name))


@dataclass(frozen=True)
class Match:
    """A territory that accepts a record, with what its rank is computed from."""

    territory_id: int
    priority: int
    filled: int
    prefix_length: int = field(default=0)

    def rank(self) -> tuple[int, int, int, int]:
        """Sort key: smaller is better (see the module docstring for the order)."""
        return (-self.priority, -self.filled, -self.prefix_length, self.territory_id)


def match(criteria: Criteria, record: RecordAttributes) -> Match | None:
    """The match of one territory for a record, or None when a filled criterion refuses it."""
    country = record.country.strip().upper()
    if criteria.countries and country not in criteria.countries:
        return None
    if criteria.regions and _fold(record.region) not in {_fold(r) for r in criteria.regions}:
        return None
    if criteria.industries and _fold(record.industry) not in {
        _fold(i) for i in criteria.industries
    }:
        return None
    if criteria.size_bands and record.size_band not in criteria.size_bands:
        return None
    prefix_length = 0
    if criteria.postal_prefixes:
        postal = normalise_postal(record.postal_code)
        hits = [len(p) for p in criteria.postal_prefixes if postal and postal.startswith(p)]
        if not hits:
            return None
        prefix_length = max(hits)
    return Match(criteria.territory_id, criteria.priority, criteria.filled, prefix_length)


def best_match(territories: Iterable[Criteria], record: RecordAttributes) -> int | None:
    """The id of the territory a record belongs to, or None when none accepts it."""
    matches = [m for m in (match(c, record) for c in territories) if m is not None]
    if not matches:
        return None
    return min(matches, key=Match.rank).territory_id


def round_robin_pick(candidates: Sequence[int], cursor: int | None) -> int | None:
    """The first candidate (by user id) after the cursor, wrapping around; None without any."""
    ordered = sorted(set(candidates))
    if not ordered:
        return None
    if cursor is None:
        return ordered[0]
    for candidate in ordered:
        if candidate > cursor:
            return candidate
    return ordered[0]


def least_loaded_pick(loads: Mapping[int, int], cursor: int | None) -> int | None:
    """The candidate with the fewest open records; ties go round robin from the cursor."""
    if not loads:
        return None
    fewest = min(loads.values())
    tied = [user_id for user_id, load in loads.items() if load == fewest]
    return round_robin_pick(tied, cursor)


# --- criteria input -----------------------------------------------------------------------


def _values(raw: object, field_name: str) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str) or not isinstance(raw, Iterable):
        raise InvalidInput(f"invalid_{field_name}", f"Give the {field_name} as a list.", field_name)
    values = [str(v).strip() for v in raw]
    if len(values) > MAX_CRITERION_VALUES:
        raise InvalidInput(
            f"invalid_{field_name}",
            f"At most {MAX_CRITERION_VALUES} {field_name} per territory.",
            field_name,
        )
    if any(not v or len(v) > 100 for v in values):
        raise InvalidInput(
            f"invalid_{field_name}",
            f"Each of the {field_name} must be 1 to 100 characters.",
            field_name,
        )
    return values


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


def clean_criteria(data: Mapping[str, object]) -> dict[str, list[str]]:
    """Criteria from input, normalised (countries upper case ISO, prefixes without spaces)."""
    cleaned: dict[str, list[str]] = {}
    if "countries" in data:
        countries = []
        for value in _values(data["countries"], "countries"):
            try:
                countries.append(normalise_country(value))
            except InvalidInput as exc:
                raise InvalidInput("unknown_country", exc.message, "countries") from exc
        cleaned["countries"] = _unique(countries)
    if "regions" in data:
        cleaned["regions"] = _unique(
            " ".join(v.split()) for v in _values(data["regions"], "regions")
        )
    if "postal_prefixes" in data:
        prefixes = [
            normalise_postal(v) for v in _values(data["postal_prefixes"], "postal_prefixes")
        ]
        if any(not p for p in prefixes):
            raise InvalidInput(
                "invalid_postal_prefixes",
                "A postal-code prefix needs at least one letter or digit.",
                "postal_prefixes",
            )
        cleaned["postal_prefixes"] = _unique(prefixes)
    if "industries" in data:
        cleaned["industries"] = _unique(
            " ".join(v.split()) for v in _values(data["industries"], "industries")
        )
    if "size_bands" in data:
        bands = _values(data["size_bands"], "size_bands")
        unknown = [b for b in bands if b not in SIZE_BANDS]
        if unknown:
            raise InvalidInput(
                "invalid_size_bands",
                f"{unknown[0]!r} is not a size band; use {', '.join(SIZE_BANDS)}.",
                "size_bands",
            )
        cleaned["size_bands"] = [b for b in SIZE_BANDS if b in bands]
    return cleaned

"""GS1 identification keys and element strings, in plain Python (no Django).

- Check digits (GS1 General Specifications §7.9, the mod-10 algorithm) for GTIN-8, GTIN-12,
  GTIN-13, GTIN-14 and SSCC-18.
- Element strings of GS1-128 and GS1 DataMatrix / QR with the application identifiers
  00 (SSCC), 01 (GTIN), 10 (batch/lot), 17 (expiry date), 21 (serial) and 37 (count):
  raw form with FNC1 as the group separator ``\\x1d`` (and the symbology identifiers
  ``]C1``, ``]d2``, ``]Q3``, ``]e0`` that scanners prefix), and the human-readable
  bracketed form ``(01)…(10)…``.
- ``make_sscc`` builds an SSCC-18 from its parts.

Every failure raises :class:`GS1Error` with a stable ``code``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

GROUP_SEPARATOR = "\x1d"  # ASCII GS, what a scanner transmits for FNC1
# U+241D (SYMBOL FOR GROUP SEPARATOR) is what some keyboard wedges and copy/paste produce.
_SEPARATOR_ALIASES = ("\u241d",)
SYMBOLOGY_IDENTIFIERS = ("]C1", "]d2", "]Q3", "]e0", "]J1")

# GS1 General Specifications §3.2 and §7.11 (CSET 82: the characters allowed in
# alphanumeric AIs such as 10 and 21).
_CSET82 = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$")
_DIGITS = re.compile(r"^[0-9]*$")

GTIN_LENGTHS = {8: "GTIN-8", 12: "GTIN-12", 13: "GTIN-13", 14: "GTIN-14"}


class GS1Error(ValueError):
    """A code that is not a valid GS1 key or element string; ``code`` says why."""

    def __init__(self, code: str, message: str, *, ai: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.ai = ai


@dataclass(frozen=True)
class AI:
    """One supported application identifier: its data length and content."""

    code: str
    title: str
    length: int  # exact length for fixed AIs, the maximum for variable ones
    fixed: bool
    numeric: bool


# GS1 General Specifications §3.2 (table of AIs) and §7.8.5 (predefined lengths: 00, 01 and
# 17 need no FNC1 after them; 10, 21 and 37 are variable and end with FNC1 unless last).
SUPPORTED_AIS: dict[str, AI] = {
    "00": AI("00", "SSCC", 18, fixed=True, numeric=True),
    "01": AI("01", "GTIN", 14, fixed=True, numeric=True),
    "10": AI("10", "BATCH/LOT", 20, fixed=False, numeric=False),
    "17": AI("17", "USE BY OR EXPIRY", 6, fixed=True, numeric=True),
    "21": AI("21", "SERIAL", 20, fixed=False, numeric=False),
    "37": AI("37", "COUNT", 8, fixed=False, numeric=True),
}


# --- check digits ---------------------------------------------------------------------------


def check_digit(body: str) -> int:
    """The mod-10 check digit for ``body`` (the digits before the check digit).

    Weights 3 and 1 alternate from the right-most digit of the body (GenSpecs §7.9.1).
    """
    if not body or not body.isdigit() or not body.isascii():
        raise GS1Error("invalid_characters", f"{body!r} must be a non-empty string of digits.")
    total = 0
    for index, char in enumerate(reversed(body)):
        total += int(char) * (3 if index % 2 == 0 else 1)
    return (10 - total % 10) % 10


def has_valid_check_digit(code: str) -> bool:
    """True when the last digit of ``code`` is the check digit of the others."""
    if len(code) < 2 or not code.isdigit() or not code.isascii():
        return False
    return check_digit(code[:-1]) == int(code[-1])


def _require_check_digit(code: str, name: str) -> None:
    expected = check_digit(code[:-1])
    if expected != int(code[-1]):
        raise GS1Error(
            "invalid_check_digit",
            f"{name} {code} has check digit {code[-1]}, expected {expected}.",
        )


def validate_gtin(code: str) -> str:
    """Return ``code`` (stripped) when it is a GTIN-8/12/13/14 with a correct check digit."""
    code = code.strip()
    if not code.isdigit() or not code.isascii():
        raise GS1Error("invalid_characters", f"GTIN {code!r} must contain digits only.")
    if len(code) not in GTIN_LENGTHS:
        raise GS1Error(
            "invalid_length",
            f"GTIN {code} has {len(code)} digits; a GTIN has 8, 12, 13 or 14.",
        )
    _require_check_digit(code, GTIN_LENGTHS[len(code)])
    return code


def gtin_kind(code: str) -> str:
    """'GTIN-8', 'GTIN-12', 'GTIN-13' or 'GTIN-14' for a valid GTIN."""
    return GTIN_LENGTHS[len(validate_gtin(code))]


def to_gtin14(code: str) -> str:
    """A valid GTIN of any length as the 14-digit form (left-padded with zeros)."""
    return validate_gtin(code).zfill(14)


def shortest_gtin(code: str) -> str:
    """The GTIN-14 ``code`` in its shortest usual form: GTIN-8, -12 or -13 when the leading
    zeros allow it (GTIN-8s are stored as 00000000 + 8 digits in a GTIN-14), else -14."""
    gtin14 = to_gtin14(code)
    if gtin14.startswith("000000"):
        return gtin14[6:]
    if gtin14.startswith("00"):
        return gtin14[2:]
    if gtin14.startswith("0"):
        return gtin14[1:]
    return gtin14


def validate_sscc(code: str) -> str:
    """Return ``code`` when it is an SSCC-18 with a correct check digit."""
    code = code.strip()
    if not code.isdigit() or not code.isascii():
        raise GS1Error("invalid_characters", f"SSCC {code!r} must contain digits only.")
    if len(code) != 18:
        raise GS1Error("invalid_length", f"SSCC {code} has {len(code)} digits; it needs 18.")
    _require_check_digit(code, "SSCC")
    return code


def make_sscc(extension_digit: int | str, company_prefix: str, serial_reference: int | str) -> str:
    """Build an SSCC-18: extension digit, GS1 company prefix, serial reference, check digit.

    The serial reference is left-padded with zeros to fill the 16 digits after the
    extension digit (GenSpecs §2.2.1: SSCC = extension + company prefix + serial reference
    + check digit, 18 digits).
    """
    extension = str(extension_digit)
    if len(extension) != 1 or not extension.isdigit():
        raise GS1Error("invalid_extension_digit", "The extension digit must be one digit 0-9.")
    prefix = str(company_prefix)
    if not prefix.isdigit() or not prefix.isascii() or not 4 <= len(prefix) <= 12:
        raise GS1Error("invalid_company_prefix", "The GS1 company prefix must be 4 to 12 digits.")
    serial = str(serial_reference)
    if not serial.isdigit() or not serial.isascii():
        raise GS1Error("invalid_serial_reference", "The serial reference must be digits.")
    room = 16 - len(prefix)
    if len(serial.lstrip("0") or "0") > room:
        raise GS1Error(
            "invalid_serial_reference",
            f"A serial reference with a {len(prefix)}-digit company prefix has at most "
            f"{room} digits.",
        )
    body = extension + prefix + serial.lstrip("0").zfill(room)
    return body + str(check_digit(body))


# --- dates ----------------------------------------------------------------------------------


def resolve_century(yy: int, *, today: date) -> int:
    """The four-digit year of a two-digit ``yy``, by GenSpecs §7.12.

    The difference between ``yy`` and the last two digits of the current year decides:
    51 to 99 → the previous century; -99 to -50 → the next century; else this century.
    """
    current_century, current_yy = divmod(today.year, 100)
    difference = yy - current_yy
    if 51 <= difference <= 99:
        return (current_century - 1) * 100 + yy
    if -99 <= difference <= -50:
        return (current_century + 1) * 100 + yy
    return current_century * 100 + yy


def parse_yymmdd(value: str, *, today: date | None = None) -> date:
    """The date of a YYMMDD field (AI 17 and the other date AIs).

    DD = 00 means the last day of the month (GenSpecs §3.4.6 for AI 17: "If only year and
    month are available, DD must be filled with two zeroes", read as the month's end).
    """
    if len(value) != 6 or not value.isdigit():
        raise GS1Error("invalid_date", f"{value!r} is not a YYMMDD date.", ai="17")
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:])
    year = resolve_century(yy, today=today or date.today())
    if not 1 <= mm <= 12:
        raise GS1Error("invalid_date", f"{value}: month {mm:02d} does not exist.", ai="17")
    last_day = calendar.monthrange(year, mm)[1]
    if dd == 0:
        dd = last_day
    if dd > last_day:
        raise GS1Error("invalid_date", f"{value}: day {dd:02d} does not exist.", ai="17")
    return date(year, mm, dd)


# --- element strings ------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Remove what scanners add around an element string: surrounding whitespace and line
    ends, a symbology identifier, a leading FNC1; separator look-alikes become ``\\x1d``."""
    text = text.strip(" \r\n\t")
    for alias in _SEPARATOR_ALIASES:
        text = text.replace(alias, GROUP_SEPARATOR)
    for identifier in SYMBOLOGY_IDENTIFIERS:
        if text.startswith(identifier):
            text = text[len(identifier) :]
            break
    return text.lstrip(GROUP_SEPARATOR)


def is_element_string(text: str) -> bool:
    """Whether ``text`` looks like a GS1 element string rather than a bare key: it has a
    symbology identifier, a group separator, or starts with a bracketed AI."""
    stripped = text.strip()
    return (
        stripped.startswith(SYMBOLOGY_IDENTIFIERS)
        or GROUP_SEPARATOR in stripped
        or any(alias in stripped for alias in _SEPARATOR_ALIASES)
        or re.match(r"^\(\d{2,4}\)", stripped) is not None
    )


def _ai_at(text: str, position: int) -> AI:
    two = text[position : position + 2]
    if len(two) < 2 or not two.isdigit():
        raise GS1Error(
            "invalid_element_string",
            f"Expected an application identifier at position {position}, found {two!r}.",
        )
    ai = SUPPORTED_AIS.get(two)
    if ai is None:
        raise GS1Error(
            "unsupported_ai",
            f"Application identifier ({two}…) is not supported; supported: "
            + ", ".join(SUPPORTED_AIS),
            ai=two,
        )
    return ai


def _check_value(ai: AI, value: str) -> str:
    if ai.fixed and len(value) != ai.length:
        raise GS1Error(
            "invalid_length",
            f"AI ({ai.code}) {ai.title} needs {ai.length} characters, got {len(value)}.",
            ai=ai.code,
        )
    if not ai.fixed and not 1 <= len(value) <= ai.length:
        raise GS1Error(
            "invalid_length",
            f"AI ({ai.code}) {ai.title} takes 1 to {ai.length} characters, got {len(value)}.",
            ai=ai.code,
        )
    if ai.numeric and not (_DIGITS.match(value) and value.isascii()):
        raise GS1Error(
            "invalid_characters", f"AI ({ai.code}) {ai.title} takes digits only.", ai=ai.code
        )
    if not ai.numeric and not _CSET82.match(value):
        raise GS1Error(
            "invalid_characters",
            f"AI ({ai.code}) {ai.title} has a character outside GS1's CSET 82.",
            ai=ai.code,
        )
    if ai.code == "00":
        _require_check_digit(value, "SSCC")
    elif ai.code == "01":
        _require_check_digit(value, "GTIN")
    elif ai.code == "17":
        parse_yymmdd(value, today=date(2000 + int(value[:2]), 1, 1))  # calendar check only
    return value


def _store(result: dict[str, str], ai: AI, value: str) -> None:
    if ai.code in result:
        raise GS1Error(
            "duplicate_ai", f"AI ({ai.code}) appears twice in the element string.", ai=ai.code
        )
    result[ai.code] = _check_value(ai, value)


def _parse_raw(text: str) -> dict[str, str]:
    result: dict[str, str] = {}
    position = 0
    while position < len(text):
        ai = _ai_at(text, position)
        position += len(ai.code)
        if ai.fixed:
            value = text[position : position + ai.length]
            position += ai.length
            if text[position : position + 1] == GROUP_SEPARATOR:
                position += 1  # an FNC1 after a fixed-length AI is tolerated
        else:
            end = text.find(GROUP_SEPARATOR, position)
            if end == -1:
                end = len(text)
            value = text[position:end]
            if len(value) > ai.length:
                raise GS1Error(
                    "invalid_length",
                    f"AI ({ai.code}) {ai.title} takes at most {ai.length} characters, got "
                    f"{len(value)} (missing FNC1 group separator?).",
                    ai=ai.code,
                )
            position = end + 1
        _store(result, ai, value)
    return result


_BRACKETED_AI = re.compile(r"\((\d{2,4})\)")


def _parse_bracketed(text: str) -> dict[str, str]:
    result: dict[str, str] = {}
    position = 0
    # CSET 82 has no space, so spaces in the printed form ("(01) 0950… (10) AB") are layout.
    text = re.sub(r"\s+", "", text.replace(GROUP_SEPARATOR, ""))
    while position < len(text):
        match = _BRACKETED_AI.match(text, position)
        if match is None:
            raise GS1Error(
                "invalid_element_string",
                f"Expected '(AI)' at position {position} of the bracketed form.",
            )
        code = match.group(1)
        ai = SUPPORTED_AIS.get(code)
        if ai is None:
            raise GS1Error(
                "unsupported_ai",
                f"Application identifier ({code}) is not supported; supported: "
                + ", ".join(SUPPORTED_AIS),
                ai=code,
            )
        start = match.end()
        if ai.fixed:
            end = start + ai.length
        else:
            # A variable value runs to the next "(AI)" of a supported AI (values may contain
            # brackets: CSET 82 allows them) or to the end.
            end = len(text)
            for candidate in _BRACKETED_AI.finditer(text, start):
                if candidate.group(1) in SUPPORTED_AIS:
                    end = candidate.start()
                    break
        _store(result, ai, text[start:end])
        position = end
    return result


def parse_element_string(text: str) -> dict[str, str]:
    """Parse a GS1 element string into ``{ai: value}`` (e.g. ``{"01": "…", "10": "…"}``).

    Accepts the raw form a scanner sends (optional symbology identifier ``]C1``/``]d2``/
    ``]Q3``, FNC1 as ``\\x1d`` after variable-length fields) and the human-readable bracketed
    form ``(01)09506000134352(17)201225(10)ABC123``. Values are checked: lengths, digits,
    CSET 82, the check digits of AI 00 and 01, and that AI 17 is a calendar date.
    """
    cleaned = normalise(text)
    if not cleaned:
        raise GS1Error("empty_code", "The code is empty.")
    if cleaned.startswith("("):
        return _parse_bracketed(cleaned)
    return _parse_raw(cleaned)


def element_string(elements: dict[str, str], *, bracketed: bool = False) -> str:
    """Compose an element string from ``{ai: value}``: fixed-length AIs first (they need no
    separator), then variable ones separated by ``\\x1d``; or the bracketed HRI form."""
    for code, value in elements.items():
        ai = SUPPORTED_AIS.get(code)
        if ai is None:
            raise GS1Error("unsupported_ai", f"({code}) is not supported.", ai=code)
        _check_value(ai, value)
    if bracketed:
        return "".join(f"({code}){value}" for code, value in elements.items())
    fixed = [(c, v) for c, v in elements.items() if SUPPORTED_AIS[c].fixed]
    variable = [(c, v) for c, v in elements.items() if not SUPPORTED_AIS[c].fixed]
    head = "".join(c + v for c, v in fixed)
    tail = GROUP_SEPARATOR.join(c + v for c, v in variable)
    return head + tail


@dataclass(frozen=True)
class ScannedItem:
    """The commonly used parts of an element string, typed."""

    gtin: str = ""  # GTIN-14 as in AI 01
    sscc: str = ""
    lot: str = ""
    serial: str = ""
    expires_on: date | None = None
    count: int | None = None


def interpret(elements: dict[str, str], *, today: date | None = None) -> ScannedItem:
    """Typed view of a parsed element string (AI 17 resolved with the century rule)."""
    return ScannedItem(
        gtin=elements.get("01", ""),
        sscc=elements.get("00", ""),
        lot=elements.get("10", ""),
        serial=elements.get("21", ""),
        expires_on=parse_yymmdd(elements["17"], today=today) if "17" in elements else None,
        count=int(elements["37"]) if "37" in elements else None,
    )

"""EPC tag decoding (GS1 EPC Tag Data Standard), in plain Python (no Django).

Decodes the 96-bit EPC binary encodings read from RFID tags (as hex):

- SGTIN-96 (header 0x30): filter, partition, GS1 company prefix, indicator digit + item
  reference, 38-bit serial → GTIN-14 + serial and ``urn:epc:id:sgtin:…`` (TDS §14.5.1).
- SSCC-96 (header 0x31): filter, partition, company prefix, extension digit + serial
  reference → SSCC-18 and ``urn:epc:id:sscc:…`` (TDS §14.5.2).

Other headers raise :class:`EPCError` (``unsupported_header``). Encoders for the same two
schemes exist for tests, demo data and printing tags.
"""

from __future__ import annotations

from dataclasses import dataclass

from valuechain.scm.barcodes.gs1 import check_digit

SGTIN96_HEADER = 0x30
SSCC96_HEADER = 0x31

# TDS Table 14-2 (SGTIN partition table): partition → (company prefix bits, digits,
# indicator/item reference bits, digits).
SGTIN_PARTITIONS: dict[int, tuple[int, int, int, int]] = {
    0: (40, 12, 4, 1),
    1: (37, 11, 7, 2),
    2: (34, 10, 10, 3),
    3: (30, 9, 14, 4),
    4: (27, 8, 17, 5),
    5: (24, 7, 20, 6),
    6: (20, 6, 24, 7),
}
# TDS Table 14-5 (SSCC partition table): partition → (company prefix bits, digits,
# extension/serial reference bits, digits).
SSCC_PARTITIONS: dict[int, tuple[int, int, int, int]] = {
    0: (40, 12, 18, 5),
    1: (37, 11, 21, 6),
    2: (34, 10, 24, 7),
    3: (30, 9, 28, 8),
    4: (27, 8, 31, 9),
    5: (24, 7, 34, 10),
    6: (20, 6, 38, 11),
}


class EPCError(ValueError):
    """A tag read that cannot be decoded; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class DecodedEPC:
    """What a 96-bit EPC identifies."""

    scheme: str  # "sgtin-96" or "sscc-96"
    filter: int
    partition: int
    company_prefix: str
    uri: str  # pure-identity URI, urn:epc:id:…
    tag_uri: str  # urn:epc:tag:…-96:filter.…
    gtin: str = ""  # GTIN-14 (SGTIN)
    serial: str = ""  # decimal serial (SGTIN)
    sscc: str = ""  # SSCC-18 (SSCC)


def _bits(hex_value: str) -> tuple[int, str]:
    cleaned = hex_value.strip().replace(" ", "")
    if cleaned[:2].lower() == "0x":
        cleaned = cleaned[2:]
    if len(cleaned) != 24:
        raise EPCError(
            "invalid_length",
            f"An EPC-96 is 24 hex characters (96 bits); got {len(cleaned)}.",
        )
    try:
        number = int(cleaned, 16)
    except ValueError as exc:
        raise EPCError("invalid_hex", f"{hex_value!r} is not hexadecimal.") from exc
    return number, cleaned.upper()


class _Reader:
    def __init__(self, number: int, width: int = 96) -> None:
        self.number = number
        self.left = width

    def take(self, width: int) -> int:
        self.left -= width
        return (self.number >> self.left) & ((1 << width) - 1)


def _field(value: int, digits: int, name: str) -> str:
    if value >= 10**digits:
        raise EPCError(
            "invalid_field", f"The {name} {value} does not fit in {digits} decimal digits."
        )
    return str(value).zfill(digits)


def header_of(hex_value: str) -> int:
    """The 8-bit EPC header of a hex tag read."""
    number, _ = _bits(hex_value)
    return number >> 88


def decode(hex_value: str) -> DecodedEPC:
    """Decode a 96-bit EPC given as hex (SGTIN-96 or SSCC-96)."""
    number, _ = _bits(hex_value)
    reader = _Reader(number)
    header = reader.take(8)
    if header == SGTIN96_HEADER:
        return _decode_sgtin(reader)
    if header == SSCC96_HEADER:
        return _decode_sscc(reader)
    raise EPCError(
        "unsupported_header",
        f"EPC header 0x{header:02X} is not supported (SGTIN-96 0x30 and SSCC-96 0x31 are).",
    )


def _partition(reader: _Reader, table: dict[int, tuple[int, int, int, int]]) -> int:
    partition = reader.take(3)
    if partition not in table:
        raise EPCError("invalid_partition", f"Partition value {partition} is not 0-6.")
    return partition


def _decode_sgtin(reader: _Reader) -> DecodedEPC:
    filter_value = reader.take(3)
    partition = _partition(reader, SGTIN_PARTITIONS)
    prefix_bits, prefix_digits, item_bits, item_digits = SGTIN_PARTITIONS[partition]
    company_prefix = _field(reader.take(prefix_bits), prefix_digits, "company prefix")
    indicator_item = _field(reader.take(item_bits), item_digits, "item reference")
    serial = str(reader.take(38))
    # GTIN-14 = indicator digit, company prefix, item reference, check digit (TDS §7.1.2).
    body = indicator_item[0] + company_prefix + indicator_item[1:]
    gtin = body + str(check_digit(body))
    return DecodedEPC(
        scheme="sgtin-96",
        filter=filter_value,
        partition=partition,
        company_prefix=company_prefix,
        uri=f"urn:epc:id:sgtin:{company_prefix}.{indicator_item}.{serial}",
        tag_uri=f"urn:epc:tag:sgtin-96:{filter_value}.{company_prefix}.{indicator_item}.{serial}",
        gtin=gtin,
        serial=serial,
    )


def _decode_sscc(reader: _Reader) -> DecodedEPC:
    filter_value = reader.take(3)
    partition = _partition(reader, SSCC_PARTITIONS)
    prefix_bits, prefix_digits, serial_bits, serial_digits = SSCC_PARTITIONS[partition]
    company_prefix = _field(reader.take(prefix_bits), prefix_digits, "company prefix")
    serial_reference = _field(reader.take(serial_bits), serial_digits, "serial reference")
    if reader.take(24) != 0:
        raise EPCError("invalid_field", "The 24 reserved bits of an SSCC-96 must be zero.")
    # SSCC-18 = extension digit, company prefix, rest of the serial reference, check digit.
    body = serial_reference[0] + company_prefix + serial_reference[1:]
    sscc = body + str(check_digit(body))
    return DecodedEPC(
        scheme="sscc-96",
        filter=filter_value,
        partition=partition,
        company_prefix=company_prefix,
        uri=f"urn:epc:id:sscc:{company_prefix}.{serial_reference}",
        tag_uri=f"urn:epc:tag:sscc-96:{filter_value}.{company_prefix}.{serial_reference}",
        sscc=sscc,
    )


def _partition_for(table: dict[int, tuple[int, int, int, int]], prefix_length: int) -> int:
    for partition, (_, digits, _, _) in table.items():
        if digits == prefix_length:
            return partition
    raise EPCError(
        "invalid_company_prefix", "The GS1 company prefix length must be 6 to 12 digits."
    )


def encode_sgtin96(gtin: str, serial: int, *, company_prefix_length: int, filter: int = 1) -> str:
    """The SGTIN-96 hex of a GTIN (any length) and a numeric serial below 2^38."""
    gtin14 = gtin.zfill(14)
    if len(gtin14) != 14 or not gtin14.isdigit():
        raise EPCError("invalid_gtin", f"{gtin!r} is not a GTIN.")
    if check_digit(gtin14[:-1]) != int(gtin14[-1]):
        raise EPCError("invalid_gtin", f"GTIN {gtin} has a wrong check digit.")
    if not 0 <= serial < 2**38:
        raise EPCError("invalid_serial", "An SGTIN-96 serial is an integer below 2^38.")
    if not 0 <= filter <= 7:
        raise EPCError("invalid_filter", "The filter value is 0-7.")
    partition = _partition_for(SGTIN_PARTITIONS, company_prefix_length)
    prefix_bits, prefix_digits, item_bits, _ = SGTIN_PARTITIONS[partition]
    company_prefix = gtin14[1 : 1 + prefix_digits]
    indicator_item = gtin14[0] + gtin14[1 + prefix_digits : 13]
    number = SGTIN96_HEADER
    for value, width in (
        (filter, 3),
        (partition, 3),
        (int(company_prefix), prefix_bits),
        (int(indicator_item), item_bits),
        (serial, 38),
    ):
        number = (number << width) | value
    return f"{number:024X}"


def encode_sscc96(sscc: str, *, company_prefix_length: int, filter: int = 2) -> str:
    """The SSCC-96 hex of an SSCC-18 (filter 2 = full case for transport)."""
    if len(sscc) != 18 or not sscc.isdigit() or check_digit(sscc[:-1]) != int(sscc[-1]):
        raise EPCError("invalid_sscc", f"{sscc!r} is not an SSCC-18.")
    if not 0 <= filter <= 7:
        raise EPCError("invalid_filter", "The filter value is 0-7.")
    partition = _partition_for(SSCC_PARTITIONS, company_prefix_length)
    prefix_bits, prefix_digits, serial_bits, _ = SSCC_PARTITIONS[partition]
    company_prefix = sscc[1 : 1 + prefix_digits]
    serial_reference = sscc[0] + sscc[1 + prefix_digits : 17]
    number = SSCC96_HEADER
    for value, width in (
        (filter, 3),
        (partition, 3),
        (int(company_prefix), prefix_bits),
        (int(serial_reference), serial_bits),
        (0, 24),
    ):
        number = (number << width) | value
    return f"{number:024X}"

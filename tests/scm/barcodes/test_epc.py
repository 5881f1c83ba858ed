"""EPC decoding against the EPC Tag Data Standard's worked examples."""

from __future__ import annotations

import pytest

from valuechain.scm.barcodes import epc
from valuechain.scm.barcodes.epc import EPCError


def test_sgtin96_example_of_the_tag_data_standard():
    # TDS Appendix E (encoding/decoding example) and §14.5.1 (SGTIN-96): filter 3,
    # partition 5 (7-digit company prefix), company prefix 0614141, indicator 8 + item
    # reference 12345, serial 6789 → 3074257BF7194E4000001A85; GTIN-14 80614141123458.
    decoded = epc.decode("3074257BF7194E4000001A85")
    assert decoded == epc.DecodedEPC(
        scheme="sgtin-96",
        filter=3,
        partition=5,
        company_prefix="0614141",
        uri="urn:epc:id:sgtin:0614141.812345.6789",
        tag_uri="urn:epc:tag:sgtin-96:3.0614141.812345.6789",
        gtin="80614141123458",
        serial="6789",
    )
    # Lower case, spaces and a 0x prefix are what readers send too.
    assert epc.decode("0x3074 257b f719 4e40 0000 1a85").gtin == "80614141123458"
    assert epc.header_of("3074257BF7194E4000001A85") == 0x30


def test_sgtin96_encoder_reproduces_the_example():
    assert (
        epc.encode_sgtin96("80614141123458", 6789, company_prefix_length=7, filter=3)
        == "3074257BF7194E4000001A85"
    )


@pytest.mark.parametrize("prefix_length", [6, 7, 8, 9, 10, 11, 12])
def test_sgtin96_round_trip_over_every_partition(prefix_length):
    gtin = "09506000134352"
    hex_value = epc.encode_sgtin96(gtin, 2**38 - 1, company_prefix_length=prefix_length)
    decoded = epc.decode(hex_value)
    assert decoded.partition == 12 - prefix_length  # TDS Table 14-2
    assert decoded.gtin == gtin
    assert decoded.serial == str(2**38 - 1)
    assert decoded.company_prefix == gtin[1 : 1 + prefix_length]
    assert decoded.uri == (
        f"urn:epc:id:sgtin:{gtin[1 : 1 + prefix_length]}."
        f"{gtin[0]}{gtin[1 + prefix_length : 13]}.{2**38 - 1}"
    )


def test_sscc96_example():
    # TDS §6.3.2 pure identity example urn:epc:id:sscc:0614141.1234567890 is the SSCC
    # (00)106141412345678908 (check digit 8 by GenSpecs §7.9.1); SSCC-96 per §14.5.2 with
    # filter 0 and partition 5 (24-bit prefix, 34-bit serial reference, 24 zero bits):
    # 3114257BF4499602D2000000 (computed by hand: 0x31|000|101|0614141|1234567890|0).
    decoded = epc.decode("3114257BF4499602D2000000")
    assert decoded == epc.DecodedEPC(
        scheme="sscc-96",
        filter=0,
        partition=5,
        company_prefix="0614141",
        uri="urn:epc:id:sscc:0614141.1234567890",
        tag_uri="urn:epc:tag:sscc-96:0.0614141.1234567890",
        sscc="106141412345678908",
    )
    assert epc.encode_sscc96("106141412345678908", company_prefix_length=7, filter=0) == (
        "3114257BF4499602D2000000"
    )


def test_sscc96_with_a_9_digit_prefix():
    # Partition 3 (30-bit prefix, 28-bit serial reference), filter 5: the tag
    # urn:epc:tag:sscc-96:5.023356789.30200002 → 31AC16465751CCD0C2000000 (an example also
    # used by the epctagcoder library's documentation), SSCC 302335678902000022.
    decoded = epc.decode("31AC16465751CCD0C2000000")
    assert decoded.tag_uri == "urn:epc:tag:sscc-96:5.023356789.30200002"
    assert decoded.sscc == "302335678902000022"


@pytest.mark.parametrize(
    ("hex_value", "code"),
    [
        ("3574257BF7194E4000001A85", "unsupported_header"),  # 0x35 = GID-96
        ("E2801160600002054C3BA6D1", "unsupported_header"),  # a TID, not an EPC
        ("3074257BF7194E4000001A8", "invalid_length"),
        ("3074257BF7194E4000001A8512", "invalid_length"),
        ("3074257BF7194E4000001AZZ", "invalid_hex"),
        ("307C257BF7194E4000001A85", "invalid_partition"),  # partition 7
        ("3060FFFFFFFFFF0000001A85", "invalid_field"),  # prefix ≥ 10^12
        ("3114257BF4499602D2000001", "invalid_field"),  # reserved bits not zero
    ],
)
def test_undecodable_reads_raise_with_a_code(hex_value, code):
    with pytest.raises(EPCError) as caught:
        epc.decode(hex_value)
    assert caught.value.code == code


def test_encoders_refuse_bad_input():
    with pytest.raises(EPCError) as caught:
        epc.encode_sgtin96("80614141123459", 1, company_prefix_length=7)
    assert caught.value.code == "invalid_gtin"
    with pytest.raises(EPCError) as caught:
        epc.encode_sgtin96("80614141123458", 2**38, company_prefix_length=7)
    assert caught.value.code == "invalid_serial"
    with pytest.raises(EPCError) as caught:
        epc.encode_sgtin96("80614141123458", 1, company_prefix_length=5)
    assert caught.value.code == "invalid_company_prefix"
    with pytest.raises(EPCError) as caught:
        epc.encode_sscc96("106141412345678909", company_prefix_length=7)
    assert caught.value.code == "invalid_sscc"

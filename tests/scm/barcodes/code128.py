"""A small Code 128 decoder for the tests: symbol values back to text, FNC1 as ``\\x1d``.

The values are what ReportLab's Code 128 widget encodes (``widget.encoded``); decoding them
with the Code 128 tables (ISO/IEC 15417) checks the symbol, its check character and the
GS1-128 FNC1 placement independently of the encoder.
"""

from __future__ import annotations

START_A, START_B, START_C, STOP = 103, 104, 105, 106
FNC1 = 102


def decode(values: list[int]) -> str:
    """The data of a Code 128 symbol; FNC1 appears as ``\\x1d`` (leading FNC1 too)."""
    assert values[-1] == STOP, "no stop character"
    body, check = values[:-2], values[-2]
    assert body[0] in (START_A, START_B, START_C), "no start character"
    weighted = body[0] + sum(index * value for index, value in enumerate(body[1:], start=1))
    assert weighted % 103 == check, "wrong check character"
    code_set = {START_A: "A", START_B: "B", START_C: "C"}[body[0]]
    text = []
    for value in body[1:]:
        if value == FNC1:
            text.append("\x1d")
        elif code_set == "C":
            if value == 100:
                code_set = "B"
            elif value == 101:
                code_set = "A"
            else:
                assert value < 100
                text.append(f"{value:02d}")
        elif value == 99:
            code_set = "C"
        elif (code_set == "B" and value == 100) or (code_set == "A" and value == 101):
            raise AssertionError("FNC4 is not used")
        elif code_set == "B" and value == 101:
            code_set = "A"
        elif code_set == "A" and value == 100:
            code_set = "B"
        elif code_set == "B":
            text.append(chr(value + 32))
        else:
            text.append(chr(value + 32) if value < 64 else chr(value - 64))
    return "".join(text)

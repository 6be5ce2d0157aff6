"""Text files in the encodings councils' files come in keep their pounds, accents and quotes."""

from __future__ import annotations

import pytest

from ingest.sniff import decode_text

POUNDS = "Spending rose to \u00a34.2 million for the caf\u00e9 \u201cdrop-in\u201d \u2013 up 3%."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (POUNDS.encode("cp1252"), POUNDS),
        (POUNDS.encode("utf-8"), POUNDS),
        (
            "Fees \u00a3300, r\u00e9sum\u00e9 \u00bd day".encode("latin-1"),
            "Fees \u00a3300, r\u00e9sum\u00e9 \u00bd day",
        ),
        (
            "Caf\u00e9 line in UTF-8\r\n".encode()
            + "\u00a35 and \u2019quoted\u2019 in cp1252\r\n".encode("cp1252"),
            "Caf\u00e9 line in UTF-8\n\u00a35 and \u2019quoted\u2019 in cp1252\n",
        ),
        (b"\xef\xbb\xbfBOM then cp1252 \xa3\n", "BOM then cp1252 \u00a3\n"),
    ],
    ids=["cp1252", "utf8", "latin1", "mixed-lines", "bom-cp1252"],
)
def test_text_is_decoded_with_its_symbols(data: bytes, expected: str) -> None:
    assert decode_text(data) == expected

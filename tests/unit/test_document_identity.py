"""What counts as the same document: the rule and the report key, on metadata alone.

The loader reads a report's authority, kind and date from the file's first line (the
library scenarios on real Chroma are in ``tests/integration/test_document_identity.py``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.identity import report_key, same_document
from core.documents import DocumentMeta, ParsedDocument
from vectorstore.store import DocumentRecord

NAME = "children's services inspection - 01 february 2022.pdf"


def load(path: Path, source: str) -> ParsedDocument:
    """First line ``authority|kind|inspected`` (empty parts unknown), then the text."""
    text = path.read_text()
    head = text.split("\n", 1)[0].split("|")
    authority, kind, inspected = (head + ["", "", ""])[:3]
    meta = DocumentMeta(
        title=f"Inspection of {authority}" if authority else None,
        authorities=(authority,) if authority else (),
        kind=kind or "unknown",  # type: ignore[arg-type]
        inspected=inspected or None,
    )
    return ParsedDocument(
        doc_id=hashlib.sha256(text.encode()).hexdigest(),
        source=source,
        file_type="txt",
        text=text,
        meta=meta,
    )


SUTTON = "Sutton|inspection report|2021-12-10"
NEWCASTLE = "Newcastle upon Tyne|inspection report|2021-12-10"


@pytest.mark.parametrize(
    ("new", "old", "origin", "old_origin", "same"),
    [
        ((NAME, SUTTON), (NAME, NEWCASTLE), "file", "file", False),
        ((NAME, SUTTON), (NAME, SUTTON), "file", "file", True),
        ((NAME, SUTTON), ("other.pdf", SUTTON), "file", "file", False),
        (("n.txt", ""), ("n.txt", ""), "file", "file", True),
        (("n.txt", ""), ("n.txt", ""), "file", "upload", False),
        ((NAME, SUTTON), (NAME, NEWCASTLE), "upload", "upload", False),
        (("x.pdf", SUTTON), (NAME, SUTTON), "upload", "file", True),
        (("n.txt", ""), ("n.txt", ""), "upload", "upload", False),
        (
            ("p.pdf", "Kent|board paper|2020-01-01"),
            ("p.pdf", "Kent|board paper|2020-01-01"),
            "upload",
            "upload",
            False,
        ),
    ],
    ids=[
        "two councils, one path",
        "same report, same path",
        "same report, another path (cli)",
        "no key, same path",
        "cli never replaces an upload by name",
        "two councils, one upload name",
        "upload of the same report",
        "upload name alone",
        "board papers are not replaced by key",
    ],
)
def test_same_document_rule(tmp_path, new, old, origin, old_origin, same):
    def meta(head):
        path = tmp_path / "m.txt"
        path.write_text(head + "\n.")
        return load(path, "m.txt").meta

    record = DocumentRecord("x", old[0], "txt", meta(old[1]), 1, 1, "", origin=old_origin)
    assert same_document(new[0], meta(new[1]), origin, record) is same


def test_report_key_prefers_the_inspection_date_and_needs_an_authority():
    inspected = DocumentMeta(
        authorities=("Kent",), kind="inspection report", inspected="2022-05-20", published="2022"
    )
    key = report_key(inspected)
    assert key is not None and key.date == "2022-05-20"
    assert key.describe() == "Kent, inspection report, inspection ended 20 May 2022"
    assert report_key(DocumentMeta(kind="national survey", published="2010")) is None
    assert report_key(DocumentMeta(authorities=("Kent",), kind="inspection report")) is None

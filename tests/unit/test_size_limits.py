"""Files too large to index are refused before they are read; a long single line is fine."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import IngestError
from ingest.chunking import chunk_document
from ingest.loader import MAX_FILE_BYTES, MAX_TEXT_FILE_BYTES, load_document
from ingest.tokens import count_tokens


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("huge.txt", MAX_TEXT_FILE_BYTES + 1, "the limit for a text file is 20 MB"),
        ("huge.html", MAX_TEXT_FILE_BYTES + 1, "the limit for a text file is 20 MB"),
        ("huge.pdf", MAX_FILE_BYTES + 1, "the limit for a file is 200 MB"),
    ],
    ids=["txt", "html", "pdf"],
)
def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path, name, size, message):
    path = tmp_path / name
    with open(path, "wb") as fh:  # sparse: nothing is written, reading it would be slow
        fh.truncate(size)
    with pytest.raises(IngestError) as caught:
        load_document(path, name)
    assert str(caught.value).startswith("too large: ")
    assert message in str(caught.value) and str(caught.value).endswith("split the document")


@pytest.mark.slow
def test_one_long_line_of_text_loads_and_splits_into_bounded_chunks(tmp_path: Path):
    path = tmp_path / "one line.txt"
    sentence = "The council supports care leavers into work and training. "
    path.write_text(sentence * (2_000_000 // len(sentence)), encoding="utf-8")
    doc = load_document(path, "one line.txt")
    chunks = chunk_document(doc, max_tokens=200, overlap_tokens=30)
    assert len(chunks) > 1000
    assert max(count_tokens(c.text) for c in chunks[:50]) <= 200
    assert all(doc.text[c.start : c.end] == c.text for c in chunks[:50])

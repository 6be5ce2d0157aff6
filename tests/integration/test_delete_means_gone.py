"""Delete means gone: after a removal a document's text is readable nowhere in the data directory.

A real embedded Chroma (with deterministic embeddings) and the real files beside it; every
file's bytes are searched (see ``tests/traces.py``).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path

import pytest

from assistant.app import build_assistant
from assistant.structured import structured_data
from core.documents import DocumentMeta, ParsedDocument
from core.settings import Settings
from tests.fakes import HashEmbeddings, line_chunks
from tests.traces import traces
from tests.traces import unique_phrase as phrase

pytestmark = pytest.mark.integration


def load(path: Path, source: str) -> ParsedDocument:
    text = path.read_text()
    return ParsedDocument(
        doc_id="id-" + hashlib.sha256(text.encode()).hexdigest()[:16],
        source=source,
        file_type="txt",
        text=text,
        meta=DocumentMeta(title=source, authorities=("Kent",), kind="inspection report"),
    )


@pytest.fixture
def assistant(tmp_path):
    return build_assistant(
        Settings(data_dir=tmp_path / "data"),
        embeddings=HashEmbeddings(),
        loader=load,
        chunker=line_chunks,
    )


def report(tmp_path: Path, name: str, secret: str) -> tuple[Path, str]:
    path = tmp_path / name
    lines = [f"Children's services in the {secret} are good"]  # a judgement quoting it
    lines += [f"Point {i}: the {secret} is reviewed in team {i}." for i in range(40)]
    path.write_text("\n".join(lines) + "\n")
    return path, name


def found(root: Path, *needles: str) -> list[str]:
    return [hit for needle in needles for hit in traces(root, needle)]


def fill(assistant, question: str) -> None:
    """Use the library the way a session does: answers, the grades table, the BM25 index."""
    assistant.ask(question)
    structured_data(assistant).grades()


def test_a_removed_document_leaves_no_text_in_the_data_directory(tmp_path, assistant):
    secret, token = phrase()
    kept, kept_token = phrase()
    data = assistant.settings.data_dir
    assistant.ingest([report(tmp_path, "a.txt", secret), report(tmp_path, "b.txt", kept)])
    fill(assistant, f"What is the {secret}?")
    before = found(data, secret, token)
    assert any("chroma.sqlite3" in hit for hit in before), before
    assert any(hit.startswith("originals/") for hit in before), before
    assert any(hit.startswith("structured/") for hit in before), before

    assistant.remove("a.txt")

    assert found(data, secret, token) == []
    assert not assistant.store.compaction_pending()
    # the rest of the library is intact, in every part
    assert [d.source for d in assistant.documents()] == ["b.txt"]
    assert found(data, kept_token)
    answer = assistant.ask(f"What is the {kept}?")
    assert answer.citations and answer.citations[0].source == "b.txt"
    assert [r.source for r in structured_data(assistant).grades()] == ["b.txt"]


def test_a_new_process_reads_the_compacted_library(tmp_path, assistant):
    secret, _ = phrase()
    kept, _ = phrase()
    assistant.ingest([report(tmp_path, "a.txt", secret), report(tmp_path, "b.txt", kept)])
    assistant.remove("a.txt")
    again = build_assistant(
        assistant.settings, embeddings=HashEmbeddings(), loader=load, chunker=line_chunks
    )
    assert [d.source for d in again.documents()] == ["b.txt"]
    assert again.store.count_chunks() == 41
    hits = again.store.search_within(again.store.embeddings.embed_query(kept), 3)
    assert hits and {c.source for c in hits} == {"b.txt"}
    # and it can write: the removed file comes back whole
    again.ingest([report(tmp_path, "a.txt", secret)])
    assert again.store.count_chunks() == 82


def test_a_replaced_version_leaves_no_text(tmp_path, assistant):
    old, old_token = phrase()
    new, new_token = phrase()
    data = assistant.settings.data_dir
    assistant.ingest([report(tmp_path, "a.txt", old)])
    fill(assistant, f"What is the {old}?")

    outcome = assistant.ingest([report(tmp_path, "a.txt", new)]).outcomes[0]

    assert outcome.status == "updated"
    assert found(data, old, old_token) == []
    assert found(data, new_token)
    assert len(list(assistant.settings.originals_dir.iterdir())) == 1


def test_compaction_waits_for_a_reader_in_another_program_and_is_done_later(tmp_path, assistant):
    secret, token = phrase()
    data = assistant.settings.data_dir
    doc = assistant.ingest([report(tmp_path, "a.txt", secret)]).outcomes[0].doc_id
    assistant.store.remove_document(doc)
    reader = sqlite3.connect(data / "chroma" / "chroma.sqlite3")
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM embeddings").fetchone()  # a query in progress
        assistant.tidy()
        assert assistant.store.compaction_pending()
        assert any("chroma.sqlite3" in hit for hit in found(data, secret))
    finally:
        reader.close()
    assert not (assistant.settings.originals_dir / f"{doc}.txt").exists()

    assistant.tidy()  # the next change, or the window's next chores

    assert not assistant.store.compaction_pending()
    assert found(data, secret, token) == []


def test_the_window_chores_sweep_old_files_and_finish_a_postponed_compaction(tmp_path, assistant):
    from assistant.service import Library

    secret, token = phrase()
    data = assistant.settings.data_dir
    old = assistant.settings.window_files_dir / "f00d" / "never ingested.md"
    old.parent.mkdir(parents=True)
    old.write_text(f"the {secret}")
    os.utime(old, (time.time() - 2 * 3600,) * 2)
    assistant.ingest([report(tmp_path, "a.txt", secret)])
    with sqlite3.connect(data / "chroma" / "chroma.sqlite3") as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM embeddings").fetchone()
        Library(assistant).remove("a.txt")  # compaction postponed: the reader is mid-query
        assert assistant.store.compaction_pending()

    Library(assistant).housekeeping()

    assert not assistant.store.compaction_pending()
    assert found(data, secret, token) == []
    assert not old.parent.exists()

"""The store's write journal: half-written documents are rolled back on open, never live ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.app import build_assistant
from core.documents import DocumentMeta, ParsedDocument
from core.settings import Settings
from tests.fakes import HashEmbeddings, line_chunks
from vectorstore.manifest import Journal
from vectorstore.store import ChromaStore

pytestmark = pytest.mark.integration


class FailingEmbeddings(HashEmbeddings):
    """Fails on the ``fail_on``-th call: a writer dying between two batches of a document."""

    def __init__(self, fail_on: int) -> None:
        super().__init__()
        self.fail_on = fail_on

    def embed_array(self, texts):
        if self.calls + 1 == self.fail_on:
            self.calls += 1
            raise RuntimeError("killed")
        return super().embed_array(texts)


def load(path: Path, source: str) -> ParsedDocument:
    text = path.read_text()
    return ParsedDocument(
        doc_id="id-" + text.split()[0],
        source=source,
        file_type="txt",
        text=text,
        meta=DocumentMeta(title=source),
    )


def make(data_dir: Path, embeddings=None, batch_size: int = 2):
    settings = Settings(data_dir=data_dir, store={"batch_size": batch_size})
    return build_assistant(
        settings, embeddings=embeddings or HashEmbeddings(), loader=load, chunker=line_chunks
    )


def lines(tmp_path: Path, name: str, first: str, n: int) -> tuple[Path, str]:
    path = tmp_path / name
    path.write_text("\n".join(f"{first} line {i} about care leavers" for i in range(n)))
    return path, name


def test_a_document_half_written_is_rolled_back_when_the_library_is_opened(tmp_path):
    data = tmp_path / "d"
    make(data).ingest([lines(tmp_path, "a.txt", "alpha", 3)])
    # the second embedding call dies: b.txt has 2 of its 6 chunks written, no record
    dying = make(data, FailingEmbeddings(fail_on=2))
    store = dying.store
    doc = load(*lines(tmp_path, "b.txt", "beta", 6))
    record_chunks = line_chunks(doc, 0, 0)
    from vectorstore.store import DocumentRecord

    record = DocumentRecord(doc.doc_id, doc.source, "txt", doc.meta, len(record_chunks), 0, "")
    with pytest.raises(RuntimeError, match="killed"):
        store.add_document(record, doc.text, record_chunks)
    assert store.chunk_counts() == {"id-alpha": 3, "id-beta": 2}
    assert [(p.doc_id, p.state) for p in store.journal.pending()] == [("id-beta", "writing")]

    reopened = make(data)
    assert reopened.store.chunk_counts() == {"id-alpha": 3}
    assert [d.source for d in reopened.documents()] == ["a.txt"]
    assert reopened.store.journal.pending() == []


def test_a_failed_replacement_keeps_the_old_version_and_the_next_write_cleans_up(tmp_path):
    data = tmp_path / "d"
    first = make(data)
    first.ingest([lines(tmp_path, "a.txt", "alpha", 3)])
    changed = lines(tmp_path, "a.txt", "omega", 5)  # a.txt now holds other text
    other = lines(tmp_path, "b.txt", "beta", 1)
    report = make(data, FailingEmbeddings(fail_on=2)).ingest([changed, other])
    assert [o.status for o in report.outcomes] == ["failed", "added"]
    assert "killed" in report.outcomes[0].reason
    reopened = make(data)
    # the half-written new version was rolled back before b.txt was written
    assert reopened.store.chunk_counts() == {"id-alpha": 3, "id-beta": 1}
    again = reopened.ingest([changed])
    assert again.outcomes[0].status == "updated"
    assert reopened.store.chunk_counts() == {"id-omega": 5, "id-beta": 1}
    assert [(d.source, d.doc_id) for d in reopened.documents()] == [
        ("a.txt", "id-omega"),
        ("b.txt", "id-beta"),
    ]


def test_a_replacement_interrupted_after_the_new_version_finishes_the_removal(tmp_path):
    data = tmp_path / "d"
    assistant = make(data)
    assistant.ingest([lines(tmp_path, "a.txt", "alpha", 3), lines(tmp_path, "b.txt", "beta", 2)])
    # as if killed after the new version was complete and the old one marked for removal
    assistant.store.journal.end("none", then_remove=[("id-alpha", "a.txt")])
    reopened = make(data)
    assert reopened.store.chunk_counts() == {"id-beta": 2}
    assert [d.source for d in reopened.documents()] == ["b.txt"]


def test_nothing_is_rolled_back_while_another_writer_holds_the_lock(tmp_path):
    data = tmp_path / "d"
    make(data).ingest([lines(tmp_path, "a.txt", "alpha", 3)])
    journal_path = data / "chroma" / "ofsted-chunks-hash-bow-384.journal.sqlite"
    other = Journal(journal_path)  # another writer (flock conflicts across open files)
    with other.writer() as held:
        assert held
        other.begin("id-alpha", "writing", "a.txt", 3)  # its write is in progress
        opened = make(data)
        assert opened.store.chunk_counts() == {"id-alpha": 3}  # untouched
        assert [p.doc_id for p in opened.store.journal.pending()] == ["id-alpha"]
        with opened.store.journal.writer(wait=False) as got:
            assert not got
        other.end("id-alpha")
    assert make(data).store.chunk_counts() == {"id-alpha": 3}


def test_a_second_version_left_by_a_crash_without_journal_is_removed(tmp_path):
    data = tmp_path / "d"
    assistant = make(data)
    assistant.ingest([lines(tmp_path, "a.txt", "alpha", 2)])
    # an old version under the same name, as an interrupted replacement left it
    store = assistant.store
    stale = load(*lines(tmp_path, "old.txt", "older", 2))
    from vectorstore.store import DocumentRecord

    stale_chunks = [
        c.__class__(**{**c.__dict__, "source": "a.txt"}) for c in line_chunks(stale, 0, 0)
    ]
    record = DocumentRecord(stale.doc_id, "a.txt", "txt", stale.meta, 2, 0, "")
    store.add_document(record, stale.text, stale_chunks)
    assert len(store.find_all_by_source("a.txt")) == 2
    report = assistant.ingest([lines(tmp_path, "a.txt", "alpha", 2)])
    assert report.outcomes[0].status == "unchanged"
    assert [d.doc_id for d in store.find_all_by_source("a.txt")] == ["id-alpha"]
    assert store.chunk_counts() == {"id-alpha": 2}
    assert dict(store.lexical.doc_counts()) == {"id-alpha": 2}


def test_a_store_without_a_journal_still_works(tmp_path):
    import chromadb

    client = chromadb.EphemeralClient()
    store = ChromaStore(client, HashEmbeddings(), prefix="nojournal")
    assert store.journal is None and store.recover() == 0
    doc = load(*lines(tmp_path, "a.txt", "alpha", 2))
    chunks = line_chunks(doc, 0, 0)
    from vectorstore.store import DocumentRecord

    record = DocumentRecord(doc.doc_id, doc.source, "txt", doc.meta, 2, 0, "")
    store.add_document(record, doc.text, chunks, vectors=np.eye(2, 384, dtype=np.float32))
    assert store.chunk_counts() == {"id-alpha": 2}
    assert store.remove_document("id-alpha") and store.chunk_counts() == {}

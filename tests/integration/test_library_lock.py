"""Uploads take the library's write lock only for the moment a document becomes visible.

Real parsing (in the parse worker), real Chroma on disk, hash embeddings; the upload
is held inside its embedding by ``BlockingEmbeddings`` while a question is answered.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.app import build_assistant
from assistant.models import Answer
from assistant.service import Library
from core.settings import Settings
from ingest.chunking import chunk_document
from ingest.loader import load_document
from tests.fakes import BlockingEmbeddings, HashEmbeddings
from ui import views
from vectorstore.store import DocumentRecord

pytestmark = pytest.mark.integration

CARE = (
    "# Care leavers in Northby\n\n"
    "Care leavers in Northby are supported by personal advisers who stay in touch until "
    "they are 25. The council pays for driving lessons and university accommodation.\n"
)
NEW = (
    "# The Zorblyx family hub\n\n"
    "The Zorblyx family hub opened every weekday and offered early help to three hundred "
    "families in its first year.\n"
)
GUARD = 120  # seconds: a deadlock guard, never a timing assertion


def _answer(library: Library, question: str) -> Answer:
    """The final answer of a streamed question, asked in a thread (so a hang fails)."""
    got: list[object] = []
    asker = threading.Thread(target=lambda: got.extend(library.stream(None, question)), daemon=True)
    asker.start()
    asker.join(GUARD)
    assert not asker.is_alive(), "the question waited for the upload"
    assert isinstance(got[-1], Answer)
    return got[-1]


def test_a_question_is_answered_while_an_upload_is_being_embedded(tmp_path: Path):
    embeddings = BlockingEmbeddings(marker="zorblyx")
    library = Library(build_assistant(Settings(data_dir=tmp_path / "d"), embeddings=embeddings))
    (tmp_path / "care.txt").write_text(CARE, encoding="utf-8")
    (tmp_path / "hub.txt").write_text(NEW, encoding="utf-8")
    assert library.upload([(tmp_path / "care.txt", "care.txt")]).outcomes[0].status == "added"

    reports = []
    uploader = threading.Thread(
        target=lambda: reports.append(library.upload([(tmp_path / "hub.txt", "hub.txt")]))
    )
    uploader.start()
    try:
        assert embeddings.entered.wait(GUARD), "the upload never reached its embedding"
        answer = _answer(library, "How are care leavers supported in Northby?")
        assert answer.citations and answer.citations[0].source == "care.txt"
        assert "personal advisers" in answer.text
        assert uploader.is_alive()  # still held inside its embedding
        assert [d.source for d in library.documents()] == ["care.txt"]
    finally:
        embeddings.release.set()
        uploader.join(GUARD)
    assert not uploader.is_alive()
    assert reports[0].outcomes[0].status == "added"
    answer = _answer(library, "What did the Zorblyx family hub offer families?")
    assert answer.citations[0].source == "hub.txt"


def test_only_the_final_write_of_a_document_holds_the_lock(tmp_path: Path):
    assistant = build_assistant(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    store = assistant.store
    (tmp_path / "hub.txt").write_text(NEW * 40, encoding="utf-8")
    doc = load_document(tmp_path / "hub.txt", "hub.txt")
    chunks = chunk_document(doc, max_tokens=50, overlap_tokens=0)
    assert len(chunks) > 3
    record = DocumentRecord(
        doc_id=doc.doc_id,
        source="hub.txt",
        file_type="txt",
        meta=doc.meta,
        chunk_count=len(chunks),
        page_count=0,
        ingested_at=datetime.now(UTC).isoformat(),
    )
    seen = {}

    @contextmanager
    def visible():
        # taken after every chunk is written, before the record that completes the document
        seen["chunks"] = store.count_chunks(doc.doc_id)
        seen["record"] = store.get_document(doc.doc_id)
        seen["searched"] = dict(store.lexical.doc_counts())
        yield
        seen["record after"] = store.get_document(doc.doc_id)
        seen["searched after"] = dict(store.lexical.doc_counts())

    store.add_document(record, doc.text, chunks, pages=doc.pages, visible=visible)
    assert seen["chunks"] == len(chunks)
    assert seen["record"] is None and seen["searched"] == {}
    assert seen["record after"] is not None
    assert seen["searched after"] == {doc.doc_id: len(chunks)}  # the index swapped in inside

    seen.clear()
    store.remove_document(doc.doc_id, visible=visible)
    assert seen["record"] is not None and seen["searched"] == {doc.doc_id: len(chunks)}
    assert seen["record after"] is None and seen["searched after"] == {}
    assert store.count_chunks(doc.doc_id) == 0
    assert store.journal is not None and store.journal.pending() == []


def test_an_upload_is_read_and_embedded_on_a_thread_of_lower_priority(tmp_path: Path):
    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    seen: list[int] = []

    def loader(path: Path, source: str):
        seen.append(priority())
        return load_document(path, source)

    library = Library(
        build_assistant(
            Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings(), loader=loader
        )
    )
    (tmp_path / "care.txt").write_text(CARE, encoding="utf-8")
    report = library.upload([(tmp_path / "care.txt", "care.txt")])
    assert report.outcomes[0].status == "added"
    assert seen == [min(19, priority() + 10)]


def test_each_document_records_how_it_arrived(tmp_path: Path):
    library = Library(
        build_assistant(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    )
    (tmp_path / "care.txt").write_text(CARE, encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "hub.txt").write_text(NEW, encoding="utf-8")
    library.upload([(tmp_path / "care.txt", "care.txt")], account="ed")
    library.upload([(tmp_path / "care.txt", "care copy.txt")])  # same content: stored once
    library.assistant.ingest([(tmp_path / "folder" / "hub.txt", "hub.txt")], added_by="al (cli)")
    library.upload([(tmp_path / "folder" / "hub.txt", "hub.txt")])  # no login

    by_source = {d.source: d for d in library.documents()}
    assert set(by_source) == {"care.txt", "hub.txt"}
    care, hub = by_source["care.txt"], by_source["hub.txt"]
    assert (care.origin, care.added_by, care.added_from) == ("upload", "ed", "care.txt")
    assert (hub.origin, hub.added_by) == ("file", "al (cli)")
    assert hub.added_from == str((tmp_path / "folder" / "hub.txt").absolute())
    assert care.ingested_at and hub.ingested_at
    assert views.added(care).startswith("uploaded ") and views.added(care).endswith("by ed")


def test_housekeeping_during_an_upload_waits_without_stopping_questions(tmp_path: Path):
    """The write locks are taken in one order (store, then window): no deadlock."""
    embeddings = BlockingEmbeddings(marker="zorblyx")
    library = Library(build_assistant(Settings(data_dir=tmp_path / "d"), embeddings=embeddings))
    (tmp_path / "care.txt").write_text(CARE, encoding="utf-8")
    (tmp_path / "hub.txt").write_text(NEW, encoding="utf-8")
    library.upload([(tmp_path / "care.txt", "care.txt")])
    store = library.assistant.store
    assert store.journal is not None
    store.journal.mark_removed()  # a compaction is due: housekeeping takes the write locks

    uploader = threading.Thread(
        target=library.upload, args=([(tmp_path / "hub.txt", "hub.txt")],), daemon=True
    )
    uploader.start()
    assert embeddings.entered.wait(GUARD), "the upload never reached its embedding"
    keeper = threading.Thread(target=library.housekeeping, daemon=True)
    keeper.start()
    keeper.join(1)  # let it reach the locks (it waits for the upload's store lock)
    try:
        answer = _answer(library, "How are care leavers supported in Northby?")
        assert "personal advisers" in answer.text
    finally:
        embeddings.release.set()
        uploader.join(GUARD)
        keeper.join(GUARD)
    assert not uploader.is_alive() and not keeper.is_alive(), (
        "the upload and housekeeping deadlocked"
    )
    assert not store.compaction_pending()
    assert {d.source for d in library.documents()} == {"care.txt", "hub.txt"}

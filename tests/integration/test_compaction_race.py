"""Compaction (Python's SQLite) and Chroma's calls (its own SQLite) in one process.

Two copies of SQLite in one process do not see each other's locks: a Chroma read while
Python's VACUUM rewrote ``chroma.sqlite3`` left the file malformed (an upload failed with
"Something went wrong (DatabaseError)" under 20 chat sessions and 3 uploaders). Here
readers that hold no lock of the library (as ``remove`` resolving a name, or the tables'
refresh after an upload, do) run beside writers that add, remove and compact.
"""

from __future__ import annotations

import threading
import time
import traceback
from pathlib import Path

import pytest

from assistant.app import build_assistant
from core.settings import Settings
from tests.fakes import HashEmbeddings
from vectorstore.chroma import FileGate

pytestmark = pytest.mark.integration

SECONDS = 12.0


def test_chroma_reads_beside_add_remove_and_compact_leave_the_library_whole(tmp_path):
    assistant = build_assistant(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    store, docs = assistant.store, tmp_path / "docs"
    docs.mkdir()
    base = []
    for i in range(4):
        path = docs / f"base{i}.txt"
        path.write_text(
            "\n\n".join(
                f"Report {i} paragraph {j}: kinship care in borough {i}." * 5 for j in range(20)
            )
        )
        base.append((path, path.name))
    assistant.ingest(base)
    errors: list[str] = []
    stop = time.monotonic() + SECONDS
    rounds = [0]

    def reader() -> None:
        while time.monotonic() < stop and len(errors) < 5:
            try:
                for record in store.list_documents():
                    store.parsed_document(record.doc_id)
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                errors.append("".join(traceback.format_exception(exc))[-800:])

    def writer(i: int) -> None:
        path = docs / f"writer{i}.txt"
        n = 0
        while time.monotonic() < stop and len(errors) < 5:
            try:
                path.write_text(
                    "\n\n".join(f"Writer {i} round {n} part {j}." * 5 for j in range(10))
                )
                assistant.ingest([(path, path.name)])
                assistant.remove(path.name)  # then compacts chroma.sqlite3
                rounds[0] += 1
                n += 1
            except Exception as exc:  # noqa: BLE001
                errors.append("".join(traceback.format_exception(exc))[-800:])

    threads = [threading.Thread(target=reader) for _ in range(3)]
    threads += [threading.Thread(target=writer, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [], "\n".join(errors[:2])
    assert rounds[0] >= 4  # the writers did compact, several times
    assert not store.compaction_pending()
    assert sorted(d.source for d in store.list_documents()) == [f"base{i}.txt" for i in range(4)]
    assert store.chunk_counts() == {d.doc_id: d.chunk_count for d in store.list_documents()}


def test_the_gate_lets_calls_through_together_and_compaction_alone():
    gate = FileGate()
    events: list[str] = []
    call_in = threading.Event()
    release_call = threading.Event()

    def call() -> None:
        with gate.call():
            events.append("call in")
            call_in.set()
            release_call.wait(5)
            events.append("call out")

    def compaction() -> None:
        with gate.alone():
            events.append("alone")

    first = threading.Thread(target=call)
    first.start()
    assert call_in.wait(5)
    with gate.call():  # calls go through together
        events.append("second call")
    waiting = threading.Thread(target=compaction)
    waiting.start()
    time.sleep(0.2)
    assert "alone" not in events  # waits for the call in flight
    release_call.set()
    first.join(5)
    waiting.join(5)
    assert events == ["call in", "second call", "call out", "alone"]


def test_a_call_waits_while_compaction_holds_the_gate():
    gate = FileGate()
    events: list[str] = []
    with gate.alone():

        def call() -> None:
            with gate.call():
                events.append("call")

        caller = threading.Thread(target=call)
        caller.start()
        time.sleep(0.2)
        events.append("compaction done")
    caller.join(5)
    assert events == ["compaction done", "call"]


def test_stores_of_one_directory_share_one_gate(tmp_path: Path):
    one = build_assistant(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    two = build_assistant(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    other = build_assistant(Settings(data_dir=tmp_path / "e"), embeddings=HashEmbeddings())
    assert one.store.gate is two.store.gate
    assert other.store.gate is not one.store.gate

"""The library generation: bumped by every add, replacement, removal and roll-back, and
followed by what is derived from the library (the lexical index with the chunks' vectors,
the structured tables) after a write in this process or in another one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import chromadb
import numpy as np
import pytest

from assistant.app import build_assistant
from assistant.structured import StructuredData
from core.documents import DocumentMeta, ParsedDocument
from core.settings import Settings
from tests.fakes import HashEmbeddings, line_chunks
from vectorstore.store import ChromaStore, DocumentRecord

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def load(path: Path, source: str) -> ParsedDocument:
    text = path.read_text()
    return ParsedDocument(
        doc_id="id-" + text.split()[0] + text.split()[1],
        source=source,
        file_type="txt",
        text=text,
        meta=DocumentMeta(title=source, kind="inspection report"),
    )


def make(data_dir: Path):
    settings = Settings(data_dir=data_dir, store={"batch_size": 2})
    return build_assistant(settings, embeddings=HashEmbeddings(), loader=load, chunker=line_chunks)


def write(folder: Path, name: str, first: str, n: int = 2, version: str = "v1") -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(f"{first} {version} line {i} about kinship care" for i in range(n)))
    return path, name


def test_every_add_replacement_and_removal_moves_the_generation_and_nothing_else_does(tmp_path):
    assistant = make(tmp_path / "d")
    store, docs = assistant.store, tmp_path / "docs"
    seen = [store.generation()]

    def moved() -> bool:
        seen.append(store.generation())
        return seen[-1] != seen[-2]

    assistant.ingest([write(docs, "a.txt", "alpha")])
    assert moved()
    assistant.ingest([write(docs, "a.txt", "alpha")])  # unchanged: nothing written
    assert not moved()
    store.list_documents(), store.refresh_lexical(), assistant.retriever.search("kinship", 2)
    assert not moved()  # reading never moves it
    assistant.ingest([write(docs, "a.txt", "alpha", version="v2")])  # replaces a.txt
    assert moved()
    assistant.remove("a.txt")
    assert moved()
    assert len(set(seen)) == 4  # never back to an earlier value
    # embedded: kept in the write journal beside Chroma's files, read afresh every time
    assert store.journal is not None and seen[-1] == store.journal.generation()


def test_a_roll_back_moves_the_generation(tmp_path):
    data = tmp_path / "d"
    assistant = make(data)
    assistant.ingest([write(tmp_path / "docs", "a.txt", "alpha")])
    before = assistant.store.generation()
    assistant.store.journal.end("none", then_remove=[("id-alphav1", "a.txt")])  # as if killed
    reopened = make(data)  # rolls the removal forward
    assert reopened.documents() == []
    assert reopened.store.generation() != before


def test_a_library_made_again_in_the_same_place_never_repeats_a_generation(tmp_path):
    """Its Chroma directory deleted, the derived data left: it must not pass for current."""
    import shutil

    data = tmp_path / "d"
    old = make(data)
    old.ingest([write(tmp_path / "docs", "a.txt", "alpha")])
    tables = data / "tables.sqlite"
    StructuredData(tables, old.store, old.authorities).refresh()
    old_generation = old.store.generation()
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # as a new process would
    shutil.rmtree(data / "chroma")
    new = make(data)
    new.ingest([write(tmp_path / "docs", "z.txt", "zulu")])  # the same count of changes
    assert new.store.generation().split(".")[0] == old_generation.split(".")[0]
    assert new.store.generation() != old_generation
    assert StructuredData(tables, new.store, new.authorities).refresh() == 2
    assert dict(new.store.lexical.doc_counts()) == {"id-zuluv1": 2}


def _store_without_journal(client, embeddings=None) -> ChromaStore:
    return ChromaStore(client, embeddings or HashEmbeddings(), prefix="gen")


def _add(store: ChromaStore, tmp_path: Path, first: str, *, visible=None) -> None:
    doc = load(*write(tmp_path / "docs", f"{first}.txt", first))
    chunks = line_chunks(doc, 0, 0)
    record = DocumentRecord(doc.doc_id, doc.source, "txt", doc.meta, len(chunks), 0, "")
    vectors = np.eye(len(chunks), 384, dtype=np.float32)
    store.add_document(record, doc.text, chunks, vectors=vectors, visible=visible)


def test_without_a_journal_the_generation_is_kept_in_chroma_and_shared_by_its_clients(tmp_path):
    client = chromadb.EphemeralClient()
    one, two = _store_without_journal(client), _store_without_journal(client)
    assert one.journal is None and one.generation() == two.generation()
    before = two.generation()
    _add(one, tmp_path, "alpha")
    assert two.generation() != before  # another store on the same Chroma sees it move
    assert two.generation() == one.generation()
    before = two.generation()
    assert one.remove_document("id-alphav1")
    assert two.generation() != before


def test_a_write_that_another_writer_overtook_rebuilds_its_index(tmp_path, monkeypatch):
    """A shared server has no writer lock: the index built before a write may miss another's."""
    from contextlib import nullcontext

    from vectorstore.lexical import LexicalIndex
    from vectorstore.store import Moves

    client = chromadb.EphemeralClient()
    store = _store_without_journal(client)
    store.lexical = LexicalIndex(tmp_path / "lex", str.split)
    other = _store_without_journal(client)
    real_bump = Moves.bump

    def overtaken(moves: Moves) -> None:  # the other writer finishes first
        if not other.get_document("id-betav1"):
            _add(other, tmp_path, "beta")
        real_bump(moves)

    monkeypatch.setattr(Moves, "bump", overtaken)
    _add(store, tmp_path, "alpha", visible=nullcontext)
    assert store.lexical.generation == store.generation()
    assert dict(store.lexical.doc_counts()) == {"id-alphav1": 2, "id-betav1": 2}


CHILD = r"""
import sys
from pathlib import Path
from tests.integration.test_generation import make, write

assistant = make(Path(sys.argv[1]))
report = assistant.ingest([write(Path(sys.argv[2]), sys.argv[3], sys.argv[4])])
assert report.outcomes[0].status == "added", report.outcomes
"""


def _in_another_process(data: Path, folder: Path, name: str, first: str) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), str(folder), name, first],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]


def test_the_lexical_index_and_the_tables_catch_up_when_another_process_writes(tmp_path):
    data = tmp_path / "d"
    running = make(data)
    running.ingest([write(tmp_path / "docs", "a.txt", "alpha")])
    store = running.store
    tables = StructuredData(tmp_path / "tables.sqlite", store, running.authorities)
    assert tables.refresh() == 1
    listed = []
    real_list = store.list_documents
    store.list_documents = lambda: listed.append(1) or real_list()  # type: ignore[method-assign]
    assert tables.refresh() == 0 and listed == []  # same generation: the library is not read
    assert store.lexical_search(["zulu"], 5) == []

    _in_another_process(data, tmp_path / "docs", "z.txt", "zulu")

    # no wait, no restart: the next use sees the generation moved
    hits = store.lexical_search(["zulu"], 5)
    assert hits and all(cid.startswith("id-zuluv1:") for cid, _ in hits)
    assert store.lexical.generation == store.generation()
    vector = HashEmbeddings().embed_query("zulu v1 line 0 about kinship care")
    assert store.search_within(vector, 1)[0].doc_id == "id-zuluv1"  # the in-memory vectors too
    assert tables.refresh() == 1 and listed == [1]
    assert tables.refresh() == 0 and listed == [1]


def test_first_searches_wait_for_the_index_and_later_ones_do_not_wait_for_a_refresh(tmp_path):
    import threading
    import time

    data = tmp_path / "d"
    make(data).ingest([write(tmp_path / "docs", "a.txt", "alpha")])
    store = make(data).store  # a new process: its index is not loaded yet
    real_load = store.lexical.load
    loading = threading.Event()

    def slow_load() -> bool:
        loading.set()
        time.sleep(0.5)
        return real_load()

    store.lexical.load = slow_load  # type: ignore[method-assign]
    first = threading.Thread(target=store.refresh_lexical)
    first.start()
    assert loading.wait(5)
    assert store.lexical_search(["alpha"], 5)  # waited for the load, not an empty index
    first.join(5)

    store._refreshing.acquire()  # a refresh in progress elsewhere (another write seen)
    try:
        began = time.monotonic()
        assert store.lexical_search(["alpha"], 5)  # the index in use, at once
        assert time.monotonic() - began < 0.5
    finally:
        store._refreshing.release()


def test_a_journal_named_by_a_relative_path_reads_its_generation(tmp_path, monkeypatch):
    """`--data-dir .demo-data` (the README's commands) gives relative paths."""
    from vectorstore.manifest import Journal

    monkeypatch.chdir(tmp_path)
    journal = Journal(Path("lib") / "x.journal.sqlite")
    assert journal.generation() == "0"
    before, after = journal.bump()
    assert before == "0" and journal.generation() == after != "0"

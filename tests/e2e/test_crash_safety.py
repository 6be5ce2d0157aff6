"""Kill ``ofsted-assistant ingest`` with SIGKILL at random points: no store is left half done.

After each kill the library is opened again (which rolls back what the killed
process left half written) and every document must be wholly present or wholly
absent, with the same documents and chunk counts in Chroma's chunks and documents
collections, in the vector index (a search over everything finds every chunk),
in the BM25 index and in the structured tables. Ingesting again completes the job.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from assistant.answering.text_units import terms
from assistant.app import build_assistant
from assistant.structured import StructuredData
from core.settings import Settings
from ingest.chunking import chunk_document
from ingest.loader import iter_files, load_document
from tests.conftest import SAMPLE
from vectorstore.lexical import LexicalIndex
from vectorstore.manifest import Journal, Pending

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLI = Path(sys.executable).parent / "ofsted-assistant"
FILES = (
    SAMPLE / "corpus" / "devon-ctsb-2010-board-report-outstanding-services.txt",
    SAMPLE / "corpus" / "westminster-2006-apa-letter.txt",
)
CHANGED = FILES[1].name
KEEP_CHARS = 9000  # of each file, cut at a paragraph: two small reports keep trials quick
TRIALS = 21
EXTRA_TRIALS = 20  # at most, until a kill lands in the middle of a document
SEED = 20261122


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_ASSISTANT_")}
    # Small batches: each document is many Chroma writes, so kills land inside documents.
    env["OFSTED_ASSISTANT_STORE__BATCH_SIZE"] = "4"
    env["ANONYMIZED_TELEMETRY"] = "False"
    return env


def _run(folder: Path, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CLI), "ingest", str(folder), "--data-dir", str(data_dir)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _kill_after(folder: Path, data_dir: Path, delay: float) -> int | None:
    """Start an ingest, SIGKILL it after ``delay`` s; its exit code if it ended first."""
    proc = subprocess.Popen(
        [str(CLI), "ingest", str(folder), "--data-dir", str(data_dir)],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(delay)
        finished = proc.poll()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    return finished


def _expected_chunks(folders: list[Path]) -> dict[str, int]:
    """doc_id -> chunk count of every version of every file, as a complete ingest stores it."""
    settings = Settings().ingest
    out = {}
    for path, source in iter_files(folders):
        doc = load_document(path, source)
        chunks = chunk_document(
            doc, max_tokens=settings.chunk_tokens, overlap_tokens=settings.chunk_overlap
        )
        out[doc.doc_id] = len(chunks)
    return out


def _library(data_dir: Path, embeddings, expected: dict[str, int]) -> dict[str, str]:
    """Open the library, check every store agrees, return {source: doc_id}."""
    try:
        return _check_library(data_dir, embeddings, expected)
    finally:
        # An embedded Chroma client does not see other processes' later writes
        # (its vector index reader is cached): never keep one across a CLI run.
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()


def _check_library(data_dir: Path, embeddings, expected: dict[str, int]) -> dict[str, str]:
    assistant = build_assistant(Settings(data_dir=data_dir), embeddings=embeddings)
    store = assistant.store
    assert store.journal is not None and store.journal.pending() == []
    records = store.list_documents()
    docs = {r.doc_id: r for r in records}
    sources = Counter(r.source for r in records)
    assert all(n == 1 for n in sources.values()), f"a file stored twice: {sources}"
    # Chroma: chunks only of complete documents, all of them
    chunk_counts = store.chunk_counts()
    assert set(chunk_counts) == set(docs), (chunk_counts, list(docs))
    for doc_id, record in docs.items():
        assert chunk_counts[doc_id] == record.chunk_count == expected[doc_id], record.source
    # the vector index finds every chunk (its files agree with Chroma's database)
    total = sum(chunk_counts.values())
    if total:
        vector = np.random.default_rng(0).normal(size=384)
        found = store.search((vector / np.linalg.norm(vector)).tolist(), k=total)
        assert Counter(c.doc_id for c in found) == Counter(chunk_counts)
    # BM25: after a refresh the index matches, and so does what it saved
    store.refresh_lexical()
    assert store.lexical is not None
    assert dict(store.lexical.doc_counts()) == chunk_counts
    saved = LexicalIndex(store.lexical.directory, terms)
    if total:
        assert saved.load() and saved.generation == store.generation()
        assert dict(saved.doc_counts()) == chunk_counts
    # the structured tables: the same documents after their refresh
    path = data_dir / "structured" / f"{store.chunks_name}.sqlite"
    StructuredData(path, store, assistant.authorities).refresh()
    with closing(sqlite3.connect(path)) as db:
        in_table = {row[0] for row in db.execute("SELECT doc_id FROM documents")}
        for table in ("judgements", "actions", "cases"):
            rows = {row[0] for row in db.execute(f"SELECT DISTINCT doc_id FROM {table}")}
            assert rows <= in_table, table
    assert in_table == set(docs)
    return {r.source: r.doc_id for r in records}


@pytest.fixture(scope="module")
def embeddings():
    from vectorstore.embeddings import MiniLMEmbeddings

    return MiniLMEmbeddings()


def test_sigkill_during_ingest_leaves_every_document_whole_or_absent(tmp_path, embeddings):
    if not CLI.exists():
        pytest.skip(f"the console script is not installed at {CLI}")
    folder = tmp_path / "reports"
    folder.mkdir()
    for file in FILES:
        text = file.read_text(encoding="utf-8")
        cut = text.rfind("\n\n", 0, KEEP_CHARS) if len(text) > KEEP_CHARS else len(text)
        (folder / file.name).write_text(text[:cut] + "\n", encoding="utf-8")
    changed = tmp_path / "reports v2"
    shutil.copytree(folder, changed)
    with open(changed / CHANGED, "a", encoding="utf-8") as fh:
        fh.write("\nA closing paragraph added later about the fostering panel.\n")
    expected = _expected_chunks([folder, changed])
    first = _ids(folder)
    second = _ids(changed)

    # one complete run, timed: the kills spread over this window
    baseline = tmp_path / "baseline"
    began = time.perf_counter()
    done = _run(folder, baseline)
    window = time.perf_counter() - began
    assert done.returncode == 0, done.stdout + done.stderr
    assert _library(baseline, embeddings, expected) == first

    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    data_dir = tmp_path / "trial-0"

    def trial_run(trial: int, delay: float, scenario: str) -> None:
        nonlocal data_dir
        # fresh: an empty library; resume: ingest again into the library the previous
        # trial's kill left; update: one file changed since a complete ingest
        if scenario == "fresh":
            data_dir = tmp_path / f"trial-{trial}"
            source_folder = folder
        elif scenario == "update":
            data_dir = tmp_path / f"trial-{trial}"
            shutil.copytree(baseline, data_dir)
            source_folder = changed
        else:  # kill the ingest that resumes the previous trial's killed one
            source_folder = folder
        finished = _kill_after(source_folder, data_dir, delay)
        half_done = _pending(data_dir)  # what opening the library must roll back
        present = _library(data_dir, embeddings, expected)
        want = first if source_folder == folder else second
        for source, doc_id in present.items():  # whole documents, old or new versions
            assert doc_id in (first[source], second[source]), (trial, source)
        if scenario == "update":  # a replaced file is never lost: old or new, never neither
            assert set(present) == set(first), (trial, present)
        state = "complete" if present == want else ("empty" if not present else "partial")
        ended = "finished" if finished is not None else "killed"
        outcomes[f"{scenario}:{ended}:{state}" + (":rolled back" if half_done else "")] += 1

        if present != want:  # run it again to the end: everything there, once
            again = _run(source_folder, data_dir)
            assert again.returncode == 0, again.stdout + again.stderr
            assert _library(data_dir, embeddings, expected) == want, trial

    for trial in range(TRIALS):
        if trial < 2:
            delay = (0.0, 0.05)[trial]  # before anything is written
        elif trial < 4:
            delay = window * (0.97, 1.03)[trial - 2]  # around the end (maybe after it)
        else:
            delay = rng.uniform(0.0, window)
        trial_run(trial, delay, ("fresh", "resume", "update")[trial % 3])
    # the kills are timed against one complete run; on a loaded machine they may all
    # miss the moment a document is half written: more fresh trials until one hits it
    extra = 0
    while not any(k.endswith(":rolled back") for k in outcomes) and extra < EXTRA_TRIALS:
        trial_run(TRIALS + extra, rng.uniform(0.0, window), "fresh")
        extra += 1
    print("crash trials:", dict(sorted(outcomes.items())))
    assert sum(outcomes.values()) == TRIALS + extra
    assert any(":killed:partial" in k or ":killed:empty" in k for k in outcomes)
    assert any(k.endswith(":rolled back") for k in outcomes)  # some kills hit a document


def _pending(data_dir: Path) -> list[Pending]:
    return [
        note
        for path in data_dir.glob("chroma/*.journal.sqlite")
        for note in Journal(path).pending()
    ]


def _ids(folder: Path) -> dict[str, str]:
    return {source: load_document(path, source).doc_id for path, source in iter_files([folder])}

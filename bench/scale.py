"""Scale benchmark: an index of N chunks built from the real reports, then latency and memory.

Usage: .venv/bin/python bench/scale.py [--chunks 20000] [--data-dir DIR] [--questions FILE]
       [--keep]

Every real document (``data/sample/**`` and ``../shared/ilacs/**/*.pdf``) is parsed, chunked
and embedded once with the real model. Perturbed copies are then written until the index
holds at least N chunks: copy k of a document gets a new id, the source ``copies/k/<source>``,
one word dropped or swapped in each chunk (seeded) and the original chunk vectors plus
Gaussian noise (sigma 0.01), renormalised, so nothing is embedded twice; every document
goes through ``store.add_document``, then the lexical index is rebuilt. A fresh process then
opens the index and times ``assistant.retriever.search(q, 5)`` over at least 100 questions
(after 5 warm-ups); the peak RSS of both processes and the size of the data dir are read.

Prints Markdown lines for bench/RESULTS.md; progress bars go to stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import hashlib
import inspect
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from assistant.app import Assistant, build_assistant
from assistant.ingesting import with_page_starts
from core.documents import Chunk
from core.errors import AssistantError
from core.settings import Settings
from ingest.chunking import chunk_document
from ingest.loader import iter_files, load_document
from vectorstore.embeddings import DIMENSIONS
from vectorstore.store import ChromaStore, DocumentRecord, embedding_text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(__file__).resolve().parents[2] / "shared"
EMBED_BATCH = 256
NOISE_SIGMA = 0.01
SEED = 20261122
WARM_UP = 5
MIN_QUESTIONS = 100
K = 5
WORD = re.compile(r"\S+")
MIB = 1024 * 1024
INGESTED_AT = "2026-01-01T00:00:00+00:00"

console = Console(stderr=True)


@dataclass
class Original:
    """A real document, chunked, with one unit vector per chunk once embedded."""

    record: DocumentRecord
    text: str
    chunks: list[Chunk]
    vectors: np.ndarray | None = None


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


# -- the real documents --------------------------------------------------------------


def real_files(sample: Path, shared: Path) -> list[tuple[Path, str]]:
    """``(path, source)`` of data/sample/** and, when present, shared/ilacs/**/*.pdf."""
    files = iter_files([sample])
    ilacs = shared / "ilacs"
    if ilacs.is_dir():
        files += [(p, s) for p, s in iter_files([ilacs]) if p.suffix.lower() == ".pdf"]
    else:
        console.print(f"[yellow]{ilacs} not found: using {sample} only")
    return files


def load_originals(files: Sequence[tuple[Path, str]], settings: Settings) -> list[Original]:
    """Parse and chunk every file once; a file whose bytes were already seen is skipped."""
    originals: list[Original] = []
    seen: set[str] = set()
    with progress_bar() as bar:
        task = bar.add_task("parse + chunk", total=len(files))
        for path, source in files:
            bar.advance(task)
            try:
                doc = load_document(path, source)
            except AssistantError as exc:
                console.print(f"[yellow]skipped {source}: {exc}")
                continue
            if doc.doc_id in seen:  # production stores identical files once
                continue
            seen.add(doc.doc_id)
            chunks = [
                with_page_starts(doc, c)
                for c in chunk_document(
                    doc,
                    max_tokens=settings.ingest.chunk_tokens,
                    overlap_tokens=settings.ingest.chunk_overlap,
                )
            ]
            if not chunks:
                continue
            record = DocumentRecord(
                doc_id=doc.doc_id,
                source=source,
                file_type=doc.file_type,
                meta=doc.meta,
                chunk_count=len(chunks),
                page_count=len(doc.pages),
                ingested_at=INGESTED_AT,
                char_count=len(doc.text),
            )
            originals.append(Original(record, doc.text, chunks))
    return originals


def embed_originals(store: ChromaStore, originals: list[Original]) -> None:
    """Embed every chunk as ``add_document`` does, in length-sorted batches."""
    texts = [embedding_text(o.record.meta.title, c) for o in originals for c in o.chunks]
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    with progress_bar() as bar:
        task = bar.add_task("embed", total=len(texts))
        for begin in range(0, len(order), EMBED_BATCH):
            idx = order[begin : begin + EMBED_BATCH]
            vectors[idx] = store.embeddings.embed_array([texts[i] for i in idx])
            bar.advance(task, len(idx))
    offset = 0
    for o in originals:
        o.vectors = vectors[offset : offset + len(o.chunks)]
        offset += len(o.chunks)


# -- perturbed copies ----------------------------------------------------------------


def perturb(text: str, rng: random.Random) -> tuple[str, Callable[[int], int]]:
    """Drop one word or swap two adjacent ones; return the text and an offset map."""
    words = [m.span() for m in WORD.finditer(text)]
    if len(words) < 2:
        return text, lambda o: o
    if rng.random() < 0.5:
        i = rng.randrange(len(words))
        start = words[i][0]
        end = words[i + 1][0] if i + 1 < len(words) else len(text)
        cut = end - start
        return text[:start] + text[end:], lambda o: o if o <= start else max(start, o - cut)
    i = rng.randrange(len(words) - 1)
    (a0, a1), (b0, b1) = words[i], words[i + 1]
    swapped = text[:a0] + text[b0:b1] + text[a1:b0] + text[a0:a1] + text[b1:]
    return swapped, lambda o: a0 if a0 < o < b1 else o


def make_copy(o: Original, k: int) -> tuple[DocumentRecord, str, list[Chunk], np.ndarray]:
    """Copy ``k`` of a real document: new id and source, perturbed texts and vectors."""
    doc_id = hashlib.sha256(f"{o.record.doc_id}:{k}".encode()).hexdigest()
    source = f"copies/{k}/{o.record.source}"
    rng = random.Random(f"{SEED}:{doc_id}")
    chunks: list[Chunk] = []
    texts: list[str] = []
    position = 0
    for c in o.chunks:
        text, moved = perturb(c.text, rng)
        starts = tuple((moved(offset), page) for offset, page in c.page_starts)
        chunks.append(
            dataclasses.replace(
                c,
                doc_id=doc_id,
                source=source,
                text=text,
                start=position,
                end=position + len(text),
                page_starts=starts,
            )
        )
        texts.append(text)
        position += len(text) + 2
    doc_text = "\n\n".join(texts)
    assert o.vectors is not None
    noise = np.random.default_rng([SEED, k]).normal(0.0, NOISE_SIGMA, o.vectors.shape)
    vectors = (o.vectors + noise).astype(np.float32)
    vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
    record = dataclasses.replace(o.record, doc_id=doc_id, source=source, char_count=len(doc_text))
    return record, doc_text, chunks, vectors


def documents_to_write(
    originals: list[Original], target: int
) -> Iterator[tuple[DocumentRecord, str, list[Chunk], np.ndarray, bool]]:
    """The real documents, then copy 1 of each, copy 2, ... until ``target`` chunks."""
    written = 0
    for o in originals:
        assert o.vectors is not None
        written += len(o.chunks)
        yield o.record, o.text, o.chunks, o.vectors, False
    k = 0
    while written < target:
        k += 1
        for o in originals:
            if written >= target:
                return
            record, text, chunks, vectors = make_copy(o, k)
            written += len(chunks)
            yield record, text, chunks, vectors, True


# -- writing -------------------------------------------------------------------------


class ReplayEmbeddings:
    """Stands in for the model during one ``add_document``: hands out precomputed vectors."""

    def __init__(self, model: Any, vectors: np.ndarray) -> None:
        self.model = model
        self.vectors = vectors
        self.used = 0

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        out = self.vectors[self.used : self.used + len(texts)]
        if len(out) != len(texts):
            raise RuntimeError("add_document asked for more vectors than the document has")
        self.used += len(texts)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)


def precomputed_write_supported(store: ChromaStore) -> bool:
    return "vectors" in inspect.signature(store.add_document).parameters


def write_document(
    store: ChromaStore,
    record: DocumentRecord,
    text: str,
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
) -> None:
    """Store a document with precomputed vectors through ``store.add_document``."""
    if precomputed_write_supported(store):
        store.add_document(record, text, chunks, vectors=vectors)  # type: ignore[call-arg]
        return
    # Until add_document accepts vectors, its model is swapped for one that replays them,
    # so ids, metadata, the document record and any side index are written as in production.
    model = store.embeddings
    replay = ReplayEmbeddings(model, vectors)
    store.embeddings = replay  # type: ignore[assignment]
    try:
        store.add_document(record, text, chunks)
    finally:
        store.embeddings = model
    if replay.used != len(chunks):
        raise RuntimeError(f"add_document used {replay.used} of {len(chunks)} vectors")


LEXICAL_HOOKS = (
    ("ingester", "refresh_lexical"),
    ("ingester", "rebuild_lexical"),
    ("store", "refresh_lexical"),
    ("store", "rebuild_lexical"),
    ("retriever", "refresh_lexical"),
    ("retriever", "rebuild_lexical"),
)


def lexical_hook(assistant: Assistant) -> tuple[str, Callable[[], Any]] | None:
    """The assistant's way to rebuild the lexical index (forced when it can be), if any."""
    for part, name in LEXICAL_HOOKS:
        fn = getattr(getattr(assistant, part, None), name, None)
        if callable(fn):
            if "force" in inspect.signature(fn).parameters:
                return f"assistant.{part}.{name}(force=True)", functools.partial(fn, force=True)
            return f"assistant.{part}.{name}()", fn
    return None


def release_index(assistant: Assistant) -> None:
    """Let go of the Chroma client so that another process opens the index alone."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception as exc:  # only a courtesy to the measuring process
        console.print(f"[yellow]could not release the Chroma client: {exc}")
    del assistant
    gc.collect()


# -- measuring -----------------------------------------------------------------------


def load_questions(path: Path) -> list[str]:
    """The questions of ``path`` and of bench/eval/*.jsonl, repeated to at least 100."""
    questions = [q.strip() for q in path.read_text().splitlines() if q.strip()]
    for jsonl in sorted((HERE / "eval").glob("*.jsonl")):
        for line in jsonl.read_text().splitlines():
            if line.strip():
                questions.append(json.loads(line)["question"])
    if not questions:
        raise SystemExit("no questions found")
    repeated = list(questions)
    while len(repeated) < MIN_QUESTIONS:
        repeated += questions
    return repeated


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def proc_status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_kib() -> dict[str, int | None]:
    return {
        "ru_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "VmHWM": proc_status_kib("VmHWM"),
    }


def measure_retrieval(data_dir: Path, questions: list[str]) -> dict[str, Any]:
    """Open the index, warm up, time ``retriever.search(q, K)`` per question; read memory."""
    assistant = build_assistant(Settings(data_dir=data_dir))
    for q in questions[:WARM_UP]:
        assistant.retriever.search(q, K)
    timings: list[float] = []
    with progress_bar() as bar:
        task = bar.add_task("retrieve", total=len(questions))
        for q in questions:
            began = time.perf_counter()
            assistant.retriever.search(q, K)
            timings.append((time.perf_counter() - began) * 1000)
            bar.advance(task)
    # ru_maxrss survives fork and exec, so in this child it may be the parent's peak:
    # VmHWM (reset by exec) is this process's own high-water mark.
    return {
        "chunks": assistant.store.count_chunks(),
        "timings_ms": timings,
        "rss_kib": proc_status_kib("VmRSS"),
        "VmHWM": proc_status_kib("VmHWM"),
    }


def measure_in_fresh_process(data_dir: Path, questions_file: Path) -> dict[str, Any]:
    """Run :func:`measure_retrieval` in a new process, so its memory is the serving cost."""
    command = [sys.executable, str(Path(__file__).resolve()), "--measure-only"]
    command += ["--data-dir", str(data_dir), "--questions", str(questions_file)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def dir_size(path: Path) -> tuple[int, int]:
    """Bytes allocated on disk and apparent bytes of every file under ``path``."""
    allocated = apparent = 0
    for file in path.rglob("*"):
        if file.is_file() and not file.is_symlink():
            st = file.stat()
            allocated += st.st_blocks * 512
            apparent += st.st_size
    return allocated, apparent


def mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:,.0f} MiB"


# -- main ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=20000, help="chunks to reach (at least)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where to build the index (must be empty or absent; default: a temporary folder)",
    )
    parser.add_argument(
        "--questions",
        type=Path,
        default=HERE / "questions-foundation.txt",
        help="questions, one a line (the bench/eval/*.jsonl questions are added)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data dir afterwards")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    questions = load_questions(args.questions)

    if args.measure_only:  # the child process of measure_in_fresh_process
        if args.data_dir is None:
            raise SystemExit("--measure-only needs --data-dir")
        print(json.dumps(measure_retrieval(args.data_dir, questions)))
        return

    if args.data_dir is not None:
        if args.data_dir.exists() and any(args.data_dir.iterdir()):
            raise SystemExit(f"{args.data_dir} is not empty: give an empty or new folder")
        data_dir = args.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="ofsted-scale-"))
    try:
        run(args.chunks, data_dir, args.questions, len(questions))
    finally:
        if args.keep:
            console.print(f"data dir kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def run(target: int, data_dir: Path, questions_file: Path, n_questions: int) -> None:
    settings = Settings(data_dir=data_dir)
    assistant = build_assistant(settings)
    store = assistant.store
    store.embeddings.embed_query("warm up")  # model load is not embed time

    files = real_files(ROOT / "data" / "sample", SHARED)
    began = time.perf_counter()
    originals = load_originals(files, settings)
    parse_s = time.perf_counter() - began
    real_chunks = sum(len(o.chunks) for o in originals)
    real_docs = len(originals)

    began = time.perf_counter()
    embed_originals(store, originals)
    embed_s = time.perf_counter() - began

    docs = copies = chunks = 0
    copy_s = 0.0
    began = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task("write", total=max(target, real_chunks))
        stream = documents_to_write(originals, target)
        while True:
            made = time.perf_counter()
            item = next(stream, None)
            if item is None:
                break
            record, text, doc_chunks, vectors, is_copy = item
            if is_copy:
                copy_s += time.perf_counter() - made
            write_document(store, record, text, doc_chunks, vectors)
            docs += 1
            copies += is_copy
            chunks += len(doc_chunks)
            bar.update(task, completed=chunks)
    write_s = time.perf_counter() - began
    write_path = (
        "`store.add_document(..., vectors=...)`"
        if precomputed_write_supported(store)
        else "`store.add_document` with its model swapped for the precomputed vectors"
    )

    hook = lexical_hook(assistant)
    lexical = "no rebuild hook found on the assistant"
    if hook is not None:
        console.print(f"rebuilding the lexical index: {hook[0]}")
        began = time.perf_counter()
        hook[1]()
        lexical = f"{time.perf_counter() - began:.1f} s via `{hook[0]}`"

    stored_chunks = store.count_chunks()
    stored_docs = len(store.list_documents())
    if stored_chunks != chunks or stored_docs != docs:
        console.print(
            f"[red]store holds {stored_docs} docs / {stored_chunks} chunks, wrote {docs} / {chunks}"
        )
    build_peak = peak_rss_kib()
    del store, originals
    release_index(assistant)

    served = measure_in_fresh_process(data_dir, questions_file)
    timings = served["timings_ms"]
    allocated, apparent = dir_size(data_dir)

    print(f"### Scale: {target:,} chunks ({date.today().isoformat()})")
    print()
    print(f"`.venv/bin/python bench/scale.py --chunks {target}`")
    print()
    print(
        f"- index: **{stored_docs:,} documents, {stored_chunks:,} chunks** ({real_docs}"
        f" real documents with {real_chunks:,} chunks + {copies:,} perturbed copies)"
    )
    print(
        f"- build: parse+chunk {parse_s:.1f} s; embed {embed_s:.1f} s ({real_chunks:,} chunks,"
        f" {real_chunks / embed_s:.1f} chunks/s); write {write_s:.1f} s ({chunks / write_s:,.0f}"
        f" chunks/s, of which making copies {copy_s:.1f} s) via {write_path}"
    )
    print(f"- lexical index rebuild after the writes: {lexical}")
    print(
        f"- retrieve in a fresh process (`retriever.search(q, {K})`, {len(timings)} questions"
        f" after {WARM_UP} warm-ups, {served['chunks']:,} chunks): **p50"
        f" {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms**"
        f" (mean {statistics.fmean(timings):.1f} ms, max {max(timings):.1f} ms)"
    )
    print(
        f"- peak RSS: **{mib(served['VmHWM'])} serving** (VmHWM of the retrieval process, which"
        f" only opened the index; {mib(served['rss_kib'])} at its end),"
        f" **{mib(build_peak['ru_maxrss'])} building** (ru_maxrss; VmHWM"
        f" {mib(build_peak['VmHWM'])})"
    )
    print(
        f"- data dir on disk: **{allocated / MIB:,.0f} MiB** (apparent size"
        f" {apparent / MIB:,.0f} MiB)"
    )


if __name__ == "__main__":
    main()

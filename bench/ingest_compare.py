"""Ingest throughput and memory: ours against the LangChain tutorial pipeline, same files.

Usage: .venv/bin/python bench/ingest_compare.py [--docs ../shared/ilacs] [--repeat 1]
       [--profile FILE.prof]

The PDFs under ``--docs`` are copied into one temporary folder (so both pipelines read the
same files, from the page cache). Each pipeline then runs in a fresh child process, so its
peak memory (VmHWM, the RSS high-water mark, reset by exec) is its own; the model is
loaded and warmed before the clock starts, in both.

- ours: ``Assistant.ingest`` of every file into a fresh embedded index (parse, clean,
  chunk, embed title + context + text, write to Chroma, BM25 rebuild, keep originals),
  exactly as ``ofsted-assistant ingest`` does.
- tutorial: what ``eval --baseline`` builds (``assistant.baseline``): pypdf pages,
  ``RecursiveCharacterTextSplitter`` 1000/200, ``Chroma.from_documents`` into an in-memory
  collection, with the same MiniLM model.

Time is split between parsing + chunking and embedding + storing: the loader, chunker and
the model's ``embed_array`` are wrapped with timers (constructor arguments and an
attribute of the store, nothing patched by module path). With ``--repeat N`` the children
alternate (tutorial, ours, tutorial, ...) and the medians are reported. ``--profile``
writes a cProfile of our ingest (one extra run). Prints Markdown for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# The tutorial embeds with the default batch of LangChain's HuggingFaceEmbeddings
# (sentence-transformers' encode: 32 texts). Ours uses its own setting (2, measured:
# bench/embed_batch.py). TUTORIAL_BATCH=2 in the environment gives the tutorial ours too.
TUTORIAL_BATCH = int(os.environ.get("TUTORIAL_BATCH", "32"))
SHARED = HERE.parents[1] / "shared"
MIB = 1024


def proc_status_kib(field: str) -> int | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return None


class Clock:
    """Seconds spent in named stages."""

    def __init__(self) -> None:
        """Start every stage at zero."""
        self.seconds: dict[str, float] = {}

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn``, with the time of each call added to ``stage``."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - began

        return timed


class TimedEmbeddings:
    """The real model, with the time spent embedding passages counted."""

    def __init__(self, model: Any, clock: Clock) -> None:
        """Wrap ``model``; embedding time goes to ``clock``'s ``embed`` stage."""
        self.model = model
        self._embed = clock.wrap("embed", model.embed_array)
        self.texts = 0
        self.chars = 0

    def embed_array(self, texts: Sequence[str]) -> Any:
        """As the model's, counted and timed."""
        self.texts += len(texts)
        self.chars += sum(len(t) for t in texts)
        return self._embed(texts)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """As the model's (LangChain's Chroma calls this), through the timed array call."""
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """As the model's."""
        return self.model.embed_query(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)


# -- the two pipelines (each in its own child process) ---------------------------------------


def run_ours(folder: Path, profile: Path | None) -> dict[str, Any]:
    """``Assistant.ingest`` of every file under ``folder`` into a fresh embedded index."""
    from assistant.app import build_assistant
    from assistant.ingesting import IngestService, _default_chunker, _default_loader
    from core.settings import Settings
    from ingest.loader import iter_files

    with tempfile.TemporaryDirectory(prefix="ofsted-ingest-") as tmp:
        settings = Settings(data_dir=Path(tmp))
        assistant = build_assistant(settings)
        store = assistant.store
        store.embeddings.embed_query("warm up")  # model load is not ingest time
        clock = Clock()
        timed = TimedEmbeddings(store.embeddings, clock)
        store.embeddings = timed  # type: ignore[assignment]
        store.refresh_lexical = clock.wrap("bm25", store.refresh_lexical)  # type: ignore[method-assign]
        ingester = IngestService(
            store,
            settings.ingest,
            loader=clock.wrap("parse", _default_loader),
            chunker=clock.wrap("chunk", _default_chunker),
        )
        assistant = dataclasses.replace(assistant, ingester=ingester)
        files = iter_files([folder])
        rss_before = proc_status_kib("VmRSS")
        profiler = cProfile.Profile() if profile else None
        began = time.perf_counter()
        if profiler:
            profiler.enable()
        report = assistant.ingest(files)
        if profiler:
            profiler.disable()
            profiler.dump_stats(str(profile))
        total = time.perf_counter() - began
        failed = [(o.source, o.reason) for o in report.outcomes if o.status == "failed"]
        chunks = report.chunks_added
        stored = store.count_chunks()
        s = clock.seconds
        return {
            "pipeline": "ours",
            "files": len(files) - len(failed),
            "failed": failed,
            "pages": sum(o.pages for o in report.outcomes),
            "chunks": chunks,
            "stored_chunks": stored,
            "embedded_texts": timed.texts,
            "embedded_chars": timed.chars,
            "seconds": total,
            "parse_chunk": s.get("parse", 0.0) + s.get("chunk", 0.0),
            "parse": s.get("parse", 0.0),
            "chunk": s.get("chunk", 0.0),
            "embed": s.get("embed", 0.0),
            "bm25": s.get("bm25", 0.0),
            "rss_before_kib": rss_before,
            "peak_kib": proc_status_kib("VmHWM"),
        }


def run_tutorial(folder: Path) -> dict[str, Any]:
    """``assistant.baseline``: load + split, then embed into the in-memory Chroma."""
    from assistant.baseline import build_baseline, load_corpus
    from core.settings import Settings
    from vectorstore.embeddings import MiniLMEmbeddings

    settings = Settings(data_dir=Path(tempfile.gettempdir()) / "unused")
    model = MiniLMEmbeddings(batch_size=TUTORIAL_BATCH, threads=settings.embedding.threads)
    model.embed_query("warm up")
    clock = Clock()
    timed = TimedEmbeddings(model, clock)
    rss_before = proc_status_kib("VmRSS")
    began = time.perf_counter()
    corpus = load_corpus(folder)
    loaded = time.perf_counter()
    baseline = build_baseline(corpus, timed)
    total = time.perf_counter() - began
    pages = len({(d.metadata["source"], d.metadata.get("page")) for d in corpus.chunks})
    page_docs = _tutorial_pages(folder)
    assert baseline.search("care leavers", 1)  # the store answers
    return {
        "pipeline": "tutorial",
        "files": corpus.files,
        "failed": list(corpus.skipped),
        "pages": page_docs,
        "pages_with_text": pages,
        "chunks": len(corpus.chunks),
        "stored_chunks": len(corpus.chunks),
        "embedded_texts": timed.texts,
        "embedded_chars": timed.chars,
        "seconds": total,
        "parse_chunk": loaded - began,
        "parse": None,
        "chunk": None,
        "embed": clock.seconds.get("embed", 0.0),
        "bm25": 0.0,
        "rss_before_kib": rss_before,
        "peak_kib": proc_status_kib("VmHWM"),
    }


def _tutorial_pages(folder: Path) -> int:
    """PDF pages the tutorial read (pypdf), counted after the clock stopped."""
    from pypdf import PdfReader

    return sum(len(PdfReader(p).pages) for p in sorted(folder.rglob("*.pdf")))


def in_child(pipeline: str, folder: Path, profile: Path | None = None) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", pipeline]
    command += ["--docs", str(folder)]
    if profile:
        command += ["--profile", str(profile)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- report ----------------------------------------------------------------------------------


def copy_pdfs(source: Path, target: Path) -> int:
    n = 0
    for pdf in sorted(source.rglob("*.pdf")):
        dest = target / pdf.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(pdf, dest)
        n += 1
    return n


def med(runs: Sequence[dict[str, Any]], key: str) -> float:
    return statistics.median(float(r[key]) for r in runs)


def describe(name: str, runs: Sequence[dict[str, Any]]) -> list[str]:
    r = runs[0]
    secs = med(runs, "seconds")
    parse_chunk = med(runs, "parse_chunk")
    embed = med(runs, "embed")
    rest = secs - parse_chunk - embed - med(runs, "bm25")
    peak = max(int(x["peak_kib"]) for x in runs)
    lines = [
        f"| {name} | {r['files']} | {r['pages']} | {r['chunks']:,} | {secs:.1f} |"
        f" **{r['pages'] / secs:.1f}** | {r['chunks'] / secs:.1f} | {parse_chunk:.1f}"
        f" ({100 * parse_chunk / secs:.0f} %) | {embed:.1f} ({100 * embed / secs:.0f} %) |"
        f" {secs - parse_chunk:.1f} ({100 * (secs - parse_chunk) / secs:.0f} %) |"
        f" {peak / MIB:,.0f} MiB |"
    ]
    detail = f"  - {name}: "
    if r["parse"] is not None:
        detail += f"parse {med(runs, 'parse'):.1f} s, chunk {med(runs, 'chunk'):.1f} s, "
    detail += f"embed {embed:.1f} s ({r['embedded_texts'] / embed:.1f} texts/s), "
    if med(runs, "bm25"):
        detail += f"BM25 rebuild {med(runs, 'bm25'):.1f} s, "
    detail += (
        f"Chroma writes and the rest {rest:.1f} s; RSS after the model warm-up"
        f" {int(r['rss_before_kib']) / MIB:,.0f} MiB; runs (s):"
        f" {', '.join(format(x['seconds'], '.1f') for x in runs)}"
    )
    if r["failed"]:
        detail += f"; failed: {r['failed']}"
    return [*lines, detail]


def _our_batch() -> int:
    from core.settings import Settings

    return Settings(data_dir=Path(tempfile.gettempdir()) / "unused").embedding.batch_size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=Path, default=SHARED / "ilacs", help="folder of PDFs")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each pipeline")
    parser.add_argument("--profile", type=Path, help="also write a cProfile of our ingest")
    parser.add_argument("--child", choices=["ours", "tutorial"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "ours":
        print(json.dumps(run_ours(args.docs, args.profile)))
        return
    if args.child == "tutorial":
        print(json.dumps(run_tutorial(args.docs)))
        return

    with tempfile.TemporaryDirectory(prefix="ofsted-compare-") as tmp:
        folder = Path(tmp) / "docs"
        n = copy_pdfs(args.docs, folder)
        if not n:
            raise SystemExit(f"no PDFs under {args.docs}")
        ours: list[dict[str, Any]] = []
        tutorial: list[dict[str, Any]] = []
        for i in range(args.repeat):
            print(f"run {i + 1}/{args.repeat}: tutorial", file=sys.stderr, flush=True)
            tutorial.append(in_child("tutorial", folder))
            print(f"run {i + 1}/{args.repeat}: ours", file=sys.stderr, flush=True)
            ours.append(in_child("ours", folder))
        if args.profile:
            print("profiled run of ours", file=sys.stderr, flush=True)
            in_child("ours", folder, args.profile)

    ratio = (ours[0]["pages"] / med(ours, "seconds")) / (
        tutorial[0]["pages"] / med(tutorial, "seconds")
    )
    chunk_ratio = (ours[0]["chunks"] / med(ours, "seconds")) / (
        tutorial[0]["chunks"] / med(tutorial, "seconds")
    )
    repeat = f" --repeat {args.repeat}" if args.repeat > 1 else ""
    print(f"### Ingest: ours against the tutorial pipeline ({date.today().isoformat()})")
    print()
    env = f"TUTORIAL_BATCH={TUTORIAL_BATCH} " if TUTORIAL_BATCH != 32 else ""
    print(f"`{env}.venv/bin/python bench/ingest_compare.py --docs {args.docs}{repeat}`")
    print()
    print(
        f"(embedding batch: ours {_our_batch()} texts, the tutorial {TUTORIAL_BATCH};"
        " same model, same vectors)"
    )
    print()
    print(
        "| pipeline | files | PDF pages | chunks | seconds | pages/s | chunks/s |"
        " parse+chunk s | embed s | embed+store s | peak RSS |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    lines_ours = describe("ours", ours)
    lines_tut = describe("tutorial", tutorial)
    print(lines_ours[0])
    print(lines_tut[0])
    print()
    print(
        f"- **throughput ours / tutorial: {ratio:.2f}× in pages/s** ({chunk_ratio:.2f}× in"
        f" chunks/s; medians of {args.repeat} run(s) each, in alternating fresh processes)"
    )
    print(lines_ours[1])
    print(lines_tut[1])
    print(
        f"  - texts embedded: ours {ours[0]['embedded_texts']:,} (mean"
        f" {ours[0]['embedded_chars'] / max(1, ours[0]['embedded_texts']):,.0f} characters),"
        f" tutorial {tutorial[0]['embedded_texts']:,} (mean"
        f" {tutorial[0]['embedded_chars'] / max(1, tutorial[0]['embedded_texts']):,.0f}"
        " characters)"
    )


if __name__ == "__main__":
    main()

"""Foundation benchmark: ingest data/sample into a fresh index, then time 20 questions.

Usage: .venv/bin/python bench/ingest_and_ask.py [--data PATH] [--questions FILE]
Prints Markdown lines for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from assistant.app import build_assistant
from core.settings import Settings
from ingest.loader import iter_files

HERE = Path(__file__).resolve().parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=HERE.parent / "data" / "sample")
    parser.add_argument("--questions", type=Path, default=HERE / "questions-foundation.txt")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        assistant = build_assistant(Settings(data_dir=Path(tmp)))
        assistant.store.embeddings.embed_query("warm up")  # model load is not ingest time
        files = iter_files([args.data])
        began = time.perf_counter()
        report = assistant.ingest(files)
        seconds = time.perf_counter() - began
        chunks = report.chunks_added
        pages = sum(o.pages for o in report.outcomes)
        print(
            f"- ingest {args.data.name}: {len(files)} files ({pages} PDF pages), {chunks} chunks,"
            f" {seconds:.1f} s, {chunks / seconds:.1f} chunks/s, failed {report.count('failed')}"
        )

        questions = [q for q in args.questions.read_text().splitlines() if q.strip()]
        retrieve, answer = [], []
        for q in questions:
            a = assistant.ask(q)
            retrieve.append(a.timings_ms["retrieve"])
            answer.append(a.timings_ms["answer"])
        p50 = statistics.median(retrieve)
        print(
            f"- ask over {len(questions)} questions: retrieve p50 {p50:.1f} ms,"
            f" p95 {percentile(retrieve, 0.95):.1f} ms; extractive answer p50"
            f" {statistics.median(answer):.1f} ms, p95 {percentile(answer, 0.95):.1f} ms"
        )


if __name__ == "__main__":
    main()

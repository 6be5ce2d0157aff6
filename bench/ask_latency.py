"""Time whole answers (understand, scope, tables or whole report, retrieve, answer).

Usage:
  .venv/bin/python bench/ask_latency.py DATA_DIR bench/eval/v2/dev-*.jsonl [--limit N]

Asks each question's main wording once after five warm-up questions and prints p50/p95
of ``Assistant.ask`` wall time, overall and by the route that answered, with the load
average at the start and the end (the machine is shared: read the figures with it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections import defaultdict
from pathlib import Path

from assistant.app import build_assistant
from core.settings import Settings


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    questions = [
        json.loads(line)["question"] for f in args.files for line in f.open() if line.strip()
    ]
    if args.limit:
        questions = questions[: args.limit]
    assistant = build_assistant(Settings(data_dir=args.data_dir))
    for q in questions[:5]:
        assistant.ask(q)
    load_start = os.getloadavg()[0]
    times: list[float] = []
    by_route: dict[str, list[float]] = defaultdict(list)
    for q in questions:
        began = time.perf_counter()
        answer = assistant.ask(q)
        ms = (time.perf_counter() - began) * 1000
        times.append(ms)
        by_route[answer.answered_from or "?"].append(ms)
    chunks = sum(d.chunk_count for d in assistant.documents())
    print(
        f"{len(times)} questions, library of {chunks:,} chunks; load average "
        f"{load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"all: p50 {statistics.median(times):.0f} ms, p95 {_pct(times, 0.95):.0f} ms")
    for route, values in sorted(by_route.items()):
        print(
            f"  {route:17} n={len(values):3}  p50 {statistics.median(values):.0f} ms, "
            f"p95 {_pct(values, 0.95):.0f} ms"
        )


if __name__ == "__main__":
    main()

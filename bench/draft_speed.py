"""Draft speed: time the offline draft of a 12-page ILACS report, stored in a fresh index.

Usage: .venv/bin/python bench/draft_speed.py [--report PDF] [--runs N]
Ingest is done first and not timed. Timed: ``draft_report`` (read the stored document,
extract judgements, summary, every improvement item, findings, cases; compose with
citations) plus Markdown and Word export, in seconds. The bar is under 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from assistant.app import build_assistant
from assistant.drafting import draft_report, write_docx
from core.settings import Settings

HERE = Path(__file__).resolve().parent
REPORT = (
    HERE.parent
    / "data"
    / "sample"
    / "ilacs"
    / "kent"
    / "children's services inspection - 05 july 2022.pdf"
)
LIMIT_SECONDS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        assistant = build_assistant(Settings(data_dir=Path(tmp)))
        report = assistant.ingest([(args.report, args.report.name)])
        if report.exit_code:
            raise SystemExit(f"ingest failed: {report.outcomes}")
        pages = assistant.resolve_document(args.report.name).page_count
        times = []
        for i in range(args.runs):
            began = time.perf_counter()
            draft = draft_report(assistant, [args.report.name], "board-paper")
            draft.to_markdown()
            write_docx(draft, Path(tmp) / f"draft-{i}.docx")
            times.append(time.perf_counter() - began)
    worst = max(times)
    print(
        f"draft of {args.report.name} ({pages} pages): first {times[0]:.3f} s, "
        f"median {statistics.median(times):.3f} s, max {worst:.3f} s over {args.runs} runs "
        f"({len(draft.references)} references, {len(draft.improve)} improvement items)"
    )
    print(f"{'PASS' if worst < LIMIT_SECONDS else 'FAIL'}: under {LIMIT_SECONDS:.0f} s")
    if worst >= LIMIT_SECONDS:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Fit the answer-or-refuse model on the DEVELOPMENT split only and write it as data.

For every dev question (and each of its wordings) answered from the passages, the
extractive answerer's signals are recorded with the label "answerable or not"; a logistic
model is fitted (assistant.answering.calibration.fit) and its threshold chosen there. The
held-out split is never read here.

Usage:
  .venv/bin/python bench/calibrate_refusal.py DATA_DIR bench/eval/v2/dev-*.jsonl \
      [--out data/refusal_model.json]
DATA_DIR is a library holding ../shared/ilacs, ../shared/ilacs2 and data/sample
(bench/run_eval_v2.sh builds one).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.answering.calibration import FEATURES, default_path, fit
from assistant.app import build_assistant
from core.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=default_path())
    args = parser.parse_args()
    rows = [json.loads(line) for f in args.files for line in f.open() if line.strip()]
    if any(r.get("split") != "dev" for r in rows):
        raise SystemExit("only development-split questions may be used for fitting")
    assistant = build_assistant(Settings(data_dir=args.data_dir))
    extractive = assistant.answerer
    extractive.refusal_model = None  # record the signals under the plain rules
    features, labels = [], []
    for row in rows:
        for question in [row["question"], *row.get("wordings", [])]:
            answer = assistant.ask(question)
            if answer.answered_from != "passages":
                continue
            p = assistant._prepare(question, None, None)  # noqa: SLF001 - a bench reads internals
            features.append(extractive.features(p.und.normalised, p.chunks))
            labels.append(int(bool(row["answerable"])))
    model = fit(features, labels)
    args.out.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
    answered = [model.answers(f) for f in features]
    pos = [a for a, y in zip(answered, labels, strict=True) if y]
    neg = [a for a, y in zip(answered, labels, strict=True) if not y]
    print(f"questions answered from passages: {len(labels)} ({sum(labels)} answerable)")
    print(f"weights: { {f: round(model.weights[f], 3) for f in FEATURES} }")
    print(
        f"threshold {model.threshold:.3f}: answerable answered {sum(pos) / max(1, len(pos)):.2f}, "
        f"unanswerable refused {1 - sum(neg) / max(1, len(neg)):.2f}"
    )
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()

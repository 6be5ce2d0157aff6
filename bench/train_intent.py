"""Fit the intent model (``assistant/intent_model.py``) on the development split.

Reads every wording of the questions in the given evaluation files (only ``split: dev``
lines; a held-out line stops the run), prints the patterns' and the model's accuracy and
consistency across wordings under cross-validation grouped by authority (no authority's
questions are both trained on and judged), then fits on all of them and writes the model.
The model reads each wording's words and, unless ``--no-vectors``, its sentence vector
(the offline embedding model over ``assistant.intents.intent_text``).

``--extra`` files (``bench/intent_train/*.jsonl``: questions written to train on, never
judged) join the training: under cross-validation an extra question naming an authority of
the fold being judged is left out, so no authority is both trained on and judged.

Usage: .venv/bin/python bench/train_intent.py bench/eval/v2/dev-*.jsonl --data-dir DIR
         [--extra bench/intent_train/*.jsonl] [--out assistant/intent_model.json]
         [--folds 5] [--l2 1.0] [--vector-scale 6] [--no-vectors]
(the library in DIR gives the typo correction its vocabulary, as when answering).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.app import build_assistant
from assistant.authority_forms import phrase_of
from assistant.intent_model import IntentModel, default_path, fit
from assistant.intents import (
    INTENTS,
    classify_intent,
    intent_evidence,
    intent_text,
    settle_intent,
)
from core.settings import Settings
from vectorstore.embeddings import MiniLMEmbeddings


def _held_out_authorities() -> frozenset[str]:
    """The held-out split's authorities, as the evaluation's checker lists them."""
    path = Path(__file__).resolve().parent / "eval" / "v2" / "check_quotes.py"
    spec = importlib.util.spec_from_file_location("check_quotes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return frozenset(phrase_of(a) for a in module.HELD_OUT)


def read_rows(paths: list[str]) -> list[dict]:
    """The questions of the files; a held-out line, or a question naming a held-out
    authority, stops the run before anything is read."""
    held = _held_out_authorities() if paths else frozenset()
    rows = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split", "dev") != "dev":
                raise SystemExit(f"{path}: a {row['split']} question; train on dev only")
            if any(phrase_of(a) in held for a in row.get("authorities") or ()):
                raise SystemExit(f"{path}: {row['id']} names a held-out authority; dev only")
            row["_file"] = Path(path).name
            rows.append(row)
    return rows


def load(rows: list[dict], assistant, *, extra: bool = False) -> list[dict]:
    """One example per wording: its features, gold intent, rule intent and groups."""
    out = []
    for row in rows:
        named = row.get("authorities") or ()
        authority = phrase_of(named[0]) if named else "(none)"
        for question in [row["question"], *row.get("wordings", [])]:
            und = assistant.understand(question)
            patterns = classify_intent(und.corrected, len(und.authorities))
            features = intent_evidence(und, patterns)
            out.append(
                {
                    "features": features,
                    "gold": row["intent"],
                    "patterns": patterns,
                    "und": und,
                    "rule": settle_intent(patterns, features, und, None),
                    "group": row["id"],
                    "authority": authority,
                    "file": row.get("_file", ""),
                    "named": {phrase_of(a) for a in named},
                    "extra": extra,
                }
            )
    return out


def judge(examples: list[dict], predicted: list[str]) -> tuple[float, float]:
    """Accuracy per wording, and the share of questions whose wordings agree."""
    accuracy = sum(p == e["gold"] for p, e in zip(predicted, examples, strict=True)) / len(examples)
    by_group: dict[str, set[str]] = defaultdict(set)
    for p, e in zip(predicted, examples, strict=True):
        by_group[e["group"]].add(p)
    return accuracy, sum(len(s) == 1 for s in by_group.values()) / len(by_group)


THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)
# (when no pattern matched, when one did): the model must outweigh a pattern that matched
PAIRS = tuple((lo, hi) for lo in THRESHOLDS for hi in THRESHOLDS if lo <= hi)


def fit_on(examples: list[dict], l2: float, scale: float | None) -> IntentModel:
    """The model fitted on ``examples`` (with their vectors unless ``scale`` is None)."""
    return fit(
        [(e["features"], e["gold"]) for e in examples],
        [e["group"] for e in examples],
        INTENTS,
        l2=l2,
        vectors=None if scale is None else np.array([e["vector"] for e in examples]),
        vector_model=MiniLMEmbeddings.model_id,
        vector_scale=scale or 1.0,
    )


def cross_validate(
    examples: list[dict], folds: int, l2: float, scale: float | None, by: str = "authority"
) -> dict[tuple[float, float], list[str]]:
    """Each example's intent from a model fitted without its authority's questions (or,
    ``by="file"``, without its file's: one writer's questions each, so a writer's habits
    are never both trained on and judged), at each pair of thresholds (no pattern
    matched, one did) below which the patterns' intent stands."""
    judged = [e for e in examples if not e["extra"]]
    keys = sorted({e[by] for e in judged})
    random.Random(0).shuffle(keys)
    if by == "file":
        folds = len(keys)  # one fold per file
    fold_of = {a: i % folds for i, a in enumerate(keys)}
    predicted = {pair: [""] * len(judged) for pair in PAIRS}
    for fold in range(folds):
        held = {a for a, f in fold_of.items() if f == fold}
        train = [e for e in judged if fold_of[e[by]] != fold] + [
            e
            for e in examples
            if e["extra"] and (by == "file" or not (e["named"] | {e["authority"]}) & held)
        ]
        model = fit_on(train, l2, scale)
        for i, e in enumerate(judged):
            if fold_of[e[by]] == fold:
                for pair in PAIRS:
                    at = replace(model, threshold=pair[1], fallback_threshold=pair[0])
                    predicted[pair][i] = settle_intent(
                        e["patterns"], e["features"], e["und"], at, e["vector"]
                    )
    return predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--extra", nargs="*", default=[], help="questions to train on only")
    parser.add_argument("--out", type=Path, default=Path(str(default_path())))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--vector-scale", type=float, default=6.0)
    parser.add_argument("--no-vectors", action="store_true")
    parser.add_argument(
        "--group-by",
        choices=("authority", "file"),
        default="authority",
        help="cross-validate by authority (--folds folds) or leave one file (writer) out",
    )
    args = parser.parse_args()
    scale = None if args.no_vectors else args.vector_scale
    rows = read_rows(args.files)
    assistant = build_assistant(Settings(data_dir=args.data_dir))
    examples = load(rows, assistant) + load(read_rows(args.extra), assistant, extra=True)
    vectors = MiniLMEmbeddings().embed_array([intent_text(e["und"]) for e in examples])
    for e, vector in zip(examples, vectors, strict=True):
        e["vector"] = None if scale is None else vector
    judged = [e for e in examples if not e["extra"]]
    print(f"{len(judged)} wordings of {len({e['group'] for e in judged})} dev questions judged")
    if len(judged) < len(examples):
        print(f"{len(examples) - len(judged)} more wordings trained on only (--extra)")
    rules = judge(judged, [e["rule"] for e in judged])
    how = f"{args.folds}-fold" if args.group_by == "authority" else "leave-one-file-out"
    print(f"{how} cross-validation grouped by {args.group_by}:")
    print("| intent read by | accuracy | wordings agree |")
    print("| --- | ---: | ---: |")
    print(f"| patterns | {rules[0]:.2f} | {rules[1]:.2f} |")
    scored = {}
    reads = "words" if scale is None else f"words + vectors x{scale:g}"
    for pair, predicted in cross_validate(
        examples, args.folds, args.l2, scale, args.group_by
    ).items():
        scored[pair] = judge(judged, predicted)
        accuracy, agree = scored[pair]
        print(
            f"| model ({reads}, l2 {args.l2}), patterns below p {pair[0]} (none matched)"
            f" / {pair[1]} (one matched) | {accuracy:.3f} | {agree:.3f} |"
        )
    # the best accuracy + agreement; of equals (within 0.005), the more accurate
    top = max(sum(v) for v in scored.values())
    lo, hi = max((p for p in PAIRS if sum(scored[p]) >= top - 0.005), key=lambda p: scored[p][0])
    print(f"thresholds chosen: {lo} (no pattern matched), {hi} (a pattern matched)")
    final = replace(fit_on(examples, args.l2, scale), threshold=hi, fallback_threshold=lo)
    args.out.write_text(json.dumps(final.to_json()) + "\n", encoding="utf-8")
    print(f"written: {args.out} ({len(final.weights)} features)")
    assert IntentModel.load(args.out) is not None


if __name__ == "__main__":
    main()

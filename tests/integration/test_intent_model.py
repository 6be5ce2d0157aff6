"""Fitting the intent model: bench/train_intent.py, run as a program, refuses held-out lines.

The model itself (features, fitting, storing, its use) is tested in
``tests/unit/test_intent_model.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def _train(tmp_path: Path, questions: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run bench/train_intent.py on ``questions``, writing ``tmp_path/m.json``."""
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/train_intent.py"),
            str(questions),
            "--data-dir",
            str(tmp_path / "lib"),
            "--out",
            str(tmp_path / "m.json"),
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_training_refuses_held_out_questions(tmp_path):
    line = {
        "id": "h1",
        "split": "heldout",
        "intent": "grade",
        "answerable": True,
        "question": "q",
        "wordings": [],
        "authorities": [],
        "must_include": [],
    }
    path = tmp_path / "heldout.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    run = _train(tmp_path, path)
    assert run.returncode != 0
    assert "train on dev only" in run.stderr
    assert not (tmp_path / "m.json").exists()


def test_training_refuses_extra_questions_naming_a_held_out_authority(tmp_path):
    line = {"id": "t1", "intent": "grade", "question": "q", "wordings": []}
    line["authorities"] = ["Halton"]
    dev = tmp_path / "dev.jsonl"
    dev.write_text("", encoding="utf-8")
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps(line) + "\n", encoding="utf-8")
    run = _train(tmp_path, dev, "--extra", str(extra))
    assert run.returncode != 0
    assert "names a held-out authority" in run.stderr
    assert not (tmp_path / "m.json").exists()


def test_training_fits_and_writes_a_model_that_reads_sentence_vectors(tmp_path):
    rows = []
    for n, (authority, intent, question, wording) in enumerate(
        [
            ("kent", "number", "how many children in care in kent", "kent LAC numbers"),
            ("kent", "grade", "how was kent judged", "kent ofsted rating"),
            ("kent", "number", "how many care leavers in kent", "kent care leaver count"),
            ("norfolk", "number", "how many children in care in norfolk", "norfolk CiC numbers"),
            ("norfolk", "grade", "what grade did norfolk get", "norfolk judgement"),
            ("norfolk", "grade", "how was norfolk rated", "norfolk ofsted grade"),
        ]
    ):
        rows.append(
            {
                "id": f"d{n}",
                "split": "dev",
                "intent": intent,
                "answerable": True,
                "question": question,
                "wordings": [wording],
                "authorities": [authority],
                "must_include": [],
            }
        )
    path = tmp_path / "dev.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "m.json"
    run = _train(tmp_path, path, "--folds", "2")
    assert run.returncode == 0, run.stderr
    assert "words + vectors" in run.stdout
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["vector_model"] == "all-MiniLM-L6-v2-int8"
    assert len(model["vector_weights"]) == 384
    # questions written to train on join the training, never the figures
    extra = tmp_path / "extra.jsonl"
    line = {"id": "t1", "intent": "number", "question": "surrey CiC count", "wordings": []}
    extra.write_text(json.dumps({**line, "authorities": ["surrey"]}) + "\n", encoding="utf-8")
    run = _train(tmp_path, path, "--folds", "2", "--extra", str(extra))
    assert run.returncode == 0, run.stderr
    assert "12 wordings of 6 dev questions judged" in run.stdout
    assert "1 more wordings trained on only" in run.stdout
    assert "w:cic" in json.loads(out.read_text(encoding="utf-8"))["weights"]

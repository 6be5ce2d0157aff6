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
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/train_intent.py"),
            str(path),
            "--data-dir",
            str(tmp_path / "lib"),
            "--out",
            str(tmp_path / "m.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode != 0
    assert "train on dev only" in run.stderr
    assert not (tmp_path / "m.json").exists()

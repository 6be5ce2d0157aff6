"""``ingest``'s progress: a bar by stage with time remaining on a terminal, nothing otherwise.

Real parsing, embedding model and Chroma; the terminal run is a real process whose
console rich is told is a terminal (``TTY_COMPATIBLE``), its bar read from stderr.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from tests.conftest import SAMPLE

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
LONG = SAMPLE / "corpus" / "ofsted-2007-narrowing-the-gap.txt"  # over 100 passages
SHORT = SAMPLE / "corpus" / "devon-ctsb-2010-board-report-outstanding-services.txt"


def test_ingest_without_a_terminal_prints_the_summary_and_no_bar(tmp_path):
    result = CliRunner().invoke(app, ["ingest", str(SHORT), "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "added 1, updated 0, unchanged 0, failed 0" in result.stdout
    assert "Embedding" not in result.stderr and "Reading" not in result.stderr


def test_ingest_on_a_terminal_shows_each_stage_and_the_time_remaining(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "TTY_COMPATIBLE": "1",
        "TTY_INTERACTIVE": "1",
        "COLUMNS": "160",
    }
    done = subprocess.run(
        [sys.executable, "-c", "from assistant.cli import main; main()", "ingest"]
        + [str(SHORT), str(LONG), "--data-dir", str(tmp_path / "d")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "added 2, updated 0" in done.stdout
    frames = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", done.stderr).replace("\r", "\n")
    shown = rf"Embedding {LONG.name}: (\d+) of \d+ passages \(file 2 of 2\)"
    embedded = [int(n) for n in re.findall(shown, frames)]
    assert embedded and embedded == sorted(embedded), embedded  # it moves, forwards
    assert len(set(embedded)) >= 2, embedded  # more than one count was shown
    assert re.search(r"\d+%\s+\d+:\d\d:\d\d\s+Embedding", frames)  # percentage, time left

"""A long-running process (the window) keeps answering while the CLI ingests into the same
embedded library, and sees the new report without a restart."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.app import build_assistant
from core.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_running_process_sees_what_the_cli_ingested(sample_data_dir, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(sample_data_dir, data_dir)
    running = build_assistant(Settings(data_dir=data_dir))
    assert "Outstanding" in running.ask("What was Kent's overall effectiveness judgement?").text

    report = tmp_path / "quorvex.txt"
    report.write_text(
        "The Quorvex fostering hub in Northby recruited forty new foster carers in 2024.\n",
        encoding="utf-8",
    )
    cli = Path(sys.executable).parent / "ofsted-assistant"
    run = subprocess.run(
        [str(cli), "ingest", str(report), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr

    answer = running.ask("How many foster carers did the Quorvex hub recruit?")
    assert "forty" in answer.text and [c.source for c in answer.citations] == ["quorvex.txt"]
    other = running.ask("What needs to improve in Worcestershire?")  # the rest still works
    assert other.citations and not other.refused

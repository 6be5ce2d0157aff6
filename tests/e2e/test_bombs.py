"""Decompression bombs in a batch: each refused with a one-line reason, the good file stored.

The bombs are written here (``tests/bombs.py``): a 1 MB PDF whose content stream
inflates to 1 GiB, a 1 MB Word file whose document.xml inflates to 1 GiB, and a
250 KB Word file of 30 million empty paragraphs. Through the real CLI (a subprocess,
real model) and through the window's upload path (``assistant.service.Library``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.app import build_assistant
from assistant.service import Library
from core.settings import Settings
from tests.bombs import docx_paragraph_bomb, docx_size_bomb, pdf_bomb
from tests.conftest import SAMPLE
from tests.fakes import HashEmbeddings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLI = Path(sys.executable).parent / "ofsted-assistant"
KENT = SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf"
REASONS = {
    "bomb.pdf": "PDF content decompresses to more than 512 MB; refused"
    " (limit: ingest.max_uncompressed_mb)",
    "size bomb.docx": "Word file decompresses to 1,024 MB, more than 512 MB; refused"
    " (limit: ingest.max_uncompressed_mb)",
    "paragraphs.docx": "Word file has more than 1,000,000 XML elements (paragraphs, runs…)"
    " in word/document.xml; refused (limit: ingest.max_docx_elements)",
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch")
    pdf_bomb(folder / "bomb.pdf")
    docx_size_bomb(folder / "size bomb.docx")
    docx_paragraph_bomb(folder / "paragraphs.docx")
    shutil.copyfile(KENT, folder / "kent.pdf")
    assert all(p.stat().st_size < 2_000_000 for p in folder.iterdir())
    return folder


def _peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(ln for ln in status if ln.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def test_cli_ingest_refuses_each_bomb_with_a_reason_and_adds_the_good_file(batch, tmp_path):
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_ASSISTANT_")}
    run = subprocess.run(
        [str(CLI), "ingest", str(batch), "--data-dir", str(data_dir)],
        env={**env, "ANONYMIZED_TELEMETRY": "False"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 3, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    for name, reason in REASONS.items():
        assert f"failed     {name}: {reason}" in lines, run.stdout
    assert "added 1, updated 0, unchanged 0, failed 3" in run.stdout
    assert "Traceback" not in run.stderr

    listed = subprocess.run(
        [str(CLI), "docs", "list", "--json", "--data-dir", str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert [d["source"] for d in json.loads(listed.stdout)] == ["kent.pdf"]


def test_window_upload_refuses_each_bomb_and_adds_the_good_file(batch, tmp_path):
    library = Library(
        build_assistant(Settings(data_dir=tmp_path / "data"), embeddings=HashEmbeddings())
    )
    # as the window passes them: Gradio's temporary copies, with the names as uploaded
    uploads = []
    for path in sorted(batch.iterdir()):
        copy = tmp_path / "gradio" / f"tmp{len(uploads)}" / path.name
        copy.parent.mkdir(parents=True)
        shutil.copyfile(path, copy)
        uploads.append((copy, path.name))
    before = _peak_rss_mb()
    report = library.upload(uploads)
    grew = _peak_rss_mb() - before
    outcomes = {o.source: (o.status, o.reason) for o in report.outcomes}
    assert outcomes == {
        **{name: ("failed", reason) for name, reason in REASONS.items()},
        "kent.pdf": ("added", ""),
    }
    # nothing was inflated in this process (in it, the paragraphs alone take gigabytes)
    assert grew < 300, f"peak memory of the server process grew by {grew:.0f} MB"
    assert [d.source for d in library.documents()] == ["kent.pdf"]
    answer = None
    for piece in library.stream(None, "What was Kent's overall effectiveness judgement?"):
        answer = piece
    assert "Outstanding" in answer.text and answer.citations[0].source == "kent.pdf"

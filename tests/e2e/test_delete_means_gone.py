"""Delete means gone, end to end: after `docs remove` or the window's delete, a generated
report's unique phrase is readable nowhere under the data directory.

Real model, real Chroma, the real CLI (in a separate process for the removal) and the real
window (`serve` with ``gradio_client`` and plain HTTP). Each report is used first the way
people use one: asked about (answers, the BM25 index), drafted from (Word and Markdown
files, and the window's download copies), replaced by a new version. Every file's bytes
are searched, SQLite files and Word files (unzipped) included (``tests/traces.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.app import build_assistant
from assistant.cli.app import app
from assistant.service import Library
from core.settings import Settings
from tests.conftest import SAMPLE
from tests.e2e.conftest import start_app, stop_app
from tests.traces import traces, write_report
from tests.traces import unique_phrase as phrase

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
runner = CliRunner()
CLI = Path(sys.executable).parent / "ofsted-assistant"
LETTER = SAMPLE / "corpus" / "westminster-2006-apa-letter.txt"


def found(root: Path, *needles: str) -> list[str]:
    return [hit for needle in needles for hit in traces(root, needle)]


def cli(*args: str, data_dir: Path) -> str:
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_docs_remove_leaves_no_trace(tmp_path):
    data = tmp_path / "data"
    old, old_token = phrase()
    new, new_token = phrase()
    docs = tmp_path / "reports"
    cli("ingest", str(write_report(docs, "testshire.md", old)), str(LETTER), data_dir=data)
    assert old in cli("ask", f"What is the {old}?", data_dir=data)
    assistant = build_assistant(Settings(data_dir=data))
    doc = next(d for d in assistant.documents() if d.source == "testshire.md")
    Library(assistant).draft([doc.doc_id], "board-paper")
    assert any(h.startswith("drafts/") and ".docx" in h for h in found(data, old))

    # a new version of the file replaces the old one: the old text goes with it
    assert "updated 1" in cli("ingest", str(write_report(docs, "testshire.md", new)), data_dir=data)
    assert found(data, old, old_token) == []
    assert new in cli("ask", f"What is the {new}?", data_dir=data)
    before = found(data, new)
    assert any("chroma.sqlite3" in hit for hit in before), before
    assert any(hit.startswith("originals/") for hit in before), before

    # removed by another program while this one (like a window) still has the library open
    removed = subprocess.run(
        [str(CLI), "docs", "remove", "testshire.md", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ},
    )
    assert removed.returncode == 0, removed.stderr
    assert "removed testshire.md" in removed.stdout

    assert found(data, new, new_token) == []
    letter = cli(
        "ask", "How many Westminster schools achieved Healthy Schools status?", data_dir=data
    )
    assert "25 schools" in letter
    assert [d.source for d in assistant.documents()] == ["westminster-2006-apa-letter.txt"]


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def raw_upload(url: str, path: Path) -> str:
    """Upload a file the way the page does, and never submit it: its path on the server."""
    import httpx

    with path.open("rb") as f:
        response = httpx.post(f"{url}gradio_api/upload", files={"files": (path.name, f)})
    response.raise_for_status()
    return response.json()[0]


def test_window_delete_leaves_no_trace(tmp_path):
    from gradio_client import Client, handle_file

    data = tmp_path / "data"
    build_assistant(Settings(data_dir=data)).ingest([(LETTER, LETTER.name)])
    secret, token = phrase()
    stray, stray_token = phrase()
    report = write_report(tmp_path / "up", "testshire report.md", secret)
    never = write_report(tmp_path / "never", "never ingested.md", stray)
    earlier, earlier_token = phrase()  # left by an earlier run of the window, hours ago
    leftover = write_report(data / "uploads-tmp" / "a1b2", "left over.md", earlier)
    hours_ago = time.time() - 3 * 3600
    os.utime(leftover, (hours_ago, hours_ago))
    proc, url = start_app(data)
    try:
        client = Client(url, verbose=False, download_files=str(tmp_path / "downloads"))
        raw = Client(url, verbose=False, download_files=False)
        assert not leftover.exists()  # swept at start
        left = Path(raw_upload(url, never))
        assert left.is_relative_to(data / "uploads-tmp") and left.exists()
        old = time.time() - 2 * 3600
        os.utime(left, (old, old))  # an upload never ingested, from two hours ago

        status, _, _ = client.predict([handle_file(str(report))], api_name="/upload")
        assert status == "Upload: 1 added."
        assert not left.exists()  # swept at this upload
        *_, plain = client.predict(
            f"What is the {secret}?", [], [], [], "", "", [], api_name="/ask"
        )
        assert secret in plain
        doc = next(d for d in client.predict(api_name="/documents") if d["File"] == report.name)
        _, word, markdown = raw.predict([doc["Id"]], "board-paper", api_name="/draft")
        downloads = [f["value"]["url"] if "value" in f else f["url"] for f in (word, markdown)]
        assert all(fetch(u) == 200 for u in downloads)
        original = next((data / "originals").glob(f"{doc['Id']}*"))
        original_url = f"{url}original/{original.stem}"  # the window's link to open it
        assert fetch(original_url) == 200
        before = found(data, secret)
        assert any(h.startswith("uploads-tmp/") for h in before), before  # download copies
        assert any(h.startswith("drafts/") for h in before), before

        message = client.predict(doc["Id"], api_name="/delete_document")

        assert message.startswith("Deleted ")
        assert found(data, secret, token, stray, stray_token, earlier, earlier_token) == []
        assert found(Path(tempfile.gettempdir()) / "gradio", secret, stray) == []
        assert not original.exists()
        assert [fetch(u) for u in downloads] == [403, 403]  # Gradio's answer for a missing file
        assert fetch(original_url) == 404
    finally:
        log = stop_app(proc)
    assert "Traceback" not in log, log


def test_docs_compact_cleans_a_library_an_older_version_removed_from(tmp_path):
    data = tmp_path / "data"
    secret, token = phrase()
    cli("ingest", str(write_report(tmp_path / "reports", "testshire.md", secret)), data_dir=data)
    older = build_assistant(Settings(data_dir=data))  # removes the way versions before did
    doc = older.documents()[0].doc_id
    older.store.remove_document(doc)
    older.store.journal.compacted()
    older.original_file(doc).unlink()
    assert any("chroma.sqlite3" in hit for hit in found(data, secret))

    assert "compacted" in cli("docs", "compact", data_dir=data)

    assert found(data, secret, token) == []

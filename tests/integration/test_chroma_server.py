"""The same CLI against a real `chroma run` server on 127.0.0.1 (http store mode)."""

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from tests.conftest import SAMPLE

pytestmark = pytest.mark.integration
runner = CliRunner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = free_port()
    proc = subprocess.Popen(
        [
            str(exe),
            "run",
            "--path",
            str(tmp_path / "server-db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("chroma server did not start")
            time.sleep(0.3)
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_and_ask_through_a_chroma_server(chroma_server, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLE / "corpus" / "westminster-2006-apa-letter.txt", folder)
    shutil.copy(
        SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf", folder
    )
    server = [
        "--chroma-host",
        "127.0.0.1",
        "--chroma-port",
        str(chroma_server),
        "--data-dir",
        str(tmp_path / "local"),
    ]
    result = runner.invoke(app, ["ingest", str(folder), *server])
    assert result.exit_code == 0, result.output
    assert "added 2" in result.stdout
    # nothing was written to the embedded store
    assert not (tmp_path / "local" / "chroma").exists()
    ask = runner.invoke(app, ["ask", "What was Kent's overall effectiveness?", "--json", *server])
    data = json.loads(ask.stdout)
    kent = [c for c in data["citations"] if c["source"].endswith("05 july 2022.pdf")]
    assert any("Overall effectiveness Outstanding" in c["quote"] for c in kent), data["answer"]
    listed = json.loads(runner.invoke(app, ["docs", "list", "--json", *server]).stdout)
    assert len(listed) == 2


def test_unreachable_server_is_one_clear_line(tmp_path):
    port = free_port()
    result = runner.invoke(
        app,
        [
            "docs",
            "list",
            "--chroma-host",
            "127.0.0.1",
            "--chroma-port",
            str(port),
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert "Chroma server" in result.stderr or "vector store" in result.stderr
    assert "Traceback" not in result.output


def test_removed_text_with_a_server_leaves_no_local_trace_and_is_compacted_on_its_machine(
    chroma_server, tmp_path
):
    from tests.traces import traces, unique_phrase, write_report

    secret, token = unique_phrase()
    local = tmp_path / "local"
    server = ["--chroma-host", "127.0.0.1", "--chroma-port", str(chroma_server)]
    server += ["--data-dir", str(local)]
    report = write_report(tmp_path / "docs", "testshire.md", secret)
    assert runner.invoke(app, ["ingest", str(report), *server]).exit_code == 0
    assert secret in runner.invoke(app, ["ask", f"What is the {secret}?", *server]).stdout

    removed = runner.invoke(app, ["docs", "remove", "testshire.md", *server])

    assert removed.exit_code == 0, removed.output
    assert "docs compact --chroma-path" in removed.stderr  # the limit is said, with its remedy
    assert traces(local, secret) == [] and traces(local, token) == []
    server_db = tmp_path / "server-db"
    assert any("chroma.sqlite3" in hit for hit in traces(server_db, secret))  # the server's files
    refused = runner.invoke(app, ["docs", "compact", *server])
    assert refused.exit_code == 2 and "--chroma-path" in refused.stderr

    # on the server's machine, while it runs
    compacted = runner.invoke(app, ["docs", "compact", "--chroma-path", str(server_db)])

    assert compacted.exit_code == 0, compacted.output
    assert traces(server_db, secret) == [] and traces(server_db, token) == []
    listed = runner.invoke(app, ["docs", "list", "--json", *server])
    assert json.loads(listed.stdout) == []
    again = runner.invoke(app, ["ingest", str(report), *server])
    assert "added 1" in again.stdout
    assert secret in runner.invoke(app, ["ask", f"What is the {secret}?", *server]).stdout

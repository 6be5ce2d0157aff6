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

from assistant.cli import app
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

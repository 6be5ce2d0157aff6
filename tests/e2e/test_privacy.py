"""No telemetry and no report text in logs: the real CLI, watched from inside the process.

Each command runs as a subprocess whose ``PYTHONPATH`` holds a ``sitecustomize.py`` that
installs an audit hook (PEP 578) on ``socket.connect``, ``socket.getaddrinfo`` and the
datagram sends. Every destination that is not loopback (or a Unix socket) is appended to
a file, which must stay empty. The hook sees a connection before it is attempted, so a
refused or failing connection is still recorded. ``ANONYMIZED_TELEMETRY`` and
``HF_HUB_OFFLINE``, which the test session sets, are removed from the subprocesses'
environment: the code itself has to keep everything on the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.app import build_assistant
from core.settings import Settings
from tests.conftest import SAMPLE
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e

CLI = Path(sys.executable).parent / "ofsted-assistant"
LETTER = SAMPLE / "corpus" / "westminster-2006-apa-letter.txt"
KENT = SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf"
QUESTION = "How many Westminster schools achieved full Healthy Schools status in 2006?"
SENTENCE = "The council has reached its target of 25 schools achieving full Healthy Schools status"

SITECUSTOMIZE = '''\
"""Test helper: record every non-loopback network destination of this process."""
import ipaddress
import json
import os
import sys

_LOG = os.environ.get("OFSTED_TEST_NETWORK_LOG")


def _loopback(host):
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).split("%")[0]
    if host in ("", "localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _record(event, where):
    with open(_LOG, "a", encoding="utf-8") as out:
        out.write(json.dumps({"event": event, "to": repr(where), "pid": os.getpid()}) + "\\n")


def _hook(event, args):
    if event == "socket.getaddrinfo":
        if not _loopback(args[0]):
            _record(event, args[:2])
    elif event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[1]
        if isinstance(address, tuple) and address and not _loopback(address[0]):
            _record(event, address)


if _LOG:
    sys.addaudithook(_hook)
'''


class Watched:
    """Runs Python programs with the audit hook; ``destinations()`` lists what they reached."""

    def __init__(self, root: Path, data_dir: Path) -> None:
        """Write the hook under ``root``; the commands use ``data_dir``."""
        self.hook_dir = root / "audit-hook"
        self.hook_dir.mkdir(parents=True, exist_ok=True)
        (self.hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
        self.log = root / "network.jsonl"
        self.log.touch()
        self.data_dir = data_dir

    def env(self, **extra: str) -> dict[str, str]:
        """The subprocess environment: the test's, less the session's privacy switches."""
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("ANONYMIZED_TELEMETRY", "HF_HUB_OFFLINE", "GRADIO_ANALYTICS_ENABLED")
        }
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(self.hook_dir), env.get("PYTHONPATH")) if p
        )
        env["OFSTED_TEST_NETWORK_LOG"] = str(self.log)
        env["OFSTED_ASSISTANT_DATA_DIR"] = str(self.data_dir)
        env.update(extra)
        return env

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """``ofsted-assistant ARGS`` at the default log level, output captured."""
        return subprocess.run(
            [str(CLI), *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def popen(self, args: list[str], **extra_env: str) -> subprocess.Popen[str]:
        """Start a long-lived command under the hook (for ``serve``)."""
        return subprocess.Popen(
            args,
            env=self.env(**extra_env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def destinations(self) -> list[dict[str, object]]:
        """Every non-loopback destination recorded so far."""
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


@pytest.fixture
def watched(tmp_path) -> Watched:
    return Watched(tmp_path, tmp_path / "data")


def test_the_hook_records_an_outbound_attempt(watched):
    # the control: without it, an empty log could mean a hook that never ran
    probe = (
        "import socket\n"
        "try:\n"
        "    socket.getaddrinfo('telemetry.example.invalid', 443)\n"
        "except OSError:\n"
        "    pass\n"
        "s = socket.socket()\n"
        "s.settimeout(0.01)\n"
        "try:\n"
        "    s.connect(('192.0.2.1', 443))\n"  # TEST-NET-1: never routed
        "except OSError:\n"
        "    pass\n"
        "socket.getaddrinfo('localhost', 80)\n"
    )
    subprocess.run([sys.executable, "-c", probe], env=watched.env(), check=True, timeout=60)
    seen = watched.destinations()
    assert [d["event"] for d in seen] == ["socket.getaddrinfo", "socket.connect"]
    assert "telemetry.example.invalid" in str(seen[0]["to"])
    assert "192.0.2.1" in str(seen[1]["to"])


def test_ingest_and_ask_reach_nothing_outside_the_machine(watched, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(LETTER, folder)
    shutil.copy(KENT, folder)

    ingest = watched.run("ingest", str(folder))
    assert ingest.returncode == 0, ingest.stderr
    assert "added 2" in ingest.stdout
    ask = watched.run("ask", QUESTION, "--json")
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert answer["citations"] and not answer["refused"]
    chat = subprocess.run(
        [str(CLI), "chat"],
        input="What was Kent's overall effectiveness?\nAnd their care leavers?\n/quit\n",
        env=watched.env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert chat.returncode == 0, chat.stderr
    assert "Outstanding" in chat.stdout
    for args in (["docs", "list"], ["grades", "--authority", "Kent"]):
        done = watched.run(*args)
        assert done.returncode == 0, done.stderr

    assert watched.destinations() == []


def test_chroma_telemetry_is_off_in_code(monkeypatch, tmp_path):
    monkeypatch.delenv("ANONYMIZED_TELEMETRY", raising=False)
    from chromadb.config import Settings as ChromaSettings

    assert ChromaSettings().anonymized_telemetry is True  # Chroma's own default is on
    assistant = build_assistant(Settings(data_dir=tmp_path / "d"))
    assert assistant.store.client.get_settings().anonymized_telemetry is False


def test_default_logs_hold_no_question_and_no_report_text(watched, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(LETTER, folder)
    # a file that fails, so that the default level does log something for this ingest
    (folder / "not-really.pdf").write_text("<html><body>Page not found</body></html>")

    ingest = watched.run("ingest", str(folder))
    assert ingest.returncode == 3, ingest.stderr  # partial: one file failed
    ask = watched.run("ask", QUESTION)
    assert ask.returncode == 0, ask.stderr
    # the text went through the program: the answer quotes the sentence ...
    assert SENTENCE in ask.stdout
    # ... and the program did say things at the default level
    assert "not-really.pdf" in ingest.stdout + ingest.stderr

    logs = {"ingest stderr": ingest.stderr, "ask stderr": ask.stderr}
    files = [p for p in watched.data_dir.rglob("*") if p.is_file()]
    assert files  # the data dir is where we look
    for path in files:  # log files, wherever a handler might put them (originals are not logs)
        name = path.name.lower()
        if name.endswith(".log") or ".log." in name or path.parent.name in ("log", "logs"):
            logs[str(path)] = path.read_text(errors="replace")
    report_lines = [
        line.strip()
        for line in LETTER.read_text().splitlines()
        if len(line.strip()) >= 60 and "ANNUAL PERFORMANCE ASSESSMENT" not in line
    ]
    assert len(report_lines) > 20
    for where, text in logs.items():
        assert QUESTION not in text, where
        assert SENTENCE not in text, where
        leaked = [line[:60] for line in report_lines if line[:60] in text]
        assert not leaked, (where, leaked)


# -- the web app (`ofsted-assistant serve`), once it exists -----------------------------------


def serve(watched: Watched, port: int) -> subprocess.Popen[str]:
    """Start ``ofsted-assistant serve`` on 127.0.0.1:``port`` under the audit hook.

    ``GRADIO_ANALYTICS_ENABLED`` is deliberately not set, so the app has to turn analytics
    off itself.
    """
    return watched.popen([str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port)])


def test_serve_reaches_nothing_outside_the_machine(watched, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(LETTER, folder)
    assert watched.run("ingest", str(folder)).returncode == 0
    port = free_port()
    proc = serve(watched, port)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    assert page.status == 200
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"serve did not start: {proc.stdout.read() if proc.stdout else ''}")
                time.sleep(0.5)
        time.sleep(3)  # launch-time analytics and version checks run in background threads
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert watched.destinations() == []

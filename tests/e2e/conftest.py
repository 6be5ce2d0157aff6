"""One real index of data/sample per test session (real model, real Chroma, real parsing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import build_assistant
from assistant.settings import Settings
from tests.conftest import SAMPLE


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory) -> Path:
    from ingest.loader import iter_files

    data_dir = tmp_path_factory.mktemp("sample-index")
    assistant = build_assistant(Settings(data_dir=data_dir))
    report = assistant.ingest(iter_files([SAMPLE]))
    failed = [(o.source, o.reason) for o in report.outcomes if o.status == "failed"]
    assert not failed, failed
    return data_dir


@pytest.fixture(scope="session")
def sample_assistant(sample_data_dir):
    return build_assistant(Settings(data_dir=sample_data_dir))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data_dir: Path, *, env: dict[str, str] | None = None, args: tuple[str, ...] = ()):
    """`ofsted-assistant serve` in a subprocess on a free loopback port: (process, url)."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    cli = Path(sys.executable).parent / "ofsted-assistant"
    proc = subprocess.Popen(
        [str(cli), "serve", "--data-dir", str(data_dir), "--port", str(port), *args],
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited {proc.returncode}: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("serve did not start within 90 s")


def stop_app(proc) -> str:
    import subprocess

    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


@pytest.fixture(scope="session")
def app_url(sample_data_dir, tmp_path_factory):
    """A running app over a copy of the sample index (tests may add and delete documents)."""
    import shutil

    data_dir = tmp_path_factory.mktemp("app") / "data"
    shutil.copytree(sample_data_dir, data_dir)
    proc, url = start_app(data_dir)
    yield url
    log = stop_app(proc)
    assert "Traceback" not in log, log

"""Who can reach the window: a login from settings, and no open non-local address by default."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import free_port, load_bench, start_app, stop_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLI = str(Path(sys.executable).parent / "ofsted-assistant")


def test_non_local_address_without_login_is_refused(tmp_path):
    run = subprocess.run(
        [CLI, "serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "refusing to listen on 0.0.0.0 without a login" in run.stderr
    assert "Traceback" not in run.stderr


def test_half_a_login_is_a_clear_error(tmp_path):
    run = subprocess.run(
        [CLI, "serve", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "OFSTED_ASSISTANT_UI__USERNAME": "officer"},
    )
    assert run.returncode == 1
    assert "a login needs both" in run.stderr


def test_login_from_settings_is_required(tmp_path):
    from gradio_client import Client

    proc, url = start_app(
        tmp_path / "data",
        env={
            "OFSTED_ASSISTANT_UI__USERNAME": "officer",
            "OFSTED_ASSISTANT_UI__PASSWORD": "s3cret-Pass",
        },
    )
    try:
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(url + "config", timeout=10)
        assert denied.value.code in (401, 403)
        for auth in (None, ("officer", "wrong")):
            with pytest.raises(Exception, match="(?i)login|auth|401|403|credentials"):
                Client(url, verbose=False, auth=auth)
        client = Client(url, verbose=False, auth=("officer", "s3cret-Pass"))
        assert client.predict(api_name="/documents") == []
        # a team server is reached by its name: the login, not the Host, guards it
        assert raw_status(url, "GET / HTTP/1.1", "team-server.example") == 200
    finally:
        log = stop_app(proc)
    assert "s3cret-Pass" not in log


def test_upload_over_the_limit_is_refused_and_nothing_is_stored(tmp_path):
    from gradio_client import Client, handle_file

    proc, url = start_app(tmp_path / "data", env={"OFSTED_ASSISTANT_UI__MAX_UPLOAD_MB": "1"})
    try:
        big = tmp_path / "big report.txt"
        big.write_text("Care leavers were supported well by the service. " * 40_000)
        assert big.stat().st_size > 1_000_000
        client = Client(url, verbose=False)
        with pytest.raises(Exception, match="(?i)too large|size|limit|413"):
            client.predict([handle_file(str(big))], api_name="/upload")
        assert client.predict(api_name="/documents") == []
    finally:
        stop_app(proc)
    stored = list((tmp_path / "data").rglob("big report*"))
    assert stored == [], stored


def raw_status(url: str, line: str, host: str, body: bytes = b"") -> int:
    """Send one raw HTTP request with this ``Host`` header; return the status code."""
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    head = f"{line}\r\nHost: {host}\r\nConnection: close\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=20) as conn:
        conn.sendall(head.encode() + b"\r\n" + body)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def test_without_a_login_only_requests_for_this_machine_are_answered(tmp_path):
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 gets nothing."""
    proc, url = start_app(tmp_path / "data")
    try:
        port = url.rstrip("/").rsplit(":", 1)[1]
        call = b'{"data": []}'
        for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}"):
            assert raw_status(url, "GET / HTTP/1.1", host) == 400
            assert raw_status(url, "GET /config HTTP/1.1", host) == 400
            assert raw_status(url, "POST /gradio_api/call/documents HTTP/1.1", host, call) == 400
        for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
            assert raw_status(url, "GET /config HTTP/1.1", host) == 200
            assert raw_status(url, "POST /gradio_api/call/documents HTTP/1.1", host, call) == 200
    finally:
        log = stop_app(proc)
    assert "Traceback" not in log, log


def test_a_second_serve_on_the_same_data_directory_is_refused(sample_data_dir, tmp_path):
    from gradio_client import Client

    ask = load_bench("concurrency").ask
    data_dir = tmp_path / "data"
    shutil.copytree(sample_data_dir, data_dir)
    question = "What was Kent's overall effectiveness judgement?"
    first, url = start_app(data_dir)
    try:
        port = free_port()
        second = subprocess.run(
            [CLI, "serve", "--data-dir", str(data_dir), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 1, second.stderr
        message = " ".join(second.stderr.split())
        assert "is already using the data directory" in message
        assert f"pid {first.pid}, {url.rstrip('/')}" in message
        assert "Traceback" not in second.stderr
        assert "Outstanding" in ask(Client(url, verbose=False), question)  # the first goes on
    finally:
        first.kill()  # however it ends, the data directory is free again
        first.communicate()
    again, url = start_app(data_dir)
    try:
        assert "Outstanding" in ask(Client(url, verbose=False), question)
    finally:
        stop_app(again)

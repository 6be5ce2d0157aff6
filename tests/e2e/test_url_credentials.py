"""A password inside the model's URL never reaches a log (issue 12, Low).

The real CLI asks a question in the openai mode, verbose, against an OpenAI-compatible
server on loopback reached through ``http://officer:<password>@127.0.0.1:<port>/v1``:
the request log lines name the endpoint with the credentials hidden, and the server
still received them (the URL works as before).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLI = Path(sys.executable).parent / "ofsted-assistant"
SECRET = "Pa55-in-the-url"
REPLY = "Kent's overall effectiveness was judged outstanding [1]."


class FakeOpenAI(BaseHTTPRequestHandler):
    """Just enough of the OpenAI API: list models, chat completions (streamed or not)."""

    seen: list[str] = []

    def log_message(self, *args) -> None:  # quiet
        pass

    def _json(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        FakeOpenAI.seen.append(self.headers.get("Authorization", ""))
        self._json({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    def do_POST(self) -> None:  # noqa: N802
        FakeOpenAI.seen.append(self.headers.get("Authorization", ""))
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        message = {"role": "assistant", "content": REPLY}
        if not body.get("stream"):
            self._json(
                {
                    "id": "c1",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "fake",
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                }
            )
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for delta, finish in (({"role": "assistant", "content": REPLY}, None), ({}, "stop")):
            chunk = {
                "id": "c1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "fake",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")


@pytest.fixture
def model_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeOpenAI.seen = []
    yield server.server_address[1]
    server.shutdown()


def test_verbose_logs_hide_the_password_of_the_model_url(sample_data_dir, tmp_path, model_server):
    data_dir = tmp_path / "data"
    shutil.copytree(sample_data_dir, data_dir)
    env = {
        **os.environ,
        "OFSTED_ASSISTANT_LLM__MODE": "openai",
        "OFSTED_ASSISTANT_LLM__MODEL": "fake",
        "OFSTED_ASSISTANT_LLM__BASE_URL": f"http://officer:{SECRET}@127.0.0.1:{model_server}/v1",
    }
    run = subprocess.run(
        [str(CLI), "ask", "What did Ofsted say about care leavers in Kent?", "--verbose"]
        + ["--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    assert FakeOpenAI.seen, "the model server was not asked"
    basic = "Basic " + base64.b64encode(f"officer:{SECRET}".encode()).decode()
    assert basic in FakeOpenAI.seen  # the credentials still reach the server
    requests = [line for line in run.stderr.splitlines() if "HTTP Request:" in line]
    assert requests, run.stderr  # the lines that used to carry the password
    assert all(f"http://***@127.0.0.1:{model_server}/v1/" in line for line in requests)
    assert SECRET not in run.stderr + run.stdout

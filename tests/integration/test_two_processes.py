"""Two copies of the assistant, each with its own data directory, on one `chroma run` server.

Process 1 is the CLI (`ofsted-assistant ingest`, a new process per command). Process 2 is
one long-lived Python process built with ``build_assistant`` (as a web app would be) that
answers JSON requests on stdin. After process 1 ingests a report, process 2 must list it,
answer from it with citations, find it through its own BM25 side index and read its
judgements into its own structured database, without a restart. Its derived data (BM25
index, SQLite tables) lives in its own data directory; only Chroma is shared.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE
from tests.integration.test_chroma_server import chroma_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.integration

CLI = Path(sys.executable).parent / "ofsted-assistant"
LETTER = SAMPLE / "corpus" / "westminster-2006-apa-letter.txt"
KENT = SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf"
KENT_QUESTION = "What was Kent's overall effectiveness?"
CARE_LEAVERS = "How are care leavers supported in Kent?"

SERVER_PROCESS = r"""
import json, sys
from assistant.app import build_assistant
from core.settings import Settings
from assistant.structured import structured_data

assistant = build_assistant(Settings())
store = assistant.store
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    op = request["op"]
    if op == "docs":
        reply = [{"source": d.source, "doc_id": d.doc_id} for d in store.list_documents()]
    elif op == "ask":
        reply = assistant.ask(request["question"]).to_json()
    elif op == "lexical":
        terms = store.lexical.analyzer(request["text"])
        reply = [cid for cid, _ in store.lexical_search(terms, 50)]
    elif op == "grades":
        rows = structured_data(assistant).grades(authorities=request["authorities"])
        reply = [r.to_json() for r in rows]
    elif op == "state":
        reply = {
            "store": store.generation(),
            "lexical": store.lexical.generation,
            "telemetry": store.client.get_settings().anonymized_telemetry,
        }
    else:
        reply = {"error": op}
    print(json.dumps(reply), flush=True)
"""


def server_env(port: int, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        OFSTED_ASSISTANT_STORE__MODE="http",
        OFSTED_ASSISTANT_STORE__HOST="127.0.0.1",
        OFSTED_ASSISTANT_STORE__PORT=str(port),
        OFSTED_ASSISTANT_DATA_DIR=str(data_dir),
    )
    return env


def cli(port: int, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Process 1: one CLI command against the server, with its own data directory."""
    return subprocess.run(
        [str(CLI), *args],
        env=server_env(port, data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )


class LongLived:
    """Process 2: one Python process answering JSON requests, one per line."""

    def __init__(self, port: int, data_dir: Path) -> None:
        """Start it and wait until the assistant is built."""
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER_PROCESS],
            env=server_env(port, data_dir),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self._reply(120) == {"ready": True}

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def _reply(self, timeout: float) -> Any:
        try:
            return json.loads(self.lines.get(timeout=timeout))
        except queue.Empty:
            self.proc.kill()
            err = self.proc.stderr.read() if self.proc.stderr else ""
            pytest.fail(f"process 2 did not answer within {timeout} s: {err[-2000:]}")

    def __call__(self, op: str, **args: Any) -> Any:
        """Send one request and return the reply."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.proc.stdin.flush()
        return self._reply(180)

    def close(self) -> None:
        """End the process (end of input), killing it if it does not leave."""
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def kent_citations(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in answer["citations"] if c["source"].endswith("05 july 2022.pdf")]


def test_a_second_process_sees_and_cites_what_the_first_ingested(chroma_server, tmp_path):  # noqa: F811
    port = chroma_server
    first, second = tmp_path / "process-1", tmp_path / "process-2"
    letter_dir, kent_dir = tmp_path / "letter", tmp_path / "kent"
    letter_dir.mkdir()
    kent_dir.mkdir()
    shutil.copy(LETTER, letter_dir)
    shutil.copy(KENT, kent_dir)

    done = cli(port, first, "ingest", str(letter_dir))
    assert done.returncode == 0, done.stderr
    assert "added 1" in done.stdout

    p2 = LongLived(port, second)
    try:
        # before: process 2 knows the letter only, on every side
        state = p2("state")
        assert state["telemetry"] is False  # http client too
        assert [d["source"] for d in p2("docs")] == [LETTER.name]
        before = p2("ask", question=CARE_LEAVERS)
        assert not any(p["source"].endswith(KENT.name) for p in before["retrieved"])
        assert p2("grades", authorities=["Kent"]) == []
        state = p2("state")  # the BM25 side is loaded on first use: by the question above
        assert state["lexical"] == state["store"], state

        done = cli(port, first, "ingest", str(kent_dir))
        assert done.returncode == 0, done.stderr
        assert "added 1" in done.stdout
        # process 1's own view, through the CLI
        listed = json.loads(cli(port, first, "docs", "list", "--json").stdout)
        assert len(listed) == 2

        # after: same process 2, no restart, no wait: the generation on the server moved
        assert p2("state")["store"] != state["store"]
        sources = {d["source"] for d in p2("docs")}
        assert sources == {LETTER.name, KENT.name}
        kent_id = next(d["doc_id"] for d in p2("docs") if d["source"] == KENT.name)

        answer = p2("ask", question=CARE_LEAVERS)
        assert any(p["source"] == KENT.name for p in answer["retrieved"]), answer["retrieved"]
        assert kent_citations(answer), answer["answer"]
        assert not answer["refused"]

        hits = p2("lexical", text="Kent care leavers personal advisers")
        assert any(cid.startswith(f"{kent_id}:") for cid in hits), "BM25 side did not catch up"
        state = p2("state")
        assert state["lexical"] == state["store"], state

        grades = p2("grades", authorities=["Kent"])
        overall = [g for g in grades if "overall" in json.dumps(g).lower()]
        assert overall and "Outstanding" in json.dumps(overall[0]), grades

        graded = p2("ask", question=KENT_QUESTION)
        assert any("Outstanding" in c["quote"] for c in kent_citations(graded)), graded["answer"]

        # derived data stayed in each process's own directory
        assert not (first / "chroma").exists() and not (second / "chroma").exists()
        assert (second / "lexical").is_dir()
    finally:
        p2.close()

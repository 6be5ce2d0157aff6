"""Concurrent use of the chat window: N chat sessions and M uploaders against `serve`.

Starts `ofsted-assistant serve` on a free loopback port over a data directory (a copy is
made: uploads and deletions never touch the original), then for ``--seconds`` runs
``--sessions`` gradio_client chat sessions asking questions with known answers, and
``--uploads`` uploaders each adding, asking about and deleting its own report. Prints
p50/p95 latency, errors and wrong answers; exits 1 if there were any. The server's log is
read while it runs; its tracebacks are printed (the first ones whole) and, when anything
failed, the whole log is kept in a file whose path is printed.

    .venv/bin/python bench/concurrency.py --data-dir /tmp/idx-sample --sessions 20 \\
        --uploads 3 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

# (question, text the answer must contain)
QUESTIONS = [
    ("What was Kent's overall effectiveness judgement?", "Outstanding"),
    ("What was Norfolk's overall effectiveness judgement?", "Inadequate"),
    ("What grades did Westminster get in its 2006 annual performance assessment?", "capacity"),
    ("Which authorities were rated excellent in 2009?", "excellent"),
    ("What needs to improve in Worcestershire?", "early help"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    data_dir: Path, *, env: dict[str, str] | None = None, args: Sequence[str] = ()
) -> tuple[subprocess.Popen, str]:
    """`serve` on a free loopback port (the tests start theirs here too): (process, url)."""
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
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited {proc.returncode}: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as page:
                if page.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("serve did not start within 120 s")


class Tally:
    """Latencies, errors and wrong answers, from many threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.uploads: list[float] = []
        self.errors: list[str] = []
        self.wrong: list[str] = []

    def add(self, kind: str, value: object) -> None:
        with self.lock:
            getattr(self, kind).append(value)


def ask(client, question: str) -> str:
    # "" for the conversation id: every question starts a new conversation
    _chat, _box, _conversation, _chips, plain = client.predict(
        question, [], [], [], "", "", [], "", api_name="/ask"
    )
    return plain


def chat_session(url: str, i: int, stop: float, tally: Tally) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    n = i
    while time.monotonic() < stop:
        ask_and_tally(client, n, tally, f"session {i}: ")
        n += 1


def ask_and_tally(client, n: int, tally: Tally, who: str = "") -> None:
    """Ask the ``n``th known question; add its latency, or its error, and a wrong answer."""
    question, expected = QUESTIONS[n % len(QUESTIONS)]
    began = time.perf_counter()
    try:
        plain = ask(client, question)
    except Exception as exc:  # noqa: BLE001 - every failure is counted
        tally.add("errors", f"{who}{type(exc).__name__}: {exc}")
        return
    tally.add("latencies", time.perf_counter() - began)
    if expected.lower() not in plain.lower() or "[1]" not in plain:
        tally.add("wrong", f"{question!r} → {plain[:120]!r}")


def uploader(url: str, i: int, stop: float, tally: Tally, folder: Path) -> None:
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False)
    word = f"Zorbly{i}"
    path = folder / f"uploader {i} report.txt"
    path.write_text(
        f"The {word} family hub in the borough opened every weekday and offered early help "
        f"to {i + 3} hundred families in its first year.\n",
        encoding="utf-8",
    )
    rounds = 0
    while time.monotonic() < stop:
        began = time.perf_counter()
        try:
            status, results, _ = client.predict([handle_file(str(path))], api_name="/upload")
            tally.add("uploads", time.perf_counter() - began)
            if results["data"][0][1] not in ("added", "unchanged"):
                tally.add("errors", f"uploader {i}: {results['data'][0]}")
                continue
            plain = ask(client, f"When did the {word} family hub open?")
            if path.name not in plain:
                tally.add("wrong", f"uploader {i}: answer does not cite its file: {plain[:120]!r}")
            docs = client.predict(api_name="/documents")
            doc = next((d for d in docs if d["File"] == path.name), None)
            if doc is None:
                tally.add("errors", f"uploader {i}: not listed after upload")
                continue
            client.predict(doc["Id"], api_name="/delete_document")
            rounds += 1
        except Exception as exc:  # noqa: BLE001
            tally.add("errors", f"uploader {i}: {type(exc).__name__}: {exc}")


def tracebacks(log: str) -> list[str]:
    """Each traceback in a server log (chained ones as one), with the log line before it."""
    lines = log.splitlines()
    found = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("Traceback (most recent call last)"):
            i += 1
            continue
        end = i + 1
        while end < len(lines) and (
            lines[end].startswith((" ", "\t", "Traceback", "During handling", "The above"))
            or not lines[end]
            or not _ends_traceback(lines, end)
        ):
            end += 1
        found.append("\n".join(lines[max(0, i - 1) : end + 1]))
        i = end + 1
    return found


def _ends_traceback(lines: list[str], at: int) -> bool:
    """Whether ``lines[at]`` (not indented) is the exception line that ends a traceback.

    It is unless a chained exception follows it (a blank line, then "The above ..." or
    "During handling ...").
    """
    rest = [line for line in lines[at + 1 : at + 3] if line]
    return not (rest and rest[0].startswith(("During handling", "The above")))


class ServerLog:
    """The lines a server writes, read as it writes them (its pipe never fills up)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        """Start reading ``proc``'s stdout on a daemon thread."""
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.append(line)

    def text(self, timeout: float = 30) -> str:
        """Everything written, once the server has ended (or ``timeout`` has passed)."""
        self._thread.join(timeout)
        return "".join(self.lines)


def keep_log(log: str) -> str:
    """Write the server log to a file that outlives the run; return its path."""
    fd, path = tempfile.mkstemp(prefix="concurrency-serve-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(log)
    return path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(data_dir: Path, sessions: int, uploads: int, seconds: float) -> dict:
    """Run the load; return the figures."""
    with tempfile.TemporaryDirectory(prefix="concurrency-") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data_dir, copy)
        proc, url = start(copy)
        server_log = ServerLog(proc)
        tally = Tally()
        try:
            stop = time.monotonic() + seconds
            threads = [
                threading.Thread(target=chat_session, args=(url, i, stop, tally))
                for i in range(sessions)
            ] + [
                threading.Thread(target=uploader, args=(url, i, stop, tally, Path(tmp)))
                for i in range(uploads)
            ]
            began = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - began
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log = server_log.text()
        traces = tracebacks(log)
        lat = tally.latencies
        figures = {
            "sessions": sessions,
            "uploaders": uploads,
            "seconds": round(elapsed, 1),
            "answers": len(tally.latencies),
            "answers_per_s": round(len(tally.latencies) / elapsed, 2),
            "p50_ms": round(percentile(lat, 0.5) * 1000) if lat else None,  # None: no answer
            "p95_ms": round(percentile(lat, 0.95) * 1000) if lat else None,
            "mean_ms": round(statistics.fmean(lat) * 1000) if lat else None,
            "uploads": len(tally.uploads),
            "upload_p50_ms": round(percentile(tally.uploads or [0.0], 0.5) * 1000),
            "errors": tally.errors,
            "wrong": tally.wrong,
            "server_tracebacks": log.count("Traceback"),
            "tracebacks": traces,
        }
        if tally.errors or tally.wrong or "Traceback" in log:
            figures["server_log"] = keep_log(log)
        return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested library")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--uploads", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run(args.data_dir, args.sessions, args.uploads, args.seconds)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            if key == "tracebacks":
                for trace in value[:3]:
                    print(f"server traceback:\n{trace}")
            elif key in ("errors", "wrong"):
                print(f"{key}: {len(value)}")
                for line in value[:10]:
                    print(f"  {line}")
            else:
                print(f"{key}: {value}")
    return 1 if figures["errors"] or figures["wrong"] or figures["server_tracebacks"] else 0


if __name__ == "__main__":
    sys.exit(main())

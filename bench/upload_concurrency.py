"""Questions during a large upload: 20 chat sessions against `serve` while a 20 MB text is added.

Starts `ofsted-assistant serve` over a copy of an ingested library and writes a text
report of about 19 MB (the sample corpus's text files, repeated, under the 20 MB and 20
million character limits). Twenty gradio_client chat sessions ask questions with known
answers: back to back for ``--baseline`` seconds with no upload; then the large file
is uploaded through the window's API and, while it is ingested, the sessions ask back to
back for ``--sustained`` seconds (the CPU saturated by questions), then in rounds of 20
questions at once (one per session, a ``--pause`` between rounds) until the upload ends
(or ``--max-rounds`` rounds: the figures are then all taken during the upload).
Prints p50/p95/max answer latency of each phase, errors and wrong answers; exits 1 if
there were any, or if the p95 of the rounds of 20 at once is 5 s or more.

    PYTHONPATH=. .venv/bin/python bench/upload_concurrency.py --data-dir /tmp/idx-sample
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.concurrency import QUESTIONS, Tally, ask, ask_and_tally, percentile, start  # noqa: E402

MB = 1024 * 1024


def big_text(path: Path, size: int = 19 * MB) -> Path:
    """A text report of about ``size`` bytes: the sample corpus's texts, repeated."""
    corpus = sorted((ROOT / "data/sample/corpus").glob("*.txt"))
    parts = [p.read_text(encoding="utf-8") for p in corpus]
    text = "\n\n".join(parts) + "\n\n"
    path.write_text(text * max(1, size // len(text.encode("utf-8"))), encoding="utf-8")
    return path


class Phase(Tally):
    """Latencies, errors and wrong answers of one phase, from many threads."""

    def figures(self) -> dict:
        lat = self.latencies or [float("nan")]
        return {
            "answers": len(self.latencies),
            "p50_ms": round(percentile(lat, 0.5) * 1000),
            "p95_ms": round(percentile(lat, 0.95) * 1000),
            "max_ms": round(max(lat) * 1000),
            "errors": self.errors,
            "wrong": self.wrong,
        }


def back_to_back(clients: list, phase: Phase, seconds: float, until: threading.Event) -> None:
    """Every session asks question after question for ``seconds`` (or until ``until``)."""
    stop = time.monotonic() + seconds

    def session(i: int) -> None:
        n = i
        while time.monotonic() < stop and not until.is_set():
            ask_and_tally(clients[i], n, phase)
            n += 1

    threads = [threading.Thread(target=session, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def rounds(
    clients: list, phase: Phase, pause: float, until: threading.Event, most: int | None = None
) -> int:
    """Rounds of one question per session, all at once, until ``until`` (or ``most``
    rounds); how many rounds."""
    count = 0
    while not until.is_set() and (most is None or count < most):
        threads = [
            threading.Thread(target=ask_and_tally, args=(c, count + i, phase))
            for i, c in enumerate(clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        count += 1
        until.wait(pause)
    return count


def run(
    data_dir: Path,
    sessions: int = 20,
    baseline: float = 60,
    sustained: float = 300,
    pause: float = 10,
    size_mb: float = 19,
    max_rounds: int | None = None,
) -> dict:
    """Run the phases against `serve` over a copy of ``data_dir``; return the figures."""
    from gradio_client import Client, handle_file

    with tempfile.TemporaryDirectory(prefix="upload-concurrency-") as tmp:
        big = big_text(Path(tmp) / "large report.txt", int(size_mb * MB))
        file_mb = round(big.stat().st_size / MB, 1)
        copy = Path(tmp) / "data"
        shutil.copytree(data_dir, copy)
        proc, url = start(copy)
        phases = {"without_upload": Phase(), "upload_back_to_back": Phase()}
        phases["upload_20_at_once"] = Phase()
        uploaded, result = threading.Event(), {}
        try:
            clients = [Client(url, verbose=False) for _ in range(sessions)]
            ask(clients[0], QUESTIONS[0][0])  # warm
            back_to_back(clients, phases["without_upload"], baseline, uploaded)

            def upload() -> None:
                began = time.perf_counter()
                _status, results, _ = Client(url, verbose=False).predict(
                    [handle_file(str(big))], api_name="/upload"
                )
                result.update(rows=results["data"], seconds=time.perf_counter() - began)
                uploaded.set()

            uploader = threading.Thread(target=upload, daemon=True)
            uploader.start()
            back_to_back(clients, phases["upload_back_to_back"], sustained, uploaded)
            result["rounds"] = rounds(
                clients, phases["upload_20_at_once"], pause, uploaded, max_rounds
            )
            if max_rounds is None:
                uploader.join()
            result["upload_done"] = uploaded.is_set()
        finally:
            proc.terminate()
            log, _ = proc.communicate(timeout=60)
        return {
            "sessions": sessions,
            "file_mb": file_mb,
            "upload": result["rows"][0][:3] if "rows" in result else "still running",
            "upload_seconds": round(result["seconds"], 1) if "seconds" in result else None,
            "upload_done_before_the_end": result["upload_done"],
            "rounds_of_20": result["rounds"],
            **{name: phase.figures() for name, phase in phases.items()},
            "server_tracebacks": log.count("Traceback"),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested library")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--baseline", type=float, default=60, help="seconds with no upload")
    parser.add_argument(
        "--sustained", type=float, default=300, help="seconds back to back during the upload"
    )
    parser.add_argument("--pause", type=float, default=10, help="seconds between rounds")
    parser.add_argument("--size-mb", type=float, default=19, help="size of the upload")
    parser.add_argument(
        "--max-rounds",
        type=int,
        default=None,
        help="stop after this many rounds of 20 at once, even if the upload goes on",
    )
    args = parser.parse_args()
    figures = run(
        args.data_dir,
        args.sessions,
        args.baseline,
        args.sustained,
        args.pause,
        args.size_mb,
        args.max_rounds,
    )
    phases = ("without_upload", "upload_back_to_back", "upload_20_at_once")
    shown = json.loads(json.dumps(figures))
    for phase in phases:
        for key in ("errors", "wrong"):
            found = figures[phase][key]
            shown[phase][key] = found[:5] + ([f"... {len(found)} in all"] if found[5:] else [])
    print(json.dumps(shown, indent=2, ensure_ascii=False))
    bad = any(figures[p]["errors"] or figures[p]["wrong"] for p in phases)
    slow = figures["upload_20_at_once"]["p95_ms"] >= 5000
    return 1 if bad or slow or figures["server_tracebacks"] else 0


if __name__ == "__main__":
    sys.exit(main())

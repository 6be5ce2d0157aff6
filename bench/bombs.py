"""Decompression bombs uploaded to a running `serve`: reasons, and memory of the process tree.

Writes three bombs (``tests/bombs.py``: a 1 MB PDF whose content stream inflates to
1 GiB, a 1 MB Word file whose document.xml inflates to 1 GiB, a 250 KB Word file of 30
million empty paragraphs) and uploads them in one batch with a good report (the Kent
report with a comment after its end, so that it is new to the library) through the
window's API, while sampling every 20 ms the resident memory of `serve` and of its
whole process tree (the parse server and its children) from /proc. Prints the
baseline and peaks, each file's outcome, and whether a question is answered after.
Exits 1 if a bomb was not refused, the good file not added, or the tree went over 1 GB.

    PYTHONPATH=. .venv/bin/python bench/bombs.py --data-dir /tmp/idx-sample
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.concurrency import ask, start  # noqa: E402
from tests.bombs import docx_paragraph_bomb, docx_size_bomb, pdf_bomb  # noqa: E402

KENT = ROOT / "data/sample/ilacs/kent/children's services inspection - 05 july 2022.pdf"
MB = 1024 * 1024


def rss(pid: int) -> int:
    """Resident bytes of a process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc/*/stat."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += parents.get(current, [])
    return out


class Sampler(threading.Thread):
    """Peak resident memory of a process and of its tree, sampled until stopped."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_server = self.peak_tree = self.most_processes = 0
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            pids = tree(self.pid)
            self.peak_server = max(self.peak_server, rss(self.pid))
            self.peak_tree = max(self.peak_tree, sum(rss(p) for p in pids))
            self.most_processes = max(self.most_processes, len(pids))
            time.sleep(self.every)


def run(data_dir: Path) -> dict:
    """Upload the bombs and a good file to `serve` over a copy of ``data_dir``."""
    from gradio_client import Client, handle_file

    with tempfile.TemporaryDirectory(prefix="bombs-") as tmp:
        folder = Path(tmp) / "upload"
        folder.mkdir()
        files = [
            pdf_bomb(folder / "bomb.pdf"),
            docx_size_bomb(folder / "size bomb.docx"),
            docx_paragraph_bomb(folder / "paragraphs.docx"),
            folder / "kent.pdf",
        ]
        # a byte after %%EOF: the same report, a new file (the library holds the original)
        files[-1].write_bytes(KENT.read_bytes() + b"% a copy for the bomb bench\n")
        copy = Path(tmp) / "data"
        shutil.copytree(data_dir, copy)
        proc, url = start(copy)
        try:
            client = Client(url, verbose=False)
            ask(client, "What was Kent's overall effectiveness judgement?")  # warm
            baseline_server = rss(proc.pid)
            baseline_tree = sum(rss(p) for p in tree(proc.pid))
            sampler = Sampler(proc.pid)
            sampler.start()
            began = time.perf_counter()
            _status, results, _ = client.predict(
                [handle_file(str(f)) for f in files], api_name="/upload"
            )
            seconds = time.perf_counter() - began
            sampler.halt.set()
            sampler.join()
            answer = ask(client, "What was Kent's overall effectiveness judgement?")
        finally:
            proc.terminate()
            log, _ = proc.communicate(timeout=30)
    rows = {row[0]: (row[1], row[3]) for row in results["data"]}
    return {
        "outcomes": rows,
        "upload_seconds": round(seconds, 1),
        "baseline_server_mb": round(baseline_server / MB),
        "baseline_tree_mb": round(baseline_tree / MB),
        "peak_server_mb": round(sampler.peak_server / MB),
        "peak_tree_mb": round(sampler.peak_tree / MB),
        "most_processes": sampler.most_processes,
        "answered_after": "Outstanding" in answer,
        "server_tracebacks": log.count("Traceback"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested library")
    args = parser.parse_args()
    figures = run(args.data_dir)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    refused = all(
        status == "failed" and "refused" in reason
        for name, (status, reason) in figures["outcomes"].items()
        if name != "kent.pdf"
    )
    ok = (
        refused
        and figures["outcomes"].get("kent.pdf", ("",))[0] == "added"
        and figures["peak_tree_mb"] < 1024
        and figures["answered_after"]
        and not figures["server_tracebacks"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

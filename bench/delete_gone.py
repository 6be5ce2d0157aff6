"""Delete means gone: where a removed report's text is left on disk, before and after compaction.

A generated report holding a unique phrase is ingested into a library of real reports,
asked about, drafted from and replaced by a new version; then it is removed. Every file
under the data directory is searched for the phrase (UTF-8 and UTF-16, Word files
unzipped) right after the removal as versions before issue 12 left it (store removal and
BM25 rebuild only), and again after the new clean-up (kept files, drafts, structured rows,
compaction). With ``--server`` the same runs against a ``chroma run`` server on loopback.

Usage: .venv/bin/python bench/delete_gone.py [--docs ../shared/ilacs] [--server]
Prints Markdown lines for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from assistant.app import build_assistant
from assistant.housekeeping import compact_chroma_directory
from assistant.service import Library
from core.settings import Settings
from ingest.loader import iter_files

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from tests.traces import traces, unique_phrase, write_report  # noqa: E402


def where(root: Path, *needles: str) -> str:
    hits = sorted({h.split(" (")[0].split("/")[0] for n in needles for h in traces(root, n)})
    return ", ".join(hits) if hits else "**nowhere**"


def mib(path: Path) -> float:
    return path.stat().st_size / 2**20 if path.exists() else 0.0


def run(data: Path, docs: Path, settings: Settings, server_dir: Path | None) -> None:
    reports = data.parent / "reports"
    old, old_token = unique_phrase()
    new, new_token = unique_phrase()
    assistant = build_assistant(settings)
    began = time.perf_counter()
    files = [*iter_files([docs]), (write_report(reports, "testshire.md", old), "testshire.md")]
    assistant.ingest(files)
    print(
        f"- library: {len(assistant.documents())} documents, "
        f"{assistant.store.count_chunks():,} chunks, "
        f"ingested in {time.perf_counter() - began:.0f} s"
    )
    library = Library(assistant)
    assistant.ask(f"What is the {old}?")
    doc = assistant.resolve_document("testshire.md")
    library.draft([doc.doc_id], "board-paper")
    print(f"- before removal the phrase is in: {where(data, old)}")

    began = time.perf_counter()
    assistant.ingest([(write_report(reports, "testshire.md", new), "testshire.md")])
    print(
        f"- a new version replaces it ({time.perf_counter() - began:.1f} s, compaction included):"
        f" the old phrase is in {where(data, old, old_token)}"
        + (f"; on the server: {where(server_dir, old)}" if server_dir else "")
    )
    assistant.ask(f"What is the {new}?")
    doc = assistant.resolve_document("testshire.md")
    library.draft([doc.doc_id], "board-paper")

    chroma = data / "chroma" / "chroma.sqlite3"
    size = mib(chroma)
    began = time.perf_counter()
    assistant.store.remove_document(doc.doc_id)
    assistant.store.refresh_lexical(force=True)
    removed_at = time.perf_counter()
    print(
        f"- removal as before issue 12 ({removed_at - began:.1f} s): the phrase is still in "
        f"{where(data, new)}" + (f"; on the server: {where(server_dir, new)}" if server_dir else "")
    )
    assistant.tidy()
    print(
        f"- clean-up and compaction: **{time.perf_counter() - removed_at:.2f} s**; the phrase "
        f"and its random word are in {where(data, new, new_token)}"
        + (f" (chroma.sqlite3 {size:.1f} → {mib(chroma):.1f} MiB)" if chroma.exists() else "")
    )
    if server_dir:
        began = time.perf_counter()
        compact_chroma_directory(server_dir)
        print(
            f"- on the server's machine, `docs compact --chroma-path` "
            f"({time.perf_counter() - began:.2f} s, server running): the phrase is in "
            f"{where(server_dir, new, new_token)}"
        )


def start_server(path: Path) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=HERE.parent.parent / "shared" / "ilacs")
    parser.add_argument("--server", action="store_true", help="Also with a Chroma server.")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="delete-gone-"))
    try:
        print("Embedded store:")
        data = root / "embedded" / "data"
        run(data, args.docs, Settings(data_dir=data), None)
        if args.server:
            print("\nChroma server (http mode):")
            proc, port = start_server(root / "server-db")
            try:
                data = root / "http" / "data"
                store = {"mode": "http", "host": "127.0.0.1", "port": port}
                run(data, args.docs, Settings(data_dir=data, store=store), root / "server-db")
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Delete means gone, the files beside the library: originals, drafts and window copies.

The removal from real Chroma, searched byte by byte, is tested in
``tests/integration/test_delete_means_gone.py``.
"""

from __future__ import annotations

import json
import os
import time

from assistant.housekeeping import forget_documents, sweep_window_files, write_draft_sources
from core.settings import Settings


def test_files_of_removed_documents_are_deleted_and_the_others_kept(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    originals, drafts, window = (
        settings.originals_dir,
        settings.drafts_dir,
        settings.window_files_dir,
    )
    for folder in (originals, window / "h1", window / "h2", window / "h3"):
        folder.mkdir(parents=True)
    (originals / "gone.pdf").write_bytes(b"%PDF removed report")
    (originals / "kept.pdf").write_bytes(b"%PDF kept report")
    (window / "h1" / "report.pdf").write_bytes(b"%PDF removed report")  # a leftover upload
    (window / "h3" / "other.pdf").write_bytes(b"%PDF kept report")
    for name, ids in (("d1", ["gone", "kept"]), ("d2", ["kept"])):
        (drafts / name).mkdir(parents=True)
        (drafts / name / "paper.md").write_text(f"draft {name}")
        write_draft_sources(drafts / name, ids)
    (window / "h2" / "paper.md").write_text("draft d1")  # Gradio's download copy
    (drafts / "legacy").mkdir()
    (drafts / "legacy" / "paper.md").write_text("[1] Title (reports/gone.pdf), p. 3")

    done = forget_documents(settings, [("gone", "reports/gone.pdf")])

    assert (done.originals, done.drafts, done.window_files) == (1, 2, 2)
    assert sorted(p.name for p in originals.iterdir()) == ["kept.pdf"]
    assert sorted(p.name for p in drafts.iterdir()) == ["d2"]
    assert sorted(p.relative_to(window).as_posix() for p in window.rglob("*")) == [
        "h3",
        "h3/other.pdf",
    ]
    assert json.loads((drafts / "d2" / "sources.json").read_text()) == {"doc_ids": ["kept"]}


def test_old_window_files_are_swept_and_recent_ones_kept(tmp_path):
    folder = tmp_path / "uploads-tmp"
    (folder / "old").mkdir(parents=True)
    (folder / "new").mkdir()
    (folder / "old" / "never ingested.pdf").write_bytes(b"%PDF")
    (folder / "old" / "being confirmed.pdf").write_bytes(b"%PDF")
    (folder / "new" / "arriving.pdf").write_bytes(b"%PDF")
    now = time.time()
    for name in ("never ingested.pdf", "being confirmed.pdf"):
        os.utime(folder / "old" / name, (now - 2 * 3600, now - 2 * 3600))

    held = folder / "old" / "being confirmed.pdf"  # held for a user's confirmation, now given
    assert sweep_window_files(folder, 3600, now=now, keep=[held]) == 1

    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "new",
        "new/arriving.pdf",
        "old",
        "old/being confirmed.pdf",
    ]

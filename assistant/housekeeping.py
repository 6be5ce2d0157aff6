"""Files kept beside the library follow it: what belongs to a removed document is deleted.

Three kinds of file hold a document's text outside the store: the copy of its file
(``originals/<doc id>.<ext>``), the drafts written from it (``drafts/<folder>/``, whose
``sources.json`` names the documents they were drafted from) and the window's temporary
files (Gradio's uploads and the copies it serves for download, ``uploads-tmp/``).
:func:`forget_documents` deletes the first two for removed documents, and every file in
the third whose bytes are those of a deleted file. :func:`sweep_window_files` deletes the
window's temporary files older than the retention time (uploads never ingested, old
download copies). Deleting a file does not overwrite the disk blocks it used: a disk
that must not keep them needs encryption (see the README).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import InputError
from core.settings import Settings

logger = logging.getLogger(__name__)

DRAFT_SOURCES = "sources.json"


@dataclass(frozen=True)
class Forgotten:
    """How many files of removed documents were deleted, by kind."""

    originals: int = 0
    drafts: int = 0
    window_files: int = 0


def write_draft_sources(folder: Path, doc_ids: Sequence[str]) -> None:
    """Note in a draft's folder which documents it was drafted from."""
    (folder / DRAFT_SOURCES).write_text(json.dumps({"doc_ids": list(doc_ids)}), encoding="utf-8")


def forget_documents(settings: Settings, removed: Sequence[tuple[str, str]]) -> Forgotten:
    """Delete the kept files of removed ``(doc_id, source)`` documents, and their copies."""
    if not removed:
        return Forgotten()
    ids = {doc_id for doc_id, _ in removed}
    sources = {source for _, source in removed if source}
    originals = [
        p
        for doc_id in sorted(ids)
        if settings.originals_dir.is_dir()
        for p in settings.originals_dir.glob(f"{doc_id}.*")
    ]
    drafts = [f for f in _draft_folders(settings.drafts_dir) if _drafted_from(f, ids, sources)]
    files = originals + [p for folder in drafts for p in folder.rglob("*") if p.is_file()]
    copies = _copies_of(files, settings.window_files_dir)
    for path in originals + copies:
        _unlink(path)
    for folder in drafts:
        shutil.rmtree(folder, ignore_errors=True)
    _prune_empty(settings.window_files_dir)
    done = Forgotten(len(originals), len(drafts), len(copies))
    logger.info(
        "deleted %d kept file(s), %d draft(s) and %d window file(s) of %d removed document(s)",
        done.originals,
        done.drafts,
        done.window_files,
        len(ids),
    )
    return done


def compact_chroma_directory(path: Path) -> bool:
    """Compact a Chroma server's directory (its ``--path``) on the server's machine.

    False when the server kept the database busy; ``InputError`` when ``path`` holds no
    Chroma database.
    """
    from vectorstore.compaction import CHROMA_FILE, compact_chroma

    if not (path / CHROMA_FILE).is_file():
        raise InputError(f"no {CHROMA_FILE} in {path}: give the directory the server was run with")
    return compact_chroma(path, timeout=30.0)


def sweep_window_files(
    folder: Path, max_age_seconds: float, now: float | None = None, keep: Iterable[Path] = ()
) -> int:
    """Delete files under ``folder`` last written over ``max_age_seconds`` ago (not ``keep``)."""
    now = time.time() if now is None else now
    kept = {p.resolve() for p in keep}
    deleted = 0
    for path in _files(folder):
        if path.resolve() in kept:
            continue
        try:
            written = path.stat().st_mtime
        except OSError:
            continue
        if now - written > max_age_seconds:
            deleted += _unlink(path)
    _prune_empty(folder)
    if deleted:
        logger.info("deleted %d old file(s) from the window's temporary folder", deleted)
    return deleted


def _draft_folders(drafts_dir: Path) -> list[Path]:
    if not drafts_dir.is_dir():
        return []
    return sorted(p for p in drafts_dir.iterdir() if p.is_dir())


def _drafted_from(folder: Path, ids: set[str], sources: set[str]) -> bool:
    """Whether the draft in ``folder`` was drafted from one of the removed documents.

    A draft written before drafts named their documents is matched by the removed
    documents' file names in its text (its references list them).
    """
    try:
        named = json.loads((folder / DRAFT_SOURCES).read_text(encoding="utf-8"))["doc_ids"]
        return bool(ids & set(named))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError):
        return True  # unreadable: do not keep what may hold removed text
    for path in folder.glob("*.md"):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if any(source in text for source in sources):
            return True
    return False


def _files(folder: Path) -> Iterable[Path]:
    if not folder.is_dir():
        return []
    return [Path(d) / name for d, _, names in os.walk(folder) for name in names]


def _copies_of(files: Sequence[Path], folder: Path) -> list[Path]:
    """The files under ``folder`` whose bytes are those of one of ``files``."""
    wanted = {fp for fp in map(_fingerprint, files) if fp is not None}
    sizes = {size for size, _ in wanted}
    out = []
    for path in _files(folder):
        try:
            if path.stat().st_size not in sizes:
                continue
        except OSError:
            continue
        if _fingerprint(path) in wanted:
            out.append(path)
    return out


def _fingerprint(path: Path) -> tuple[int, str] | None:
    """``(size, sha256)`` of a file (None when it cannot be read)."""
    try:
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    except OSError:
        return None
    return size, digest.hexdigest()


def _unlink(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except FileNotFoundError:
        return 0
    except OSError as exc:
        logger.warning("could not delete %s: %s", path, exc)
        return 0


def _prune_empty(folder: Path) -> None:
    """Remove empty folders below ``folder`` (Gradio makes one per file)."""
    if not folder.is_dir():
        return
    for d, _, _ in os.walk(folder, topdown=False):
        if Path(d) != folder:
            try:
                os.rmdir(d)  # fails, as wanted, when it is not empty
            except OSError:
                pass

"""Compaction of an embedded Chroma directory, so that removed text is not left on disk.

Deleting records from Chroma leaves their text in three places inside ``chroma.sqlite3``:
the write-ahead log (table ``embeddings_queue``, which keeps every write, text included,
until the vector index has been saved past it: with Chroma's default ``sync_threshold`` of
1,000 records a small library never gets there), the full-text index's segments (FTS5 keeps
deleted terms until its segments are merged) and the database's free pages. On top of that,
the vector index writes its ``length.bin`` from memory it never initialised, so the unused
end of that file can hold whatever the process had on its heap, report text included.

:func:`compact_chroma` undoes all four, in this order:

1. the log: a write superseded by a later delete of the same record keeps its vector (so a
   process replaying the log ends in the same state) but loses its text and metadata;
2. the full-text index: FTS5 ``optimize`` merges its segments, dropping deleted entries;
3. the file: ``VACUUM`` rewrites it without free pages (and a WAL, if any, is truncated);
4. the vector index files: the bytes past the last element are zeroed.

It must run while the caller holds the library's writer lock, and it gives up (returns
False, changing nothing) when another process keeps the database busy for ``timeout``
seconds: the caller retries later. Nothing here imports chromadb: these are SQLite and
file operations on the layout Chroma 1.x writes, checked before they are applied.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import struct
from contextlib import closing
from pathlib import Path

logger = logging.getLogger(__name__)

CHROMA_FILE = "chroma.sqlite3"
_DELETE = 3  # chromadb's Operation.DELETE in embeddings_queue.operation
_HEADER = struct.Struct("<iQQQQ")  # version, offsetLevel0, max_elements, cur_count, size/elt


class Busy(Exception):
    """Another process kept the database busy: try again later."""


def compact_chroma(chroma_dir: Path, *, timeout: float = 2.0) -> bool:
    """Remove the traces of deleted records from an embedded Chroma directory.

    Returns False when the database stayed busy (nothing was changed then).
    """
    path = chroma_dir / CHROMA_FILE
    if not path.exists():
        return True
    try:
        with closing(_connect(path, timeout)) as db:
            _scrub_log(db)
            _merge_full_text(db)
            vacuum(db)
    except Busy as exc:
        logger.info("compaction of %s postponed: %s", path, exc)
        return False
    for segment in sorted(p.parent for p in chroma_dir.glob("*/header.bin")):
        scrub_vector_index(segment)
    return True


def compact_sqlite(path: Path, *, timeout: float = 2.0) -> bool:
    """``VACUUM`` one of our own SQLite files; False when it stayed busy."""
    if not path.exists():
        return True
    try:
        with closing(_connect(path, timeout)) as db:
            vacuum(db)
    except Busy as exc:
        logger.info("compaction of %s postponed: %s", path, exc)
        return False
    return True


def _connect(path: Path, timeout: float) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    db.execute("PRAGMA secure_delete = ON")
    return db


def _run(db: sqlite3.Connection, sql: str) -> None:
    try:
        db.execute(sql)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise Busy(str(exc)) from exc
        raise


def _tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _scrub_log(db: sqlite3.Connection) -> int:
    """Blank the text of log entries whose record was deleted later; return how many."""
    if "embeddings_queue" not in _tables(db):
        return 0
    columns = {row[1] for row in db.execute("PRAGMA table_info(embeddings_queue)")}
    if not {"seq_id", "operation", "topic", "id", "metadata"} <= columns:
        logger.warning("unknown Chroma log layout: its deleted entries were not scrubbed")
        return 0
    _run(db, "BEGIN IMMEDIATE")
    try:
        cursor = db.execute(
            "UPDATE embeddings_queue SET metadata = '{}'"
            " WHERE operation != ? AND metadata IS NOT NULL AND metadata != '{}'"
            " AND EXISTS (SELECT 1 FROM embeddings_queue AS later"
            "  WHERE later.topic = embeddings_queue.topic AND later.id = embeddings_queue.id"
            "  AND later.operation = ? AND later.seq_id > embeddings_queue.seq_id)",
            (_DELETE, _DELETE),
        )
        _run(db, "COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return cursor.rowcount


def _merge_full_text(db: sqlite3.Connection) -> None:
    """Merge Chroma's FTS5 segments so that deleted entries are dropped."""
    if "embedding_fulltext_search" not in _tables(db):
        return
    try:
        _run(
            db,
            "INSERT INTO embedding_fulltext_search(embedding_fulltext_search) VALUES('optimize')",
        )
    except sqlite3.DatabaseError as exc:  # an SQLite without FTS5 or the trigram tokenizer
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise
        logger.warning("the full-text index could not be merged: %s", exc)


def vacuum(db: sqlite3.Connection) -> None:
    """Rewrite the database without free pages; truncate its WAL when it has one."""
    _run(db, "VACUUM")
    if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise Busy("a reader kept the write-ahead log open")


def scrub_vector_index(segment: Path) -> bool:
    """Zero the unused end of an HNSW segment's ``length.bin`` and ``data_level0.bin``.

    The header says how many elements are in use; what lies past them was never written
    by the index, only copied from uninitialised memory. Returns False when the header
    is not one this code knows (then nothing is touched).
    """
    try:
        header = (segment / "header.bin").read_bytes()
        version, _, max_elements, count, per_element = _HEADER.unpack_from(header)
    except (OSError, struct.error):
        return False
    if version != 1 or count > max_elements:
        logger.warning("unknown vector index header in %s: not scrubbed", segment)
        return False
    _zero_tail(segment / "length.bin", count * 4)
    _zero_tail(segment / "data_level0.bin", count * per_element)
    return True


def _zero_tail(path: Path, keep: int) -> None:
    """Overwrite ``path`` from byte ``keep`` to its end with zeros, in place."""
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size <= keep:
        return
    with open(path, "r+b") as f:
        f.seek(keep)
        left = size - keep
        block = bytes(min(left, 1 << 20))
        while left > 0:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n
        f.flush()
        os.fsync(f.fileno())

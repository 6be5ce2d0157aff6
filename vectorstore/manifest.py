"""The write journal of a Chroma store: which documents are half written or half removed.

Chroma writes a document in several calls (batches of chunks, then the document's
record), so a process killed in between leaves part of a document behind. Before
the first of those calls the store notes the document here (``writing`` or
``removing``), and removes the note after the last one; the note of a replaced
document turns into ``removing`` in the same SQLite transaction that ends the
writing of its successor. SQLite commits survive a kill, so whatever notes are
left name exactly the documents to roll back (``writing``: delete what was
written) or to finish removing (``removing``), which :meth:`ChromaStore.recover`
does before anything else touches the store.

Writers hold an exclusive ``flock`` on ``<journal>.lock`` while they write; a
process that opens the store rolls back only when it can take that lock, so it
never undoes the work of an ingest that is still running (the kernel releases
the lock of a killed process).

The journal also keeps the library's generation (:mod:`vectorstore.generation`): a count
bumped, under the writer lock, after every change to which documents are complete.

Before anything is removed, a marker file ``<journal>.compact`` is created; it is deleted
once the store's files have been compacted (:meth:`ChromaStore.compact`), so a removal
whose compaction was postponed (another process was reading) is compacted later, by
whichever process writes next.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Literal

logger = logging.getLogger(__name__)

PendingState = Literal["writing", "removing"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    doc_id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('writing', 'removing')),
    source TEXT NOT NULL,
    chunk_count INTEGER NOT NULL,
    since TEXT NOT NULL,
    pid INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS library (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    generation INTEGER NOT NULL,
    token TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Pending:
    """A document whose write or removal has begun and not yet ended."""

    doc_id: str
    state: PendingState
    source: str
    chunk_count: int
    since: str
    pid: int


class Journal:
    """Pending document writes and removals, in a small SQLite file, with a writer lock."""

    def __init__(self, path: Path) -> None:
        """Use the SQLite file at ``path`` (created on first write) and ``path.lock``."""
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.compact_path = path.with_name(path.name + ".compact")
        self._mutex = threading.RLock()
        self._depth = 0
        self._lock_file: IO[bytes] | None = None

    # -- the writer lock ----------------------------------------------------------

    @contextmanager
    def writer(self, *, wait: bool = True) -> Iterator[bool]:
        """Hold the writer lock (re-entrant in this process); yields False if not taken.

        With ``wait`` False the lock is only tried: the body runs either way and is
        told whether it holds the lock.
        """
        if not self._mutex.acquire(blocking=wait):
            yield False
            return
        try:
            if self._depth == 0:
                if not self._take(wait):
                    yield False
                    return
            self._depth += 1
            try:
                yield True
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()
        finally:
            self._mutex.release()

    def _take(self, wait: bool) -> bool:
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.lock_path, "ab")  # noqa: SIM115 (held until _release)
        except OSError as exc:
            if wait:
                raise
            logger.debug("cannot open the writer lock %s: %s", self.lock_path, exc)
            return False  # a read-only library: nothing to roll back from here
        try:
            if not wait:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    logger.warning("another process is writing to the library: waiting for it")
                    fcntl.flock(handle, fcntl.LOCK_EX)
        except BlockingIOError:
            handle.close()
            return False
        except BaseException:
            handle.close()
            raise
        self._lock_file = handle
        return True

    def _release(self) -> None:
        if self._lock_file is not None:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            finally:
                self._lock_file.close()
                self._lock_file = None

    # -- the notes ---------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA secure_delete = ON")  # a removed note's file name is zeroed
        db.executescript(_SCHEMA)
        return db

    def pending(self) -> list[Pending]:
        """Every document left half written or half removed, oldest first."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT doc_id, state, source, chunk_count, since, pid FROM pending ORDER BY since"
            ).fetchall()
        return [Pending(*row) for row in rows]

    def begin(self, doc_id: str, state: PendingState, source: str, chunk_count: int = 0) -> None:
        """Note that writing (or removing) ``doc_id`` begins."""
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?, ?, ?)",
                (doc_id, state, source, chunk_count, now, os.getpid()),
            )

    def end(self, doc_id: str, *, then_remove: Sequence[tuple[str, str]] = ()) -> None:
        """Note that ``doc_id`` is done and, in the same transaction, that removing begins.

        ``then_remove`` holds ``(doc_id, source)`` of documents it replaces.
        """
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM pending WHERE doc_id = ?", (doc_id,))
            db.executemany(
                "INSERT OR REPLACE INTO pending VALUES (?, 'removing', ?, 0, ?, ?)",
                [(old, source, now, os.getpid()) for old, source in then_remove],
            )

    # -- the generation ---------------------------------------------------------

    def generation(self) -> str:
        """The library's generation: ``"<changes>.<token>"``, or ``"0"`` before the first change.

        The token is drawn when the journal first counts a change, so a library made
        again in the same place (its Chroma directory deleted) never repeats a
        generation that what was derived from the old one remembers.
        """
        if not self.path.exists():
            return "0"
        try:
            with closing(
                sqlite3.connect(f"{self.path.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
            ) as db:
                row = db.execute("SELECT generation, token FROM library").fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # a journal written before generations
                return "0"
            raise
        return f"{row[0]}.{row[1]}" if row else "0"

    def bump(self) -> tuple[str, str]:
        """Move the generation on by one; return ``(before, after)`` (one transaction)."""
        with closing(self._connect()) as db, db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT generation, token FROM library").fetchone()
            count, token = (int(row[0]), row[1]) if row else (0, secrets.token_hex(4))
            db.execute("INSERT OR REPLACE INTO library VALUES (0, ?, ?)", (count + 1, token))
        return (f"{count}.{token}" if row else "0"), f"{count + 1}.{token}"

    # -- compaction --------------------------------------------------------------

    def mark_removed(self) -> None:
        """Note (before removing anything) that the store's files need compacting."""
        self.compact_path.parent.mkdir(parents=True, exist_ok=True)
        self.compact_path.touch()

    def removed_since_compaction(self) -> bool:
        """Whether something was removed since the store's files were last compacted."""
        return self.compact_path.exists()

    def compacted(self) -> None:
        """Note that the store's files hold nothing removed any more."""
        self.compact_path.unlink(missing_ok=True)

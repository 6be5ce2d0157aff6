"""The library's generation: one counter that moves whenever its complete documents change.

Everything derived from the stored documents (the BM25 index with the chunks' vectors,
the structured tables, what callers cache from the document list) remembers the
generation it was built at and, when the store's has moved, rebuilds or catches up:
after a write in this process or in another one, embedded or through a Chroma server.
The store bumps the generation right after a document's record is written or deleted,
while the journal still notes the write (so a process killed in between leaves a note
whose roll-back bumps it again), and reads it before it reads what it derives from, so
a build never claims a later generation than what it read.

Where it is kept depends on who else can write:

- beside an embedded Chroma, in the write journal's SQLite file
  (:class:`JournalGeneration`): every process that opens the library reads it there
  (an embedded Chroma client does not see other processes' writes to its own caches,
  but SQLite files are always read afresh), and writers bump it under the writer lock.
  It is a count of changes with a token drawn once per journal, so a library made
  again in the same place does not repeat the generations of the one it replaced;
- with a Chroma server (or an in-memory client), in a one-record collection on the
  server itself (:class:`ChromaGeneration`), since processes sharing a server share
  no files. Writers there hold no common lock, so a bump also writes a fresh random
  token: two bumps from a read of the same number still leave different generations.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

from vectorstore.manifest import Journal

_RECORD = "library"


class Generation(Protocol):
    """Where a library's generation is kept."""

    def current(self) -> str:
        """The generation now (compare for equality only)."""
        ...

    def bump(self) -> tuple[str, str]:
        """Move the generation on; return ``(before, after)``."""
        ...


class JournalGeneration:
    """The generation in an embedded library's write journal (a count and a token)."""

    def __init__(self, journal: Journal) -> None:
        """Keep it in ``journal``'s SQLite file."""
        self.journal = journal

    def current(self) -> str:
        """The generation now: a small SQLite read."""
        return self.journal.generation()

    def bump(self) -> tuple[str, str]:
        """Move it on by one, in one transaction (writers hold the writer lock)."""
        return self.journal.bump()


class ChromaGeneration:
    """The generation in a one-record Chroma collection (a number and a token)."""

    def __init__(self, collection: Any) -> None:
        """Keep it in ``collection`` (created by the store, beside its own two)."""
        self.collection = collection

    def current(self) -> str:
        """The generation now: one read of one record."""
        got = self.collection.get(ids=[_RECORD], include=["metadatas"])
        if not got["ids"]:
            return "0"
        meta = got["metadatas"][0]
        return f"{int(meta['generation'])}.{meta.get('token', '')}"

    def bump(self) -> tuple[str, str]:
        """Write the next number with a new token (not atomic: see the module's docstring)."""
        before = self.current()
        number = int(before.split(".")[0]) + 1
        token = secrets.token_hex(4)
        self.collection.upsert(
            ids=[_RECORD],
            embeddings=[[0.0]],
            metadatas=[{"generation": number, "token": token}],
        )
        return before, f"{number}.{token}"

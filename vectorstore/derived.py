"""What is derived from the stored chunks, kept in step by the library's generation.

The lexical index (BM25 with the chunks' vectors, :mod:`vectorstore.lexical`) remembers
the generation it was built at. Before it is used, the store's generation is read (a
SQLite read beside an embedded Chroma, one record from a server): when it has moved
(a write here or in another process), the index saved by whoever rebuilt it last is
loaded, or, if that is not at this generation either, it is rebuilt. One thread
rebuilds; the others go on searching the index in use meanwhile (or, when none was
loaded yet, wait for it).

A write in this process builds the index of the library as it will be aside, before
the change becomes visible, and swaps it in with the generation its own bump produced
(:class:`Moves`), so questions never wait for a rebuild; when another writer bumped in
between (possible only with a Chroma server, where writers share no lock), the index is
rebuilt instead.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from vectorstore.filters import Filters
from vectorstore.lexical import (
    BuiltIndex,
    LexicalFilter,
    LexicalIndex,
    LexicalRecord,
    authorities_of,
)
from vectorstore.reading import StoreReader
from vectorstore.records import StoredChunk, indexed_text, lexical_item

Visible = Callable[[], AbstractContextManager[Any]]


class Moves:
    """The generation bumps of one write: the last one, and whether they were all its own."""

    def __init__(self, bump: Callable[[], tuple[str, str]], start: str) -> None:
        """Bump with ``bump``; ``start`` is the generation read when the write began."""
        self._bump = bump
        self.last = start
        self.alone = True

    def bump(self) -> None:
        """Move the generation on (after a document's record was written or deleted)."""
        before, after = self._bump()
        self.alone = self.alone and before == self.last
        self.last = after


class DerivedIndexes(StoreReader):
    """The store's generation and the lexical index that follows it."""

    lexical: LexicalIndex | None = None
    _refreshing: threading.Lock

    def generation(self) -> str:
        """The library's generation now: it moves whenever a document is added or removed."""
        return str(self._call(self.generations.current))

    def _moves(self) -> Moves:
        return Moves(lambda: self._call(self.generations.bump), self.generation())

    def refresh_lexical(self, *, force: bool = False) -> None:
        """Bring the lexical index to the store's generation (load it, or rebuild it).

        ``force`` rebuilds it whatever its generation. Without it, a refresh that
        another thread is already doing is not waited for, unless no index was loaded yet.
        """
        if self.lexical is None:
            return
        if not self._refreshing.acquire(blocking=force or self.lexical.generation is None):
            return
        try:
            current = self.generation()
            if not force and self.lexical.generation == current:
                return
            if not force and self.lexical.load() and self.lexical.generation == current:
                return
            self.lexical.rebuild(self.iter_lexical_items(), current)
        finally:
            self._refreshing.release()

    def lexical_search(
        self, terms: Sequence[str], k: int, flt: LexicalFilter | None = None
    ) -> list[tuple[str, float]]:
        """BM25 ``(chunk_id, score)`` hits, best first (empty without a lexical index)."""
        if self.lexical is None:
            return []
        self.refresh_lexical()
        return self.lexical.search(terms, k, flt)

    def authorities_writing(self, text: str, at_most: int) -> int | None:
        """How many authorities' passages hold every term of ``text``, if one writes them together.

        Together: one after another, with only stop words between ("progress to
        permanent"); 0 when every passage holding them has them apart ("pooling ... youth
        justice"). Above ``at_most`` authorities the count is given unread (None: cannot tell).
        """
        if self.lexical is None:
            return None
        self.refresh_lexical()
        held = self.lexical.holding(text)
        if held is None:
            return None
        count = len(authorities_of(held))
        if count == 0 or count > at_most:
            return count
        return count if self._together(text, held) else 0

    def authorities_naming(self, text: str) -> frozenset[str] | None:
        """The authorities whose passages write ``text`` with capitals inside a sentence.

        A council's own name for something is written so (:mod:`vectorstore.names`);
        None: the index cannot tell.
        """
        if self.lexical is None:
            return None
        self.refresh_lexical()
        return self.lexical.naming(text)

    def writes_together(self, text: str, flt: LexicalFilter | None = None) -> bool | None:
        """Whether a passage within ``flt`` writes the words of ``text`` together.

        As :meth:`authorities_writing` reads together (None: the index cannot tell).
        """
        if self.lexical is None:
            return None
        self.refresh_lexical()
        held = self.lexical.holding(text, flt)
        return None if held is None else self._together(text, held)

    def _together(self, text: str, held: Sequence[LexicalRecord]) -> bool:
        """Whether one of the ``held`` passages has the terms of ``text`` one after another."""
        assert self.lexical is not None
        wanted = self.lexical.analyzer(text)
        if not wanted:
            return False
        for c in self.get_chunks([r.chunk_id for r in held]):
            tokens = self.lexical.analyzer(indexed_text(c.text, c.title, c.section, c.context))
            if any(tokens[i : i + len(wanted)] == wanted for i in range(len(tokens))):
                return True
        return False

    def search_within(
        self, query_vector: Sequence[float], k: int, flt: LexicalFilter | None = None
    ) -> list[StoredChunk]:
        """Like :meth:`search`, restricted by ``flt``: exact, over the allowed chunks.

        The chunks are scored in memory (the lexical index holds their vectors), then
        fetched by id; without a lexical index this is Chroma's own search (with its
        ``where`` filter when there are filters).
        """
        flt = flt or LexicalFilter()
        if self.lexical is not None:
            self.refresh_lexical()
            hits = self.lexical.dense_search(query_vector, k, flt)
            if hits is not None:
                scores = dict(hits)
                found = self.get_chunks([cid for cid, _ in hits])
                return [dataclasses.replace(c, score=scores[c.chunk_id]) for c in found]
        if flt.empty:
            return self.search(query_vector, k)
        if not isinstance(flt, Filters):
            flt = Filters(**dataclasses.asdict(flt))
        return self.search(query_vector, k, where=flt.where())

    def iter_lexical_items(
        self, page: int = 2000, *, documents: Collection[str] | None = None
    ) -> Iterator[tuple[LexicalRecord, str, Sequence[float]]]:
        """Every chunk of a complete document: its lexical record, text to index and vector.

        ``documents`` replaces the complete documents (to index a state about to be).
        """
        complete = set(documents) if documents is not None else self._complete_ids()
        offset = 0
        while True:
            got = self._call(
                self._chunks.get,
                include=["documents", "metadatas", "embeddings"],
                limit=page,
                offset=offset,
            )
            rows = zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            )
            for cid, text, m, vector in rows:
                if m["doc_id"] in complete:
                    yield (*lexical_item(cid, text, m), vector)
            if len(got["ids"]) < page:
                return
            offset += page

    @contextmanager
    def _becoming_visible(
        self, add: str | None, remove: Sequence[str], visible: Visible | None
    ) -> Iterator[Moves]:
        """Hold ``visible`` around the body, with the lexical index of the library after it.

        The body changes document records and bumps the generation through the
        :class:`Moves` it is given. The index (``add`` complete, ``remove`` gone) is
        built before ``visible`` is taken and swapped in, at the body's last
        generation, before it is released; it is saved after. Without ``visible`` the
        body runs alone and the caller refreshes the index when its writes are done.
        """
        moves = self._moves()
        if visible is None or self.lexical is None:
            yield moves
            return
        built = self._index_after(add, remove)
        with visible():
            yield moves
            self.lexical.install(built, moves.last if moves.alone else None)
        if moves.alone:
            self.lexical.save()
        else:  # another writer moved the generation meanwhile (a shared server)
            self.refresh_lexical(force=True)

    def _index_after(self, add: str | None, remove: Sequence[str]) -> BuiltIndex:
        """The lexical index of the library once ``add`` is complete and ``remove`` gone."""
        assert self.lexical is not None
        ids = self._complete_ids() - set(remove)
        if add is not None:
            ids.add(add)
        return self.lexical.build(self.iter_lexical_items(documents=ids))

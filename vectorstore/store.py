"""Chroma-backed storage of chunks and documents, embedded on disk or over HTTP.

:class:`ChromaStore` is built up by job, one module each:

- :mod:`vectorstore.chroma`: the client, the collections (chunks, documents and, with a
  server, the library's generation) and the translation of Chroma's errors;
- :mod:`vectorstore.reading`: documents and chunks as stored, Chroma's own search;
- :mod:`vectorstore.derived`: the library's generation and the lexical index (BM25 and
  the chunks' vectors) that follows it;
- :mod:`vectorstore.writing`: adding and removing documents under the journal and the
  writer lock, rolling back what a killed writer left, compaction;
- :mod:`vectorstore.records` and :mod:`vectorstore.filters`: the stored records and
  the filters retrieval applies, as data.

A document is always wholly present or wholly absent, in Chroma and in what is derived
from it (the lexical index and the structured tables follow the library's generation,
:mod:`vectorstore.generation`). Removing text from Chroma does not remove it from
Chroma's files: :meth:`ChromaStore.compact` does (see :mod:`vectorstore.compaction`),
after removals, in embedded mode.

The names other packages use are importable from here.
"""

from __future__ import annotations

import threading
from typing import Any

from vectorstore.chroma import default_journal, make_client
from vectorstore.derived import Moves, Visible
from vectorstore.embeddings import MiniLMEmbeddings
from vectorstore.filters import Filters, authority_filter
from vectorstore.lexical import LexicalIndex
from vectorstore.manifest import Journal
from vectorstore.records import (
    DocumentRecord,
    StoredChunk,
    authority_key,
    chunk_id,
    date_number,
    embedding_text,
)
from vectorstore.writing import EMBED_STEP, StoreWriter

__all__ = [
    "EMBED_STEP",
    "ChromaStore",
    "DocumentRecord",
    "Filters",
    "Moves",
    "StoredChunk",
    "Visible",
    "authority_filter",
    "authority_key",
    "chunk_id",
    "date_number",
    "default_journal",
    "embedding_text",
    "make_client",
]


class ChromaStore(StoreWriter):
    """Chunks and documents in Chroma, written a document at a time."""

    def __init__(
        self,
        client: Any,
        embeddings: MiniLMEmbeddings,
        *,
        prefix: str = "ofsted",
        batch_size: int = 256,
        lexical: LexicalIndex | None = None,
        journal: Journal | None = None,
    ) -> None:
        """Open (creating if needed) the collections for ``embeddings``' model.

        ``lexical`` is the BM25 side index kept in step with the chunks.
        ``journal`` notes writes in progress; it defaults to a file beside an
        embedded Chroma's own. Documents a killed writer left half written are
        rolled back here, when no other process is writing.
        """
        super().__init__(client, embeddings, prefix=prefix, batch_size=batch_size, journal=journal)
        self.lexical = lexical
        self._lc = None
        self._refreshing = threading.Lock()
        self._removed = []
        self.recover()

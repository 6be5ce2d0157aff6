"""Reading a Chroma store: documents, chunks and Chroma's own nearest-neighbour search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from core.documents import ParsedDocument
from vectorstore.chroma import COSINE, ChromaBase
from vectorstore.records import (
    DocumentRecord,
    StoredChunk,
    chunk_from_meta,
    parsed_from_meta,
    record_from_meta,
)


class StoreReader(ChromaBase):
    """What is stored, read from Chroma (never from what is derived from it)."""

    _lc: Any = None

    def list_documents(self) -> list[DocumentRecord]:
        """Every complete document, sorted by source."""
        records = [record_from_meta(doc_id, meta) for doc_id, meta in self._iter_doc_metas()]
        return sorted(records, key=lambda r: r.source)

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        """The stored document with this id, if any."""
        got = self._call(self._docs.get, ids=[doc_id], include=["metadatas"])
        if not got["ids"]:
            return None
        return record_from_meta(got["ids"][0], got["metadatas"][0])

    def find_all_by_source(self, source: str) -> list[DocumentRecord]:
        """Every stored document ingested from ``source`` (different reports may share one)."""
        return self.find_documents({"source": source})

    def find_documents(self, fields: dict[str, str]) -> list[DocumentRecord]:
        """Every stored document whose metadata has these values, sorted by id."""
        where: dict[str, Any] | None
        if len(fields) > 1:
            where = {"$and": [{k: v} for k, v in fields.items()]}
        else:
            where = dict(fields) or None
        found = [record_from_meta(d, m) for d, m in self._iter_doc_metas(where=where)]
        return sorted(found, key=lambda r: r.doc_id)

    def parsed_document(self, doc_id: str) -> ParsedDocument | None:
        """A stored document as ingest produced it (text, pages, metadata; no blocks)."""
        got = self._call(self._docs.get, ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return parsed_from_meta(doc_id, got["documents"][0], got["metadatas"][0])

    def document_text(self, doc_id: str) -> str | None:
        """The cleaned text of a stored document."""
        got = self._call(self._docs.get, ids=[doc_id], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def count_chunks(self, doc_id: str | None = None) -> int:
        """Number of stored chunks, of one document or in all."""
        if doc_id is None:
            return int(self._call(self._chunks.count))
        got = self._call(self._chunks.get, where={"doc_id": doc_id}, include=[])
        return len(got["ids"])

    def chunk_counts(self, page: int = 5000) -> dict[str, int]:
        """How many chunks each document id has in the store (complete or not)."""
        counts: dict[str, int] = {}
        offset = 0
        while True:
            got = self._call(self._chunks.get, include=["metadatas"], limit=page, offset=offset)
            for meta in got["metadatas"]:
                counts[meta["doc_id"]] = counts.get(meta["doc_id"], 0) + 1
            if len(got["ids"]) < page:
                return counts
            offset += page

    def search(
        self, query_vector: Sequence[float], k: int, where: dict[str, Any] | None = None
    ) -> list[StoredChunk]:
        """The ``k`` chunks nearest the query vector, best first, score = cosine similarity."""
        results = self._call(
            lambda: self._langchain().similarity_search_by_vector_with_relevance_scores(
                list(query_vector), k=k, filter=where
            )
        )
        return [
            chunk_from_meta(doc.page_content, doc.metadata, score=1.0 - float(distance))
            for doc, distance in results
        ]

    def get_chunks(
        self, ids: Sequence[str], query_vector: Sequence[float] | None = None
    ) -> list[StoredChunk]:
        """Chunks by id (in the order given); score = cosine with ``query_vector`` if given."""
        if not ids:
            return []
        include = ["documents", "metadatas"] + (["embeddings"] if query_vector is not None else [])
        got = self._call(self._chunks.get, ids=list(ids), include=include)
        q = np.asarray(query_vector, dtype=np.float32) if query_vector is not None else None
        by_id = {}
        for i, cid in enumerate(got["ids"]):
            score = float(np.dot(np.asarray(got["embeddings"][i]), q)) if q is not None else 0.0
            by_id[cid] = chunk_from_meta(got["documents"][i], got["metadatas"][i], score)
        return [by_id[cid] for cid in ids if cid in by_id]

    def _langchain(self) -> Any:
        if self._lc is None:
            from langchain_chroma import Chroma

            self._lc = Chroma(
                client=self.client,
                collection_name=self.chunks_name,
                embedding_function=self.embeddings,
                collection_configuration=COSINE,  # type: ignore[arg-type]
            )
        return self._lc

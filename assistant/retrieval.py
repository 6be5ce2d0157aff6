"""Retrieval: the question's nearest passages, as a LangChain retriever."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.answering.intent import asks_for_grades, is_grade_unit
from assistant.answering.text_units import idf_weights, terms
from assistant.models import Passage
from ingest.authorities import AuthorityIndex
from vectorstore.store import ChromaStore, StoredChunk, authority_filter


def to_passage(chunk: StoredChunk) -> Passage:
    """A stored chunk as the answerer sees it."""
    return Passage(
        doc_id=chunk.doc_id,
        source=chunk.source,
        title=chunk.title,
        page=chunk.page,
        section=chunk.section,
        text=chunk.text,
        score=chunk.score,
    )


class LibraryRetriever(BaseRetriever):
    """Dense retrieval over the stored chunks (``k`` best by cosine similarity).

    When the question names a local authority, chunks of documents about that
    authority rank first, then the best of the rest. Each returned ``Document``
    carries the ``StoredChunk`` in ``metadata["chunk"]``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChromaStore
    k: int = 6
    authorities: AuthorityIndex | None = None

    def named_authorities(self, question: str) -> list[str]:
        """Canonical names of the authorities the question names."""
        if self.authorities is None:
            return []
        return [m.name for m in self.authorities.find(question)]

    pool: int = 5
    lexical_weight: float = 0.5
    grade_bonus: float = 0.3

    def search(self, question: str, k: int | None = None) -> list[StoredChunk]:
        """The best chunks for ``question``, best first.

        Fetches ``pool * k`` nearest chunks, reranks them by cosine similarity plus
        ``lexical_weight`` times the share of the question's words (weighted by
        rarity in the pool) that the chunk holds (plus ``grade_bonus`` for chunks
        that state a grade when the question asks for grades), and keeps ``k``.
        """
        k = k or self.k
        vector = self.store.embeddings.embed_query(question)
        hits = self.rerank(question, self.store.search(vector, k * self.pool))
        where = authority_filter(self.named_authorities(question))
        if where is None:
            return hits[:k]
        first = self.rerank(question, self.store.search(vector, k * self.pool, where=where))[:k]
        seen = {c.chunk_id for c in first}
        return (first + [c for c in hits if c.chunk_id not in seen])[:k]

    def rerank(self, question: str, chunks: list[StoredChunk]) -> list[StoredChunk]:
        """Order chunks by dense score plus lexical coverage of the question."""
        wanted = set(terms(question))
        if not wanted or not chunks:
            return chunks
        bags = [set(terms(f"{c.section or ''} {c.context} {c.text}")) for c in chunks]
        idf = idf_weights([list(b) for b in bags])
        unseen = max(idf.values(), default=1.0)
        weight = {t: idf.get(t, unseen) for t in wanted}
        total = sum(weight.values())
        grades = asks_for_grades(question)

        def combined(i: int) -> float:
            lexical = sum(w for t, w in weight.items() if t in bags[i]) / total
            bonus = 0.0
            if grades and any(is_grade_unit(line) for line in chunks[i].text.splitlines()):
                bonus = self.grade_bonus
            return chunks[i].score + self.lexical_weight * lexical + bonus

        order = sorted(range(len(chunks)), key=combined, reverse=True)
        return [chunks[i] for i in order]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return [
            Document(page_content=c.text, metadata={"chunk": c, "score": c.score})
            for c in self.search(query, kwargs.get("k"))
        ]

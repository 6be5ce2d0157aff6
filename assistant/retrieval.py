"""Hybrid retrieval: dense (Chroma) and BM25 fused by reciprocal rank, domain-aware.

- The question is analysed first (abbreviations expanded, spelling corrected
  against the library's vocabulary, authorities and years found).
- Dense and BM25 candidates are fused by reciprocal rank. When the question
  names an authority, candidates restricted to that authority's documents are
  added and those documents rank first (no filter needed); a named year prefers
  documents of that time; a question about grades prefers passages stating one.
- Near-duplicate passages are dropped. Filters (authority, kind, dates,
  documents) restrict both sides.

The app calls :meth:`LibraryRetriever.search` for ``StoredChunk`` objects; LangChain
callers use ``invoke`` / ``ainvoke`` (with ``k`` and ``filters``) and get Documents
with plain, JSON-serialisable metadata (see :func:`to_document`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict, PrivateAttr

from assistant.answering.coverage import of_the_time
from assistant.answering.intent import asks_for_grades, asks_for_number, has_figure, is_grade_unit
from assistant.answering.text_units import idf_weights, terms
from assistant.filtering import filters_from
from assistant.models import Passage
from assistant.query import QueryAnalysis, QueryAnalyzer
from ingest.authorities import AuthorityIndex
from vectorstore.store import ChromaStore, Filters, StoredChunk


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
        context=chunk.context,
    )


def document_year(chunk: StoredChunk) -> int | None:
    """The year of a chunk's document: its inspection's last day, else its publication."""
    for value in (chunk.inspected, chunk.published):
        if value and value[:4].isdigit():
            return int(value[:4])
    return None


def to_document(chunk: StoredChunk) -> Document:
    """A stored chunk as a LangChain ``Document`` (``id`` = chunk id; metadata JSON-ready)."""
    metadata: dict[str, Any] = {
        "source": chunk.source,
        "title": chunk.title,
        "page": chunk.page,
        "section": chunk.section,
        "authority": ", ".join(chunk.authorities) or None,
        "authorities": list(chunk.authorities),
        "year": document_year(chunk),
        "published": chunk.published,
        "inspected": chunk.inspected,
        "kind": chunk.kind,
        "score": float(chunk.score),
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "chunk_index": chunk.index,
    }
    return Document(id=chunk.chunk_id, page_content=chunk.text, metadata=metadata)


def _near_duplicate(a: frozenset[str], b: frozenset[str], threshold: float = 0.9) -> bool:
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= threshold


class LibraryRetriever(BaseRetriever):
    """The best passages for a question (see the module docstring).

    ``invoke(question, k=..., filters=...)`` (and ``ainvoke``) return Documents made by
    :func:`to_document`; ``filters`` is a :class:`Filters` or a dict such as
    ``{"authorities": ["Kent"], "kinds": ["inspection"], "since": 2020}``.
    :meth:`search` returns the ``StoredChunk`` objects themselves.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChromaStore
    analyzer: QueryAnalyzer | None = None
    authorities: AuthorityIndex | None = None
    k: int = 6
    pool: int = 5
    min_pool: int = 50
    rrf_k: int = 60
    dense: bool = True
    lexical: bool = True
    coverage_weight: float = 2.0
    heading_weight: float = 1.0
    # called before each question is read: teaches the glossary what the library defines
    learn: Callable[[], None] | None = None
    _bag_cache: dict[str, tuple[frozenset[str], frozenset[str]]] = PrivateAttr(default_factory=dict)

    def _bags(self, chunk: StoredChunk) -> tuple[frozenset[str], frozenset[str]]:
        """The terms of a chunk's text and of its heading and table header (cached)."""
        bags = self._bag_cache.get(chunk.chunk_id)
        if bags is None:
            if len(self._bag_cache) > 50_000:
                self._bag_cache.clear()
            bags = (
                frozenset(terms(chunk.text)),
                frozenset(terms(f"{chunk.section or ''} {chunk.context}")),
            )
            self._bag_cache[chunk.chunk_id] = bags
        return bags

    def analyze(self, question: str) -> QueryAnalysis:
        """The question's expansions, corrections, authorities and years."""
        if self.analyzer is None:
            return QueryAnalysis(question, question, (), (), (), ())
        if self.lexical:
            self.store.refresh_lexical()  # its vocabulary serves spelling correction
        if self.learn is not None:
            self.learn()  # the abbreviations the library's reports define
        return self.analyzer.analyze(question)

    def search(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        analysis: QueryAnalysis | None = None,
    ) -> list[StoredChunk]:
        """The best ``k`` chunks for ``question`` within ``filters``, best first.

        ``analysis`` is the question's :meth:`analyze` result when the caller has it.
        """
        k = k or self.k
        filters = filters or Filters()
        analysis = analysis or self.analyze(question)
        vector = self.store.embeddings.embed_query(question)
        query_terms = terms(analysis.expanded)
        # Authority names and years pick the documents (authority tier, year
        # preference); within documents they would only favour title pages.
        locating = set(terms(" ".join(analysis.authorities))) | {str(y) for y in analysis.years}
        topic_terms = [t for t in query_terms if t not in locating] or query_terms
        n = max(k * self.pool, self.min_pool)
        named = () if filters.authorities else analysis.authorities

        # Each side searches the whole library and, when the question names an
        # authority, that authority's documents too; the two result lists of a side
        # are merged by the side's own score so that no chunk is counted twice.
        scopes = [filters] + ([filters.narrowed(named)] if named else [])
        chunks: dict[str, StoredChunk] = {}
        dense_scores: dict[str, float] = {}
        lexical_scores: dict[str, float] = {}
        for scope in scopes:
            if self.dense:
                for c in self.store.search_within(vector, n, scope):
                    chunks[c.chunk_id] = c
                    dense_scores[c.chunk_id] = c.score
            if self.lexical:
                scoped = scope is not filters
                wanted = topic_terms if scoped else query_terms
                for cid, score in self.store.lexical_search(wanted, n, scope):
                    lexical_scores[cid] = score
        fused: dict[str, float] = {}
        for side in (dense_scores, lexical_scores):
            for rank, cid in enumerate(sorted(side, key=side.__getitem__, reverse=True)):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + rank + 1)
        missing = [cid for cid in fused if cid not in chunks]
        for chunk in self.store.get_chunks(missing, vector):
            chunks[chunk.chunk_id] = chunk

        top_bonus = 1.0 / (self.rrf_k + 1)
        grades = asks_for_grades(question)
        numbers = asks_for_number(question)
        years = set(analysis.years)
        pool = [chunks[c] for c in fused if c in chunks]
        coverage = self._coverage(topic_terms, pool, self._bags)
        opening = self._opening(topic_terms, pool)

        def key(cid: str) -> tuple[int, int, float]:
            chunk = chunks[cid]
            score = fused[cid] + self.coverage_weight * top_bonus * coverage[cid]
            of_time = of_the_time(chunk, years)
            if grades and any(is_grade_unit(line) for line in chunk.text.splitlines()):
                score += top_bonus
            if numbers and has_figure(chunk.text):
                score += top_bonus
            score += self.heading_weight * top_bonus * opening[cid]
            return int(self._about(chunk, named)), int(of_time), score

        ordered = sorted((cid for cid in fused if cid in chunks), key=key, reverse=True)
        out: list[StoredChunk] = []
        kept: list[frozenset[str]] = []
        for cid in ordered:
            bag = self._bags(chunks[cid])[0]
            if any(_near_duplicate(bag, other) for other in kept):
                continue
            out.append(chunks[cid])
            kept.append(bag)
            if len(out) == k:
                break
        return out

    def _about(self, chunk: StoredChunk, named: tuple[str, ...]) -> bool:
        """Whether the chunk's document is about, or its text names, a named authority."""
        if not named:
            return False
        if set(named) & set(chunk.authorities):
            return True
        if self.authorities is None:
            return False
        text = f"{chunk.section or ''}\n{chunk.text}"
        return any(m.name in named for m in self.authorities.find(text))

    @staticmethod
    def _opening(query_terms: list[str], chunks: list[StoredChunk]) -> dict[str, float]:
        """For a chunk that opens its section: the share of the question's words in the heading.

        A section's opening states what the section is about (and in inspection
        reports, its judgement), so it answers a question about that topic first.
        """
        wanted = set(query_terms)
        out = {}
        for c in chunks:
            heading = (c.section or "").strip()
            opens = bool(heading) and c.text.lstrip().startswith(heading[:60])
            have = set(terms(heading)) if opens else set()
            # a list whose lead-in line ("What needs to improve?") ended the chunk before
            # carries it in its context: the list opens under that line
            for line in (c.context or "").splitlines():
                if line.rstrip().endswith(("?", ":")):
                    have |= set(terms(line))
            out[c.chunk_id] = len(wanted & have) / len(wanted) if wanted else 0.0
        return out

    @staticmethod
    def _coverage(
        query_terms: list[str],
        chunks: list[StoredChunk],
        bags: Any,
    ) -> dict[str, float]:
        """Share of the question's words (rarer words weigh more) each chunk holds.

        Words found only in a chunk's section heading or table header count half.
        """
        wanted = set(query_terms)
        own = {c.chunk_id: bags(c)[0] for c in chunks}
        around = {c.chunk_id: bags(c)[1] for c in chunks}
        if not wanted or not own:
            return dict.fromkeys(own, 0.0)
        idf = idf_weights([list(own[c] | around[c]) for c in own])
        unseen = max(idf.values(), default=1.0)
        weight = {t: idf.get(t, unseen) for t in wanted}
        total = sum(weight.values())
        out = {}
        for cid, bag in own.items():
            full = sum(w for t, w in weight.items() if t in bag)
            half = sum(w for t, w in weight.items() if t in around[cid] - bag)
            out[cid] = (full + 0.5 * half) / total
        return out

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: Filters | dict[str, Any] | None = None,
        verbose: bool = False,  # LangChain's invoke passes its own keywords on too
    ) -> list[Document]:
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
            raise ValueError(f"k must be a positive whole number, not {k!r}")
        chosen = filters_from(filters, self.authorities)
        return [to_document(c) for c in self.search(query, k, chosen)]

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: Filters | dict[str, Any] | None = None,
        verbose: bool = False,
    ) -> list[Document]:
        # The search is CPU-bound (embedding, ranking): run it off the event loop.
        return await run_in_executor(
            None,
            self._get_relevant_documents,
            query,
            run_manager=run_manager.get_sync(),
            k=k,
            filters=filters,
        )

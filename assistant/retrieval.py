"""Hybrid retrieval: dense (Chroma) and BM25 fused by reciprocal rank, domain-aware.

- The question is analysed first (abbreviations expanded, spelling corrected
  against the library's vocabulary, authorities and years found).
- Dense and BM25 candidates are fused by reciprocal rank. When the question
  names an authority, candidates restricted to that authority's documents are
  added and those documents rank first (no filter needed); a named year prefers
  documents of that time; a question about grades prefers passages stating one.
- Near-duplicate passages are dropped. Filters (authority, kind, dates,
  documents) restrict both sides.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.answering.intent import asks_for_grades, is_grade_unit
from assistant.answering.text_units import terms
from assistant.models import Passage
from assistant.query import QueryAnalysis, QueryAnalyzer
from vectorstore.lexical import LexicalFilter
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
    )


def _lexical_filter(f: Filters) -> LexicalFilter:
    return LexicalFilter(f.authorities, f.kinds, f.doc_ids, f.since, f.until)


def _doc_years(chunk: StoredChunk) -> set[int]:
    years = set()
    for value in (chunk.published, chunk.inspected):
        if value and value[:4].isdigit():
            years.add(int(value[:4]))
    return years


def _near_duplicate(a: set[str], b: set[str], threshold: float = 0.9) -> bool:
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= threshold


class LibraryRetriever(BaseRetriever):
    """The best passages for a question (see the module docstring).

    Each returned ``Document`` carries the ``StoredChunk`` in ``metadata["chunk"]``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChromaStore
    analyzer: QueryAnalyzer | None = None
    k: int = 6
    pool: int = 5
    rrf_k: int = 60
    dense: bool = True
    lexical: bool = True

    def analyze(self, question: str) -> QueryAnalysis:
        """The question's expansions, corrections, authorities and years."""
        if self.analyzer is None:
            return QueryAnalysis(question, question, (), (), (), ())
        return self.analyzer.analyze(question)

    def search(
        self, question: str, k: int | None = None, filters: Filters | None = None
    ) -> list[StoredChunk]:
        """The best ``k`` chunks for ``question`` within ``filters``, best first."""
        k = k or self.k
        filters = filters or Filters()
        if self.lexical:
            self.store.refresh_lexical()  # its vocabulary serves spelling correction
        analysis = self.analyze(question)
        vector = self.store.embeddings.embed_query(question)
        query_terms = terms(analysis.expanded)
        n = max(k * self.pool, 30)
        named = () if filters.authorities else analysis.authorities

        runs: list[list[StoredChunk] | list[tuple[str, float]]] = []
        scopes = [filters] + ([filters.narrowed(named)] if named else [])
        for scope in scopes:
            if self.dense:
                runs.append(self.store.search(vector, n, where=scope.where()))
            if self.lexical:
                runs.append(self.store.lexical_search(query_terms, n, _lexical_filter(scope)))

        fused: dict[str, float] = {}
        chunks: dict[str, StoredChunk] = {}
        for run in runs:
            for rank, hit in enumerate(run):
                cid = hit.chunk_id if isinstance(hit, StoredChunk) else hit[0]
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + rank + 1)
                if isinstance(hit, StoredChunk):
                    chunks[cid] = hit
        missing = [cid for cid in fused if cid not in chunks]
        for chunk in self.store.get_chunks(missing, vector):
            chunks[chunk.chunk_id] = chunk

        top_bonus = 1.0 / (self.rrf_k + 1)
        grades = asks_for_grades(question)
        years = set(analysis.years)

        def key(cid: str) -> tuple[int, float]:
            chunk = chunks[cid]
            score = fused[cid]
            doc_years = _doc_years(chunk)
            if years and (years & doc_years or {y + 1 for y in years} & doc_years):
                score += top_bonus
            if grades and any(is_grade_unit(line) for line in chunk.text.splitlines()):
                score += top_bonus
            first = int(bool(named) and bool(set(named) & set(chunk.authorities)))
            return first, score

        ordered = sorted((cid for cid in fused if cid in chunks), key=key, reverse=True)
        out: list[StoredChunk] = []
        bags: list[set[str]] = []
        for cid in ordered:
            bag = set(terms(chunks[cid].text))
            if any(_near_duplicate(bag, other) for other in bags):
                continue
            out.append(chunks[cid])
            bags.append(bag)
            if len(out) == k:
                break
        return out

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return [
            Document(page_content=c.text, metadata={"chunk": c, "score": c.score})
            for c in self.search(query, kwargs.get("k"), kwargs.get("filters"))
        ]

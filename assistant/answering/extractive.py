"""The offline answer mode: quote the sentences and table rows that answer the question.

No language model. Each retrieved passage is split into units (sentences, list
items, table rows); a unit scores by the share of the question's content words it
holds (weighted by rarity across the retrieved units, so words found nowhere count
against it) plus the passage's retrieval score. The best few units are quoted,
each cited; when no passage is relevant the answer says so plainly.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.intent import asks_for_grades, is_grade_unit
from assistant.answering.text_units import Unit, idf_weights, split_units, terms
from assistant.models import Citation
from assistant.prompts import PromptSet
from vectorstore.store import StoredChunk

PROMPT_NAME = "extractive-v1"


@dataclass(frozen=True)
class Drafted:
    """What an answerer produced for one question."""

    text: str
    citations: tuple[Citation, ...]
    refused: bool


@dataclass(frozen=True)
class _Candidate:
    chunk: StoredChunk
    rank: int
    unit: Unit
    coverage: float
    score: float


class ExtractiveAnswerer:
    """Builds answers from quotes of the retrieved passages."""

    mode = "extractive"
    model: str | None = None
    prompt_name = PROMPT_NAME

    def __init__(
        self,
        prompts: PromptSet,
        *,
        min_score: float = 0.25,
        min_coverage: float = 0.34,
        max_quotes: int = 3,
        max_words: int = 120,
        grade_bonus: float = 0.4,
    ) -> None:
        """Set the relevance thresholds and the answer's size."""
        self.prompts = prompts
        self.min_score = min_score
        self.min_coverage = min_coverage
        self.max_quotes = max_quotes
        self.max_words = max_words
        self.grade_bonus = grade_bonus

    def answer(self, question: str, chunks: list[StoredChunk]) -> Drafted:
        """Answer ``question`` from ``chunks`` (best first), or refuse."""
        candidates = self._candidates(question, chunks)
        best_score = max((c.score for c in chunks), default=0.0)
        if best_score < self.min_score or not candidates:
            return self._refuse(question)
        chosen = self._choose(candidates)
        citations = []
        lines = []
        for n, cand in enumerate(chosen, start=1):
            quote = cand.unit.text
            citations.append(
                Citation(
                    n=n,
                    doc_id=cand.chunk.doc_id,
                    source=cand.chunk.source,
                    title=cand.chunk.title,
                    page=cand.chunk.page_of(cand.unit.start),
                    section=cand.chunk.section,
                    quote=quote,
                    score=cand.chunk.score,
                )
            )
            lines.append(f"- {quote} [{n}]")
        text = self.prompts.render("lead") + "\n" + "\n".join(lines)
        return Drafted(text=text, citations=tuple(citations), refused=False)

    def _refuse(self, question: str) -> Drafted:
        return Drafted(self.prompts.render("refusal", question=question), (), True)

    def _candidates(self, question: str, chunks: list[StoredChunk]) -> list[_Candidate]:
        wanted = list(dict.fromkeys(terms(question)))
        if not wanted:
            return []
        per_chunk = [(rank, c, split_units(c.text)) for rank, c in enumerate(chunks)]
        unit_terms = {
            (rank, u.start): set(terms(u.text)) for rank, _, units in per_chunk for u in units
        }
        idf = idf_weights([list(t) for t in unit_terms.values()])
        unseen = max(idf.values(), default=1.0) * 1.5 if idf else 1.0
        weights = {t: idf.get(t, unseen) for t in wanted}
        total = sum(weights.values())
        grades = asks_for_grades(question)
        out = []
        for rank, chunk, units in per_chunk:
            # Words of the title, section and table header describe every unit of the chunk.
            section_terms = set(terms(f"{chunk.title}\n{chunk.section or ''}\n{chunk.context}"))
            for unit in units:
                have = unit_terms[(rank, unit.start)]
                coverage = sum(w for t, w in weights.items() if t in have) / total
                in_section = sum(w for t, w in weights.items() if t in section_terms - have)
                coverage_ctx = coverage + 0.5 * in_section / total
                if grades and is_grade_unit(unit.text):
                    coverage_ctx += self.grade_bonus
                if coverage_ctx < self.min_coverage:
                    continue
                score = coverage_ctx + 0.5 * chunk.score - 0.01 * rank
                out.append(_Candidate(chunk, rank, unit, coverage_ctx, score))
        return sorted(out, key=lambda c: c.score, reverse=True)

    def _choose(self, candidates: list[_Candidate]) -> list[_Candidate]:
        chosen: list[_Candidate] = []
        words = 0
        seen: set[str] = set()
        best = candidates[0].coverage
        for cand in candidates:
            key = " ".join(cand.unit.text.lower().split())
            if key in seen or cand.coverage < 0.6 * best:
                continue
            n_words = len(cand.unit.text.split())
            if chosen and words + n_words > self.max_words:
                continue
            chosen.append(cand)
            seen.add(key)
            words += n_words
            if len(chosen) >= self.max_quotes:
                break
        return chosen

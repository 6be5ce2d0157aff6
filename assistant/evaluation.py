"""Scoring answers against a gold evaluation set (``bench/eval/*.jsonl``).

The sets are read by :mod:`assistant.eval_set` (re-exported here); the v2 figures
(splits, wordings, wrong authority, paraphrase consistency) are in
:mod:`assistant.eval_splits`.

Retrieval is scored on the passages in rank order: a question is *found* at the rank
of the first passage that holds a gold quote and comes from that quote's file; the
*report rank* is the rank of the first passage from any gold file. Quotes are
compared after :func:`normalise` on both sides; a quote split across two passages is
not found. Paths are compared by :func:`same_file`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.eval_set import UNANSWERABLE as UNANSWERABLE
from assistant.eval_set import EvalQuestion
from assistant.eval_set import GoldSource as GoldSource
from assistant.eval_set import load_eval_set as load_eval_set
from assistant.eval_set import load_eval_sets as load_eval_sets
from assistant.models import Citation, Passage

RECALL_AT = (1, 3, 5)
REPORT_AT = (1, 5)

_TAG = re.compile(r"<[^>]+>")
_TABLE_SEP = re.compile(r"\s\|\s")
_WS = re.compile(r"\s+")
_TRANS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u25a0": " ",  # ■
        "\u25fc": " ",  # ◼
        "\u2022": " ",  # •
    }
)


def normalise(text: str) -> str:
    """Text as quotes are compared: no markup, straight quotes, single spaces, lower case.

    Removes HTML tags and markdown ``**`` and ``#``, straightens curly quotes, turns the
    bullets ■ ◼ • and `` | `` table separators into spaces, collapses whitespace and
    lowercases.
    """
    text = _TAG.sub("", text)
    text = text.replace("**", "").replace("#", "")
    text = text.translate(_TRANS)
    text = _TABLE_SEP.sub(" ", text)
    return _WS.sub(" ", text).strip().lower()


def normalise_path(path: str) -> str:
    """A path as compared: forward slashes, no ``./`` or empty parts, spaces folded, lower case."""
    parts = [p for p in path.replace("\\", "/").split("/") if p and p != "."]
    return "/".join(_WS.sub(" ", p).strip().lower() for p in parts)


def same_file(source: str, gold_file: str) -> bool:
    """Whether an index ``source`` and an eval-set ``file`` name the same file.

    The index's source is relative to the folder that was ingested and the gold file
    to the eval set's root, so they match when one ends with the other, whole path
    parts at a time (``ilacs/kent/x.pdf`` matches ``kent/x.pdf``; ``ent/x.pdf`` does not).
    """
    a = normalise_path(source).split("/")
    b = normalise_path(gold_file).split("/")
    if not a[-1] or not b[-1]:
        return False
    n = min(len(a), len(b))
    return a[-n:] == b[-n:]


# -- scoring one question ------------------------------------------------------------


class AnswerLike(Protocol):
    """What scoring reads from an answer (an :class:`assistant.models.Answer`)."""

    text: str
    refused: bool
    retrieved: Sequence[Passage]
    citations: Sequence[Citation]


def found_rank(question: EvalQuestion, passages: Sequence[Passage]) -> int | None:
    """1-based rank of the first passage holding a gold quote from its own file, or None."""
    quotes = [(s.file, normalise(s.quote)) for s in question.sources]
    for rank, passage in enumerate(passages, start=1):
        text: str | None = None
        for file, quote in quotes:
            if same_file(passage.source, file):
                text = normalise(passage.text) if text is None else text
                if quote in text:
                    return rank
    return None


def report_rank(question: EvalQuestion, passages: Sequence[Passage]) -> int | None:
    """1-based rank of the first passage from any gold file, or None."""
    files = {s.file for s in question.sources}
    for rank, passage in enumerate(passages, start=1):
        if any(same_file(passage.source, f) for f in files):
            return rank
    return None


def facts_ok(question: EvalQuestion, text: str) -> bool:
    """Whether every ``must_include`` group has an alternative in ``text`` (case-insensitive).

    Both sides are compared after :func:`normalise`, so quote style and spacing do not
    matter either.
    """
    haystack = normalise(text)
    return all(any(normalise(alt) in haystack for alt in group) for group in question.must_include)


@dataclass(frozen=True)
class QuestionResult:
    """How one question fared. ``fact_ok`` is None for unanswerable questions."""

    id: str
    type: str
    answerable: bool
    found_rank: int | None
    report_rank: int | None
    fact_ok: bool | None
    refused: bool
    citations_valid: int
    citations: int

    def to_json(self) -> dict[str, Any]:
        """The per-question row of ``eval --json``."""
        return {
            "id": self.id,
            "type": self.type,
            "found_rank": self.found_rank,
            "report_rank": self.report_rank,
            "fact_ok": self.fact_ok,
            "refused": self.refused,
            "citations_valid": self.citations_valid,
            "citations": self.citations,
        }


@dataclass(frozen=True)
class RetrievalResult:
    """How retrieval alone fared on one question (used for the baseline)."""

    id: str
    type: str
    answerable: bool
    found_rank: int | None
    report_rank: int | None


DocumentText = Callable[[str], str | None]


def score_answer(
    question: EvalQuestion, answer: AnswerLike, document_text: DocumentText
) -> QuestionResult:
    """Score one answer.

    Args:
        question: the gold question.
        answer: what the assistant returned.
        document_text: the cleaned text of a stored document by id (None if unknown);
            a citation is valid when its quote is an exact substring of it.
    """
    passages = list(answer.retrieved)
    answerable = question.answerable
    valid = 0
    for citation in answer.citations:
        text = document_text(citation.doc_id)
        if text is not None and citation.quote and citation.quote in text:
            valid += 1
    return QuestionResult(
        id=question.id,
        type=question.type,
        answerable=answerable,
        found_rank=found_rank(question, passages) if answerable else None,
        report_rank=report_rank(question, passages) if answerable else None,
        fact_ok=facts_ok(question, answer.text) if answerable else None,
        refused=bool(answer.refused),
        citations_valid=valid,
        citations=len(answer.citations),
    )


def score_retrieval(question: EvalQuestion, passages: Sequence[Passage]) -> RetrievalResult:
    """Score the passages retrieved for one question (no answer)."""
    answerable = question.answerable
    return RetrievalResult(
        id=question.id,
        type=question.type,
        answerable=answerable,
        found_rank=found_rank(question, passages) if answerable else None,
        report_rank=report_rank(question, passages) if answerable else None,
    )


# -- aggregates ----------------------------------------------------------------------


@dataclass(frozen=True)
class RetrievalMetrics:
    """Retrieval figures over the answerable questions (None when there are none)."""

    answerable: int
    recall: dict[int, float | None]
    mrr: float | None
    report: dict[int, float | None]

    def to_json(self) -> dict[str, Any]:
        """Flat keys: ``recall_at_1`` … ``mrr``, ``report_at_1`` …."""
        out: dict[str, Any] = {"answerable": self.answerable}
        out.update({f"recall_at_{r}": _round(v) for r, v in self.recall.items()})
        out["mrr"] = _round(self.mrr)
        out.update({f"report_at_{r}": _round(v) for r, v in self.report.items()})
        return out


@dataclass(frozen=True)
class Metrics:
    """Every figure for a group of questions (overall, or one type)."""

    questions: int
    unanswerable: int
    retrieval: RetrievalMetrics
    facts_ok: int
    wrong_refusals: int
    refused_unanswerable: int
    citations_valid: int
    citations: int

    @property
    def answerable(self) -> int:
        """Questions the documents answer."""
        return self.questions - self.unanswerable

    @property
    def fact_accuracy(self) -> float | None:
        """Share of answerable questions whose answer has every ``must_include`` group."""
        return _share(self.facts_ok, self.answerable)

    @property
    def refusal_accuracy(self) -> float | None:
        """Share of unanswerable questions that were refused."""
        return _share(self.refused_unanswerable, self.unanswerable)

    @property
    def citation_validity(self) -> float | None:
        """Share of citations whose quote is in its document (None without citations)."""
        return self.citations_valid / self.citations if self.citations else None

    def to_json(self) -> dict[str, Any]:
        """The figures as a flat JSON object."""
        return {
            "questions": self.questions,
            "unanswerable": self.unanswerable,
            **self.retrieval.to_json(),
            "facts_ok": self.facts_ok,
            "fact_accuracy": _round(self.fact_accuracy),
            "wrong_refusals": self.wrong_refusals,
            "refused_unanswerable": self.refused_unanswerable,
            "refusal_accuracy": _round(self.refusal_accuracy),
            "citations_valid": self.citations_valid,
            "citations": self.citations,
            "citation_validity": _round(self.citation_validity),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def retrieval_metrics(results: Sequence[RetrievalResult | QuestionResult]) -> RetrievalMetrics:
    """Recall@1/3/5, MRR and report@1/5 over the answerable questions of ``results``."""
    answerable = [r for r in results if r.answerable]
    ranks = [r.found_rank for r in answerable]
    reports = [r.report_rank for r in answerable]
    n = len(answerable)
    return RetrievalMetrics(
        answerable=n,
        recall={at: _share(sum(1 for x in ranks if x and x <= at), n) for at in RECALL_AT},
        mrr=(sum(1 / x for x in ranks if x) / n) if n else None,
        report={at: _share(sum(1 for x in reports if x and x <= at), n) for at in REPORT_AT},
    )


def metrics(results: Sequence[QuestionResult]) -> Metrics:
    """All figures over ``results``."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    return Metrics(
        questions=len(results),
        unanswerable=len(unanswerable),
        retrieval=retrieval_metrics(results),
        facts_ok=sum(1 for r in answerable if r.fact_ok),
        wrong_refusals=sum(1 for r in answerable if r.refused),
        refused_unanswerable=sum(1 for r in unanswerable if r.refused),
        citations_valid=sum(r.citations_valid for r in results),
        citations=sum(r.citations for r in results),
    )


def by_type(results: Sequence[Any], summarise: Callable[[list[Any]], Any]) -> dict[str, Any]:
    """``summarise`` applied to the results of each question type, types sorted."""
    groups: dict[str, list[Any]] = {}
    for r in results:
        groups.setdefault(r.type, []).append(r)
    return {t: summarise(groups[t]) for t in sorted(groups)}


# -- running -------------------------------------------------------------------------


class Asker(Protocol):
    """What :func:`evaluate` needs from the assistant."""

    def ask(self, question: str, *, id: str | None = None, k: int | None = None) -> Any:
        """Answer one question."""
        ...


@dataclass
class DocumentTexts:
    """Cleaned document texts by id, fetched once each."""

    fetch: DocumentText
    _cache: dict[str, str | None] = field(default_factory=dict)

    def __call__(self, doc_id: str) -> str | None:
        """The text of ``doc_id`` (None when the store does not hold it)."""
        if doc_id not in self._cache:
            self._cache[doc_id] = self.fetch(doc_id)
        return self._cache[doc_id]


def evaluate(
    asker: Asker,
    questions: Sequence[EvalQuestion],
    document_text: DocumentText,
    *,
    k: int,
    on_question: Callable[[int], None] | None = None,
) -> list[QuestionResult]:
    """Ask every question and score the answers, in input order.

    Args:
        asker: the assistant (``ask(question, id=, k=)``).
        questions: the evaluation set.
        document_text: cleaned document text by id, for citation checks (cached here).
        k: passages to retrieve per question.
        on_question: called with the number of questions done after each one.
    """
    texts = (
        document_text if isinstance(document_text, DocumentTexts) else DocumentTexts(document_text)
    )
    results = []
    for done, q in enumerate(questions, start=1):
        answer = asker.ask(q.question, id=q.id, k=k)
        results.append(score_answer(q, answer, texts))
        if on_question:
            on_question(done)
    return results


def evaluate_retrieval(
    search: Callable[[str, int], Sequence[Passage]],
    questions: Sequence[EvalQuestion],
    *,
    k: int,
    on_question: Callable[[int], None] | None = None,
) -> list[RetrievalResult]:
    """Score a bare retriever (``search(question, k)`` → passages, best first)."""
    results = []
    for done, q in enumerate(questions, start=1):
        results.append(score_retrieval(q, search(q.question, k)))
        if on_question:
            on_question(done)
    return results


def ratio(ours: float | None, baseline: float | None) -> float | None:
    """``ours / baseline``, None when either is missing or the baseline is 0."""
    if ours is None or not baseline:
        return None
    return ours / baseline


# -- reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineReport:
    """The tutorial pipeline's retrieval on the same questions and documents."""

    docs: str
    files: int
    chunks: int
    skipped: tuple[tuple[str, str], ...]
    results: tuple[RetrievalResult, ...]
    seconds: float = 0.0

    @property
    def overall(self) -> RetrievalMetrics:
        """Retrieval figures over every answerable question."""
        return retrieval_metrics(self.results)

    def by_type(self) -> dict[str, RetrievalMetrics]:
        """Retrieval figures per question type."""
        return by_type(self.results, retrieval_metrics)


@dataclass(frozen=True)
class EvalReport:
    """The outcome of one ``eval`` run."""

    file: str
    k: int
    results: tuple[QuestionResult, ...]
    baseline: BaselineReport | None = None
    seconds: float = 0.0

    @property
    def overall(self) -> Metrics:
        """Every figure over all questions."""
        return metrics(self.results)

    def by_type(self) -> dict[str, Metrics]:
        """Every figure per question type."""
        return by_type(self.results, metrics)

    def ratios(self) -> dict[str, float | None]:
        """``ours / baseline`` for each retrieval figure (empty without a baseline)."""
        if self.baseline is None:
            return {}
        ours = self.overall.retrieval.to_json()
        base = self.baseline.overall.to_json()
        return {key: _round(ratio(ours[key], base[key])) for key in base if key != "answerable"}

    def to_json(self) -> dict[str, Any]:
        """The ``eval --json`` object."""
        rows = [r.to_json() for r in self.results]
        out: dict[str, Any] = {
            "file": self.file,
            "k": self.k,
            "overall": self.overall.to_json(),
            "by_type": {t: m.to_json() for t, m in self.by_type().items()},
            "seconds": round(self.seconds, 1),
            "baseline": None,
        }
        if self.baseline is not None:
            b = self.baseline
            out["baseline"] = {
                "pipeline": "langchain-tutorial",
                "docs": b.docs,
                "files": b.files,
                "chunks": b.chunks,
                "skipped": [{"source": s, "reason": r} for s, r in b.skipped],
                "overall": b.overall.to_json(),
                "by_type": {t: m.to_json() for t, m in b.by_type().items()},
                "ratio": self.ratios(),
                "seconds": round(b.seconds, 1),
            }
            out["ratio_recall_at_5"] = self.ratios()["recall_at_5"]
            for row, base in zip(rows, b.results, strict=True):
                row["baseline_found_rank"] = base.found_rank
                row["baseline_report_rank"] = base.report_rank
        out["questions"] = rows
        return out

"""The figures of an evaluation run and its reports.

Retrieval and answer figures over a group of questions (all, or one type), and the
report of a run with the baseline pipeline's figures beside ours.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.eval_scoring import QuestionResult, RetrievalResult

RECALL_AT = (1, 3, 5)
REPORT_AT = (1, 5)


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

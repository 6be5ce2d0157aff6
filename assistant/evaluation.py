"""Scoring answers against a gold evaluation set (``bench/eval/*.jsonl``).

The sets are read by :mod:`assistant.eval_set`; one answer is scored by
:mod:`assistant.eval_scoring` (how quotes, files and facts are matched), the figures
over many by :mod:`assistant.eval_metrics`; all of them are re-exported here, beside the
running of a set. The v2 figures (splits, wordings, wrong authority, paraphrase
consistency) are in :mod:`assistant.eval_splits`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.eval_metrics import RECALL_AT as RECALL_AT
from assistant.eval_metrics import REPORT_AT as REPORT_AT
from assistant.eval_metrics import BaselineReport as BaselineReport
from assistant.eval_metrics import EvalReport as EvalReport
from assistant.eval_metrics import Metrics as Metrics
from assistant.eval_metrics import RetrievalMetrics as RetrievalMetrics
from assistant.eval_metrics import by_type as by_type
from assistant.eval_metrics import metrics as metrics
from assistant.eval_metrics import ratio as ratio
from assistant.eval_metrics import retrieval_metrics as retrieval_metrics
from assistant.eval_scoring import AnswerLike as AnswerLike
from assistant.eval_scoring import DocumentText as DocumentText
from assistant.eval_scoring import QuestionResult as QuestionResult
from assistant.eval_scoring import RetrievalResult as RetrievalResult
from assistant.eval_scoring import facts_ok as facts_ok
from assistant.eval_scoring import found_rank as found_rank
from assistant.eval_scoring import normalise as normalise
from assistant.eval_scoring import normalise_path as normalise_path
from assistant.eval_scoring import report_rank as report_rank
from assistant.eval_scoring import same_file as same_file
from assistant.eval_scoring import score_answer as score_answer
from assistant.eval_scoring import score_retrieval as score_retrieval
from assistant.eval_set import UNANSWERABLE as UNANSWERABLE
from assistant.eval_set import EvalQuestion as EvalQuestion
from assistant.eval_set import GoldSource as GoldSource
from assistant.eval_set import load_eval_set as load_eval_set
from assistant.eval_set import load_eval_sets as load_eval_sets
from assistant.models import Passage

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

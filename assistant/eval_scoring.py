"""Scoring one answer (or one retrieval) against its gold question.

Retrieval is scored on the passages in rank order: a question is *found* at the rank
of the first passage that holds a gold quote and comes from that quote's file; the
*report rank* is the rank of the first passage from any gold file. Quotes are
compared after :func:`normalise` on both sides; a quote split across two passages is
not found. Paths are compared by :func:`same_file`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.eval_set import EvalQuestion
from assistant.models import Citation, Passage

_TAG = re.compile(r"<[^<>]+>")
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
    matter either. A figure counts only as a whole number: "5" is not in "2025".
    """
    haystack = normalise(text)
    return all(
        any(_holds(haystack, normalise(alt)) for alt in group) for group in question.must_include
    )


def _holds(haystack: str, alt: str) -> bool:
    """Whether ``alt`` is in ``haystack``; one that starts or ends with a digit, whole."""
    if not alt[:1].isdigit() and not alt[-1:].isdigit():
        return alt in haystack
    before = r"(?<![\w.,])" if alt[:1].isdigit() else ""
    after = r"(?!\w|[.,]\d)" if alt[-1:].isdigit() else ""
    return re.search(before + re.escape(alt) + after, haystack) is not None


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
        # a refusal holds no facts, whatever words of the question it repeats
        fact_ok=(not answer.refused and facts_ok(question, answer.text)) if answerable else None,
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

"""Typed results of the use cases: answers with citations, ingest reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Passage:
    """A retrieved passage as the answerer saw it (rank order is list order)."""

    doc_id: str
    source: str
    title: str
    page: int | None
    section: str | None
    text: str
    score: float
    context: str = ""  # what makes the text readable: its table's header row, its heading

    def to_json(self) -> dict[str, Any]:
        """The ``retrieved`` entry of the public JSON contract (``context`` is an addition)."""
        return {
            "source": self.source,
            "page": self.page,
            "section": self.section,
            "text": self.text,
            "score": round(self.score, 4),
            "context": self.context,
        }


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: ``quote`` is an exact substring of the document."""

    n: int
    doc_id: str
    source: str
    title: str
    page: int | None
    section: str | None
    quote: str
    score: float

    def to_json(self) -> dict[str, Any]:
        """The ``citations`` entry of the public JSON contract."""
        return {
            "n": self.n,
            "source": self.source,
            "title": self.title,
            "page": self.page,
            "section": self.section,
            "quote": self.quote,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class Answer:
    """An answer with its numbered citations and what retrieval returned."""

    id: str
    question: str
    text: str
    citations: tuple[Citation, ...]
    retrieved: tuple[Passage, ...]
    mode: str
    model: str | None
    prompt: str | None
    timings_ms: dict[str, float] = field(default_factory=dict)
    refused: bool = False
    intent: str | None = None  # what the question asked for (grade, why, improve, …)
    scope: dict[str, Any] = field(default_factory=dict)  # what the answer was limited to
    answered_from: str | None = None  # "judgements table", "whole report", "passages", "scope"
    refusal_reason: str | None = None  # "out of scope", "not covered", … when refused
    fallback_reason: str | None = None  # why the model did not answer, when it fell back

    def to_json(self) -> dict[str, Any]:
        """The public ``ask --json`` object (extend it, never break it)."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.text,
            "citations": [c.to_json() for c in self.citations],
            "retrieved": [p.to_json() for p in self.retrieved],
            "mode": self.mode,
            "model": self.model,
            "prompt": self.prompt,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "refused": self.refused,
            "intent": self.intent,
            "scope": self.scope,
            "answered_from": self.answered_from,
            "refusal_reason": self.refusal_reason,
            "fallback_reason": self.fallback_reason,
        }


# "held": it would replace a stored document, and replacing needs the user's confirmation
IngestStatus = Literal["added", "updated", "unchanged", "held", "failed"]


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one file."""

    source: str
    status: IngestStatus
    reason: str = ""
    doc_id: str | None = None
    chunks: int = 0
    pages: int = 0
    replaces: tuple[str, ...] = ()  # ids of the stored documents it replaced (or would)


@dataclass(frozen=True)
class IngestReport:
    """The outcome of one ingest run, a line per file."""

    outcomes: tuple[IngestOutcome, ...]
    seconds: float = 0.0

    def count(self, status: IngestStatus) -> int:
        """How many files ended with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def chunks_added(self) -> int:
        """Chunks written in this run."""
        return sum(o.chunks for o in self.outcomes if o.status in ("added", "updated"))

    @property
    def exit_code(self) -> int:
        """0 all files fine, 3 some failed ("partial"), 1 all failed."""
        failed = self.count("failed")
        if not failed:
            return 0
        return 1 if failed == len(self.outcomes) else 3

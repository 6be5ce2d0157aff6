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
    # which check refused it, when the offline answerer did ("a figure asked, none quoted")
    refusal_detail: str | None = None

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
            "refusal_detail": self.refusal_detail,
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


# The stages of one file, in order: "done" carries its outcome.
IngestStage = Literal["reading", "chunking", "embedding", "indexing", "done"]

# Where each stage starts, as a fraction of a file's work (parsing and embedding dominate).
_STAGE_START = {"reading": 0.0, "chunking": 0.3, "embedding": 0.35, "indexing": 0.95, "done": 1.0}


@dataclass(frozen=True)
class IngestProgress:
    """Where an ingest is: file ``file`` (1-based) of ``files``, at ``stage``.

    While embedding, ``done`` of ``total`` chunks are embedded; at "done", ``outcome``
    says what happened to the file.
    """

    file: int
    files: int
    source: str
    stage: IngestStage
    done: int = 0
    total: int = 0
    outcome: IngestOutcome | None = None

    @property
    def fraction(self) -> float:
        """How much of this file's work is done (0 to 1), by stage and chunks embedded."""
        start = _STAGE_START[self.stage]
        if self.stage == "embedding" and self.total:
            return start + (_STAGE_START["indexing"] - start) * self.done / self.total
        return start

    @property
    def overall(self) -> float:
        """How much of the whole run is done (0 to 1), counting files as equal."""
        return min(1.0, (self.file - 1 + self.fraction) / max(1, self.files))

    def describe(self) -> str:
        """One line for a person, e.g. "Embedding kent.pdf: 40 of 120 passages (file 1 of 2)"."""
        what = {
            "reading": f"Reading {self.source}",
            "chunking": f"Splitting {self.source} into passages",
            "embedding": f"Embedding {self.source}: {self.done} of {self.total} passages",
            "indexing": f"Indexing {self.source}",
            "done": f"{self.source}: {self.outcome.status if self.outcome else 'done'}",
        }[self.stage]
        return what + (f" (file {self.file} of {self.files})" if self.files > 1 else "")

"""Reading evaluation sets (``bench/eval/*.jsonl`` v1 and ``bench/eval/v2/*.jsonl``).

A v1 line is ``{id, question, type, must_include, sources}``: ``must_include`` holds
groups of alternatives (every group must be matched by one alternative in the answer),
``sources`` the gold ``{file, quote}`` spans. Questions of type ``unanswerable`` have
neither and should be refused.

A v2 line (``bench/eval/v2``, issue 13) adds ``split`` (``dev`` or ``heldout``),
``intent``, ``answerable``, ``wordings`` (more wordings of the same question),
``authorities`` (lower-case names of the authorities it is about) and ``years``. A line
is read as v2 when it has any of those fields, and then it must have all of them. A v1
line belongs to the ``dev`` split, its intent is its type.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import InputError

UNANSWERABLE = "unanswerable"
SPLITS = ("dev", "heldout")

_FIELDS = ("id", "question", "type", "must_include", "sources")
_V2_FIELDS = ("split", "intent", "answerable", "wordings", "authorities", "years")


@dataclass(frozen=True)
class GoldSource:
    """A gold span: a short verbatim quote and the file it comes from."""

    file: str
    quote: str


@dataclass(frozen=True)
class EvalQuestion:
    """One line of an evaluation set (v1 lines keep the v2 fields' defaults)."""

    id: str
    question: str
    type: str
    must_include: tuple[tuple[str, ...], ...]
    sources: tuple[GoldSource, ...]
    split: str = "dev"
    intent: str = ""
    wordings: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    version: int = 1

    @property
    def answerable(self) -> bool:
        """False for questions the documents do not answer."""
        return self.type != UNANSWERABLE

    @property
    def group(self) -> str:
        """The intent (v2), else the type: what figures are broken down by."""
        return self.intent or self.type

    @property
    def all_wordings(self) -> tuple[str, ...]:
        """The main wording first, then the others."""
        return (self.question, *self.wordings)


def load_eval_sets(paths: Iterable[Path]) -> list[EvalQuestion]:
    """Read and check several evaluation sets; ids must be unique across all of them.

    Raises:
        InputError: as :func:`load_eval_set`, or an id is used in two files.
    """
    questions: list[EvalQuestion] = []
    where: dict[str, str] = {}
    for path in paths:
        for q in load_eval_set(path):
            if q.id in where:
                raise InputError(f"{path.name}: id {q.id!r} is also used in {where[q.id]}")
            where[q.id] = path.name
            questions.append(q)
    return questions


def load_eval_set(path: Path) -> list[EvalQuestion]:
    """Read and check an evaluation set.

    Raises:
        InputError: the file is missing or unreadable, or a line is not valid JSON,
            lacks a field, has a field of the wrong shape, or repeats an id.
    """
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"eval file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read eval file {path}: {exc}") from exc
    questions: list[EvalQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from exc
        question = _parse_question(row, where)
        if question.id in seen:
            raise InputError(f"{where}: id {question.id!r} is used twice")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise InputError(f"eval file {path} holds no questions")
    return questions


def _parse_question(row: Any, where: str) -> EvalQuestion:
    if not isinstance(row, dict):
        raise InputError(f"{where}: expected a JSON object")
    missing = [f for f in _FIELDS if f not in row]
    if missing:
        raise InputError(f"{where}: missing field {', '.join(repr(f) for f in missing)}")
    for name in ("id", "question", "type"):
        if not _text(row[name]):
            raise InputError(f"{where}: {name!r} must be a non-empty string")
    must = row["must_include"]
    if not isinstance(must, list) or not all(
        isinstance(g, list) and g and all(_text(a) for a in g) for g in must
    ):
        raise InputError(f"{where}: 'must_include' must be a list of non-empty lists of strings")
    sources = row["sources"]
    if not isinstance(sources, list) or not all(
        isinstance(s, dict) and _text(s.get("file")) and _text(s.get("quote")) for s in sources
    ):
        raise InputError(f"{where}: 'sources' must be a list of objects with 'file' and 'quote'")
    if row["type"] == UNANSWERABLE and (must or sources):
        raise InputError(f"{where}: an unanswerable question has empty must_include and sources")
    if row["type"] != UNANSWERABLE and not (must and sources):
        raise InputError(f"{where}: an answerable question needs must_include and sources")
    question = EvalQuestion(
        id=row["id"],
        question=row["question"],
        type=row["type"],
        must_include=tuple(tuple(g) for g in must),
        sources=tuple(GoldSource(s["file"], s["quote"]) for s in sources),
    )
    if any(f in row for f in _V2_FIELDS):
        return _parse_v2(row, where, question)
    return question


def _parse_v2(row: dict[str, Any], where: str, question: EvalQuestion) -> EvalQuestion:
    """``question`` with the v2 fields of ``row``, checked."""
    missing = [f for f in _V2_FIELDS if f not in row]
    if missing:
        raise InputError(f"{where}: missing v2 field {', '.join(repr(f) for f in missing)}")
    if row["split"] not in SPLITS:
        raise InputError(f"{where}: 'split' must be one of {', '.join(SPLITS)}")
    if not _text(row["intent"]):
        raise InputError(f"{where}: 'intent' must be a non-empty string")
    if not isinstance(row["answerable"], bool):
        raise InputError(f"{where}: 'answerable' must be true or false")
    if row["answerable"] != question.answerable:
        raise InputError(
            f"{where}: 'answerable' is {str(row['answerable']).lower()} but 'type' is"
            f" {question.type!r}"
        )
    for name in ("wordings", "authorities"):
        if not isinstance(row[name], list) or not all(_text(w) for w in row[name]):
            raise InputError(f"{where}: {name!r} must be a list of non-empty strings")
    years = row["years"]
    if not isinstance(years, list) or not all(
        isinstance(y, int) and not isinstance(y, bool) for y in years
    ):
        raise InputError(f"{where}: 'years' must be a list of whole numbers")
    return EvalQuestion(
        id=question.id,
        question=question.question,
        type=question.type,
        must_include=question.must_include,
        sources=question.sources,
        split=row["split"],
        intent=row["intent"],
        wordings=tuple(row["wordings"]),
        authorities=tuple(a.strip() for a in row["authorities"]),
        years=tuple(years),
        version=2,
    )


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())

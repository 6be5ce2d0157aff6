"""Checks of a language model's answer against the passages it was given.

Run after the model, before anything is shown:

- every ``[n]`` must name a passage that was given (``1..len(passages)``); other
  markers are removed;
- a sentence stating a figure or a grade must cite at least one passage that
  contains that figure or grade (case-insensitive, whitespace and thousands
  separators normalised), or the sentence is removed: an invented figure is worse
  than none. Sentences of a passage that read like instructions to a model
  ("ignore previous instructions...") never count as support;
- a sentence with no marker at all is kept but flagged as unsourced, unless it
  is the refusal sentence;
- citations are built from the passages actually cited, renumbered ``1..m`` in
  order of first use, each quoting the passage sentence(s) that best support the
  claims, as an exact substring of the passage text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.models import Citation
from core.vocabulary import GRADE_WORDS
from vectorstore.store import StoredChunk

_MARKER = re.compile(r"\[\s*(?:(?:passages?|sources?)\s*)?(\d+(?:\s*[,;]\s*\d+)*)\s*\]", re.I)
# "claim. [1]" -> "claim [1]." so that a marker stays with its sentence.
_TRAILING_MARKERS = re.compile(
    r"([.!?])((?:\s*\[\s*(?:(?:passages?|sources?)\s*)?\d+(?:\s*[,;]\s*\d+)*\s*\])+)", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_LIST_PREFIX = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?!\w)")
_GRADE = re.compile(
    r"\b(" + GRADE_WORDS.replace(" ", r"\s+") + r"|excellent|grade\s+[1-4])\b", re.IGNORECASE
)
_RI_TO_BE_GOOD = re.compile(r"requires improvement to be good")
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|previous instructions?|prior instructions?|system prompt|"
    r"you are now|as an ai|language model)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "the a an and or of to in on for by with at from is are was were be been it its this "
    "that these those as has have had not but which who their there they them".split()
)


@dataclass(frozen=True)
class CheckedAnswer:
    """A model's answer after the checks: what is shown and what was taken out."""

    text: str
    citations: tuple[Citation, ...]
    removed: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    text: str
    instruction: bool


def _normalise(text: str) -> str:
    text = " ".join(text.lower().split())
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def figures(text: str) -> list[str]:
    """The numbers a sentence states, normalised (``1,234.50`` -> ``1234.50``)."""
    body = _LIST_PREFIX.sub("", _MARKER.sub(" ", text))
    out = []
    for m in _NUMBER.finditer(body):
        whole = m.group(1).replace(",", "")
        out.append(f"{whole}.{m.group(2)}" if m.group(2) else whole)
    return list(dict.fromkeys(out))


def grades(text: str) -> list[str]:
    """The grade words a sentence states, normalised (``requires improvement``, ``grade 3``)."""
    out = []
    for m in _GRADE.finditer(_MARKER.sub(" ", text)):
        grade = " ".join(m.group(1).lower().split())
        if grade.startswith("requires improvement"):
            grade = "requires improvement"
        out.append(grade)
    return list(dict.fromkeys(out))


def _contains_figure(support: str, figure: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?!\d|\.\d)", support) is not None


def _contains_grade(support: str, grade: str) -> bool:
    if grade == "good":
        support = _RI_TO_BE_GOOD.sub(" ", support)
    return re.search(rf"\b{re.escape(grade)}\b", support) is not None


def _spans(text: str) -> list[_Span]:
    """Sentences and lines of a passage with their offsets (exact substrings)."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        begin = line.start()
        pieces = _SENTENCE_END.split(line.group())
        offset = 0
        for piece in pieces:
            at = line.group().index(piece, offset)
            offset = at + len(piece)
            stripped = piece.strip()
            if not stripped:
                continue
            start = begin + at + (len(piece) - len(piece.lstrip()))
            spans.append(
                _Span(start, start + len(stripped), stripped, bool(_INSTRUCTION.search(stripped)))
            )
    return spans


def _support_text(spans: list[_Span]) -> str:
    """What may back a figure or a grade: the passage without instruction-like sentences."""
    return _normalise(" \n ".join(s.text for s in spans if not s.instruction))


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def _sentences(text: str) -> list[list[str]]:
    """Lines of the answer, each a list of sentences (markers kept with their sentence)."""
    text = _TRAILING_MARKERS.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    return [_SENTENCE_END.split(line.strip()) if line.strip() else [] for line in text.split("\n")]


def _tidy(sentence: str) -> str:
    sentence = re.sub(r"[ \t]+([.,;:!?])", r"\1", sentence)
    return re.sub(r"[ \t]{2,}", " ", sentence).strip()


def _is_refusal(body: str, refusal: str | None) -> bool:
    if not refusal:
        return False
    key = _normalise(refusal).rstrip(".")
    return _normalise(body).startswith(key)


def check_answer(
    text: str,
    passages: Sequence[StoredChunk],
    *,
    refusal: str | None = None,
    unsourced: str = "[unsourced]",
) -> CheckedAnswer:
    """Check a model's ``text`` against the numbered ``passages`` (see the module docstring)."""
    spans = [_spans(p.text) for p in passages]
    support = [_support_text(s) for s in spans]
    removed: list[str] = []
    flagged: list[str] = []
    kept_lines: list[str] = []
    order: dict[int, int] = {}  # passage index (0-based) -> new number
    claims: dict[int, list[str]] = {}  # passage index -> sentence bodies citing it

    for line in _sentences(text):
        kept: list[str] = []
        for sentence in line:
            cited: list[int] = []
            for m in _MARKER.finditer(sentence):
                for number in re.split(r"\s*[,;]\s*", m.group(1)):
                    k = int(number)
                    if 1 <= k <= len(passages):
                        if k - 1 not in cited:
                            cited.append(k - 1)
                    else:
                        removed.append(f"[{k}]")
            body = _tidy(_MARKER.sub(" ", sentence))
            if not re.search(r"\w", body):
                continue
            wanted_figures, wanted_grades = figures(sentence), grades(sentence)
            if not cited:
                if wanted_figures or wanted_grades:
                    removed.append(body)
                elif _is_refusal(body, refusal):
                    kept.append(body)
                else:
                    flagged.append(body)
                    kept.append(_tidy(_with_marker(body, unsourced)))
                continue
            backed = all(
                any(_contains_figure(support[i], f) for i in cited) for f in wanted_figures
            ) and all(any(_contains_grade(support[i], g) for i in cited) for g in wanted_grades)
            if not backed:
                removed.append(body)
                continue
            for i in cited:
                order.setdefault(i, len(order) + 1)
                claims.setdefault(i, []).append(sentence)
            kept.append(sentence)
        if kept:
            kept_lines.append(" ".join(kept))
        elif not line and kept_lines and kept_lines[-1] != "":
            kept_lines.append("")

    def renumber(m: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"\s*[,;]\s*", m.group(1))]
        valid = [order[k - 1] for k in numbers if 1 <= k <= len(passages) and k - 1 in order]
        return "".join(f"[{n}]" for n in dict.fromkeys(valid))

    shown = "\n".join(_tidy(_MARKER.sub(renumber, line)) for line in kept_lines).strip()
    citations = tuple(
        _citation(new, passages[i], spans[i], claims[i])
        for i, new in sorted(order.items(), key=lambda item: item[1])
    )
    return CheckedAnswer(text=shown, citations=citations, removed=removed, flagged=flagged)


def _with_marker(body: str, marker: str) -> str:
    if body and body[-1] in ".!?":
        return f"{body[:-1]} {marker}{body[-1]}"
    return f"{body} {marker}"


def _citation(n: int, chunk: StoredChunk, spans: list[_Span], sentences: list[str]) -> Citation:
    start, end = _best_quote(chunk.text, spans, sentences)
    return Citation(
        n=n,
        doc_id=chunk.doc_id,
        source=chunk.source,
        title=chunk.title,
        page=chunk.page_of(start),
        section=chunk.section,
        quote=chunk.text[start:end],
        score=chunk.score,
    )


def _best_quote(text: str, spans: list[_Span], sentences: list[str]) -> tuple[int, int]:
    """Offsets of the passage sentence(s) that best support the claims citing it."""
    usable = [s for s in spans if not s.instruction] or spans
    if not usable:
        stripped = text.strip()
        start = text.index(stripped) if stripped else 0
        return start, start + len(stripped)
    wanted = set().union(*(_words(_MARKER.sub(" ", s)) for s in sentences))
    facts = [(f, "figure") for s in sentences for f in figures(s)]
    facts += [(g, "grade") for s in sentences for g in grades(s)]

    def holds(span: _Span, fact: tuple[str, str]) -> bool:
        value, kind = fact
        norm = _normalise(span.text)
        return _contains_figure(norm, value) if kind == "figure" else _contains_grade(norm, value)

    def score(span: _Span) -> float:
        return len(_words(span.text) & wanted) + 3 * sum(holds(span, f) for f in facts)

    best = max(usable, key=score)
    start, end = best.start, best.end
    for fact in facts:
        if holds(best, fact):
            continue
        others = [s for s in usable if holds(s, fact)]
        if others:
            near = min(others, key=lambda s: abs(s.start - best.start))
            if abs(near.start - best.start) < 400:
                start, end = min(start, near.start), max(end, near.end)
    return start, end

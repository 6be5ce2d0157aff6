"""Split passages into quotable units (sentences, list items, table rows) and score terms."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+(?:[.,]\d+)*%?")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"‘(■•◼])")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "No.", "no.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them then there these they
    this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours tell say said says give show describe explain
    find list many much please whether does did did according report reports ofsted""".split()
) | frozenset(
    # the same words contracted ("why weren't they seen": "weren't" is no topic)
    """isn't aren't wasn't weren't don't doesn't didn't hasn't haven't hadn't won't wouldn't
    can't couldn't shouldn't it's they're we're you're i'm they've we've i've you've he's
    she's that's there's who's""".split()
)


@dataclass(frozen=True)
class Unit:
    """A quotable span of a passage: ``text == passage_text[start:end]``."""

    text: str
    start: int
    end: int


def stem(word: str) -> str:
    """A light English stem: lower case, common suffixes off (enough for matching)."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            return w[: -len(suffix)] + keep
    return w


def terms(text: str) -> list[str]:
    """Content-word stems of ``text`` (stopwords dropped; numbers kept)."""
    out = []
    for match in _WORD.finditer(text):
        word = match.group(0).rstrip("'’-")  # ‘front door’: the closing quote is not the word's
        if word.lower().replace("’", "'") in STOPWORDS:
            continue
        if len(word) < 2 and not word.isdigit():
            continue
        out.append(stem(word))
    return out


def split_units(text: str) -> list[Unit]:
    """Lines first (list items, table rows), then sentences within a line."""
    units: list[Unit] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        for start, end in _sentence_spans(line):
            raw = line[start:end]
            lead = len(raw) - len(raw.lstrip())
            trail = len(raw.rstrip())
            if trail - lead < 3:
                continue
            a, b = line_start + start + lead, line_start + start + trail
            units.append(Unit(text[a:b], a, b))
    return units


def _sentence_spans(line: str) -> Iterable[tuple[int, int]]:
    if " | " in line:  # a table row is one unit
        yield 0, len(line)
        return
    start = 0
    for match in _SENTENCE_END.finditer(line):
        before = line[start : match.start() + 1]
        if before.rstrip().endswith(_ABBREVIATIONS):
            continue
        yield start, match.start() + 1
        start = match.end()
    yield start, len(line)


def idf_weights(documents: list[list[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of each term over ``documents``."""
    n = len(documents)
    df: dict[str, int] = {}
    for doc in documents:
        for t in set(doc):
            df[t] = df.get(t, 0) + 1
    return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

"""Whether retrieved passages can answer a question: its topic words, years and key words.

Used by the extractive answerer to weigh units and to decide when to refuse.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from assistant.answering.intent import years_in
from assistant.answering.text_units import stem, terms
from core.dates import called_years, year_in_file_name
from core.vocabulary import PLACING_WORDS, QUANTITY_WORDS, QUESTION_WORDS, VERDICT_WORDS
from vectorstore.store import StoredChunk

# Words that place a question (which inspection, which report) rather than say what it asks.
LOCATING = frozenset(stem(w) for w in PLACING_WORDS)
# Words of how a question is put, not of what it is about.
GENERIC_QUESTION = frozenset(
    stem(w)
    for w in """get gets got getting want wanted stand stands name named thing things per made
    make happen happened receive received play role first second main key kind type way often
    since ago new current currently overall like look looked note noted ofsted's time times
    grade grades graded rating ratings rated judgement judgements judgment judged what what's
    finding findings describe described description handle handles handled deal deals dealt
    doing going say said says anything anyone anybody something someone everything
    published publish publication aged""".split()
)
# The understanding step's framing words (one vocabulary: core.vocabulary), as stems;
# the subject words among them still weigh in matching a passage (by their rarity).
_SUBJECT = frozenset("children services service council councils authority authorities".split())
FRAMING = frozenset(t for w in QUESTION_WORDS - _SUBJECT for t in terms(w))
# Words asking how good something is ("issues", "findings", "effective"): not a topic.
VERDICT = frozenset(t for w in VERDICT_WORDS for t in terms(w))
# Words asking for a quantity ("count", "number", "percentage"): a figure answers them.
QUANTITY = frozenset(t for w in QUANTITY_WORDS for t in terms(w))
# Report furniture that matches a question's place and date but answers nothing: cover
# lines, and the publisher's back page (what Ofsted is, how to get or reuse the report).
_FURNITURE = re.compile(
    r"^(?:inspection dates?\b|lead inspector\b|report published\b|©|crown copyright\b|"
    r"inspection of .{0,60} children.s services$|"
    r"the office for standards in education\b|it (?:regulates|assesses|inspects) |"
    r"if you would like a copy of this document\b|you may reuse this information\b|"
    r"this (?:publication|document) is available at\b|interested in our work\b|"
    r"(?:t|tel|telephone|textphone):\s*0\d)",
    re.IGNORECASE,
)


def with_parts(vocabulary: set[str]) -> set[str]:
    """``vocabulary`` and the parts of its hyphenated words ("17-year-old": "year", "old")."""
    return vocabulary | {part for t in vocabulary if "-" in t for part in t.split("-") if part}


def in_vocabulary(term: str, vocabulary: set[str]) -> bool:
    """Whether ``term`` or a close form of it is in ``vocabulary`` (see ``closest``)."""
    return closest(term, vocabulary) is not None


def closest(term: str, vocabulary: Collection[str]) -> str | None:
    """``term`` if in ``vocabulary``, else a close form of it, or None.

    A close form: one stem a prefix of the other (inflections), or one letter off
    (two for long words: misspellings).
    """
    if term in vocabulary:
        return term
    if len(term) < 4:
        return None
    for word in sorted(vocabulary):
        if _inflected(term, word):
            return word
    for word in sorted(vocabulary):
        if _misspelt(term, word):
            return word
    return None


def _inflected(term: str, word: str) -> bool:
    """Whether one of two stems (of four letters or more) begins the other."""
    return len(word) >= 4 and (word.startswith(term) or term.startswith(word))


def _misspelt(term: str, word: str) -> bool:
    """Whether ``word`` is one letter off ``term`` (two for a word of eight or more)."""
    allowed = 1 if len(term) < 8 else 2
    return abs(len(word) - len(term)) <= allowed and _edit_distance(term, word, allowed) <= allowed


def close_forms(term: str, counts: Mapping[str, int], n: int = 3) -> list[str]:
    """``term`` if ``counts`` has it, else its ``n`` most used close forms there.

    Close as in :func:`closest`; all of them, not the first in alphabetical order
    ("suport": "support" as well as "sport").
    """
    if term in counts:
        return [term]
    if term.endswith("s") and term[:-1] in counts:  # "FRTs" of "FRT"
        return [term[:-1]]
    if len(term) < 4:
        return []
    near = [w for w in counts if len(w) >= 4 and (_inflected(term, w) or _misspelt(term, w))]
    return sorted(near, key=lambda w: (-counts[w], w))[:n]


def split_forms(term: str, counts: Mapping[str, int]) -> list[str]:
    """A word written as two that ``counts`` holds, hyphenated and spaced.

    "aftercare": "after-care", "after care" (each part three letters or more); a report
    may write it either way though others write it whole.
    """
    if "-" in term:
        return []
    for at in range(3, len(term) - 2):
        head, tail = term[:at], term[at:]
        if head in counts and tail in counts:
            return [f"{head}-{tail}", f"{head} {tail}"]
    return []


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with transpositions, stopping early above ``limit``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def doc_years(chunk: StoredChunk) -> set[int]:
    """The years of a chunk's document: published, inspected, and a date in its file name."""
    return called_years((chunk.published, chunk.inspected), year_in_file_name(chunk.source))


def of_the_time(chunk: StoredChunk, years: set[int]) -> bool:
    """Whether the chunk's document is of the time of ``years`` (the year or the next one)."""
    return bool(doc_years(chunk) & (years | {y + 1 for y in years}))


def fits_years(chunk: StoredChunk, years: set[int]) -> bool:
    """Whether the chunk's document is of the time of ``years`` (:func:`of_the_time`).

    A passage of another time fits when its title or text states one of the years.
    """
    return of_the_time(chunk, years) or bool(years & years_in(f"{chunk.title}\n{chunk.text}"))


def topic_terms(question: str, chunks: list[StoredChunk]) -> list[str]:
    """The question's content words less the authority names, years and locating words."""
    wanted = list(dict.fromkeys(terms(question)))
    # "Stockton" of "Stockton-on-Tees" too
    names = with_parts({t for c in chunks for name in c.authorities for t in terms(name)})
    topic = [
        t
        for t in wanted
        if t not in LOCATING
        and t not in FRAMING
        and t not in VERDICT
        and t not in QUANTITY
        and t not in names
        and not re.fullmatch(r"\d{4}", t)
    ]
    return topic or wanted


def is_furniture(text: str) -> bool:
    """True for cover-page lines (dates, lead inspector, copyright, title), the back page."""
    return bool(_FURNITURE.match(text.strip()))


def missing_terms(question: str, topic: tuple[str, ...], chunks: list[StoredChunk]) -> list[str]:
    """The question's key words that no retrieved passage holds, even misspelt or inflected.

    Generic question words and abbreviations (which retrieval expands) are not key.
    """
    abbreviations = {stem(w) for w in re.findall(r"\b[A-Z][A-Za-z]*[A-Z]s?\b", question)}
    vocabulary = with_parts(
        {t for c in chunks for t in terms(f"{c.title}\n{c.section or ''}\n{c.context}\n{c.text}")}
    )
    return [
        t
        for t in topic
        if t not in GENERIC_QUESTION
        and t not in abbreviations
        and not t.isdigit()
        and not in_vocabulary(t, vocabulary)
    ]

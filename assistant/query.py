"""Query analysis: glossary expansion, authorities, years and typo correction.

``QueryAnalyzer.analyze(question)`` returns a ``QueryAnalysis``: the question with the
terms a lexical (BM25) search should also look for appended, the authorities and years it
names, and the typos it corrected. Nothing here is tuned to particular documents; the
knowledge is general children's-services vocabulary in ``core/reference/glossary.csv``.

The glossary has columns ``term,expansion,kind``:

* ``abbreviation`` rows link an abbreviation to its full form, both ways ("LAC" adds
  "looked after children" and "looked after children" adds "LAC"). A term with several
  rows has several full forms. Links are one hop: a full form does not pass on to the other
  full forms of its abbreviation.
* ``shorthand`` rows link staff's short form to its full form, one way ("SW" adds
  "social worker"; reports never write "SW", so "social worker" does not add it).
* ``synonym`` rows with the same ``term`` form one group (the term and its expansions); a
  phrase of a group adds the other members of every group it belongs to, and their
  abbreviations. Groups are not merged transitively, so a broad word can sit in two groups
  ("exploitation" with "child sexual exploitation" and with "child criminal exploitation")
  without making the two narrow terms synonyms of each other.

Single-word terms written in capitals ("LAC", "SEND") or with inner capitals ("CiC",
"DfE") are matched case-sensitively on whole words (plural "s" and possessive allowed), so
"send" and "black" never match. Such a term typed all in lower case ("cic", "sgos") is
read as the term unless it is an everyday English word ("send", "la":
``core.everyday.ABBREVIATION_ZIPF``). Every other phrase is matched case-insensitively on light
stems, ignoring hyphens and punctuation ("looked-after child" matches "looked after
children"), and the longest phrase at a position wins.

Typo correction looks up question words that are not in the corpus vocabulary in a
SymSpell-style deletion index (built once per vocabulary, on first use) and keeps the
original word next to the correction.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.answering.text_units import STOPWORDS
from assistant.authority_forms import load_short_forms
from assistant.glossary import Glossary as Glossary
from assistant.spelling import MIN_TYPO_LENGTH, _max_distance, _Neighbourhood
from assistant.spelling import _distance as _distance
from core.dates import without_starting_years
from core.everyday import is_everyday_word
from core.vocabulary import EVERYDAY_WORDS, INTENT_PATTERNS, LATEST, PREVIOUS
from ingest.authorities import AuthorityIndex

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+")
"""Words checked for typos: letters only, so numbers and codes are never corrected."""

_YEAR = re.compile(
    r"(?<![\w£$€])((?:199|20[0-3])\d)"
    r"(?:\s?[/\-\u2013]\s?(\d{4}|\d{2})(?![\w%]|[/\-\u2013]\d))?(?![\w%])"
)
"""A year 1990–2039, optionally with a second year ("2022/23", "2009-10", "2019/2020")."""


@dataclass(frozen=True)
class QueryAnalysis:
    """What a question asks about, for retrieval and display.

    Attributes:
        text: the question as given.
        expanded: the question with corrections and glossary expansions appended
            (for the lexical side of retrieval).
        expansions: the glossary terms added.
        authorities: canonical names of the authorities named, in order of mention.
        years: the years named (1990–2039), ascending; "2022/23" gives 2022 and 2023.
        corrections: ``(typed, corrected)`` pairs for the typos corrected.
    """

    text: str
    expanded: str
    expansions: tuple[str, ...]
    authorities: tuple[str, ...]
    years: tuple[int, ...]
    corrections: tuple[tuple[str, str], ...]


def extract_years(text: str) -> tuple[int, ...]:
    """The years 1990–2039 named in ``text``, ascending, ranges giving both ends.

    Args:
        text: a question or title ("March 2025", "9 to 20 May 2022", "2022/23").

    Returns:
        Distinct years; "2022/23" and "2022-2023" give ``(2022, 2023)``. Not a year a
        change is measured from ("since 2021": ``core.dates.without_starting_years``).
    """
    years: set[int] = set()
    for match in _YEAR.finditer(without_starting_years(text)):
        first = int(match.group(1))
        years.add(first)
        second = match.group(2)
        if second is None:
            continue
        if len(second) == 2:
            end = first // 100 * 100 + int(second)
            end += 100 if end <= first else 0
        else:
            end = int(second)
        if 0 < end - first < 10 and end <= 2039:
            years.add(end)
    return tuple(sorted(years))


@dataclass(frozen=True)
class _Fix:
    start: int
    end: int
    typed: str
    fixed: str


def _match_case(typed: str, word: str) -> str:
    if typed.isupper():
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _apply(text: str, fixes: Sequence[_Fix]) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with the fixes applied, and where each fixed word now lies."""
    parts, spans, pos, shift = [], [], 0, 0
    for fix in sorted(fixes, key=lambda f: f.start):
        parts += [text[pos : fix.start], fix.fixed]
        start = fix.start + shift
        spans.append((start, start + len(fix.fixed)))
        shift += len(fix.fixed) - (fix.end - fix.start)
        pos = fix.end
    parts.append(text[pos:])
    return "".join(parts), spans


# two words typed apart, each whole ("pre birth"), not part of a hyphenated word
_WORD_PAIR = re.compile(r"(?<![\w-])([A-Za-z]+) (?=([A-Za-z]+)(?![\w-]))")
_MIN_COMPOUND = 3  # uses of a hyphenated word before it is one the library writes


class QueryAnalyzer:
    """Expands, corrects and reads authorities and years from questions."""

    def __init__(
        self,
        glossary: Glossary,
        authorities: AuthorityIndex | None,
        vocabulary: Callable[[], Collection[str]] | None = None,
        known: Callable[[], Collection[str]] | None = None,
    ):
        """Set up the analyzer; indexes are built on first use.

        Args:
            glossary: abbreviations and synonyms.
            authorities: the authority index; None to skip authority detection.
            vocabulary: returns the lower-case words of the indexed corpus (a mapping of
                word to frequency breaks ties towards frequent words). It is called for
                every question and should return the same object while the corpus is
                unchanged: the typo index is rebuilt when the object or its size changes.
                None disables typo correction.
            known: returns the lower-case words known to be words though the corpus may
                not use them (the embedding tokenizer's whole words): never corrected
                ("count" is not a mistyped "county"). None: only the corpus's words.
        """
        self._glossary = glossary
        self._authorities = authorities
        self._vocabulary = vocabulary
        self._known = known
        self._lock = threading.Lock()
        self._vocab_ref: Collection[str] | None = None
        self._vocab_key: tuple[int, int] | None = None
        self._vocab_index: _Neighbourhood | None = None
        self._place_index: _Neighbourhood | None = None
        self._place_case: dict[str, str] = {}
        self._listed: frozenset[str] | None = None

    def vocabulary(self) -> Collection[str] | None:
        """The library's lower-case words (None when typo correction is off)."""
        return self._vocab()[0]

    def cased(self, text: str) -> str:
        """``text`` with abbreviations typed in lower case in their own case ("cic": "CiC")."""
        return self._glossary.cased(text, is_everyday_word)

    def hyphenated(self, text: str) -> str:
        """``text`` with two words written with a hyphen where the library writes them so.

        "pre birth" is "pre-birth" and "multi agency" "multi-agency" when the reports use
        the first word more often in that compound than alone (not "long term": "long" is
        a word of its own). Needs word counts (a mapping); else ``text`` as it is.
        """
        counts = self.vocabulary()
        if not isinstance(counts, Mapping):
            return text

        out = text
        for m in reversed(list(_WORD_PAIR.finditer(text))):
            first, second = m.group(1), m.group(2)
            if first.lower() in STOPWORDS or second.lower() in STOPWORDS:
                continue  # "in care": the library counts no stop word alone
            compound = f"{first.lower()}-{second.lower()}"
            used = counts.get(compound, 0)
            if used >= _MIN_COMPOUND and used > counts.get(first.lower(), 0):
                out = f"{out[: m.start()]}{first}-{out[m.end() :]}"
        return out

    def phrases(self, text: str) -> list[str]:
        """The glossary's phrases found in ``text`` ("county lines", "children's views")."""
        return self._glossary.matches(text)

    def of_the_field(self, text: str) -> bool:
        """Whether ``text`` is, or is part of, a phrase of the glossary ("youth justice")."""
        return self._glossary.within_a_term(text)

    def knows(self, short: str) -> bool:
        """Whether the glossary (the shipped one or the library's learnt) spells out ``short``."""
        return bool(self._glossary.expand(short))

    def warm_up(self) -> None:
        """Build the typo indexes now rather than on the first question."""
        self._vocab()
        self._places()

    def analyze(self, question: str) -> QueryAnalysis:
        """Analyse a question.

        Args:
            question: the question as typed.

        Returns:
            Expansions, authorities, years and corrections (see ``QueryAnalysis``).
        """
        vocab, vocab_index = self._vocab()
        fixes = self._authority_fixes(question, vocab)
        text, _ = _apply(question, fixes)
        if vocab is not None and vocab_index is not None:
            more = self._typo_fixes(text, vocab, vocab_index)
            if more:
                fixes = sorted(fixes + more, key=lambda f: question.find(f.typed))
                text, _ = _apply(text, more)
        authorities: tuple[str, ...] = ()
        if self._authorities is not None:
            authorities = tuple(m.name for m in self._authorities.find(text))
        expansions = tuple(self._glossary.expand(text))
        corrections = tuple(dict.fromkeys((f.typed, f.fixed) for f in fixes))
        added = list(dict.fromkeys(f.fixed for f in fixes)) + list(expansions)
        expanded = " ".join([question, *added]) if added else question
        if corrections:
            logger.debug("corrected %d word(s)", len(corrections))
        return QueryAnalysis(
            text=question,
            expanded=expanded,
            expansions=expansions,
            authorities=authorities,
            years=extract_years(question),
            corrections=corrections,
        )

    # -- typo correction ------------------------------------------------------------

    def _vocab(self) -> tuple[Collection[str] | None, _Neighbourhood | None]:
        if self._vocabulary is None:
            return None, None
        vocab = self._vocabulary()
        key = (id(vocab), len(vocab))
        with self._lock:
            if key != self._vocab_key or self._vocab_ref is not vocab:
                counts = vocab if isinstance(vocab, Mapping) else None
                self._vocab_index = _Neighbourhood(vocab, counts) if vocab else None
                self._vocab_ref, self._vocab_key = vocab, key
                logger.debug("typo index built over %d words", len(vocab))
            return vocab, self._vocab_index

    def _listed_forms(self) -> frozenset[str]:
        """The listed short forms of places ("Yorks", "Notts"): typed on purpose, no slip."""
        if self._listed is None:
            self._listed = frozenset(short.lower() for _, short in load_short_forms())
        return self._listed

    def _places(self) -> _Neighbourhood | None:
        if self._authorities is None:
            return None
        with self._lock:
            if self._place_index is None:
                for authority in self._authorities.all():
                    for name in (authority.name, *authority.aliases):
                        for word in _WORD.findall(name):
                            if (
                                word[0].isupper()
                                and word[1:].islower()
                                and len(word) >= MIN_TYPO_LENGTH - 1
                            ):
                                self._place_case.setdefault(word.lower(), word)
                self._place_index = _Neighbourhood(sorted(self._place_case))
            return self._place_index

    def _authority_fixes(self, question: str, vocab: Collection[str] | None) -> list[_Fix]:
        """Misspelt authority names, kept only when the corrected question names one."""
        index = self._authorities
        if index is None:
            return []
        places = self._places()
        if places is None:
            return []
        named = [(s.start, s.end) for s in index.spans(question)]
        fixes = []
        for m in _WORD.finditer(question):
            word = m.group()
            lower = word.lower()
            if any(a < m.end() and m.start() < b for a, b in named):
                continue  # already part of a recognised name
            if (
                not word[0].isupper()
                or len(word) < MIN_TYPO_LENGTH
                or lower in self._place_case
                or lower in self._listed_forms()
                or lower in STOPWORDS
                or (vocab is not None and lower in vocab)
                # an everyday English word is meant as itself, whatever the library's
                # words: "needs" is no slip of Leeds, nor "survey" of Surrey
                or is_everyday_word(lower)
            ):
                continue
            nearest = places.nearest(lower, _max_distance(lower))
            # a slip rarely hits the first letter ("Suton" is Sutton, not Luton); two
            # names as close either way are a guess
            nearest = [w for w in nearest if w[0] == lower[0]] or nearest
            if len(nearest) == 1:
                fixes.append(_Fix(m.start(), m.end(), word, self._place_case[nearest[0]]))
        if not fixes:
            return []
        fixed, where = _apply(question, fixes)
        spans = [(s.start, s.end) for s in index.spans(fixed)]
        return [
            fix
            for fix, (a, b) in zip(fixes, where, strict=True)
            if any(s < b and a < e for s, e in spans)
        ]

    def _typo_fixes(self, text: str, vocab: Collection[str], index: _Neighbourhood) -> list[_Fix]:
        protected: list[tuple[int, int]] = []
        known = self._known() if self._known is not None else ()
        if self._authorities is not None:
            protected = [(s.start, s.end) for s in self._authorities.spans(text)]
        fixes = []
        for m in _WORD.finditer(text):
            word = m.group()
            lower = word.lower()
            if (
                len(word) < MIN_TYPO_LENGTH
                or lower in vocab
                or lower in known
                or lower in self._listed_forms()
                or lower in STOPWORDS
                # typed so on purpose ("whats", "theres"): read as words, not as slips
                or lower in EVERYDAY_WORDS
                or self._glossary.is_term(word)
                or any(s < m.end() and m.start() < e for s, e in protected)
            ):
                continue
            # a slip rarely hits the first letter: "deadline" is not a mistyped "headline"
            nearest = [w for w in index.nearest(lower, _max_distance(lower)) if w[0] == lower[0]]
            if not nearest:
                continue
            choice = self._in_context(text, m.start(), m.end(), nearest)
            fixes.append(_Fix(m.start(), m.end(), word, _match_case(word, choice)))
        return fixes

    def _in_context(self, text: str, start: int, end: int, candidates: list[str]) -> str:
        """Among equally close words, prefer one that completes a glossary phrase."""
        if len(candidates) == 1:
            return candidates[0]
        before = len(self._glossary.matches(text))
        for word in candidates:
            if len(self._glossary.matches(text[:start] + word + text[end:])) > before:
                return word
        return candidates[0]


Recency = Literal["latest", "previous"]


def corrected_text(question: str, analysis: QueryAnalysis) -> str:
    """``question`` with the analysis's typo corrections ("outstandng": "outstanding")."""
    for typed, fixed in analysis.corrections:
        question = re.sub(rf"\b{re.escape(typed)}\b", fixed, question, flags=re.I)
    return question


def asked_text(question: str, analysis: QueryAnalysis) -> str:
    """``question`` corrected, with the glossary's spelt-out phrases that ask something.

    "dorset WNTI" asks "what needs to improve" as plainly as those words would. An
    expansion that names a thing ("LAC": looked after children) is not added, nor a
    one-word synonym ("excellent": "outstanding" is no question of a grade).
    """
    corrected = corrected_text(question, analysis)
    asking = [
        e
        for e in analysis.expansions
        if len(e.split()) > 1 and any(p.search(e) for p in INTENT_PATTERNS.values())
    ]
    return " ".join([corrected, *asking]) if asking else corrected


def recency_of(question: str) -> Recency | None:
    """Whether the question means the latest or the previous report, if it says."""
    if PREVIOUS.search(question):
        return "previous"
    if LATEST.search(question):
        return "latest"
    return None

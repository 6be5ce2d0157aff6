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
* ``synonym`` rows with the same ``term`` form one group (the term and its expansions); a
  phrase of a group adds the other members of every group it belongs to, and their
  abbreviations. Groups are not merged transitively, so a broad word can sit in two groups
  ("exploitation" with "child sexual exploitation" and with "child criminal exploitation")
  without making the two narrow terms synonyms of each other.

Single-word terms written in capitals ("LAC", "SEND") or with inner capitals ("CiC",
"DfE") are matched case-sensitively on whole words (plural "s" and possessive allowed), so
"send" and "black" never match. Every other phrase is matched case-insensitively on light
stems, ignoring hyphens and punctuation ("looked-after child" matches "looked after
children"), and the longest phrase at a position wins.

Typo correction looks up question words that are not in the corpus vocabulary in a
SymSpell-style deletion index (built once per vocabulary, on first use) and keeps the
original word next to the correction.
"""

from __future__ import annotations

import csv
import logging
import re
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

import numpy as np

from assistant.answering.text_units import STOPWORDS, stem
from core.errors import ConfigError
from ingest.authorities import AuthorityIndex

logger = logging.getLogger(__name__)

_KINDS = ("abbreviation", "synonym")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*|&")
"""Glossary tokens: words and numbers (with a possessive), and "&" read as "and"."""

_WORD = re.compile(r"[^\W\d_]+")
"""Words checked for typos: letters only, so numbers and codes are never corrected."""

_YEAR = re.compile(
    r"(?<![\w£$€])((?:199|20[0-3])\d)"
    r"(?:\s?[/\-\u2013]\s?(\d{4}|\d{2})(?![\w%]|[/\-\u2013]\d))?(?![\w%])"
)
"""A year 1990–2039, optionally with a second year ("2022/23", "2009-10", "2019/2020")."""

_MIN_TYPO_LENGTH = 5
_PREFIX = 7
"""Deletions are indexed on the first characters only (SymSpell's prefix trick)."""

Key = tuple[str, ...]
"""A glossary phrase: ``("=LAC",)`` for a case-sensitive term, else its stems."""


def _default_path() -> Traversable:
    return files("core.reference") / "glossary.csv"


def _norm(token: str) -> str:
    if token == "&":
        return "and"
    s = stem(token)
    return "child" if s == "children" else s


def _is_exact(phrase: str) -> bool:
    """True for a single word in capitals or with inner capitals ("LAC", "CiC", "KS4")."""
    if " " in phrase or not any(c.isalpha() for c in phrase):
        return False
    letters = [c for c in phrase if c.isalpha()]
    return all(c.isupper() for c in letters) or any(c.isupper() for c in phrase[1:])


def _exact_variants(surface: str) -> Iterable[str]:
    """The word, without a possessive, and without a plural "s" after a capital or digit."""
    yield surface
    for suffix in ("'s", "’s"):
        if surface.endswith(suffix):
            surface = surface[: -len(suffix)]
            yield surface
    if len(surface) > 2 and surface.endswith("s") and not surface[-2].islower():
        yield surface[:-1]


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


class Glossary:
    """Children's-services abbreviations and synonym groups, matched in text."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]):
        """Build the glossary.

        Args:
            rows: ``(term, expansion, kind)`` with kind "abbreviation" or "synonym".

        Raises:
            ConfigError: a row has an unknown kind or an empty field.
        """
        self._display: dict[Key, str] = {}
        self._links: dict[Key, list[Key]] = {}
        self._groups: dict[Key, list[int]] = {}
        self._members: list[list[Key]] = []
        self._exact: dict[str, Key] = {}
        self._exact_lower: set[str] = set()
        self._trie: dict = {}
        group_of_term: dict[Key, int] = {}
        for term, expansion, kind in rows:
            term, expansion, kind = term.strip(), expansion.strip(), kind.strip()
            if not term or not expansion or kind not in _KINDS:
                raise ConfigError(f"glossary row {term!r}, {expansion!r}, {kind!r} is invalid")
            a, b = self._add_form(term), self._add_form(expansion)
            if a == b:
                continue
            if kind == "abbreviation":
                for x, y in ((a, b), (b, a)):
                    links = self._links.setdefault(x, [])
                    if y not in links:
                        links.append(y)
            else:
                group = group_of_term.get(a)
                if group is None:
                    group = group_of_term[a] = len(self._members)
                    self._members.append([a])
                    self._groups.setdefault(a, []).append(group)
                if b not in self._members[group]:
                    self._members[group].append(b)
                    self._groups.setdefault(b, []).append(group)

    @classmethod
    def load(cls, path: Traversable | None = None) -> Glossary:
        """Read a glossary CSV with columns ``term,expansion,kind``.

        Args:
            path: the CSV file; defaults to the shipped ``core/reference/glossary.csv``.

        Returns:
            The glossary.

        Raises:
            ConfigError: the file is missing or malformed.
        """
        path = path or _default_path()
        try:
            with path.open(newline="", encoding="utf-8-sig") as f:
                rows = [(r["term"], r["expansion"], r["kind"]) for r in csv.DictReader(f)]
        except (OSError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"cannot read glossary {path}: {exc}") from exc
        return cls(rows)

    def _add_form(self, phrase: str) -> Key:
        if _is_exact(phrase):
            key: Key = ("=" + phrase,)
            self._exact[phrase] = key
            self._exact_lower.add(phrase.lower())
        else:
            key = tuple(_norm(t) for t in _TOKEN.findall(phrase))
            if not key:
                raise ConfigError(f"glossary phrase {phrase!r} has no words")
            node = self._trie
            for part in key:
                node = node.setdefault(part, {})
            node["\0"] = key
        self._display.setdefault(key, phrase)
        return key

    def is_term(self, word: str) -> bool:
        """True if ``word`` is a case-sensitive glossary term in any case ("camhs")."""
        return word.lower() in self._exact_lower

    def matches(self, text: str) -> list[str]:
        """The glossary phrases found in ``text``, as written in the glossary."""
        return [self._display[k] for k in self._match(_tokens(text))]

    def expand(self, text: str) -> list[str]:
        """Terms to add to ``text``: full forms, abbreviations and synonyms of its phrases.

        Args:
            text: a question.

        Returns:
            The terms in order of the phrases they come from, without those ``text``
            already contains.
        """
        tokens = _tokens(text)
        matched = self._match(tokens)
        present_exact = {v for surface, _ in tokens for v in _exact_variants(surface)}
        present = "\x1f" + "\x1f".join(n for _, n in tokens) + "\x1f"

        def missing(key: Key) -> bool:
            if key[0].startswith("="):
                return key[0][1:] not in present_exact
            return "\x1f" + "\x1f".join(key) + "\x1f" not in present

        out: dict[Key, None] = {}
        for key in matched:
            first = [key, *self._links.get(key, ())]
            related = list(first)
            for form in first:
                for group in self._groups.get(form, ()):
                    for member in self._members[group]:
                        related += [member, *self._links.get(member, ())]
            for form in related:
                if form not in out and form not in matched and missing(form):
                    out[form] = None
        return [self._display[k] for k in out if not _inside_another(k, out)]

    def _match(self, tokens: list[tuple[str, str]]) -> list[Key]:
        found: dict[Key, None] = {}
        i = 0
        while i < len(tokens):
            surface = tokens[i][0]
            for variant in _exact_variants(surface):
                key = self._exact.get(variant)
                if key is not None:
                    found[key] = None
                    break
            node, j, best = self._trie, i, None
            while j < len(tokens) and (node := node.get(tokens[j][1])) is not None:
                j += 1
                if "\0" in node:
                    best = (node["\0"], j)
            if best is not None:
                found[best[0]] = None
                i = best[1]
            else:
                i += 1
        return list(found)


def _inside_another(key: Key, keys: Iterable[Key]) -> bool:
    """True if the phrase ``key`` is part of a longer phrase among ``keys``."""
    if key[0].startswith("="):
        return False
    inner = "\x1f" + "\x1f".join(key) + "\x1f"
    return any(
        len(other) > len(key) and inner in "\x1f" + "\x1f".join(other) + "\x1f" for other in keys
    )


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(t, _norm(t)) for t in _TOKEN.findall(text)]


def extract_years(text: str) -> tuple[int, ...]:
    """The years 1990–2039 named in ``text``, ascending, ranges giving both ends.

    Args:
        text: a question or title ("March 2025", "9 to 20 May 2022", "2022/23").

    Returns:
        Distinct years; "2022/23" and "2022-2023" give ``(2022, 2023)``.
    """
    years: set[int] = set()
    for match in _YEAR.finditer(text):
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


def _max_distance(word: str) -> int:
    return 1 if len(word) < 8 else 2


def _deletes(word: str, depth: int) -> set[str]:
    """``word`` and every string made from it by deleting up to ``depth`` characters."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or ``limit + 1`` if above."""
    if a == b:
        return 0
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    if not la or not lb:
        return max(la, lb)
    before: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        ai = a[i - 1]
        cur = [i] + [0] * lb
        lowest = i
        for j in range(1, lb + 1):
            bj = b[j - 1]
            v = prev[j - 1] + (ai != bj)
            if prev[j] + 1 < v:
                v = prev[j] + 1
            if cur[j - 1] + 1 < v:
                v = cur[j - 1] + 1
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == bj and before[j - 2] + 1 < v:
                v = before[j - 2] + 1
            cur[j] = v
            if v < lowest:
                lowest = v
        if lowest > limit:
            return limit + 1
        before, prev = prev, cur
    return prev[lb]


class _Neighbourhood:
    """SymSpell-style index: the words of a list within a small edit distance of a word.

    Deletions (up to 2) of each word's first ``_PREFIX`` letters are hashed into one sorted
    NumPy array, so 50,000 words take about 20 MB and a lookup is a few binary searches.
    Hash collisions only add candidates, which are checked by the real distance.
    """

    def __init__(self, words: Iterable[str], counts: Mapping[str, int] | None = None):
        self.words: list[str] = []
        self.counts: list[int] = []
        by_prefix: dict[str, list[int]] = {}
        for word in words:
            if len(word) < _MIN_TYPO_LENGTH - 1 or not word.isalpha():
                continue
            by_prefix.setdefault(word[:_PREFIX], []).append(len(self.words))
            self.words.append(word)
            self.counts.append(int(counts.get(word, 0)) if counts is not None else 0)
        self._prefix_words: list[list[int]] = list(by_prefix.values())
        hashes: list[int] = []
        ids: list[int] = []
        for pid, (prefix, members) in enumerate(by_prefix.items()):
            longest = max(len(self.words[m]) for m in members)
            for d in _deletes(prefix, 1 if longest < 6 else 2):
                hashes.append(hash(d))
                ids.append(pid)
        keys = np.array(hashes, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self._keys = keys[order]
        self._ids = np.array(ids, dtype=np.int32)[order]

    def nearest(self, word: str, limit: int) -> list[str]:
        """The words at the smallest distance ≤ ``limit``, most frequent then A–Z first."""
        if not self.words:
            return []
        probes = np.array([hash(d) for d in _deletes(word[:_PREFIX], limit)], dtype=np.int64)
        lo = np.searchsorted(self._keys, probes, "left")
        hi = np.searchsorted(self._keys, probes, "right")
        prefixes: set[int] = set()
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            if b > a:
                prefixes.update(self._ids[a:b].tolist())
        best: list[tuple[int, int, str]] = []
        for pid in prefixes:
            for m in self._prefix_words[pid]:
                other = self.words[m]
                if abs(len(other) - len(word)) > limit:
                    continue
                d = _distance(word, other, limit)
                if d <= limit:
                    best.append((d, -self.counts[m], other))
        if not best:
            return []
        best.sort()
        return [w for d, _, w in best if d == best[0][0]]


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


class QueryAnalyzer:
    """Expands, corrects and reads authorities and years from questions."""

    def __init__(
        self,
        glossary: Glossary,
        authorities: AuthorityIndex | None,
        vocabulary: Callable[[], Collection[str]] | None = None,
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
        """
        self._glossary = glossary
        self._authorities = authorities
        self._vocabulary = vocabulary
        self._lock = threading.Lock()
        self._vocab_ref: Collection[str] | None = None
        self._vocab_key: tuple[int, int] | None = None
        self._vocab_index: _Neighbourhood | None = None
        self._place_index: _Neighbourhood | None = None
        self._place_case: dict[str, str] = {}

    def vocabulary(self) -> Collection[str] | None:
        """The library's lower-case words (None when typo correction is off)."""
        return self._vocab()[0]

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
                                and len(word) >= _MIN_TYPO_LENGTH - 1
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
                or len(word) < _MIN_TYPO_LENGTH
                or lower in self._place_case
                or lower in STOPWORDS
                or (vocab is not None and lower in vocab)
            ):
                continue
            nearest = places.nearest(lower, _max_distance(lower))
            if nearest:
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
        if self._authorities is not None:
            protected = [(s.start, s.end) for s in self._authorities.spans(text)]
        fixes = []
        for m in _WORD.finditer(text):
            word = m.group()
            lower = word.lower()
            if (
                len(word) < _MIN_TYPO_LENGTH
                or lower in vocab
                or lower in STOPWORDS
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

"""Abbreviations the library's own reports define, learnt into the glossary.

A report spells out each local short form once, where it first uses it: "an active and
vocal children in care council (CiCC)", "Support for Success (SfS)", "the multi-agency
safeguarding hub (MASH)". Staff then type the short form ("nottingham CiCC attendance",
"cornwall GTY"). The shipped glossary (``core/reference/glossary.csv``) knows the national
ones; a council's own schemes and teams are known only to its reports. This module reads
those definitions (the long form's initials must spell the short form, as in Schwartz and
Hearst's method) and adds them to the glossary as abbreviations, so that a question typed
with the short form finds and covers the passages written with the long form, and the
reverse. A short form the shipped glossary already has keeps its shipped meaning.

The definitions of each document are kept on disk by document id (ids are content
hashes), so only documents added since are read; the glossary learns them when the
library changes (its lexical index's signature).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from assistant.glossary import Glossary

log = logging.getLogger(__name__)

_SHORT = re.compile(r"\(([A-Za-z][A-Za-z&]{1,9})\)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# words a long form may skip when its short form leaves them out ("assessed and supported
# year in employment (ASYE)")
_MINOR = frozenset("a an and at by for in into of on or the to with".split())
_MOST_EXTRA_WORDS = 4
_CACHE_VERSION = 1


def defined_abbreviations(text: str) -> Iterator[tuple[str, str]]:
    """``(short form, long form)`` for each "long form (SHORT)" in ``text``.

    The short form has two or more capitals ("CiCC", "SfS", "PAs" read as "PA"); the long
    form is the fewest words just before it whose initials spell it, counting every word
    or only the words that are not minor ("of", "and", "in"), with hyphenated words read
    as their parts ("multi-agency safeguarding hub (MASH)").
    """
    for m in _SHORT.finditer(text):
        short = m.group(1)
        if short.endswith("s") and len(short) > 2 and short[-2].isupper():
            short = short[:-1]
        if sum(c.isupper() for c in short) < 2:
            continue
        letters = [c.lower() for c in short if c.isalpha()]
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = re.split(r"[.;:!?()]", text[max(line_start, m.start() - 200) : m.start()])[-1]
        words = [p for w in _WORD.findall(before) for p in w.split("-") if p]
        long = _long_form(words, letters)
        if long:
            yield short, long


def _long_form(words: list[str], letters: list[str]) -> str | None:
    """The fewest last ``words`` whose initials spell ``letters``, joined; else None."""
    most = min(len(words), len(letters) + _MOST_EXTRA_WORDS)
    for k in range(len(letters), most + 1):
        tail = words[-k:]
        if tail[0][0].lower() != letters[0]:
            continue
        every = [w[0].lower() for w in tail]
        major = [w[0].lower() for w in tail if w.lower() not in _MINOR]
        if every == letters or (major == letters and tail[0].lower() not in _MINOR):
            return " ".join(tail)
    return None


# a name a report writes: in quotes, or its words capitalised (not the sentence's first only)
_QUOTE_BEFORE = "‘'\"“"
_QUOTE_AFTER = "’'\"”"


def named_by_initials(short: str, texts: Iterable[str]) -> str | None:
    """The name ``texts`` write whose initials spell ``short``, when they never define it.

    Staff shorten a council's scheme or team to its initials ("harrow KFT team", "LTC
    campaign") where its report only ever writes it out ("the ‘keeping families together’
    team", "the 'Language That Cares' campaign"). A run of words whose initials spell the
    short form (every word, or the words that are not minor, hyphenated words read as their
    parts) counts only where the report writes it as a name: in quotes, or with each of its
    words capitalised, not at a sentence's start. Chance runs of everyday words ("children
    are sent personalised") are never written so. None when no run is, or when two
    different names are (the short form is no one name).
    """
    letters = [c.lower() for c in short if c.isalpha()]
    if len(letters) < 3:
        return None
    found: Counter[str] = Counter()
    written: dict[str, str] = {}
    for text in texts:
        words = [
            (part, m.start() + offset)
            for m in _WORD.finditer(text)
            for part, offset in _parts(m.group())
        ]
        for i, (word, at) in enumerate(words):
            if word[0].lower() != letters[0] or word.lower() in _MINOR:
                continue
            run = _run(words, i, letters)
            if run is None:
                continue
            end = words[run][1] + len(words[run][0])
            span = text[at:end]
            if "\n" in span or not _as_a_name(text, at, end, [w for w, _ in words[i : run + 1]]):
                continue
            key = " ".join(span.lower().split())
            found[key] += 1
            written.setdefault(key, " ".join(span.split()))
    if len(found) != 1:
        return None
    return written[next(iter(found))]


def _parts(word: str) -> Iterator[tuple[str, int]]:
    """A word's hyphenated parts with their offsets in it (a closing quote left out)."""
    offset = 0
    for part in word.rstrip("'’").split("-"):
        if part:
            yield part, offset
        offset += len(part) + 1


def _run(words: list[tuple[str, int]], start: int, letters: list[str]) -> int | None:
    """The index of the last word of a run from ``start`` whose initials spell ``letters``."""
    i, k = start, 0
    while k < len(letters) and i < len(words):
        word = words[i][0]
        if word[0].lower() == letters[k]:
            k += 1
        elif word.lower() not in _MINOR:
            return None
        i += 1
    last = i - 1
    return last if k == len(letters) and words[last][0].lower() not in _MINOR else None


def _as_a_name(text: str, start: int, end: int, words: list[str]) -> bool:
    """Whether ``text[start:end]`` is written as a name: quoted, or capitalised words."""
    at = start - 1
    while at >= 0 and text[at] == " ":  # the character before, past spaces (no copy of text)
        at -= 1
    before = text[at] if at >= 0 else ""
    if before and before in _QUOTE_BEFORE and text[end : end + 1] in _QUOTE_AFTER:
        return True
    major = [w for w in words if w.lower() not in _MINOR]
    if not all(w[0].isupper() for w in major) or all(w.isupper() for w in major):
        return False
    # a sentence's first word is capitalised anyway: a name of several capitalised words
    return not (before in ("", ".", "!", "?", "•", "■") and len(major) < 2)


def chosen(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each short form's long form, as first written.

    The long form the documents give it most often, in whatever case they write it.
    """
    counts: dict[str, Counter[str]] = {}
    written: dict[str, str] = {}
    for short, long in pairs:
        counts.setdefault(short, Counter())[long.lower()] += 1
        written.setdefault(long.lower(), long)
    return {short: written[c.most_common(1)[0][0]] for short, c in sorted(counts.items())}


class LibraryAbbreviations:
    """Teaches a glossary the abbreviations the library's documents define."""

    def __init__(
        self,
        glossary: Glossary,
        documents: Callable[[], Iterable[str]],
        text: Callable[[str], str | None],
        signature: Callable[[], str | None],
        cache: Path | None = None,
    ) -> None:
        """Read the library through callables.

        ``documents()`` lists the ids, ``text(id)`` reads one, ``signature()`` changes when
        the library does, and ``cache`` is the file the definitions are kept in.
        """
        self.glossary = glossary
        self._documents = documents
        self._text = text
        self._signature = signature
        self._cache = cache
        self._lock = threading.Lock()
        self._seen_signature: object = object()  # never a real signature
        self._by_doc: dict[str, list[list[str]]] = self._load()
        self.learnt: dict[str, str] = {}

    def refresh(self) -> None:
        """Learn the definitions of documents added since the last call."""
        signature = self._signature()
        if signature == self._seen_signature:
            return
        with self._lock:
            if signature == self._seen_signature:
                return
            ids = list(self._documents())
            new = [i for i in ids if i not in self._by_doc]
            for doc_id in new:
                text = self._text(doc_id) or ""
                self._by_doc[doc_id] = [list(p) for p in dict.fromkeys(defined_abbreviations(text))]
            if new:
                self._save()
            pairs = (tuple(p) for i in ids for p in self._by_doc.get(i, ()))
            wanted = {
                short: long
                for short, long in chosen(pairs).items()
                if short not in self.learnt and not self.glossary.is_term(short)
            }
            if wanted:
                self.glossary.add_abbreviations(wanted.items())
                self.learnt.update(wanted)
                log.info("learnt %d abbreviations the library defines", len(wanted))
            self._seen_signature = signature

    def _load(self) -> dict[str, list[list[str]]]:
        if self._cache is None or not self._cache.is_file():
            return {}
        try:
            data = json.loads(self._cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # read again from the documents
        if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION:
            return {}
        return {k: v for k, v in data.get("documents", {}).items() if isinstance(v, list)}

    def _save(self) -> None:
        if self._cache is None:
            return
        data = {"version": _CACHE_VERSION, "documents": self._by_doc}
        try:
            self._cache.parent.mkdir(parents=True, exist_ok=True)
            part = self._cache.with_suffix(".part")
            part.write_text(json.dumps(data), encoding="utf-8")
            part.replace(self._cache)
        except OSError as exc:  # a cache only: the next start reads the documents again
            log.warning("cannot keep the library's abbreviations in %s: %s", self._cache, exc)

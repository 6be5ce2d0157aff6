"""Which words of a question say how it is put rather than what it is about.

A question is put in everyday words ("went missing", "put in B&Bs", "sticking around", "how
old") and is about a few others. A word says how the question is put when it is common in
English (the ``wordfreq`` package's shipped list: its Zipf frequency, log10 of uses per
billion words, is at least :data:`EVERYDAY_ZIPF`: "went" 5.5, "lot" 5.6, "kids" 5.3) and the
library's reports use it clearly less than English does (:data:`RARER_IN_REPORTS`: "went"
3.9 in the reports). "care" (5.6 in English, 7.2 in the reports), "home" or "children" are
what reports are about, and "days" (5.6, 5.2) is as much the reports' word as anyone's:
they stay topic words. The answerer neither refuses for lacking a phrasing word nor lets a
sentence that has only phrasing words answer. Both values were set on the development
split (bench/RESULTS.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache

# Zipf frequency in English from which a word may be a phrasing word (module docstring)
EVERYDAY_ZIPF = 5.0
# how much rarer (on the Zipf scale) the reports must use it: 0.5 is about three times
RARER_IN_REPORTS = 0.5

# Zipf frequency in English from which a lower-case word typed as a glossary abbreviation
# is read as the word ("send", "la", "eh"), below which as the abbreviation ("cic", "mash",
# "sw"); chosen so that everyday words staff type ("send", "la", "pa") stay words, not
# tuned on an evaluation set
ABBREVIATION_ZIPF = 4.0

# Zipf frequency below which a word is no English word at all (under one use in a million
# words): a council's short form of three letters typed in lower case ("bwd") is read as
# the council only then, not when it is also a word or a common abbreviation ("mk", "som")
NO_WORD_ZIPF = 3.0


def is_everyday_word(word: str) -> bool:
    """Whether a lower-case word is common enough in English to be meant as itself."""
    return zipf(word) >= ABBREVIATION_ZIPF


_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


@lru_cache(maxsize=65536)  # bounded: a server reads words of any question for ever
def zipf(word: str) -> float:
    """The word's Zipf frequency in English (0 when the list lacks it)."""
    from wordfreq import zipf_frequency  # reads its word list on first use

    return float(zipf_frequency(word.lower(), "en", wordlist="small"))


class Phrasing:
    """Tells a question's phrasing words, given the library's word counts."""

    def __init__(self, vocabulary: Callable[[], Mapping[str, int]]) -> None:
        """``vocabulary``: the library's surface words (lower case) and their counts."""
        self.vocabulary = vocabulary
        self._total: tuple[tuple[int, int], int] = ((-1, -1), 0)  # (counts' id and size, sum)

    def library_zipf(self, word: str) -> float:
        """The word's Zipf frequency in the library's reports (one use added to every count)."""
        counts = self.vocabulary()
        key = (id(counts), len(counts))  # the index adds to its counts as it grows
        if self._total[0] != key:
            self._total = (key, sum(counts.values()))
        total = self._total[1] + len(counts) + 1
        return math.log10((counts.get(word, 0) + 1) / total * 1e9)

    def is_phrasing(self, word: str) -> bool:
        """Common in English and no more common in the reports (see the module docstring)."""
        word = word.lower().rstrip("'’-")
        general = zipf(word)
        return general >= EVERYDAY_ZIPF and self.library_zipf(word) <= general - RARER_IN_REPORTS

    def stems(self, text: str, stem: Callable[[str], str]) -> frozenset[str]:
        """The stems (by ``stem``) of the phrasing words of ``text``.

        A stem that is also the stem of a topic word of the text ("lived" and "living")
        is not a phrasing stem.
        """
        read = [(stem(w), self.is_phrasing(w)) for w in _WORD.findall(text)]
        phrasing = {s for s, is_phrasing in read if is_phrasing}
        return frozenset(phrasing - {s for s, is_phrasing in read if not is_phrasing})

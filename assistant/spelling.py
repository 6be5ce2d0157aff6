"""Edit distance and a SymSpell-style deletion index for typo correction.

Question words that are not in the library's vocabulary are looked up in a deletion index
(built once per vocabulary, on first use); :func:`_distance` is a bounded
Damerau-Levenshtein distance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np

from core.vocabulary import EVERYDAY_WORDS

MIN_TYPO_LENGTH = 5
"""Shorter words are never corrected (a vocabulary word one letter shorter may be a fix)."""
_PREFIX = 7
"""Deletions are indexed on the first characters only (SymSpell's prefix trick)."""


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
            if len(word) < MIN_TYPO_LENGTH - 1 or not word.isalpha():
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


# not a letter of a pair ("y/n", "b/c") or of initials ("R&D")
_EVERYDAY = re.compile(
    rf"(?<![/&])\b(?:{'|'.join(map(re.escape, EVERYDAY_WORDS))})\b(?![/&])", re.IGNORECASE
)


def _everyday_word(m: re.Match[str]) -> str:
    word = EVERYDAY_WORDS[m.group().lower()]
    return word.capitalize() if m.group()[:1].isupper() else word


def everyday_words(text: str) -> str:
    """``text`` with staff's words that reports do not use written as reports do.

    "kids" is "children", "yrs" "years" (``core.vocabulary.EVERYDAY_WORDS``).
    """
    return _EVERYDAY.sub(_everyday_word, text)

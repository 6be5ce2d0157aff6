"""Markdown emphasis (``**bold**``, ``*it*``, ``_it_``, ``~~strike~~``) removed in linear time.

Each kind is what the regex ``OPEN(.+?)CLOSE`` replaced by its content did: the
leftmost opener, the nearest closer after at least one character on the same line,
and on to the text after it. A backtracking engine rescans the rest of the line
from every opener that has no closer (``"**a " * 20_000`` took minutes); here the
closers are found once and each opener looks its closer up by bisection.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Emphasis:
    """One kind of emphasis: the opener, and the closer of each opening delimiter.

    The opener's first group that took part is the delimiter; ``closers`` is keyed by
    it, lower-cased. ``empty`` lists the delimiters whose content may be empty
    (``.*?``; the others are ``.+?``).
    """

    opener: re.Pattern[str]
    closers: dict[str, re.Pattern[str]]
    empty: frozenset[str] = frozenset()

    def spans(self, text: str) -> Iterator[tuple[int, int, int, int]]:
        """``(start, content start, content end, end)`` of each emphasised span."""
        newlines = [m.start() for m in re.finditer("\n", text)]
        found: dict[str, list[int]] = {}
        search = 0
        while (m := self.opener.search(text, search)) is not None:
            delim = next(g for g in m.groups() if g is not None).lower()
            start = m.end()
            if delim not in found:
                found[delim] = [c.start() for c in self.closers[delim].finditer(text)]
            closers = found[delim]
            i = bisect_left(closers, start + (delim not in self.empty))
            j = bisect_left(newlines, start)
            line_end = newlines[j] if j < len(newlines) else len(text)
            if i < len(closers) and closers[i] <= line_end:
                end = self.closers[delim].match(text, closers[i]).end(1)
                yield m.start(), start, closers[i], end
                search = end
            else:
                search = m.start() + 1

    def strip(self, text: str) -> str:
        """``text`` with each emphasised span replaced by its content."""
        if not self.opener.search(text):
            return text
        out: list[str] = []
        kept = 0
        for start, inner, inner_end, end in self.spans(text):
            out += (text[kept:start], text[inner:inner_end])
            kept = end
        out.append(text[kept:])
        return "".join(out)


def emphasis(
    opener: str, closers: dict[str, str], empty: frozenset[str] = frozenset(), flags: int = 0
) -> Emphasis:
    """An ``Emphasis`` from pattern texts (see the class)."""
    # searched as a zero-width lookahead, so that overlapping closers ("***") all count
    return Emphasis(
        re.compile(opener, flags),
        {d: re.compile(f"(?=({close}))", flags) for d, close in closers.items()},
        empty,
    )


EMPHASIS = (
    emphasis(r"(\*\*|__)(?=\S)", {"**": r"(?<=\S)\*\*", "__": r"(?<=\S)__"}),
    emphasis(r"(?<![\w*\\])(\*)(?=[^\s*])", {"*": r"(?<=[^\s*])\*(?![\w*])"}),
    emphasis(r"(?<![\w\\])(_)(?=[^\s_])", {"_": r"(?<=[^\s_])_(?![\w])"}),
    emphasis(r"(~~)(?=\S)", {"~~": r"(?<=\S)~~"}),
)
"""Bold, italic with ``*``, italic with ``_``, strike-through: stripped in this order."""

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
from dataclasses import dataclass


@dataclass(frozen=True)
class Emphasis:
    """One kind of emphasis: the opener (group 1 is its delimiter) and each delimiter's closer."""

    opener: re.Pattern[str]
    closers: dict[str, re.Pattern[str]]

    def strip(self, text: str) -> str:
        """``text`` with each emphasised span replaced by its content."""
        if not any(delim in text for delim in self.closers):
            return text
        newlines = [m.start() for m in re.finditer("\n", text)]
        found: dict[str, list[int]] = {}
        out: list[str] = []
        kept = search = 0
        while (m := self.opener.search(text, search)) is not None:
            delim, start = m.group(1), m.end()
            if delim not in found:
                found[delim] = [c.start() for c in self.closers[delim].finditer(text)]
            closers = found[delim]
            i = bisect_left(closers, start + 1)  # at least one character of content
            j = bisect_left(newlines, start)
            line_end = newlines[j] if j < len(newlines) else len(text)
            if i < len(closers) and closers[i] <= line_end:
                out += (text[kept : m.start()], text[start : closers[i]])
                kept = search = closers[i] + len(delim)
            else:
                search = m.start() + 1
        out.append(text[kept:])
        return "".join(out)


def _emphasis(opener: str, closers: dict[str, str]) -> Emphasis:
    # a closer is searched as a zero-width lookahead so that overlapping ones ("***") all count
    return Emphasis(
        re.compile(opener), {d: re.compile(f"(?={close})") for d, close in closers.items()}
    )


EMPHASIS = (
    _emphasis(r"(\*\*|__)(?=\S)", {"**": r"(?<=\S)\*\*", "__": r"(?<=\S)__"}),
    _emphasis(r"(?<![\w*\\])(\*)(?=[^\s*])", {"*": r"(?<=[^\s*])\*(?![\w*])"}),
    _emphasis(r"(?<![\w\\])(_)(?=[^\s_])", {"_": r"(?<=[^\s_])_(?![\w])"}),
    _emphasis(r"(~~)(?=\S)", {"~~": r"(?<=\S)~~"}),
)
"""Bold, italic with ``*``, italic with ``_``, strike-through: stripped in this order."""

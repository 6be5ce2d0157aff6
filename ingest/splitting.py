"""Split one over-long span of text into token-bounded, overlapping pieces.

Pieces end at the latest boundary that keeps them within the token budget,
preferring sentence ends (and row/cell/bullet/line boundaries), then clause
boundaries, then word boundaries, and only as a last resort a character position.
The next piece starts a little before the previous one ended, at a boundary, so
that about ``overlap`` tokens are shared.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

TokenCounter = Callable[[str], int]

# Start of the text after a boundary, by strength.
_SENTENCE = re.compile(
    r"(?<=[.!?…])[)\]’”'\"]*\s+(?=\S)|(?<!\n)\n+(?=\S)|(?<=\|) (?=\S)|\s(?=[■◼•●▪](?:\s|$))"
)
_CLAUSE = re.compile(r"(?<=[,;:–—])\s+(?=\S)|\s(?=[–—]\s)")
_WORD = re.compile(r"(?<!\s)\s+(?=\S)")
# No piece is searched for beyond this many characters per token allowed: keeps
# splitting a huge block linear (English prose averages about 4 characters a token).
_CHARS_PER_TOKEN_LIMIT = 8


def split_span(
    text: str, start: int, end: int, max_tokens: int, overlap: int, count: TokenCounter
) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into pieces of at most ``max_tokens`` tokens.

    Args:
        text: The whole document text (offsets are into it).
        start: Start of the span to split.
        end: End of the span.
        max_tokens: Upper bound on the tokens of each piece.
        overlap: About how many tokens each piece repeats from the end of the previous one.
        count: Token counter.

    Returns:
        ``(start, end)`` of each piece, in order; no piece has leading or
        trailing whitespace and consecutive pieces overlap by ``overlap`` tokens
        or less.
    """
    levels = [_starts(pattern, text, start, end) for pattern in (_SENTENCE, _CLAUSE, _WORD)]
    pieces: list[tuple[int, int]] = []
    pos, done = start, start
    while True:
        window = pos + max_tokens * _CHARS_PER_TOKEN_LIMIT
        if end <= window and count(text[pos:end]) <= max_tokens:
            pieces.append((pos, end))
            return pieces
        limit = min(end, window)
        cut = _furthest_cut(text, pos, max(pos, done), limit, levels, max_tokens, count)
        piece_end = pos + len(text[pos:cut].rstrip())
        pieces.append((pos, piece_end))
        done = piece_end
        pos = _next_start(text, pos, piece_end, cut, levels, overlap, count)


def _starts(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[int]:
    return [m.end() for m in pattern.finditer(text, start, end) if start < m.end() < end]


def _furthest_cut(
    text: str,
    pos: int,
    done: int,
    end: int,
    levels: list[list[int]],
    max_tokens: int,
    count: TokenCounter,
) -> int:
    """The furthest boundary past ``done`` such that ``text[pos:cut]`` fits.

    A coarser boundary wins unless it would leave the piece under half full, in
    which case a finer level is tried and the further of the two cuts is taken.
    """
    found: int | None = None
    for boundaries in levels:
        lo = bisect.bisect_right(boundaries, done + 1)
        candidates = boundaries[lo : bisect.bisect_right(boundaries, end)]
        best = _last_fitting(candidates, lambda b: count(text[pos:b].rstrip()) <= max_tokens)
        if best is not None:
            found = best if found is None else max(found, best)
            if count(text[pos:found]) >= max_tokens // 2:
                return found
    if found is not None:
        return found
    positions = list(range(done + 1, end))
    best = _last_fitting(positions, lambda c: count(text[pos:c]) <= max_tokens)
    return best if best is not None else done + 1


def _last_fitting(candidates: list[int], fits: Callable[[int], bool]) -> int | None:
    """Binary search for the last candidate that fits (fitting is ~monotonic)."""
    lo, hi, best = 0, len(candidates) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(candidates[mid]):
            best, lo = candidates[mid], mid + 1
        else:
            hi = mid - 1
    return best


def _first_fitting(candidates: list[int], fits: Callable[[int], bool]) -> int | None:
    """Binary search for the first candidate that fits (fitting is ~monotonic)."""
    lo, hi, best = 0, len(candidates) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(candidates[mid]):
            best, hi = candidates[mid], mid - 1
        else:
            lo = mid + 1
    return best


def _next_start(
    text: str,
    pos: int,
    piece_end: int,
    cut: int,
    levels: list[list[int]],
    overlap: int,
    count: TokenCounter,
) -> int:
    """Where the next piece starts: a boundary inside the last piece, or the cut."""
    if overlap > 0:
        for boundaries in levels:
            lo = bisect.bisect_right(boundaries, pos)
            hi = bisect.bisect_left(boundaries, piece_end)
            found = _first_fitting(boundaries[lo:hi], lambda b: count(text[b:piece_end]) <= overlap)
            if found is not None:
                return found
    nxt = cut
    while nxt < len(text) and text[nxt].isspace():
        nxt += 1
    return max(nxt, pos + 1)

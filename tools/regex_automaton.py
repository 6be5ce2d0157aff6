r"""Glushkov's position automaton of a Python regular expression, with guards.

Built from ``re._parser``'s tree: one state per character position, reading a set of
characters (bitmasks over an alphabet of ASCII, a few Unicode look-alikes and the
pattern's own characters). Single-character lookarounds and anchors (``(?<!\s)``,
``(?=\S)``, ``^``, ``$``, ``\b`` before a word character) become guards on a step: a
condition on the character before it (or the start of the text) and on the character it
reads. Longer lookarounds are ignored (more paths, never fewer); a bounded repeat
``x{m,n}`` is read as ``x{min(m, 4), min(n, 4)}``; a back-reference as its group again.
``build(searched=True)`` puts the search's own loop over the text in front.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from re import _constants as C  # noqa: N812 - the parser's own names
from re import _parser

_EXTRA = (
    "\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026£€éÉßſ\u212a■◼•●▪◦○✓\u2028\u3000١²¹⁰\ufffe"
)
_CATEGORY = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}
_COPIES = 4
"""A bounded repeat ``x{m,n}`` is read as ``x{min(m, 4), min(n, 4)}``."""


@dataclass(frozen=True)
class Guard:
    """A condition on a step: the previous character (or the start), the next character."""

    prev: int
    start: bool
    next: int

    def __and__(self, other: Guard) -> Guard:
        return Guard(self.prev & other.prev, self.start and other.start, self.next & other.next)

    def __or__(self, other: Guard) -> Guard:
        return Guard(self.prev | other.prev, self.start or other.start, self.next | other.next)


@dataclass
class _Frag:
    nullable: bool
    first: list[tuple[int, Guard]]
    last: list[tuple[int, Guard]]
    guard: Guard  # on the empty path through the fragment


@dataclass
class Automaton:
    """States 1..n read a character of ``masks[i]``; state 0 is the start."""

    alphabet: str
    masks: list[int] = field(default_factory=lambda: [0])
    edges: dict[int, list[tuple[int, Guard]]] = field(default_factory=dict)
    twice: set[tuple[int, int]] = field(default_factory=set)
    """Steps that can be taken in two ways (``(a+)+``: round the inner or the outer loop)."""
    accepting: set[int] = field(default_factory=set)
    """States where a match can end whatever follows (a search stops there, it cannot fail)."""

    @property
    def everything(self) -> int:
        """Every character of the alphabet."""
        return (1 << len(self.alphabet)) - 1

    def true(self) -> Guard:
        """No condition."""
        return Guard(self.everything, True, self.everything)

    def add_state(self, mask: int) -> int:
        """A new state reading the characters of ``mask``."""
        self.masks.append(mask)
        return len(self.masks) - 1

    def link(self, sources, targets) -> None:
        """Steps from each source to each target, under both their guards."""
        for x, gx in sources:
            edges = self.edges.setdefault(x, [])
            for y, gy in targets:
                if any(t == y for t, _ in edges):
                    self.twice.add((x, y))
                edges.append((y, gx & gy))


class Builder:
    """The position automaton of one pattern (``build``)."""

    def __init__(self, pattern: str | bytes, flags: int):
        self.tree = _parser.parse(pattern, flags)
        self.flags = self.tree.state.flags
        text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
        chars = set(map(chr, range(256 if isinstance(pattern, bytes) else 128)))
        if not isinstance(pattern, bytes):
            chars |= set(_EXTRA) | set(text)
        self.auto = Automaton("".join(sorted(chars)))
        self.groups: dict[int, list] = {}
        self._index = {ch: i for i, ch in enumerate(self.auto.alphabet)}

    # -- character classes ------------------------------------------------------------

    def _mask(self, test) -> int:
        return sum(1 << i for i, ch in enumerate(self.auto.alphabet) if test(ch))

    def _literal(self, code: int, flags: int) -> int:
        ch = chr(code)
        if flags & re.IGNORECASE:
            return self._mask(lambda c: c.lower() == ch.lower() or c.upper() == ch.upper())
        return 1 << self._index[ch] if ch in self._index else 0

    def _category(self, cat, flags: int) -> int:
        ascii_only = bool(flags & re.ASCII) or not flags & re.UNICODE
        rx = re.compile(_CATEGORY[cat], re.ASCII if ascii_only else 0)
        return self._mask(lambda c: rx.fullmatch(c) is not None)

    def char_mask(self, op, av, flags: int) -> int | None:
        """The characters one node reads, or None when it is not a character."""
        if op is C.LITERAL:
            return self._literal(av, flags)
        if op is C.NOT_LITERAL:
            return self.auto.everything & ~self._literal(av, flags)
        if op is C.ANY:
            dot = self.auto.everything
            return dot if flags & re.DOTALL else dot & ~self._literal(10, 0)
        if op is C.IN:
            mask, negate = 0, False
            for item, value in av:
                if item is C.NEGATE:
                    negate = True
                elif item is C.LITERAL:
                    mask |= self._literal(value, flags)
                elif item is C.RANGE:
                    lo, hi = value
                    mask |= self._mask(lambda c, lo=lo, hi=hi: lo <= ord(c) <= hi)
                    if flags & re.IGNORECASE:
                        mask |= self._mask(
                            lambda c, lo=lo, hi=hi: any(
                                lo <= ord(v) <= hi for v in (c.lower(), c.upper()) if len(v) == 1
                            )
                        )
                elif item is C.CATEGORY:
                    mask |= self._category(value, flags)
            return self.auto.everything & ~mask if negate else mask
        return None

    # -- Glushkov construction --------------------------------------------------------

    def _eps(self, guard: Guard | None = None) -> _Frag:
        return _Frag(True, [], [], guard or self.auto.true())

    def sequence(self, items, flags: int) -> _Frag:
        """The fragment of a sequence of parser nodes."""
        frag = self._eps()
        for i, (op, av) in enumerate(items):
            frag = self._concat(frag, self.node(op, av, flags, items[i + 1 :]))
        return frag

    def _concat(self, a: _Frag, b: _Frag) -> _Frag:
        self.auto.link(a.last, b.first)
        first = a.first + ([(y, a.guard & g) for y, g in b.first] if a.nullable else [])
        last = b.last + ([(x, g & b.guard) for x, g in a.last] if b.nullable else [])
        return _Frag(a.nullable and b.nullable, first, last, a.guard & b.guard)

    def _star(self, a: _Frag) -> _Frag:
        self.auto.link(a.last, a.first)
        return _Frag(True, a.first, a.last, self.auto.true())

    def _repeat(self, lo: int, hi, items, flags: int) -> _Frag:
        def copy() -> _Frag:
            return self.sequence(items, flags)

        if hi is C.MAXREPEAT:
            frag = self._eps()
            for _ in range(min(lo, 2) - 1):
                frag = self._concat(frag, copy())
            plus = copy()
            loop = self._star(plus)
            tail = _Frag(plus.nullable, plus.first, plus.last, plus.guard) if lo else loop
            return self._concat(frag, tail)
        lo, hi = min(lo, _COPIES), min(hi, _COPIES)
        frag = self._eps()
        for _ in range(lo):
            frag = self._concat(frag, copy())
        for _ in range(hi - lo):
            optional = copy()
            frag = self._concat(frag, _Frag(True, optional.first, optional.last, frag.guard))
        return frag

    def _branch(self, branches, flags: int) -> _Frag:
        frags = [self.sequence(b, flags) for b in branches]
        nullable = [f for f in frags if f.nullable]
        guard = nullable[0].guard if nullable else self.auto.true()
        for f in nullable[1:]:
            guard = guard | f.guard
        return _Frag(
            bool(nullable),
            [x for f in frags for x in f.first],
            [x for f in frags for x in f.last],
            guard,
        )

    def _assertion(self, op, av, flags: int) -> _Frag:
        direction, items = av
        mask = self.char_mask(*items[0], flags) if len(items) == 1 else None
        if mask is None:
            return self._eps()  # a longer lookaround: ignored (more ambiguity, never less)
        if op is C.ASSERT_NOT:
            mask = self.auto.everything & ~mask
        everything = self.auto.everything
        if direction < 0:
            return self._eps(Guard(mask, op is C.ASSERT_NOT, everything))
        return self._eps(Guard(everything, True, mask))

    def _anchor(self, av, flags: int, rest) -> _Frag:
        everything = self.auto.everything
        if av is C.AT_BEGINNING_STRING or (av is C.AT_BEGINNING and not flags & re.MULTILINE):
            return self._eps(Guard(0, True, everything))
        if av is C.AT_BEGINNING:
            return self._eps(Guard(self._literal(10, 0), True, everything))
        if av is C.AT_END_STRING:
            return self._eps(Guard(everything, True, 0))
        if av is C.AT_END:
            return self._eps(Guard(everything, True, self._literal(10, 0)))
        if av is C.AT_BOUNDARY and rest:
            word = self._category(C.CATEGORY_WORD, flags)
            following = self._leading_mask(rest, flags)
            if following is not None and following & ~word == 0:
                return self._eps(Guard(everything & ~word, True, everything))
        return self._eps()

    def _leading_mask(self, items, flags: int) -> int | None:
        """The characters the first step of ``items`` can read, when that is one node."""
        op, av = items[0]
        mask = self.char_mask(op, av, flags)
        if mask is not None:
            return mask
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1 and av[2]:
            return self._leading_mask(av[2], flags)
        if op is C.SUBPATTERN and av[3]:
            return self._leading_mask(av[3], (flags | av[1]) & ~av[2])
        return None

    def node(self, op, av, flags: int, rest) -> _Frag:
        """The fragment of one parser node (``rest``: the nodes after it)."""
        mask = self.char_mask(op, av, flags)
        if mask is not None:
            state = self.auto.add_state(mask)
            guard = self.auto.true()
            return _Frag(False, [(state, guard)], [(state, guard)], guard)
        if op is C.SUBPATTERN:
            group, add, remove, items = av
            if group is not None:
                self.groups[group] = items
            return self.sequence(items, (flags | add) & ~remove)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, hi, items = av
            return self._repeat(lo, hi, items, flags)
        if op is C.BRANCH:
            return self._branch(av[1], flags)
        if op is C.ATOMIC_GROUP:
            return self.sequence(av, flags)
        if op is C.GROUPREF:
            return self.sequence(self.groups.get(av, []), flags)
        if op is C.GROUPREF_EXISTS:
            _, yes, no = av
            return self._branch([yes, no or []], flags)
        if op in (C.ASSERT, C.ASSERT_NOT):
            return self._assertion(op, av, flags)
        if op is C.AT:
            return self._anchor(av, flags, rest)
        return self._eps()

    def build(self, searched: bool) -> Automaton:
        """The automaton; ``searched`` adds the search's loop over the text before a match."""
        frag = self.sequence(list(self.tree), self.flags)
        auto = self.auto
        start = [(0, auto.true())]
        auto.link(start, frag.first)  # from the start, a guard's ``start`` decides
        auto.accepting = {x for x, g in frag.last if g.next == auto.everything}
        if frag.nullable and frag.guard.next == auto.everything:
            auto.accepting.add(0)
        if searched:  # the search's own loop over the text before the match
            scan = auto.add_state(auto.everything)
            loop = [(scan, auto.true())]
            auto.link(start, loop)
            auto.link(loop, loop)
            auto.link(loop, frag.first)
            if 0 in auto.accepting:
                auto.accepting.add(scan)
        return auto

r"""Ambiguity of a regular expression's position automaton: will backtracking blow up?

A backtracking engine (Python's ``re``) tries every way a pattern can read a text
before it gives up. That is cheap when each text is read in one way, and ruinous when

* one loop can go round in two ways on the same text (exponential ambiguity,
  ``(?:\s*,\s*)+$``: the spaces between two commas belong to either ``\s*``), or
* two loops can read the same text one after the other (polynomial ambiguity,
  ``\s*\.?\s*$``, or a searched ``\s+x`` whose run of spaces is read again from
  each of its positions: the search itself is a loop in front of the pattern).

The automaton is Glushkov's (one state per character position) built from
``re._parser``'s tree, with the implicit ``.*?`` of a search in front of a pattern not
anchored at its start. Single-character lookarounds and anchors (``(?<!\s)``, ``(?=\S)``,
``^``, ``\b`` before a word character) are kept exactly, as conditions on the character
before or after a step, so the usual guards are understood; other lookarounds are
ignored, and bounded repeats (``x{1,60}``) are read as at most four copies (their cost
is linear, times the bound). The tests follow Weber and Seidl's criteria (EDA: a cycle
of the pair automaton through a diagonal and an off-diagonal state; IDA: ``p -v-> p``,
``p -v-> q``, ``q -v-> q`` for distinct ``p``, ``q``) on products that also carry the
previous character's class.
"""

from __future__ import annotations

import re
from collections import deque
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
MAX_STATES = 400_000
"""Product states explored per pattern before the pattern is called too complex."""


class TooComplex(Exception):
    """The pattern's product automaton is too large to explore."""


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
        return (1 << len(self.alphabet)) - 1

    def true(self) -> Guard:
        return Guard(self.everything, True, self.everything)

    def add_state(self, mask: int) -> int:
        self.masks.append(mask)
        return len(self.masks) - 1

    def link(self, sources, targets) -> None:
        for x, gx in sources:
            edges = self.edges.setdefault(x, [])
            for y, gy in targets:
                if any(t == y for t, _ in edges):
                    self.twice.add((x, y))
                edges.append((y, gx & gy))


class _Builder:
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


START = -1
"""The "previous character" before the first one: the start of the text."""


class _Steps:
    """The automaton over classes of characters (blocks) and of previous characters."""

    def __init__(self, auto: Automaton):
        reads = set(auto.masks)
        prevs = set()
        for edges in auto.edges.values():
            for _, g in edges:
                reads.add(g.next)
                prevs.add(g.prev)
        ordered, before = sorted(reads | prevs), sorted(prevs)
        signatures: dict[tuple[bool, ...], int] = {}
        classes: dict[tuple[bool, ...], int] = {}
        block_of, self.prev_class = [], []
        for i in range(len(auto.alphabet)):
            signature = tuple(bool(m >> i & 1) for m in ordered)
            block = signatures.setdefault(signature, len(signatures))
            if block == len(self.prev_class):  # a new block: which lookbehinds it passes
                passes = tuple(bool(m >> i & 1) for m in before)
                self.prev_class.append(classes.setdefault(passes, len(classes)))
            block_of.append(block)
        # a previous character is only told apart by the lookbehinds that test it
        self.allowed = {
            g.prev: {self.prev_class[b] for b, _ in self._blocks_in(g.prev, block_of)}
            for edges in auto.edges.values()
            for _, g in edges
        }
        self.edges = {
            x: [(y, g.prev, g.start, self._blocks(g.next & auto.masks[y], block_of)) for y, g in e]
            for x, e in auto.edges.items()
        }
        self.twice = auto.twice
        self.accepting = auto.accepting
        self._cache: dict[tuple[int, int], dict[int, list[int]]] = {}

    @staticmethod
    def _blocks_in(mask: int, block_of: list[int]):
        seen = set()
        for i, b in enumerate(block_of):
            if mask >> i & 1 and b not in seen:
                seen.add(b)
                yield b, i

    def _blocks(self, mask: int, block_of: list[int]) -> list[int]:
        return [b for b, _ in self._blocks_in(mask, block_of)]

    def moves(self, state: int, prev: int) -> dict[int, list[int]]:
        """``{block: next states}`` from ``state`` after a character of class ``prev``."""
        key = (abs(state), prev)
        if key not in self._cache:
            out: dict[int, list[int]] = {}
            for y, prevs, start, blocks in self.edges.get(abs(state), ()):
                allowed = start if prev == START else prev in self.allowed[prevs]
                if not allowed or y in self.accepting:
                    continue
                for block in blocks:
                    targets = out.setdefault(block, [])
                    if y not in targets:
                        targets.append(y)
            self._cache[key] = out
        return self._cache[key]

    def successors(self, states: tuple[int, ...], prev: int):
        """``(class of the character read, next states)`` for every character all can read.

        Two tracks in one state that can step to the same state in two ways also go
        to ``(y, -y)``: the same state by different paths.
        """
        tables = [self.moves(s, prev) for s in states]
        seen: set = set()
        for block, targets in tables[0].items():
            options = [targets] + [t.get(block) for t in tables[1:]]
            if not all(options):
                continue
            pc = self.prev_class[block]
            combos = _product(options)
            if len(states) == 2 and abs(states[0]) == abs(states[1]):
                x = abs(states[0])
                combos += [(y, -y) for y in targets if (x, y) in self.twice]
            for combo in combos:
                if (combo, pc) not in seen:
                    seen.add((combo, pc))
                    yield pc, combo


def _product(options: list[list[int]]):
    combos: list[tuple[int, ...]] = [()]
    for choice in options:
        combos = [c + (y,) for c in combos for y in choice]
    return combos


def _explore(steps: _Steps, starts, budget: list[int]):
    """The graph reachable from ``starts`` (nodes are ``(states, prev)``)."""
    graph: dict = {}
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        if node in graph:
            continue
        budget[0] -= 1
        if budget[0] < 0:
            raise TooComplex
        states, prev = node
        nexts = [(combo, pc) for pc, combo in steps.successors(states, prev)]
        graph[node] = nexts
        queue.extend(n for n in nexts if n not in graph)
    return graph


def _components(graph: dict) -> list[list]:
    """Strongly connected components (iterative Tarjan)."""
    index: dict = {}
    low: dict = {}
    stack: list = []
    on_stack: set = set()
    out: list[list] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(component)
    return out


def _exponential(steps: _Steps, budget: list[int]) -> bool:
    graph = _explore(steps, [((0, 0), START)], budget)
    for component in _components(graph):
        if len(component) > 1 or component[0] in graph[component[0]]:
            pairs = [states for states, _ in component]
            if any(a == b for a, b in pairs) and any(a != b for a, b in pairs):
                return True
    return False


def _polynomial(steps: _Steps, budget: list[int]) -> tuple[int, int] | None:
    single = _explore(steps, [((0,), START)], budget)
    looping = {
        node[0][0]
        for component in _components(single)
        if len(component) > 1 or component[0] in single[component[0]]
        for node in component
    } - steps.accepting
    reached = {(states[0], prev) for states, prev in single}
    for p in sorted(looping):
        for q in sorted(looping - {p}):
            for prev in [b for s, b in reached if s == p]:
                start = ((p, p, q), prev)
                target = ((p, q, q), prev)
                seen = {start}
                queue = deque([start])
                while queue:
                    states, before = queue.popleft()
                    budget[0] -= 1
                    if budget[0] < 0:
                        raise TooComplex
                    for pc, combo in steps.successors(states, before):
                        node = (combo, pc)
                        if node == target:
                            return p, q
                        if node not in seen:
                            seen.add(node)
                            queue.append(node)
    return None


@dataclass(frozen=True)
class Finding:
    """Why a pattern may take more than linear time."""

    kind: str  # "exponential" | "polynomial" | "too complex"
    searched: bool


def analyse(pattern: str | bytes, flags: int = 0) -> Finding | None:
    """The worst ambiguity of ``pattern`` as matched and as searched; None when linear."""
    for searched in (False, True):
        budget = [MAX_STATES]
        try:
            steps = _Steps(_Builder(pattern, flags).build(searched))
            if _exponential(steps, budget):
                return Finding("exponential", searched)
            if _polynomial(steps, budget):
                return Finding("polynomial", searched)
        except TooComplex:
            return Finding("too complex", searched)
    return None

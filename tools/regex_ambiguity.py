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

from collections import deque
from dataclasses import dataclass

from regex_automaton import Automaton, Builder

MAX_STATES = 400_000
"""Product states explored per pattern before the pattern is called too complex."""


class TooComplex(Exception):
    """The pattern's product automaton is too large to explore."""


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
            steps = _Steps(Builder(pattern, flags).build(searched))
            if _exponential(steps, budget):
                return Finding("exponential", searched)
            if _polynomial(steps, budget):
                return Finding("polynomial", searched)
        except TooComplex:
            return Finding("too complex", searched)
    return None

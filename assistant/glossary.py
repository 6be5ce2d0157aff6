"""The children's-services glossary: abbreviations and synonym groups, matched in text.

The glossary (``core/reference/glossary.csv``) has columns ``term,expansion,kind``; see
:mod:`assistant.query` for how its rows link abbreviations, full forms and synonyms, and
how phrases are matched.
"""

from __future__ import annotations

import copy
import csv
import re
from collections.abc import Callable, Iterable
from importlib.resources import files
from importlib.resources.abc import Traversable

from assistant.answering.text_units import stem
from core.errors import ConfigError

_KINDS = ("abbreviation", "synonym", "shorthand")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*|&")
"""Glossary tokens: words and numbers (with a possessive), and "&" read as "and"."""
_LOWER_WORD = re.compile(r"(?<![\w'’&-])[a-z][a-z0-9]*(?=(?:['’]s)?(?![\w'’&-]))")
"""A word typed all in lower case, not part of a longer word or name ("b&nes", "x-ray"); a
possessive or a plural's "'s" may follow it ("dcs's")."""

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
        self._lower_surface: dict[str, str] = {}  # "cic": "CiC"
        self._trie: dict = {}
        group_of_term: dict[Key, int] = {}
        for term, expansion, kind in rows:
            term, expansion, kind = term.strip(), expansion.strip(), kind.strip()
            if not term or not expansion or kind not in _KINDS:
                raise ConfigError(f"glossary row {term!r}, {expansion!r}, {kind!r} is invalid")
            # a shorthand's full form is found in text like any other ("focused visit" in
            # a passage covers "FV" typed); it only never brings the shorthand in
            a, b = self._add_form(term), self._add_form(expansion)
            if a == b:
                continue
            if kind in ("abbreviation", "shorthand"):
                # staff's shorthand ("SW") is read as its full form; reports never write
                # it, so the full form does not bring it in
                self._link(a, b, both_ways=kind == "abbreviation")
            else:
                group = group_of_term.get(a)
                if group is None:
                    group = group_of_term[a] = len(self._members)
                    self._members.append([a])
                    self._groups.setdefault(a, []).append(group)
                if b not in self._members[group]:
                    self._members[group].append(b)
                    self._groups.setdefault(b, []).append(group)

    def add_abbreviations(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add ``(short form, long form)`` abbreviations (the library's own, learnt).

        The tables are changed on copies that then replace them, so a question read in
        another thread meanwhile never meets a table half-changed.
        """
        building = copy.copy(self)  # the same tables: replaced by copies below
        building._display = dict(self._display)
        building._links = {k: list(v) for k, v in self._links.items()}
        building._exact = dict(self._exact)
        building._exact_lower = set(self._exact_lower)
        building._lower_surface = dict(self._lower_surface)
        building._trie = copy.deepcopy(self._trie)
        for short, long in pairs:
            a, b = building._add_form(short), building._add_form(long)
            if a != b:
                building._link(a, b, both_ways=True)
        self._trie = building._trie
        self._display = building._display
        self._links = building._links
        self._exact = building._exact
        self._exact_lower = building._exact_lower
        self._lower_surface = building._lower_surface

    def _link(self, a: Key, b: Key, *, both_ways: bool) -> None:
        """Make ``b`` a form ``a`` is read as (and, ``both_ways``, the reverse)."""
        for x, y in ((a, b), (b, a)) if both_ways else ((a, b),):
            links = self._links.setdefault(x, [])
            if y not in links:
                links.append(y)

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

    def _add_form(self, phrase: str, matched: bool = True) -> Key:
        if _is_exact(phrase):
            key: Key = ("=" + phrase,)
            self._exact[phrase] = key
            self._exact_lower.add(phrase.lower())
            self._lower_surface.setdefault(phrase.lower(), phrase)
        else:
            key = tuple(_norm(t) for t in _TOKEN.findall(phrase))
            if not key:
                raise ConfigError(f"glossary phrase {phrase!r} has no words")
            if matched:
                node = self._trie
                for part in key:
                    node = node.setdefault(part, {})
                node["\0"] = key
        self._display.setdefault(key, phrase)
        return key

    def cased(self, text: str, ordinary: Callable[[str], bool]) -> str:
        """``text`` with abbreviations typed in lower case written as the glossary does.

        "kent cic numbers" is "kent CiC numbers", "sgos" "SGOs": staff type short forms in
        lower case, and the glossary matches them in their own case only. A word that
        ``ordinary`` says is an everyday word ("send", "la") is left as typed.
        """

        def case(m: re.Match[str]) -> str:
            typed = m.group()
            plural = typed.endswith("s") and typed[:-1] in self._lower_surface
            surface = self._lower_surface.get(typed) or (
                self._lower_surface[typed[:-1]] + "s" if plural else None
            )
            if surface is None or ordinary(typed[:-1] if plural else typed):
                return typed
            return surface

        return _LOWER_WORD.sub(case, text)

    def within_a_term(self, text: str) -> bool:
        """Whether ``text`` is a glossary phrase or part of one ("youth justice" of YJS's)."""
        key = tuple(_norm(t) for t in _TOKEN.findall(text))
        if not key:
            return False
        return key in self._display or _inside_another(key, self._display)

    def is_term(self, word: str) -> bool:
        """True if ``word`` is a case-sensitive glossary term in any case ("camhs")."""
        return word.lower() in self._exact_lower

    def matches(self, text: str) -> list[str]:
        """The glossary phrases found in ``text``, as written in the glossary."""
        return [self._display[k] for k in self._match(_tokens(text))]

    def concepts(
        self, text: str, *, abbreviations: bool = False
    ) -> list[tuple[str, frozenset[Key]]]:
        """The phrases of several words in ``text``, each with its forms.

        The forms say the same: the phrase, its abbreviations and its synonyms
        (``("looked after children", {looked after children, children in care, LAC, …})``).
        With ``abbreviations``, the abbreviations typed too (``("PLO", {PLO, public law
        outline})``).
        """
        out = []
        for key in self._match(_tokens(text)):
            typed_short = key[0].startswith("=")  # an abbreviation as typed ("PLO")
            if (not abbreviations) if typed_short else len(key) < 2:
                continue
            out.append((self._display[key], frozenset(self._related(key)) | {key}))
        return out

    def forms_in(self, text: str) -> frozenset[Key]:
        """Every glossary form found in ``text`` (see :meth:`concepts`)."""
        return frozenset(self._match(_tokens(text)))

    def _related(self, key: Key) -> list[Key]:
        """The forms that say the same as ``key``: its links, its groups' members and theirs."""
        first = [key, *self._links.get(key, ())]
        related = list(first)
        for form in first:
            for group in self._groups.get(form, ()):
                for member in self._members[group]:
                    related += [member, *self._links.get(member, ())]
        return related

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
            for form in self._related(key):
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

"""English local authorities with children's services: reference data and name matching.

``AuthorityIndex.load()`` reads ``core/reference/local_authorities.csv`` (one row per
authority, DfE/ONS data) and ``core/reference/authority_aliases.csv`` (widely used names
that cannot be derived from the ONS name). For every authority the same generic rules
add the forms reports use ("X Council", "London Borough of X", "Bristol" for "Bristol,
City of", …: :mod:`ingest.authority_names`).

``find`` scans text token by token through a trie of those forms and keeps the longest
form starting at each position, so "Kingston upon Hull" is never read as "Kingston", and
"North Yorkshire" never as "York". Names are proper nouns, so matching is case-sensitive
on the name words (connectives and council words such as "upon" or "council" may be in
any case). Authorities whose name is an ordinary English word ("Reading", "Bury") are
only matched with a council word ("Reading Borough Council", "Bury Council").
A few well-known places and bodies that contain an authority's name but are not it
("New York", "Sutton Coldfield", "Bromley-by-Bow", "Bury St Edmunds") are matched and
dropped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from ingest.authority_names import (
    COMMON_WORD_NAMES,
    FLEX_WORDS,
    NOT_AUTHORITIES,
    TOKEN_RE,
    bases,
    capitalised,
    forms,
    loose_key,
    split_known_as,
    token_key,
    tokens,
    trie_regex,
)

_TERMINAL = "\0"
_BLOCKED = -1
_AMBIGUOUS = -2

_PRIORITY_BLOCKER = 9
_PRIORITY_NAME = 2
_PRIORITY_ALIAS = 1


def _default_dir() -> Traversable:
    return files("core.reference")


@dataclass(frozen=True)
class Authority:
    """One local authority with children's services responsibilities.

    ``stat_neighbours`` holds old 3-digit DfE LA codes; ``aliases`` the other names
    it goes by (not the generated "X Council" forms).
    """

    name: str
    la_code: str
    ons_code: str
    region: str
    aliases: tuple[str, ...] = ()
    stat_neighbours: tuple[str, ...] = ()
    ofsted_urn: str = ""
    domain: str | None = None
    la_type: str | None = None


@dataclass(frozen=True)
class AuthorityMention:
    """How often an authority is named in a text and where first (character offset)."""

    name: str
    count: int
    first: int


@dataclass(frozen=True)
class AuthoritySpan:
    """One occurrence of an authority's name; ``formal`` when written as a council name."""

    name: str
    start: int
    end: int
    formal: bool


@dataclass(frozen=True)
class _Entry:
    authority: int  # index into the authority list, or _BLOCKED / _AMBIGUOUS
    priority: int
    formal: bool
    strict: bool  # council words must be capitalised (common-word names)


class AuthorityIndex:
    """The reference list of authorities with fast, conservative name matching."""

    def __init__(
        self,
        authorities: Iterable[Authority],
        extra_aliases: Iterable[tuple[str, str]] = (),
    ):
        """Build the index.

        Args:
            authorities: the authorities (canonical names must be unique).
            extra_aliases: ``(canonical name, alias)`` pairs; unknown names are ignored.
        """
        self._authorities: list[Authority] = []
        self._by_name: dict[str, int] = {}
        extra: dict[str, list[str]] = {}
        for name, alias in extra_aliases:
            extra.setdefault(name, []).append(alias)
        for authority in authorities:
            aliases = tuple(dict.fromkeys((*authority.aliases, *extra.get(authority.name, ()))))
            authority = replace(authority, aliases=aliases)
            self._by_name[authority.name] = len(self._authorities)
            self._authorities.append(authority)
        self._by_code: dict[str, int] = {}
        self._by_domain: dict[str, int] = {}
        for i, a in enumerate(self._authorities):
            for code in (a.la_code, a.ons_code):
                if code:
                    self._by_code[code.upper()] = i
            if a.domain:
                domain = a.domain.lower()
                self._by_domain[domain] = _AMBIGUOUS if domain in self._by_domain else i
        self._trie: dict = {}
        self._start_re: re.Pattern[str] = re.compile(r"(?!)")
        self._resolve: dict[str, int] = {}
        self._build()

    @classmethod
    def load(cls, path: Traversable | None = None) -> AuthorityIndex:
        """Load the index from a reference folder (or a ``local_authorities.csv`` file).

        Args:
            path: folder holding ``local_authorities.csv`` and optionally
                ``authority_aliases.csv``, or the path of the authorities CSV itself;
                defaults to the shipped ``core/reference``.

        Returns:
            The index.
        """
        path = path or _default_dir()
        if isinstance(path, Path) and path.is_file():  # the authorities CSV itself
            csv_path, folder = path, path.parent
        else:
            csv_path, folder = path / "local_authorities.csv", path
        alias_path = folder / "authority_aliases.csv"
        authorities = []
        with csv_path.open(newline="", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                name = row["local_authority_ons_name"].strip()
                aliases = split_known_as(row.get("also_known_as") or "", name)
                for col in ("utla23nm", "ltla23nm"):
                    other = (row.get(col) or "").strip()
                    if other and loose_key(other) != loose_key(name):
                        aliases.append(other)
                neighbours = tuple(
                    c.strip() for c in (row.get("stat_neighbours") or "").split(",") if c.strip()
                )
                authorities.append(
                    Authority(
                        name=name,
                        la_code=row["la_code"].strip(),
                        ons_code=(row.get("la_code_new") or "").strip(),
                        region=(row.get("region_name") or "").strip(),
                        aliases=tuple(dict.fromkeys(aliases)),
                        stat_neighbours=neighbours,
                        ofsted_urn=(row.get("urn") or "").strip(),
                        domain=(row.get("domain") or "").strip().lower() or None,
                        la_type=(row.get("ons_la_type") or "").strip() or None,
                    )
                )
        extra: list[tuple[str, str]] = []
        if alias_path.is_file():
            with alias_path.open(newline="", encoding="utf-8-sig") as f:
                extra = [(r["name"].strip(), r["alias"].strip()) for r in csv.DictReader(f)]
        return cls(authorities, extra)

    # -- building -------------------------------------------------------------------

    def _build(self) -> None:
        entries: dict[tuple[str, ...], _Entry] = {}
        resolve: dict[str, tuple[int, int]] = {}

        def add(form: str, index: int, priority: int, formal: bool, strict: bool) -> None:
            for variant in {form, form.upper()}:
                key = tuple(tokens(variant))
                if not key:
                    continue
                new = _Entry(index, priority, formal, strict)
                old = entries.get(key)
                if old is None or old.priority < priority:
                    entries[key] = new
                elif old.priority == priority and old.authority != index:
                    entries[key] = _Entry(_AMBIGUOUS, priority, formal, strict)
            loose = loose_key(form)
            if index >= 0 and loose:
                old_r = resolve.get(loose)
                if old_r is None or old_r[1] < priority:
                    resolve[loose] = (index, priority)
                elif old_r[1] == priority and old_r[0] != index:
                    resolve[loose] = (_AMBIGUOUS, priority)

        for i, a in enumerate(self._authorities):
            named = [(b, _PRIORITY_NAME) for b in bases(a.name)]
            named += [(alias, _PRIORITY_ALIAS) for alias in a.aliases]
            for base, priority in named:
                if priority == _PRIORITY_ALIAS and base in self._by_name:
                    continue  # another authority's own name, never an alias
                strict = base in COMMON_WORD_NAMES
                for form, formal in forms(base):
                    if strict and not formal:
                        resolve.setdefault(loose_key(form), (i, priority))
                        continue
                    add(form, i, priority, formal, strict)
        for name in NOT_AUTHORITIES:
            add(name, _BLOCKED, _PRIORITY_BLOCKER, False, False)

        trie: dict = {}
        for key, entry in entries.items():
            node = trie
            for token in key:
                node = node.setdefault(token, {})
            node[_TERMINAL] = entry
        self._trie = trie
        exact = [t for t in trie if t[0].isalpha() and t not in FLEX_WORDS]
        flex = [t for t in trie if t in FLEX_WORDS]
        self._start_re = re.compile(
            rf"(?<![^\W\d_])(?:{trie_regex(exact)}|(?i:{trie_regex(flex)}))(?![^\W\d_])"
        )
        self._resolve = {k: v[0] for k, v in resolve.items()}

    # -- lookup ---------------------------------------------------------------------

    def all(self) -> list[Authority]:
        """Every authority, in the order of the reference file."""
        return list(self._authorities)

    def get(self, name: str) -> Authority | None:
        """The authority with this exact canonical name."""
        i = self._by_name.get(name)
        return None if i is None else self._authorities[i]

    def resolve(self, name: str) -> Authority | None:
        """The authority a name refers to, ignoring case and punctuation.

        Accepts canonical names, aliases and council forms ("Kent County Council",
        "London Borough of Sutton", "RBKC", "newcastle"). None when unknown or ambiguous.
        """
        i = self._resolve.get(loose_key(name), _AMBIGUOUS)
        return self._authorities[i] if i >= 0 else None

    def by_code(self, code: str | int) -> Authority | None:
        """The authority with this old DfE LA code ("886") or ONS code ("E10000016")."""
        i = self._by_code.get(str(code).strip().upper())
        return None if i is None else self._authorities[i]

    def by_domain(self, domain: str) -> Authority | None:
        """The authority whose web domain this is (or a subdomain of); None if shared."""
        domain = domain.strip().lower().rstrip(".")
        parts = domain.split(".")
        for k in range(len(parts) - 1):
            i = self._by_domain.get(".".join(parts[k:]))
            if i is not None:
                return self._authorities[i] if i >= 0 else None
        return None

    def neighbours(self, name: str) -> list[Authority]:
        """The DfE statistical neighbours of an authority (resolved by name), in order."""
        authority = self.resolve(name)
        if authority is None:
            return []
        found = (self.by_code(code) for code in authority.stat_neighbours)
        return [a for a in found if a is not None]

    # -- matching -------------------------------------------------------------------

    def spans(self, text: str) -> Iterator[AuthoritySpan]:
        """Every occurrence of an authority's name in ``text``, longest form first."""
        trie, next_token = self._trie, TOKEN_RE.search
        pos = 0
        while (m := self._start_re.search(text, pos)) is not None:
            node = trie.get(token_key(m.group()))
            best: tuple[int, _Entry, list[str]] | None = None
            words = [m.group()]
            end = m.end()
            while node is not None:
                entry = node.get(_TERMINAL)
                if entry is not None:
                    best = (end, entry, list(words))
                t = next_token(text, end)
                if t is None:
                    break
                node = node.get(token_key(t.group()))
                end = t.end()
                words.append(t.group())
            if best is None:
                pos = m.end()
                continue
            pos, entry, words = best
            if entry.authority >= 0 and (not entry.strict or capitalised(words)):
                yield AuthoritySpan(
                    self._authorities[entry.authority].name, m.start(), pos, entry.formal
                )

    def find(self, text: str) -> list[AuthorityMention]:
        """The authorities named in ``text`` with counts, in order of first mention."""
        counts: dict[str, list[int]] = {}
        for span in self.spans(text):
            if span.name in counts:
                counts[span.name][0] += 1
            else:
                counts[span.name] = [1, span.start]
        return [AuthorityMention(name, c, first) for name, (c, first) in counts.items()]

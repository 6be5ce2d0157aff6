"""How reports write an authority's name: the forms derived from it, and the tokens compared.

For every authority the same generic rules add the forms reports use: "X Council",
"X County Council", "London Borough of X", "Royal Borough of X", "City of X", "Bristol"
for "Bristol, City of", "&" for "and", hyphens or spaces between words, an ALL-CAPS form
for headings. Names are compared token by token: name words case-sensitively, the
connectives and council words (:data:`FLEX_WORDS`) in any case. Used by
:class:`ingest.authorities.AuthorityIndex`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

TOKEN_RE = re.compile(r"[^\W\d_]+|\d+|[^\w\s\-\u2010\u2011\u2012\u2013\u2014\ufffe]")
"""Words, numbers and single punctuation marks; hyphens and dashes separate like spaces."""

FLEX_WORDS = frozenset(
    {
        "and",
        "of",
        "upon",
        "on",
        "the",
        "with",
        "under",
        "county",
        "city",
        "council",
        "borough",
        "metropolitan",
        "district",
        "london",
        "royal",
    }
)
"""Words matched in any case (connectives and council words)."""

_COUNCIL_WORDS = frozenset({"county", "city", "council", "borough", "metropolitan", "district"})

_FORMAL_PREFIXES = (
    "London Borough of",
    "Royal Borough of",
    "Metropolitan Borough of",
    "City of",
    "Borough of",
    "County of",
    "Council of the",
    "Council of",
)
_FORMAL_SUFFIXES = (
    "Council",
    "County Council",
    "City Council",
    "Borough Council",
    "Metropolitan Borough Council",
    "Metropolitan District Council",
    "District Council",
)
_INVERTED_SUFFIXES = (", City of", ", County of")
"""ONS names written "Bristol, City of"; the name is also used without the suffix."""

COMMON_WORD_NAMES = frozenset({"Reading", "Bury"})
"""Authorities whose bare name is an ordinary word: matched only with a council word."""

NOT_AUTHORITIES = (
    "New York",
    "Sutton Coldfield",
    "Sutton Trust",
    "Bury St Edmunds",
    "Bury St. Edmunds",
    "Newcastle under Lyme",
    "Bromley by Bow",
    "Brent Cross",
    "Leeds Castle",
    "Palace of Westminster",
    "Westminster Abbey",
    "Westminster Hall",
    "Greenwich Mean Time",
    "Richmond Fellowship",
    "New Brighton",
    "Stockton Heath",
    "Sutton in Ashfield",
)
"""Names that contain an authority's name but are not the authority."""


def token_key(token: str) -> str:
    """A token as names are compared: "&" is "and", a connective or council word lower case."""
    if token == "&":
        return "and"
    if token in ("\u2019", "\u2018"):
        return "'"
    lower = token.lower()
    return lower if lower in FLEX_WORDS else token


def tokens(text: str) -> list[str]:
    """The comparison keys of the tokens of ``text``."""
    return [token_key(t) for t in TOKEN_RE.findall(text)]


def loose_key(text: str) -> str:
    """Case- and punctuation-insensitive key used by ``resolve``."""
    words = [t.lower() for t in tokens(text) if t[0].isalnum()]
    return " ".join(words)


def split_known_as(cell: str, name: str) -> list[str]:
    """Split an ``also_known_as`` cell like "[BCP, Bournemouth, Christchurch & Poole]".

    Items are comma separated, but a run of items that together spell the ONS name
    (as in the example) is kept whole.
    """
    parts = [p.strip() for p in cell.strip().strip("[]").split(",") if p.strip()]
    target = loose_key(name)
    out: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i + 1, -1):
            joined = ", ".join(parts[i:j])
            if loose_key(joined) == target:
                out.append(joined)
                i = j
                break
        else:
            out.append(parts[i])
            i += 1
    return out


def bases(name: str) -> list[str]:
    """The ONS name and the shorter forms derived from it by generic rules."""
    bases = [name]
    for suffix in _INVERTED_SUFFIXES:
        if name.endswith(suffix):
            bases.append(name[: -len(suffix)].strip())
    if name.endswith(" Borough"):
        bases.append(name[: -len(" Borough")].strip())
    if "," in name:
        bases.append(name.replace(",", ""))
    return bases


def forms(base: str) -> Iterator[tuple[str, bool]]:
    """``(form, formal)`` for a base name: itself, and with council prefixes/suffixes."""
    yield base, False
    for suffix in _FORMAL_SUFFIXES:
        yield f"{base} {suffix}", True
    for prefix in _FORMAL_PREFIXES:
        yield f"{prefix} {base}", True
        yield f"{prefix} {base} Council", True


def capitalised(words: Iterable[str]) -> bool:
    """Council words written as part of a proper name ("Borough Council", not "council")."""
    return all(not (t.lower() in _COUNCIL_WORDS and t.islower()) for t in words)


def trie_regex(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, factored by common prefixes (fast to scan)."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        optional = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            body = "(?:" + body + ")?"
        return body

    return emit(root) or "(?!)"

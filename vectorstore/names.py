"""The names the reports write with capitals inside a sentence ("Flourish", "the Quad").

A council's own name for a service or a scheme is written with capitals wherever the
reports mention it, and by few councils' reports; an everyday phrase ("early help",
"social workers") is capitalised only where a sentence or a heading starts with it, or
by many councils. The lexical index keeps, for every such phrase, the authorities whose
passages write it so (:meth:`vectorstore.lexical.LexicalIndex.naming`), built with the
index, never per question.

A phrase here is a run of capitalised words, inside it the joining words of a name
("Voices for Choices", "Foster with North East"), and every part of that run that starts
and ends with a capitalised word (a single word only when it stands alone), up to
:data:`LONGEST` words, in lower case, with
possessives dropped (:func:`name_key`). Not read: the passage's first line (its title
and section headings, see ``vectorstore.records.indexed_text``), lines written all in
capitals of their words (headings), and the first word of a sentence or bullet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

LONGEST = 5
"""The most words of a name kept (its parts of that length, for longer runs)."""

# inside a name ("Voices for Choices", "Foster with North East"), not at its ends; not
# "and", which joins two names more often than it is inside one ("Aspire and Flourish")
_JOINING = frozenset("of for & the to in on with a".split())
# a word, a number, a mark that starts a sentence, or one that ends a name ("(Aspire),")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+|[.!?:;•■●▪&,()\[\]\"“”‘/]")
_STARTS = frozenset(".!?:;•■●▪")  # after these a word is capitalised as a sentence starts
_LINE_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_KEY_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+")
_POSSESSIVE = re.compile(r"['’]s?$")
_HEADING_JOINING = _JOINING | {"and"}  # a heading's small words ("Help and Protection")


def name_key(phrase: str) -> str:
    """A phrase as the names are kept: its words in lower case, without possessives."""
    words = (_POSSESSIVE.sub("", w.lower()) for w in _KEY_WORD.findall(phrase))
    return " ".join(w for w in words if w)


def _heading(line: str) -> bool:
    """A line whose words, but for joining words, all start with a capital."""
    words = [w for w in _LINE_WORD.findall(line) if w.lower() not in _HEADING_JOINING]
    return bool(words) and all(w[0].isupper() for w in words)


def capitalised_names(indexed: str) -> set[str]:
    """The phrases a passage's text writes capitalised inside a sentence (their keys).

    ``indexed`` is the text the lexical index reads: a line of headings, then the passage.
    """
    body = indexed.split("\n", 1)[1] if "\n" in indexed else indexed
    text = " ".join(line for line in body.split("\n") if not _heading(line))
    found: set[str] = set()
    run: list[str] = []
    previous = "."
    for token in _TOKEN.findall(text):
        if token[0].isupper() and previous not in _STARTS:
            run.append(token)
        elif run and (token in _JOINING or token.isdigit()):
            run.append(token)
        else:
            found.update(_parts(run))
            run = []
        previous = token
    found.update(_parts(run))
    return found


def _parts(run: list[str]) -> Iterator[str]:
    """Every part of a run of a name's words that starts and ends with a capitalised word.

    One word alone only when it is the run's one capitalised word: "Homeless" of the
    "Homeless Reduction Act" is no name written by itself.
    """
    words = [name_key(w) for w in run]
    capital = [i for i, w in enumerate(run) if w[0].isupper() and w.lower() not in _JOINING]
    for n, a in enumerate(capital):
        for b in capital[n : n + LONGEST]:  # a run may be long: parts are not
            if a == b and len(capital) > 1:
                continue
            if b < a + LONGEST and all(words[a : b + 1]):
                yield " ".join(words[a : b + 1])

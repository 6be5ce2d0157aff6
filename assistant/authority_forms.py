"""Authority names in the forms staff type them, derived from the reference list.

Generic rules over ``core/reference`` (never a list of the library's own councils): the
listed short forms ("Notts"), forms of compound names ("K&C", "Telford"), compass words
written short ("N Tyneside"), first words that name one authority alone ("Bracknell"),
and whether a name that is also a word ("reading") is used as the place. The question
reader (:mod:`assistant.understanding`) uses them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable

from assistant.answering.text_units import STOPWORDS
from assistant.spelling import _distance
from core.vocabulary import COMPASS
from ingest.authorities import AuthorityIndex

_WORD = re.compile(r"[A-Za-z][A-Za-z'’&.-]*[A-Za-z]|[A-Za-z]")


def _short_forms_path() -> Traversable:
    return files("core.reference") / "short_forms.csv"


def load_short_forms(path: Traversable | None = None) -> list[tuple[str, str]]:
    """The standard short forms of the reference list (``short_forms.csv``: "Notts")."""
    path = path or _short_forms_path()
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8-sig") as f:
        return [(r["name"].strip(), r["short_form"].strip()) for r in csv.DictReader(f)]


_COMPOUND = re.compile(
    r"^(?P<first>[A-Z][a-z]+)(?:\s+(?:and|with|upon)\s+(?=\S)|-on-)(?P<rest>.+)$"
)


_JOINING = frozenset({"and", "with", "upon"})
# the one place word after the joining word of a compound name ("… and Maidenhead")
_SECOND_PLACE = re.compile(r"\s(?:and|with)\s+([A-Z][a-z]+)$")


def derived_forms(
    index: AuthorityIndex,
    short_forms: Iterable[tuple[str, str]],
    first_words: dict[str, set[str]] | None = None,
) -> dict[str, str]:
    """Question-only forms of every authority's name (lower-cased key → canonical name).

    Generic rules over the reference list: the listed short forms; for compound names
    ("X and Y", "X with Y", "X upon Y", "X-on-Y") the first place when no other authority
    starts with it, "X&Y" initials, and the name without its joining words
    ("X Y"); compass words written short ("N Tyneside", "N
    Yorks"); a county word of a longer name in its listed short form ("N Lincs" for North
    Lincolnshire, "West Berks" for West Berkshire).
    A form claimed by two authorities is dropped. ``first_words``: the index's names by
    first word (:func:`names_by_first_word`), when the caller has them.
    """
    claims: dict[str, set[str]] = {}

    def claim(form: str, name: str) -> None:
        form = " ".join(form.split())
        if len(form) >= 2:
            claims.setdefault(form.lower(), set()).add(name)

    everyone = index.all()
    first_words = first_words if first_words is not None else names_by_first_word(index)
    words: dict[str, list[str]] = {}
    for name, short in short_forms:
        if index.get(name) is not None:
            for variant in (short, *_written_short(short)):  # "North Yorks", "N Yorks"
                claim(variant, name)
        if " " not in name:
            words.setdefault(name, []).append(short)
    # a county word of a longer name written short ("N Lincs", "West Berks"): the listed
    # short forms of one word, whether or not that word is an authority's name
    for a in everyone:
        for word in _WORD.findall(a.name):
            for short in words.get(word, ()) if word != a.name else ():
                form = re.sub(rf"\b{re.escape(word)}\b", short, a.name)
                for variant in (form, *_written_short(form)):
                    claim(variant, a.name)
    for a in everyone:
        for base in (a.name, *a.aliases):
            m = _COMPOUND.match(base)
            if m:
                first = m.group("first")
                if len(first_words.get(first.lower(), ())) == 1 and first.lower() not in STOPWORDS:
                    claim(first, a.name)
                rest = m.group("rest").split()
                if len(rest) == 1 and " and " in base:
                    # "K&C", "K & C", "k and c"
                    for joined in ("&", " & ", " and "):
                        claim(f"{first[0]}{joined}{rest[0][0]}", a.name)
            # typed without its joining words ("windsor maidenhead", "bournemouth
            # christchurch poole"): else its first word alone is read, the rest left over
            words = base.replace(",", " ").split()
            if any(w in _JOINING for w in words):
                claim(" ".join(w for w in words if w not in _JOINING), a.name)
            for variant in _written_short(base):
                claim(variant, a.name)
    return {form: next(iter(names)) for form, names in claims.items() if len(names) == 1}


def council_names(index: AuthorityIndex) -> dict[str, set[str]]:
    """Each authority's council as it calls itself, by canonical name ("Kent County Council").

    From the reference list's types: a county is "X County Council", a London borough
    "London Borough of X", an ONS name "X, City of" "X City Council"; the aliases
    "Royal Borough of X" and "… City Council"; and the city councils of
    ``council_names.csv`` (a city's status is in no column of the list).
    """
    out: dict[str, set[str]] = {}

    def add(name: str | None, council: str) -> None:
        if name is not None:
            out.setdefault(name, set()).add(council)

    for a in index.all():
        if a.la_type == "County":
            add(a.name, f"{a.name} County Council")
        elif a.la_type == "London Borough":
            add(a.name, f"London Borough of {a.name}")
        if a.name.endswith(", City of"):
            add(a.name, f"{a.name.removesuffix(', City of')} City Council")
        for alias in a.aliases:
            if alias.startswith("Royal Borough of ") or alias.endswith(" City Council"):
                add(a.name, alias)
    path = files("core.reference") / "council_names.csv"
    if path.is_file():
        with path.open(newline="", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                found = index.resolve(row["name"].strip())
                add(found.name if found else None, row["council"].strip())
    return out


# words a council's initials skip ("Brighton and Hove City Council": BHCC)
_UNINITIALLED = frozenset({"and", "of", "upon", "on", "with", "the", "in"})


def initials(council: str) -> set[str]:
    """The initials a council is written with, lower case ("kcc", "lbbd", "rbkt", "rbk").

    The first letter of each word but the joining ones, hyphenated words as their parts;
    a borough "of X upon Y" also without its second place ("RBK" for the Royal Borough of
    Kingston upon Thames).
    """
    out = set()
    texts = [council]
    if council.startswith(("Royal Borough of ", "London Borough of ")):
        texts.append(council.split(" upon ")[0])
    for text in texts:
        words = [w for w in re.split(r"[\s-]+", text) if w and w.lower() not in _UNINITIALLED]
        letters = "".join(w[0] for w in words if w[0].isalpha())
        if len(letters) >= 3:
            out.add(letters.lower())
    return out


def council_initials(index: AuthorityIndex) -> dict[str, frozenset[str]]:
    """Initials staff type for a council ("KCC", "WCC", "LBH") → the authorities they fit.

    One authority: the initials name it. Several (WCC: Warwickshire, Westminster,
    Worcestershire): the question must say which (:class:`assistant.understanding.Understood`
    ``unsure``).
    """
    out: dict[str, set[str]] = {}
    for name, councils in council_names(index).items():
        for council in councils:
            for letters in initials(council):
                out.setdefault(letters, set()).add(name)
    return {k: frozenset(v) for k, v in out.items()}


def form_key(typed: str) -> str:
    """A name as typed, looked up among the forms: lower case, hyphens and commas as gaps."""
    return " ".join(typed.replace("-", " ").replace(",", " ").split()).lower()


def in_order(short: str, word: str) -> bool:
    """Whether the letters of ``short`` appear in ``word`` in the same order."""
    letters = iter(word)
    return all(c in letters for c in short)


def names_by_first_word(index: AuthorityIndex) -> dict[str, set[str]]:
    """Every authority's name by the first word of it, lower-cased ("kingston": two)."""
    out: dict[str, set[str]] = {}
    for a in index.all():
        first = a.name.split()[0].split("-")[0].strip(",")
        out.setdefault(first.lower(), set()).add(a.name)
    return out


def first_word_forms(
    index: AuthorityIndex, first_words: dict[str, set[str]] | None = None
) -> dict[str, str]:
    """First words that name an authority alone ("Bracknell" for "Bracknell Forest").

    The first word of a name of two or more words, when no other authority's name starts
    with it and it is not a compass word or a stop word (lower-cased key → canonical
    name); and the place after "and" / "with" of a compound name when no other
    authority's name holds it ("Maidenhead" for Windsor and Maidenhead). Compound names
    get their first words in :func:`derived_forms`. Questions use these forms only
    capitalised or where the wording names a place ("bracknell 2022", "in tower").
    ``first_words`` as for :func:`derived_forms`.
    """
    first_words = first_words if first_words is not None else names_by_first_word(index)
    out: dict[str, str] = {}
    # how many authorities' names hold each word, anywhere in the name
    holding: dict[str, int] = {}
    for a in index.all():
        for word in {w.lower() for w in _WORD.findall(a.name)}:
            holding[word] = holding.get(word, 0) + 1
    for a in index.all():
        words = a.name.replace(",", " ").split()
        # the place after "and" / "with" of a compound name ("Maidenhead", "Dagenham",
        # "Wrekin"), when no other authority's name holds it
        last = _SECOND_PLACE.search(a.name)
        if last is not None:
            word = last.group(1).lower()
            if len(word) >= 5 and holding.get(word) == 1 and index.get(word) is None:
                out[word] = a.name
        if len(words) < 2 or _COMPOUND.match(a.name) or _COMPASS_WORDS.match(a.name):
            continue
        first = words[0].lower()
        if len(first) >= 5 and first.isalpha() and first not in STOPWORDS:
            if len(first_words.get(first, ())) == 1 and index.get(words[0]) is None:
                out[first] = a.name
    return out


_COMPASS_WORDS = re.compile(r"\b(?:(?:North|South) (?:East|West)|North|South|East|West|Central)\b")


def _written_short(name: str) -> set[str]:
    """A name as staff shorten it, alone or together.

    Compass words as letters ("N Tyneside", "Bath and NE Somerset"), the letters written
    against the name ("NLincs"), "&" for "and" ("Brighton & Hove") and "Saint" for "St."
    ("Saint Helens").
    """
    compass = _COMPASS_WORDS.sub(lambda m: COMPASS[m.group()], name)
    glued = _COMPASS_LETTERS.sub(r"\1", compass)
    saint = _SAINT.sub("Saint ", name)
    return {
        v for base in (name, compass, glued, saint) for v in (base, base.replace(" and ", " & "))
    } - {name}


_COMPASS_LETTERS = re.compile(r"^((?:N|S|E|W|NE|NW|SE|SW)) (?=[A-Z])")
_SAINT = re.compile(r"\bSt\.? ")


_PLACE_AFTER = re.compile(
    r"^(?:['’]s\b|\s+(?:council|borough|la|local authority|children['’]?s?|ilacs|inspection|"
    r"report|ofsted|judgements?|grades?|(?:19|20)\d\d)\b)",
    re.I,
)
_PLACE_BEFORE = re.compile(
    r"\b(?:in|for|at|about|of|on|to|inspected|visited|grades?|ratings?|judgements?|results?|"
    r"ofsted|compare|comparing|versus|vs?)\s+$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?:;]\s*$|^\W*$")
# the subject of a verdict: "what grade did reading get", "how was bury rated", "how did
# reading do", "what's reading like for care leavers"
_VERDICT_BEFORE = re.compile(r"\b(?:did|does|has|have|had|was|were|is|what['’]?s)\s+$", re.I)
_VERDICT_AFTER = re.compile(
    r"^\s+(?:get|got|do|did|doing|fare|fared|score|scored|achieve|achieved|rated|judged|"
    r"graded|perform|performed|like|good|outstanding|inadequate|requires?|improved|improving|"
    r"stand|stack|inspected|visited)\b",
    re.I,
)
# between a name opening the question and its topic: a space, or a dash, colon or comma
_OPENING_GAP = re.compile(r"\s*(?:[-–—:,]\s*)?")
_ENDS = re.compile(r"^\s*(?:[?.!,;:]|$|and\b|vs?\b|versus\b)", re.I)


def phrase_of(name: str) -> str:
    """A name as phrases are compared: lower case, "&" as "and", no punctuation."""
    name = name.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z ]+", " ", name).split())


# between two names of a comparison or a list: "west berks and reading", "slough or reading"
# (the gap between them, stripped)
_JOINED = re.compile(r",|,? ?(?:&|and|or|n|vs?\.?|versus)|/|\+", re.I)


def names_a_place(
    text: str,
    start: int,
    end: int,
    *,
    whole: bool = False,
    others: Sequence[tuple[int, int]] = (),
) -> bool:
    """Whether a name that is also a word ("reading", "bury") is used as the place.

    "Reading's care leavers", "bury council", "grades for reading?", "how is Bury
    doing" (capitalised inside a sentence), "what grade did reading get", "how was bury
    rated" (the subject of a verdict), "reading front door findings" (opening the
    question before a topic word, for a ``whole`` name: "tower blocks" is no Tower
    Hamlets) name the place; "what are you reading about" and "Reading the report, …"
    do not. Joined to another name (``others``: where the question names authorities)
    by "and", "or", "vs" or a comma, it is the place ("bolton and bury", "slough or
    reading").
    """
    if any(
        (b <= start and _JOINED.fullmatch(text[b:start].strip()))
        or (end <= a and _JOINED.fullmatch(text[end:a].strip()))
        for a, b in others
    ):
        return True
    after, before = text[end:], text[:start]
    if text[start : start + 1].isupper() and before.strip() and not _SENTENCE_END.search(before):
        return True  # capitalised inside a sentence: "how is Bury doing?"
    if whole and _SENTENCE_END.search(before):  # opening the question, before a topic
        gap = _OPENING_GAP.match(after)
        following = after[gap.end() :].split(maxsplit=1) if gap and gap.end() else []
        word = following[0].rstrip("?.!,;:").lower() if following else ""
        if word.isalpha() and word not in STOPWORDS:
            return True  # "reading front door findings", "Bury care leavers", "bury - grades"
    if _VERDICT_BEFORE.search(before) and (_VERDICT_AFTER.match(after) or _ENDS.match(after)):
        return True  # "was bury good or outstanding?", "how good is bury"
    return bool(_PLACE_AFTER.match(after) or (_PLACE_BEFORE.search(before) and _ENDS.match(after)))


def misspelt_phrases(
    question: str, phrases: dict[int, dict[str, str]]
) -> list[tuple[int, int, str, str]]:
    """Runs of the question's words within an edit or two of a multi-word name.

    ``phrases`` holds the names as compared (:func:`phrase_of`) by their number of words.
    Returns ``(start, end, canonical name, typed)`` for each run read as a name: within
    one edit (two for names of 16 letters or more), the longest name first; a run that
    is exactly a name is left alone.
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(question)]
    if len(words) < 2 or not phrases:
        return []
    taken: list[tuple[int, int, str, str]] = []
    for n in sorted(phrases, reverse=True):
        for i in range(len(words) - n + 1):
            start, end = words[i][0], words[i + n - 1][1]
            if any(a < end and start < b for a, b, _, _ in taken):
                continue
            typed = question[start:end]
            window = phrase_of(typed)
            best = None
            for phrase, name in phrases[n].items():
                limit = 2 if len(phrase) >= 16 else 1
                d = _distance(window, phrase, limit)
                if 0 < d <= limit and (best is None or d < best[0]):
                    best = (d, name)
                elif d == 0:
                    best = None
                    break
            if best is not None:
                taken.append((start, end, best[1], typed))
    return taken


def short_names(
    low: str, alone: dict[str, str], elided: bool = False
) -> tuple[tuple[str, ...], str] | None:
    """The authorities a lower-case word that is no ordinary word may name, and how.

    ``alone``: the first words that name one authority alone, with its name. A slip of
    one letter in such words reads as them ("spelling": "suton", "brnt"; never as a
    contraction of a longer name: Southampton, Barnet); else a word that keeps the first
    and the last letter of them, drops a third to three fifths and keeps the rest in
    order ("contraction": "Nottm", "Lpool", "B'ham"; "h'shire" may be Hampshire,
    Herefordshire or Hertfordshire); else their start, two fifths at least, an "s" after
    it as county short forms have it ("Northumbs", as "Staffs", "Warks") or the "o" or "y"
    of a nickname ("Darlo", as "Donny") ("truncation": "Sheff", "Peterboro"). The names
    of the first of these readings that fits any, sorted; None when none fits. A word
    typed with an apostrophe where letters were dropped (``elided``: "W'minster") may keep
    up to nine tenths of the name.
    """
    near = {
        name for word, name in alone.items() if word[0] == low[0] and _distance(low, word, 1) == 1
    }
    if near:
        return tuple(sorted(near)), "spelling"
    fits = {
        name
        for word, name in alone.items()
        if word[0] == low[0]
        and word[-1] == low[-1]
        and 0.4 * len(word) <= len(low) <= (0.9 if elided else 0.7) * len(word)
        and in_order(low, word)
    }
    if fits:
        return tuple(sorted(fits)), "contraction"
    stems = {low} | ({low[:-1]} if low.endswith(("s", "o", "y")) else set())
    cut = {
        name
        for word, name in alone.items()
        for start in stems
        if 0.4 * len(word) <= len(start) < len(word) and word.startswith(start)
    }
    return (tuple(sorted(cut)), "truncation") if cut else None

"""What kind of answer a question wants: the intents, their patterns and the subject words.

:func:`classify_intent` reads the intent from the vocabulary's patterns
(``core.vocabulary.INTENT_PATTERNS``); :func:`settle_intent` is the one decision an answer
follows (the intent model where it is sure, the patterns otherwise);
:data:`NOT_SUBJECT` and :data:`JUDGEMENT_STEMS` say which of a question's words are no
subject and which name a judgement area or grade (see
:class:`~assistant.understood.Understood`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Literal, get_args

from assistant.answering.coverage import LOCATING
from assistant.answering.text_units import STOPWORDS, stem, terms
from assistant.intent_model import IntentModel, features
from assistant.spelling import everyday_words
from core.everyday import NO_WORD_ZIPF, zipf
from core.vocabulary import (
    APA_GRADE_WORDS,
    AREA_QUESTION_WORDS,
    GRADE_WORDS,
    INTENT_PATTERNS,
    KIND_WORDS,
    MONTHS,
    NAMING_WORDS,
    QUANTITY_WORDS,
    QUESTION_WORDS,
    SEASONS,
    THING_WORDS,
    VERDICT_WORDS,
)

if TYPE_CHECKING:
    from assistant.understood import Understood

Intent = Literal[
    "grade",
    "why",
    "improve",
    "finding",
    "number",
    "who_when",
    "compare",
    "summary",
    "plan_status",
    "other",
]
INTENTS: tuple[str, ...] = get_args(Intent)


def _literal_words(pattern: str) -> list[str]:
    """The words a regular expression spells out (its escapes removed)."""
    return re.findall(r"[a-z]{3,}", re.sub(r"\\[a-zA-Z]", " ", pattern))


# words that ask how good something is, or for a summary, a grade or a reason, and dates:
# none of them is a subject ("the headline from Dorset's autumn 2021 inspection")
NOT_SUBJECT = {
    t
    for w in (
        *VERDICT_WORDS,
        *MONTHS,
        *SEASONS,
        *(
            word
            for intent in ("summary", "why", "grade")
            for word in _literal_words(INTENT_PATTERNS[intent].pattern)
        ),
        *(word for p in KIND_WORDS.values() for word in _literal_words(p.pattern)),
        *QUANTITY_WORDS,
    )
    for t in (w, *terms(w))
}
# the words that name a judgement area or a grade ("care leavers", "RI", "graded")
JUDGEMENT_STEMS = {
    t
    for pattern in (*(p for _, p in AREA_QUESTION_WORDS), GRADE_WORDS, APA_GRADE_WORDS)
    for w in _literal_words(pattern)
    for t in terms(w)
} | {
    t for w in ("grade", "graded", "judgement", "judged", "rated", "rating", "ri") for t in terms(w)
}


# the framing words as ``terms`` gives them ("ILACS" is "ilac", "inspections" "inspection")
_QUESTION_STEMS = QUESTION_WORDS | {t for w in QUESTION_WORDS for t in terms(w)}


def topic_and_subject(
    expanded: str, normalised: str, named: set[str], phrases: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A question's topic words and its subject.

    The topic is of ``expanded`` (its text with the glossary's forms); the subject of
    ``normalised``, without the words that ask how good, for a summary, a grade, a reason,
    a date or a kind of document (:data:`NOT_SUBJECT`). Neither holds the authorities'
    words (``named``), figures or framing words, except the words of a domain phrase of
    several words (``phrases``: "children's views", "county lines"), which are what the
    question asks about though alone they frame questions.
    """
    phrased = {t for p in phrases for t in terms(p)}
    topic = tuple(
        t
        for t in terms(expanded)
        if t not in named and not t.isdigit() and (t not in _QUESTION_STEMS or t in phrased)
    )
    subject = tuple(
        t
        for t in terms(normalised)
        if t not in named
        and not t.isdigit()
        and (t in phrased or (t not in _QUESTION_STEMS and t not in NOT_SUBJECT))
    )
    return topic, subject


def intent_evidence(und: Understood, patterns: str | None = None) -> set[str]:
    """What the intent model reads of an understood question.

    Its words, the names in it and what the patterns say (``patterns``, when the caller
    has it; see :mod:`assistant.intent_model`).
    """
    names = [n for r in und.authorities for n in (r.typed, r.name)]
    # "wat is it", "y outstanding?": the words as the patterns read them
    corrected = everyday_words(und.asked)
    rule = patterns or classify_intent(corrected, len(und.authorities))
    return features(corrected, names, len(und.authorities), rule)


def intent_text(und: Understood) -> str:
    """The question as the intent model's sentence vector reads it.

    Misspellings corrected and every authority named written "the council" (so nothing is
    learnt about a council).
    """
    text = everyday_words(und.asked)
    names = {n for r in und.authorities for n in (r.typed, r.name) if n}
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(re.escape(name), "the council", text, flags=re.I)
    return text


_WHEN_PAST = re.compile(r"(?:since )?when (?:did|was|were)\b", re.IGNORECASE)


def settle_intent(
    patterns: str,
    evidence: set[str] | None,
    und: Understood,
    model: IntentModel | None,
    vector: Sequence[float] | None = None,
) -> str:
    """The intent an answer follows.

    The model's reading where it is sure enough, else the patterns' (``patterns``); two
    or more authorities named stay a comparison, and a question opened with "when did",
    "when was" or "when were" asks when; a finding with no subject, or a "what is"
    with no topic, is a summary ("what did Ofsted say about Bolton?", "how is Bolton
    doing?", "what's Bolton's ofsted?"). ``vector`` is the
    sentence vector of :func:`intent_text`, for a model that reads one.
    """
    intent = patterns
    # "when did …", "when was …": a time is asked, whatever the model makes of the rest
    # ("when did worcs adoption move to the regional agency" is no number question)
    asks_when = patterns == "who_when" and bool(_WHEN_PAST.match(und.corrected.lstrip()))
    if model is not None and evidence is not None and patterns != "compare" and not asks_when:
        intent = model.decide(evidence, patterns, vector)
        # a summary is of a whole report: the model does not make one of a question about
        # something that no word asks to summarise ("derbyshire closing the loop audits")
        if intent == "summary" and patterns != "summary" and und.beyond_judgements:
            intent = patterns
    # "what's bolton's ofsted?": what it is is nothing but the council's report
    if intent == "other" and not und.topic:
        return "summary"
    return "summary" if intent == "finding" and not und.subject else intent


# A bare question ("norfolk FLOURISH", "kent VSK", "what's the clasp protocol co durham"): only
# names, a time and a term, or "what is" it. When the
# glossary does not know the term and the reports of at most this many authorities use it,
# one of them writing its words together (one at least: a term no report uses has nothing
# to define it; "youth justice pooling" is words that meet, not a name), it is a council's
# own name for something, and what it is is what is asked.
LOCAL_TERM_AUTHORITIES = 3
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+")  # as ``terms`` splits words
# "what's the clasp protocol": asked with nothing but what it is
_WHAT_IS = frozenset("what whats is are r the a an in of for at on".split())
_ASKING = frozenset("is are r".split())  # "what is" it only after "what": "are babies safe?"


def _framing(typed: Sequence[str]) -> frozenset[str]:
    """The words that may put a bare question: "is" and "are" only with "what"."""
    asks_what = any(w.lower() in ("what", "whats", "what's") for w in typed)
    return _WHAT_IS if asks_what else _WHAT_IS - _ASKING


def _named_words(und: Understood) -> set[str]:
    """The stems of every word of the authorities' names, as typed and as written in full.

    Their joining words too: the question is read with the name written in full
    ("Telford and Wrekin family connect"), and "and" there is no word of what is asked.
    """
    return {
        stem(w.rstrip("'’-").lower())
        for r in und.authorities
        for n in (r.typed, r.name)
        for w in _TOKEN.findall(n)
    }


# A bare question's term is also a council's own name when the reports of at most this
# many authorities write it with capitals inside a sentence ("Flourish", "Aspire": everyday
# words that many reports use in lower case); a national scheme ("Staying Put",
# "Mockingbird", "Signs of Safety") is capitalised by more.
LOCAL_NAME_AUTHORITIES = 2


def local_name(
    und: Understood,
    spread: Callable[[str], int | None],
    naming: Callable[[str], Collection[str] | None] | None = None,
) -> tuple[str, ...]:
    """The words of a council's own name a finding question asks about, as typed.

    Asked bare ("norfolk FLOURISH"), bare before a guess at it ("route 29 salford - edge
    of care thing?") or opening with "what's" and the name ("whats the quad in sutton,
    some drop in for care leavers?"). ``spread`` tells how many authorities'
    reports use a phrase, 0 unless one writes its words together (None: it cannot tell);
    ``naming``, which authorities' reports write it with capitals inside a sentence (see
    :data:`LOCAL_NAME_AUTHORITIES`). Empty when it asks about no such name.
    """
    if und.intent != "finding" or not und.subject:
        return ()
    named = _named_words(und)
    typed = _typed(und.normalised)
    subject = set(und.subject)
    # "route 29 salford - edge of care service or fostering thing?": what follows a dash,
    # a comma or a bracket is the user's guess at it, not part of what is asked
    head, *tail = _GUESS.split(und.normalised, maxsplit=1)
    # not when what follows asks what was found ("… - what did ofsted think?")
    guessed = bool(tail) and not _ASKS_FOUND.search(tail[0])
    spans = [
        _bare(_typed(head), subject, named) if guessed else [],
        [] if und.analysis.expansions else _bare(typed, subject, named),
        _opening(typed, subject, named),
    ]
    # each phrase once: reading its spread may read passages ("norfolk FLOURISH?" and
    # "norfolk FLOURISH" are one span)
    distinct = dict.fromkeys(tuple(span) for span in spans if span)
    found = next((span for span in distinct if _local(list(span), spread, naming)), ())
    if found or naming is None:
        return found
    # a name of everyday words ("bracknell dogs for good", "worcestershire get safe",
    # "solihull ambitious for children plan"): not all of them are subject words, so only
    # a report writing them as a name says it is one
    # the words before a guess, or the whole question when it has no aside
    asked = _typed(head) if guessed else [] if tail else typed
    whole = _named_span(asked, named)
    if whole and tuple(whole) not in distinct and _written_as_name(" ".join(whole), naming):
        return tuple(whole)
    return ()


def _named_span(typed: list[str], named: set[str]) -> list[str]:
    """A bare question's words from the first that is not of its framing to the last.

    Framing: the authority, a place or time, "what is", a figure, or what kind of thing
    it is ("… plan"); every word between counts, whatever it is ("dogs for good").
    """
    framing = _framing(typed)
    at = [i for i, w in enumerate(typed) if not _frames(w, named, framing)]
    return typed[at[0] : at[-1] + 1] if at else []


def _frames(word: str, named: set[str], framing: frozenset[str]) -> bool:
    """Whether a word of a bare question only frames it.

    Of the authority's name, a place or time, "what is" (``framing``), a figure, or what
    kind of thing is asked about.
    """
    st = stem(word)
    return (
        st in named
        or st in LOCATING
        or st in framing
        or word.isdigit()
        or word.lower() in THING_WORDS
    )


def _typed(text: str) -> list[str]:
    """The words of ``text`` as typed, without a trailing apostrophe or hyphen."""
    return [w.rstrip("'’-") for w in _TOKEN.findall(text)]


def _local(
    span: list[str],
    spread: Callable[[str], int | None],
    naming: Callable[[str], Collection[str] | None] | None,
) -> bool:
    """Whether the words of ``span`` are a council's own name (see the two limits above)."""
    # without a last word saying what kind of thing it is ("the clasp protocol")
    phrases = [" ".join(span)]
    if len(span) > 1 and span[-1].lower() in THING_WORDS:
        phrases.append(" ".join(span[:-1]))
    used = spread(phrases[0])
    if used == 0 and len(phrases) > 1:
        used = spread(phrases[1])
    if used is not None and 1 <= used <= LOCAL_TERM_AUTHORITIES:
        return True
    if naming is None:
        return False
    # another council's name ("cornwall family connect", Telford's) is asked about too:
    # the answer is that the council's reports never name it
    return any(_written_as_name(phrase, naming) for phrase in phrases)


def _written_as_name(phrase: str, naming: Callable[[str], Collection[str] | None]) -> bool:
    """Whether one to :data:`LOCAL_NAME_AUTHORITIES` authorities write ``phrase`` as a name."""
    return 0 < len(naming(phrase) or ()) <= LOCAL_NAME_AUTHORITIES


def _bare(typed: list[str], subject: set[str], named: set[str]) -> list[str]:
    """A bare question's words from the first of its subject to the last, as typed.

    Empty unless every other word is of the authority, a place or time, "what is", or
    says what kind of thing it is ("worcestershire anchor service").
    """
    framing = _framing(typed)
    at = [i for i, w in enumerate(typed) if stem(w) in subject]
    if not at:
        return []
    for i, word in enumerate(typed):
        if at[0] < i < at[-1] and word.lower() in STOPWORDS:
            continue  # inside the name: "language that cares", "always here"
        if not (stem(word) in subject or _frames(word, named, framing)):
            return []
    return typed[at[0] : at[-1] + 1]


_GUESS = re.compile(r"\s[-–—]+\s|[?,;(]")  # where a guess or an aside begins
# (not "ofsted" alone: "starlac salford - camhs thing? nov 23 ofsted" places the report)
_ASKS_FOUND = re.compile(
    r"\b(?:say|said|think|thought|view|views|verdict|finds?|found|good|how|why|rated|grades?)\b",
    re.IGNORECASE,
)


# "what's the quad …", "whats harbour …", "what is kent's anchor service …"
_OPENING = (("whats",), ("what's",), ("what", "is"), ("what", "are"), ("wots",), ("wot's",))


def _opening(typed: list[str], subject: set[str], named: set[str]) -> list[str]:
    """The subject words just after an opening "what's" (and the authority), as typed.

    What follows them is the user's guess at it ("… in sutton, some drop in for care
    leavers?"), not part of what is asked.
    """
    raw = [w.lower().replace("’", "'") for w in typed]
    at = next((len(o) for o in _OPENING if tuple(raw[: len(o)]) == o), 0)
    if not at:
        return []
    low = [re.sub(r"'s$", "", w) for w in raw]
    while at < len(low) and (low[at] in ("the", "a", "an") or stem(low[at]) in named):
        at += 1
    end = at
    while end < len(low) and stem(low[end]) in subject and not low[end].isdigit():
        end += 1
    return typed[at:end]


# words saying a name is asked about ("toxic trio meaning"), and those that put the
# question ("what is", "who are"): neither is part of the name
_NAMING = frozenset(stem(w) for w in NAMING_WORDS)
_JOINING = frozenset("of for and & 4 the".split())  # inside a name: "circles of support"
_ASKS_WHAT = (("what", "is"), ("what", "are"), ("who", "are"), ("what", "does"), ("what", "do"))
_ASKED_AFTER = (("what", "is", "it"), ("what", "are", "they"), ("what", "do", "they"))


# a capitalised word inside a sentence: "its Mockingbird fostering programme"
_CAPITALISED = re.compile(r"(?<=[\w,'’)]\s)[A-Z][a-z]{3,}\b")
# capitalised words one after another inside a sentence, a joining word or none between
# them: "its Staying Close scheme", "the Family Connect service"
_CAPITALISED_RUN = re.compile(
    r"(?<=[\w,'’)]\s)[A-Z][a-z]+(?:\s+(?:(?:for|of|and|the|in|to|on)\s+)?[A-Z][a-z]+)+\b"
)


def rare_names(
    und: Understood, of_the_field: Callable[[str], bool] | None = None
) -> tuple[str, ...]:
    """The proper names a question uses: no everyday English word, or several words.

    Capitalised inside a sentence and rare in English ("what did Bolton's inspection say
    about its Mockingbird fostering programme?": "Mockingbird"), or capitalised words
    one after another, everyday words each ("Bolton's Staying Close scheme": "Staying
    Close"): a scheme, a place or a body. Not a sentence's first word, the authorities'
    names as typed or in full, a month, nor words in capitals (abbreviations, which the
    glossary or the reports spell out). ``of_the_field``, when given, tells the field's own
    phrases ("Children in Care Council"), which reports word their own ways ("child in care
    council", "CiCC"): no such name.
    """
    named = _named_words(und)

    def a_name(words: str) -> bool:
        return not any(
            stem(w.lower()) in named or w.lower() in MONTHS for w in _TOKEN.findall(words)
        )

    rare = [
        m.group()
        for m in _CAPITALISED.finditer(und.text)
        if a_name(m.group()) and zipf(m.group()) < NO_WORD_ZIPF
    ]
    runs = [
        m.group()
        for m in _CAPITALISED_RUN.finditer(und.text)
        if a_name(m.group()) and not (of_the_field is not None and of_the_field(m.group()))
    ]
    return tuple(dict.fromkeys(rare + runs))


def asked_name(und: Understood) -> tuple[str, ...]:
    """The name a "what is X?" question asks about, in the forms a report would write it.

    The question's subject words typed one after another (a joining word between
    them: "voices 4 choices"), when they are its only subject and the question puts
    them as a name: after "what is" / "who are" ("what is Salford's Bright Futures
    service?"), before a word asking what a name means ("CLASP meaning", "... - what is
    it"), or alone beside an authority, a date and placing words ("worcs SHINE team").
    The forms: the name as typed (first); every two words of it next to each other (a
    user may add a word a report does not write beside it: "the new family hub",
    "harbour edge of care thing"; the name is held when one form is); and a name of one
    word and a word saying what kind of thing it is without that word ("SHINE team":
    "SHINE"). Empty when it asks no such name, or a short form the glossary knows (it
    may be written in full).
    """
    if und.intent != "other" or not und.subject or und.analysis.expansions:
        return ()
    named = _named_words(und)
    typed = [re.sub(r"['’]s$", "", w.rstrip("'’-")) for w in _TOKEN.findall(und.normalised)]
    low = [w.lower() for w in typed]
    subject = set(und.subject) - _NAMING - named
    runs: list[tuple[int, int]] = []  # [start, end) of each run of subject words
    start = end = -1
    for i, word in enumerate(low):
        if stem(word) in subject and not word.isdigit():
            if end < 0 or i > end + 1:
                if end >= 0:
                    runs.append((start, end))
                start = i
            end = i + 1
        elif end >= 0 and not (i == end and word in _JOINING):
            runs.append((start, end))
            start = end = -1
    if end >= 0:
        runs.append((start, end))
    if len(runs) != 1:
        return ()
    start, end = runs[0]
    name = typed[start:end]
    others = low[:start] + low[end:]
    # the authority's name may come between ("what is Salford's …", "… cornwall meaning")
    before = [w for w in low[:start] if stem(w) not in named and w not in ("the", "a", "an")]
    framing = _framing(low)
    after = [w for w in low[end:] if stem(w) not in named]
    framed = (
        tuple(before[-2:]) in _ASKS_WHAT
        or before[-1:] in (["whats"], ["what's"])
        or (bool(after) and stem(after[0]) in _NAMING)
        or tuple(after[:3]) in _ASKED_AFTER
        # beside it only the authority, a date, placing words and what kind of thing it
        # is ("solihull next chapter service")
        or all(
            w.isdigit() or w in framing or w in THING_WORDS or stem(w) in named | LOCATING | _NAMING
            for w in others
        )
    )
    if not framed:
        return ()
    # every two words of it next to each other, the joining words between kept as typed
    content = [i for i, w in enumerate(name) if w.lower() not in _JOINING]
    forms = [" ".join(name)]
    forms += [" ".join(name[a : b + 1]) for a, b in zip(content, content[1:], strict=False)]
    if len(content) == 2 and name[content[1]].lower() in THING_WORDS:
        forms.append(name[content[0]])
    return tuple(forms)


_WHEN_FIRST = re.compile(r"(?:since )?when\b", re.IGNORECASE)


def classify_intent(question: str, n_authorities: int = 0) -> str:
    """The kind of answer a question wants (one of :data:`INTENTS`).

    The patterns are tried in a fixed order (see ``assistant.vocabulary.INTENT_PATTERNS``);
    a question naming two or more authorities is a comparison unless it asks for a list
    of authorities with a grade.
    """
    if n_authorities >= 2 and not INTENT_PATTERNS["which"].search(question):
        return "compare"
    # put with "when", it asks when, whatever else it names ("when did derbyshire appoint
    # the director credited with its improvement?")
    if _WHEN_FIRST.match(question.lstrip()):
        return "who_when"
    for intent, pattern in INTENT_PATTERNS.items():
        if intent == "which":
            continue
        if pattern.search(question):
            return intent
    return "finding" if n_authorities else "other"

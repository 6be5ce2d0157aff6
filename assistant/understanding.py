"""One question-understanding step: who, when, what kind of answer, about what.

``QuestionReader.read(question)`` returns an :class:`Understood`: the authorities named
(each with how it was recognised and a confidence), the years and whether the latest or
the previous report is meant, the intent, and the topic words. Retrieval, the scope rule
and the answerers all read this one result instead of re-reading the question.

Authorities are recognised in the forms staff type, by generic rules over the reference
list (``core/reference``), never by a list of the library's own councils:

- every name, alias and council form the authority index knows (exact: confidence 1.0);
- standard short forms (``short_forms.csv``: "Notts", "Lancs", "Herts"), forms derived
  from compound names ("K&C" and "Kensington" for "Kensington and Chelsea", "Telford"),
  and compass abbreviations ("N Tyneside", "S Glos"): 0.9;
- names typed in lower case ("kent", "windsor and maidenhead"): 0.85;
- a misspelt place word, corrected against the reference names, or a name written short
  by dropping letters ("Nottm", "Lpool", "B'ham"; only words the library does not use):
  0.75.

The intent is one of :data:`assistant.intents.INTENTS`, read from the wording with the domain
vocabulary in :mod:`core.vocabulary`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
from collections.abc import Callable, Collection, Iterable, Sequence

from assistant.answering.coverage import closest
from assistant.answering.text_units import STOPWORDS, terms
from assistant.authority_forms import (
    council_initials,
    derived_forms,
    first_word_forms,
    form_key,
    load_short_forms,
    misspelt_phrases,
    names_a_place,
    names_by_first_word,
    phrase_of,
    short_names,
)
from assistant.glossary import Glossary
from assistant.intent_model import IntentModel
from assistant.intents import (
    classify_intent,
    intent_evidence,
    intent_text,
    local_name,
    settle_intent,
    topic_and_subject,
)
from assistant.query import (
    QueryAnalysis,
    QueryAnalyzer,
    asked_text,
    extract_years,
    recency_of,
)
from assistant.spelling import everyday_words
from assistant.understood import AuthorityRef, Understood
from core.dates import full_years, year_before
from core.everyday import NO_WORD_ZIPF, is_everyday_word, zipf
from core.vocabulary import (
    FRAMEWORK_WORDS,
    KIND_WORDS,
    LOWERCASE_AMBIGUOUS,
    ORDINARY_FIRST_WORDS,
)
from ingest.authorities import AuthorityIndex

EXACT, SHORT_FORM, LOWER_CASE, FIRST_WORD, SPELLING = 1.0, 0.9, 0.85, 0.8, 0.75
# a word written short that this many authorities' names fit at most is asked back
# ("h'shire": Hampshire, Herefordshire or Hertfordshire); more fit nothing in particular
MAX_UNSURE = 4


_WORD = re.compile(r"[A-Za-z][A-Za-z'’&.-]*[A-Za-z]|[A-Za-z]")
_POSSESSIVE = re.compile(r"['’]s$")


_CITY = re.compile(r"city\b", re.IGNORECASE)  # read after the name and its spaces


_INITIALS = re.compile(r"\b[A-Za-z]{3,6}\b")
_GLUED_AND = re.compile(r"(?<=[A-Za-z]{2})&(?=[A-Za-z]{2})")


class QuestionReader:
    """Reads questions into :class:`Understood` (see the module docstring)."""

    def __init__(
        self,
        analyzer: QueryAnalyzer,
        authorities: AuthorityIndex | None,
        short_forms: Iterable[tuple[str, str]] | None = None,
        intent_model: IntentModel | None = None,
        embed: Callable[[str], Sequence[float]] | None = None,
        spread: Callable[[str], int | None] | None = None,
        naming: Callable[[str], Collection[str] | None] | None = None,
    ) -> None:
        """Use the query analyzer (typos, glossary) and the authority index.

        ``intent_model``, when given, reads the intent (else the vocabulary's patterns);
        ``embed`` gives it the question's sentence vector when it reads one. ``spread``
        tells how many authorities' reports use a phrase: a bare question about a term
        few of them use asks what it is (:func:`assistant.intents.local_name`);
        ``naming`` tells which authorities' reports write a phrase with capitals, as a name.
        """
        self._analyzer = analyzer
        self._intent_model = intent_model
        self._embed = embed
        self._spread = spread
        self._naming = naming
        self._authorities = authorities
        self._short_forms = list(short_forms) if short_forms is not None else None
        self._lock = threading.Lock()
        self._forms: dict[str, str] | None = None
        self._form_re: re.Pattern[str] | None = None
        self._lower_names: dict[str, str] = {}
        self._ambiguous: dict[str, str] = {}
        self._first_words: dict[str, str] = {}
        # first words that are one authority's alone ("nottingham"): contractions' targets
        self._alone: dict[str, str] = {}
        # multi-word names as compared (see _phrase), by their number of words
        self._phrases: dict[int, dict[str, str]] = {}
        self._form_words: dict[str, str] = {}  # one-word short forms ("warks")
        self._unsure: dict[str, tuple[str, ...]] = {}  # initials several councils share

    # -- building (on first use) ------------------------------------------------------

    def _ready(self) -> tuple[dict[str, str], re.Pattern[str] | None]:
        with self._lock:
            if self._forms is None:
                self._forms = {}
                if self._authorities is not None:
                    shorts = (
                        self._short_forms if self._short_forms is not None else load_short_forms()
                    )
                    by_first = names_by_first_word(self._authorities)
                    self._alone = {w: next(iter(n)) for w, n in by_first.items() if len(n) == 1}
                    self._forms = derived_forms(self._authorities, shorts, by_first)
                    for a in self._authorities.all():
                        for name in (a.name, *a.aliases):
                            key = " ".join(name.replace(",", " ").split()).lower()
                            if key in LOWERCASE_AMBIGUOUS:
                                self._ambiguous.setdefault(key, a.name)
                            elif len(key) >= 3:
                                self._lower_names.setdefault(key, a.name)
                            phrase = phrase_of(name)
                            if len(phrase.split()) >= 2:
                                by_words = self._phrases.setdefault(len(phrase.split()), {})
                                by_words.setdefault(phrase, a.name)
                    # one-word short forms, for a slip in one ("warwks": Warks)
                    self._form_words = {
                        k: n for k, n in self._forms.items() if k.isalpha() and len(k) >= 5
                    }
                    # a council's initials ("KCC"); those several councils share ("WCC")
                    # are asked back (``Understood.unsure``)
                    shipped = Glossary.load()  # "PCC" is the police and crime commissioner
                    for key, names in council_initials(self._authorities).items():
                        if key in self._forms or shipped.is_term(key):
                            continue
                        if len(names) == 1:
                            self._forms[key] = next(iter(names))
                        else:
                            self._unsure[key] = tuple(sorted(names))
                    for word, name in first_word_forms(self._authorities, by_first).items():
                        if word not in self._forms and word not in self._lower_names:
                            self._first_words[word] = name
                keys = sorted(
                    {*self._forms, *self._lower_names, *self._ambiguous, *self._first_words},
                    key=len,
                    reverse=True,
                )
                if keys:
                    # words typed apart by spaces, hyphens or a comma ("bournemouth,
                    # christchurch and poole")
                    alternatives = "|".join(re.escape(k).replace(r"\ ", r",?[\s-]+") for k in keys)
                    self._form_re = re.compile(
                        rf"(?<![\w&'’])(?:{alternatives})(?![\w&])", re.IGNORECASE
                    )
            return self._forms, self._form_re

    # -- reading --------------------------------------------------------------------

    def read(self, question: str) -> Understood:
        """Understand one question (see :class:`Understood`)."""
        normalised, extra, shortened = self._normalise(question)
        # misspelt place names typed in lower case are looked for as capitalised words;
        # the question itself (for retrieval and the answer) keeps the user's case
        analysis = self._analyzer.analyze(self._capitalise_unknown(normalised))
        refs = _not_excluded(self._refs(question, analysis, extra, normalised), normalised)
        unsure = () if refs else self._unsure_initials(normalised) + tuple(shortened.items())
        years = extract_years(normalised)  # "july 24" written in full
        named = {w for r in refs for w in (*terms(r.name), *terms(r.typed))}
        named |= {w for typed, _ in unsure for w in terms(typed)}
        phrases = [p for p in self._analyzer.phrases(normalised) if len(p.split()) > 1]
        topic, subject = topic_and_subject(analysis.expanded, normalised, named, phrases)
        und = Understood(
            text=question,
            normalised=normalised,
            analysis=analysis,
            authorities=refs,
            years=years,
            # "harrow's grade before 2025": the one before that year's report
            recency="previous" if year_before(normalised) else recency_of(question),
            intent=classify_intent(asked_text(normalised, analysis), len(refs)),
            kinds=tuple(kind for kind, words in KIND_WORDS.items() if words.search(question)),
            frameworks=tuple(f for f, words in FRAMEWORK_WORDS.items() if words.search(question)),
            topic=topic,
            subject=subject,
            unsure=unsure,
            written_short=tuple(t for t, _ in unsure if t in shortened),
        )
        model = self._intent_model
        evidence = intent_evidence(und, und.intent) if model is not None else None
        vector = None
        if model is not None and model.reads_vectors and self._embed is not None:
            vector = self._embed(intent_text(und))
        und = dataclasses.replace(
            und, intent=settle_intent(und.intent, evidence, und, model, vector)
        )
        if self._spread is not None:
            name = local_name(und, self._spread, self._names())
            if name:
                und = dataclasses.replace(und, intent="other", name=name)
        return und

    def _unsure_initials(self, question: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Initials typed that several councils share ("WCC"), with the councils.

        Not one typed in lower case that is an everyday word ("lbs").
        """
        self._ready()
        out: dict[str, tuple[str, ...]] = {}
        for m in _INITIALS.finditer(question):
            typed = m.group()
            names = self._unsure.get(typed.lower())
            if names and not (typed.islower() and is_everyday_word(typed)):
                out.setdefault(typed, names)
        return tuple(out.items())

    def of_the_field(self, text: str) -> bool:
        """Whether ``text`` is, or is part of, a phrase of the glossary.

        The field's own vocabulary ("Children in Care Council"), however a report words it
        ("child in care council", "CiCC").
        """
        of_the_field = getattr(self._analyzer, "of_the_field", None)
        return bool(of_the_field(text)) if of_the_field is not None else False

    def knows(self, short: str) -> bool:
        """Whether the glossary spells out a short form ("IROs"; not a council's "KFT")."""
        knows = getattr(self._analyzer, "knows", None)
        return bool(knows(short)) if knows is not None else False

    def _names(self) -> Callable[[str], Collection[str] | None] | None:
        """Which authorities write a phrase as a name; none for a phrase of the glossary's.

        The field's own vocabulary ("youth justice", of the youth justice service) is
        capitalised by some reports and is no council's name for anything.
        """
        naming = self._naming
        if naming is None:
            return naming
        return lambda phrase: () if self.of_the_field(phrase) else naming(phrase)

    def _normalise(
        self, question: str
    ) -> tuple[str, dict[str, AuthorityRef], dict[str, tuple[str, ...]]]:
        """The question with short forms and lower-case names written as the index knows them.

        Words staff type that reports do not use ("kids", "yrs") are written as the
        reports write them (``core.vocabulary.EVERYDAY_WORDS``), so that retrieval and the
        answer's coverage check look for the report's word, and two-digit years in full
        ("ofsted july 24": ``core.dates.full_years``). Returns the new text and, by
        canonical name, how each replaced form was read, and the words written short that
        a few authorities' names fit ("h'shire"), with their names.
        """
        # "redcar&cleveland" as "redcar & cleveland" (not the initials "k&c", "b&b")
        question = _GLUED_AND.sub(" & ", full_years(everyday_words(question)))
        question = self._analyzer.hyphenated(self._analyzer.cased(question))
        forms, pattern = self._ready()
        if pattern is None or self._authorities is None:
            return question, {}, {}
        found: dict[str, AuthorityRef] = {}
        shortened: dict[str, tuple[str, ...]] = {}
        question = self._misspelt_phrases(question, found, self._phrases)
        question = self._contractions(question, found, shortened)
        # a slip in a short form ("warwks"), once contractions ("nottm") are read
        question = self._misspelt_phrases(question, found, {1: self._form_words})
        exact_spans = [(s.start, s.end) for s in self._authorities.spans(question)]

        # where other names stand: "reading" joined to one ("west berks and reading") is one
        # (read only when a name that is also a word is met, not for every question)
        @functools.cache
        def named() -> list[tuple[int, int]]:
            return exact_spans + [
                (m.start(), m.end())
                for m in pattern.finditer(question)
                if (key := form_key(m.group())) in forms
                or key in self._lower_names
                or (key in self._first_words and key not in ORDINARY_FIRST_WORDS)
            ]

        def swap(m: re.Match[str]) -> str:
            typed = m.group()
            # an exact name wins over a form overlapping it, not over one holding it
            # ("N Somerset" is North Somerset, not Somerset)
            if any(
                a < m.end()
                and m.start() < b
                and not (m.start() <= a and b <= m.end())
                or (a, b) == (m.start(), m.end())
                for a, b in exact_spans
            ):
                return typed
            key = form_key(typed)
            if key in forms:
                name, how, conf = forms[key], "short form", SHORT_FORM
                if (
                    len(typed) <= 3
                    and typed.isalpha()
                    and typed.islower()
                    and zipf(typed) >= NO_WORD_ZIPF
                ):
                    return typed  # "som", "mk": too likely an ordinary word ("k&c", "bwd" not)
                # "notts city", "leics city": the city, not the county named after it
                after = question[m.end() : m.end() + 40]
                if name.endswith("shire") and after[:1].isspace() and _CITY.match(after.lstrip()):
                    name = self._lower_names.get(name.lower().removesuffix("shire"), name)
            elif key in self._lower_names:
                name, how, conf = self._lower_names[key], "lower case", LOWER_CASE
                if typed[:1].isupper():
                    return typed
            elif key in self._ambiguous and names_a_place(
                question, m.start(), m.end(), whole=True, others=named()
            ):
                name, how, conf = self._ambiguous[key], "name in context", LOWER_CASE
            elif key in self._first_words and (
                typed[:1].isupper()
                or key not in ORDINARY_FIRST_WORDS
                or names_a_place(question, m.start(), m.end(), others=named())
            ):  # "Bracknell", "bracknell front door", "in tower": a name by its first word
                name, how, conf = self._first_words[key], "first word", FIRST_WORD
            else:
                return typed
            found.setdefault(name, AuthorityRef(name, typed, conf, how))
            # a name that is also a word is written as the index knows it: with "Council"
            return f"{name} Council" if how == "name in context" else name

        return pattern.sub(swap, question), found, shortened

    def _contractions(
        self,
        question: str,
        found: dict[str, AuthorityRef],
        unsure: dict[str, tuple[str, ...]],
    ) -> str:
        """Names written short by dropping letters ("Nottm", "Lpool", "B'ham"), or slipped.

        A word the library does not use, of four to twelve letters, not in capitals and no
        everyday English word, that keeps the first and the last letter of one authority's
        name (or of the first word that names it alone), drops a third to three fifths of
        it and keeps the rest in order, or that is the start of one such name ("Sheff"),
        reads as that authority when no other authority fits. When a few fit
        (:data:`MAX_UNSURE` at most), the word and their names go in ``unsure``.
        """
        if self._authorities is None:
            return question
        vocabulary = self._analyzer.vocabulary()
        if not vocabulary:  # which words are ordinary is not known: "care" is no "Calderdale"
            return question
        out = question
        for m in reversed(list(_WORD.finditer(question))):
            typed = _POSSESSIVE.sub("", m.group())  # "Deon's" is "Deon", a slip of Devon
            low = re.sub(r"['’]", "", typed).lower()
            if (
                not 4 <= len(low) <= 12
                or not low.isalpha()
                or is_everyday_word(low)  # "sand" is no Sandwell
                or typed.isupper()  # an abbreviation ("GCSE")
                or low in STOPWORDS
                or low in vocabulary
                or any(t in vocabulary for t in terms(low))
                or low in self._lower_names
                or low in (self._forms or {})
                or low in self._alone  # a name's own first word ("isle")
            ):
                continue
            elided = bool(re.search(r"\w['’]\w", typed))  # "W'minster", "B'ham"
            read = short_names(low, self._alone, elided)
            if read is None:
                continue
            names, how = read
            if len(names) == 1:
                found.setdefault(names[0], AuthorityRef(names[0], typed, SPELLING, how))
                out = out[: m.start()] + names[0] + out[m.start() + len(typed) :]
            elif len(names) <= MAX_UNSURE:  # "h'shire": asked back, never guessed
                unsure.setdefault(typed, names)
        return out

    def _misspelt_phrases(
        self, question: str, found: dict[str, AuthorityRef], phrases: dict[int, dict[str, str]]
    ) -> str:
        """Multi-word names typed with a slip ("norh somerset", "kensingtn and chelsea").

        Word-level correction cannot see these (a short word, or one word of the name
        being another authority's whole name: "Somerset"), so runs of the question's
        words are compared with each multi-word name as a whole: within one edit (two
        for names of 16 letters or more), the longest name first. Exact names are left
        to the other passes, and so are the forms they read ("n lincolnshire" is North
        Lincolnshire written short, not a slip of "NE Lincolnshire"). ``phrases`` are the
        names (or one-word short forms) to compare, by their number of words; a one-word
        slip must be no English word, nor a slip of one of the library's ("stafs").
        """
        taken = misspelt_phrases(question, phrases)
        forms = self._forms or {}
        for start, end, name, typed in sorted(taken, reverse=True):
            if form_key(typed) in forms or (" " not in typed and self._a_word(typed)):
                continue
            found.setdefault(name, AuthorityRef(name, typed, SPELLING, "spelling"))
            question = question[:start] + name + question[end:]
        return question

    def _a_word(self, typed: str) -> bool:
        """Whether one word is English, or (within a slip) the library's: no short form's slip."""
        vocabulary = self._analyzer.vocabulary() or ()
        if not vocabulary:  # nothing tells a slip from a word or a contraction ("nottm")
            return True
        return zipf(typed) > 0 or closest(typed.lower(), vocabulary) is not None

    def _capitalise_unknown(self, text: str) -> str:
        """Lower-case words the library does not know, capitalised.

        A misspelt place name typed in lower case ("cornwal") is then corrected like a
        capitalised one (only when the correction names an authority).
        """
        vocabulary = self._analyzer.vocabulary() or ()

        def fix(m: re.Match[str]) -> str:
            word = m.group()
            if len(word) < 5 or word in STOPWORDS or word in vocabulary:
                return word
            return word[:1].upper() + word[1:]

        return re.sub(r"\b[a-z]+\b", fix, text)

    def _refs(
        self,
        question: str,
        analysis: QueryAnalysis,
        extra: dict[str, AuthorityRef],
        normalised: str,
    ) -> tuple[AuthorityRef, ...]:
        fixed = {fixed.lower(): typed for typed, fixed in analysis.corrections}
        # how each name was written ("RBKC", "Stockton"): its words are no topic; as typed,
        # else as the question reads once normalised ("banes" is read as "BANES")
        written: dict[str, str] = {}
        if self._authorities is not None:
            for text in (question, normalised):
                for span in self._authorities.spans(text):
                    written.setdefault(span.name, text[span.start : span.end])
        out: list[AuthorityRef] = []
        for name in analysis.authorities:
            if name in extra:
                out.append(extra[name])
                continue
            typed = next((t for f, t in fixed.items() if f in name.lower()), None)
            if typed is not None:
                out.append(AuthorityRef(name, typed, SPELLING, "spelling"))
            else:
                out.append(AuthorityRef(name, written.get(name, name), EXACT, "name"))
        return tuple(out)


_EXCLUDING = r"(?:not|rather than|as opposed to|instead of|excluding|except)\s+(?:the\s+)?"


def _not_excluded(refs: tuple[AuthorityRef, ...], text: str) -> tuple[AuthorityRef, ...]:
    """The authorities named, less those the question sets aside ("derby, not derbyshire").

    A name after "not", "rather than", "instead of" … is what the question is not about;
    unless it is the only one named.
    """
    kept = tuple(
        r
        for r in refs
        if not any(
            re.search(rf"\b{_EXCLUDING}{re.escape(n)}\b", text, re.I)
            for n in {r.typed, r.name}
            if n
        )
    )
    return kept if kept else refs

"""Answers shaped by intent, within the question's scope (offline; the model modes share it).

- compare: side by side, each authority named (the judgements table for grades, quoted
  findings per authority otherwise);
- summary, improve, who/when: read from the whole report in scope
  (:class:`~assistant.answering.whole.WholeReportAnswerer`);
- why: the grade from the judgements table, then the opening of that judgement's section;
- grade and plan status: the structured tables (handled before this router);
- number, finding, other: quotes of the scoped passages.

Each route returns a :class:`Routed` (what was drafted and where it came from) or None,
in which case the caller answers from the passages.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answering.coverage import closest
from assistant.answering.extractive import Drafted
from assistant.answering.intent import asks_for_a_council_post, states_a_grade
from assistant.answering.judgements import (
    FRAME_WORDS,
    JudgementAnswerer,
    TableAnswer,
    areas_named,
    asks_about_grades,
    levels_named,
)
from assistant.answering.merge import renumber
from assistant.answering.report_text import YEAR
from assistant.answering.text_units import split_units, terms
from assistant.answering.whole import WholeReportAnswerer, front_matter_asked
from assistant.intents import classify_intent
from assistant.scope import Scope
from assistant.understood import Understood
from core.vocabulary import AREA_HEADINGS, INSPECTION_EVENT_WORDS, INTENT_PATTERNS, SHORT_OF_A_GRADE
from vectorstore.store import Filters, StoredChunk

WHICH_AUTHORITY = (
    "Which authority's report do you mean? The question names none that the library "
    "holds, and a summary or a list of what to improve is of one council's report."
)
WHICH_AUTHORITY_FACT = (
    "Which authority do you mean? The question names none that the library holds, and "
    "what it asks (a figure, a date, who holds a post) is one council's: name the council "
    "(or choose it in the filters)."
)
# intents whose answer is one council's, asked back when the question names none: not a
# finding, which several councils' passages answer side by side
_ONE_COUNCILS = {
    "improve": WHICH_AUTHORITY,
    "summary": WHICH_AUTHORITY,
    "who_when": WHICH_AUTHORITY_FACT,
    "number": WHICH_AUTHORITY_FACT,
}
WHICH_AUTHORITY_GRADE = (
    "Which authority do you mean? I found no authority's name in the question, and a "
    "grade belongs to one council: name the council (or choose it in the filters), or "
    "ask which councils were given a grade."
)


# the intents of a year not held that a later report's account of its inspection answers
# (a figure of that year is answered from the passages that state it)
EARLIER_INSPECTION_INTENTS = ("grade", "who_when")

NO_PREVIOUS_GRADE = (
    "The library's reports do not state the grade of that earlier inspection: the report "
    "held does not say how the inspection before it was judged."
)


def _named_in(question: str, councils: Sequence[str], scope: Scope) -> bool:
    """Whether the user named the council: as a filter, or in the question.

    In the question: a word of its name of four letters or more.
    """
    if set(councils) & set(scope.authorities):
        return True
    asked = {w[:6] for w in re.findall(r"[a-z]{4,}", question.lower())}
    return any(
        w[:6] in asked
        for name in councils
        for w in re.findall(r"[a-z]{4,}", name.lower())
        if w not in _NAME_FILLER
    )


_NAME_FILLER = frozenset(
    "north south east west central city county council borough upon with".split()
)


_INSPECTION_EVENT = frozenset(t for w in INSPECTION_EVENT_WORDS for t in terms(w))
# the share of the event's words a dated sentence must hold
EVENT_SHARE = 0.5


def _dated_in_passages(und: Understood, doc: str, chunks: Sequence[StoredChunk]) -> bool:
    """Whether a who/when question asks when something the report dates happened.

    Not its inspection: it asks nothing of the front matter but (at most) dates, its
    subject has words that are neither an inspection's when and who
    (:data:`~core.vocabulary.INSPECTION_EVENT_WORDS`) nor the report's title ("looked
    after children" of an inspection of services for them), and a sentence of the
    report's passages holds at least half of those words and a year ("The MASH was relaunched in
    April 2017"). Else the front matter answers, as before.
    """
    if set(front_matter_asked(und.corrected)) - {"dates"}:
        return False
    mine = [c for c in chunks if c.doc_id == doc]
    if not mine:
        return False
    event = set(und.subject) - _INSPECTION_EVENT - set(terms(mine[0].title))
    if not event:
        return False
    need = max(1, math.ceil(EVENT_SHARE * len(event)))
    for chunk in mine:
        for unit in split_units(chunk.text):
            if YEAR.search(unit.text):
                have = set(terms(unit.text))  # in any inflection ("rising", "rise")
                if sum(closest(t, have) is not None for t in event) >= need:
                    return True
    return False


def _dominant(chunks: list[StoredChunk]) -> tuple[StoredChunk, int] | None:
    """The top five passages' most frequent document (its first passage) and its count."""
    top = [c.doc_id for c in chunks[:5]]
    if not top:
        return None
    best = max(set(top), key=top.count)
    return next(c for c in chunks if c.doc_id == best), top.count(best)


def _an_unnamed_councils_report(scope: Scope, chunks: list[StoredChunk], question: str) -> bool:
    """Whether a question naming no authority found mostly councils' reports, none it names.

    Mostly: the best passage and three of the top five are about councils (one council's
    or several: a summary or a list of what to improve drawn from several would read as
    one report's; a note about no council that ranks first answers of itself, "how many
    foster carers did the Quorvex hub recruit?"); none it names: no word of the most
    frequent one's name in the question.
    """
    if scope.by_authority or not chunks or not chunks[0].authorities:
        return False
    if sum(1 for c in chunks[:5] if c.authorities) < 3:
        return False
    dominant = _dominant(chunks)
    councils = dominant[0].authorities if dominant is not None else ()
    return not (councils and _named_in(question, councils, scope))


REASON_SENTENCES = 4
"""How much of each point of a report's summary a "why overall" answer quotes: the
summary's paragraphs state the judgement first and the reasons for it after."""


@dataclass(frozen=True)
class Routed:
    """An answer drafted by an intent's route."""

    drafted: Drafted
    source: str  # "judgements table", "whole report", "passages"


class IntentRouter:
    """Chooses and runs the answer route of an understood question (see the module docstring)."""

    def __init__(
        self,
        whole: WholeReportAnswerer,
        judgements: JudgementAnswerer | None,
        passages: Callable[[str, list[StoredChunk]], Drafted],
        search: Callable[[str, Filters], list[StoredChunk]],
    ) -> None:
        """``passages`` answers from chunks; ``search`` retrieves within filters."""
        self.whole = whole
        self.judgements = judgements
        self.passages = passages
        self.search = search

    def route(
        self,
        und: Understood,
        scope: Scope,
        chunks: list[StoredChunk],
        filters: Filters,
        chosen: Filters | None = None,
    ) -> Routed | None:
        """The intent's answer, or None to answer from the passages as usual.

        ``filters``: the scope's; ``chosen``: the user's own (documents chosen there
        answer a question naming no authority; a year asked only narrows the library).
        """
        if und.intent == "compare" and len(scope.by_authority) >= 2:
            return self._compare(und, scope, filters)
        if (
            und.intent == "grade"
            and not scope.by_authority
            and not (chosen is not None and chosen.doc_ids)
            and not INTENT_PATTERNS["which"].search(und.text)
        ):
            routed = self._grade_of_unread_name(und, scope, chunks)
            if routed is not None:
                return routed
        doc = self._the_report(scope, chunks, und.text)
        if doc is None:
            asked_back = _ONE_COUNCILS.get(und.intent)
            if asked_back is not None and _an_unnamed_councils_report(scope, chunks, und.text):
                return Routed(Drafted(asked_back, (), True), "scope")
            return None
        match und.intent:
            case "improve":
                drafted = self.whole.improve(doc)
            case "summary":
                drafted = self.whole.summary(doc)
            case "who_when" if asks_for_a_council_post(und.corrected):
                drafted = None  # the front matter names inspectors only: the passages
            case "who_when" if _dated_in_passages(und, doc, chunks):
                drafted = None  # "when was the MASH relaunched?": the passage that dates it
            case "who_when" | "grade" if und.intent == "who_when" or und.recency == "previous":
                # the report's front matter; a grade of the inspection before it (not
                # held), however worded: what this report says of it, and when it says
                # nothing, no other grade is quoted
                # (when the report before the latest is held, it is the report in
                # scope: its own dates and inspectors answer, not its account of the
                # inspection before it)
                held = bool(scope.at_previous)
                earlier = (
                    und.recency == "previous"
                    and not held
                    and (und.intent == "grade" or asks_about_grades(und.corrected))
                )
                drafted = self.whole.front_matter(
                    doc, und.corrected, previous=earlier, this_one=held
                )
                # asked for the grade alone, its account of that inspection must state
                # one ("since the last inspection in 2018, … good-quality services" states
                # none); asked when as well, when it was answers that part
                ungraded = drafted is None or (
                    not _ASKS_WHEN.search(und.corrected) and not states_a_grade(drafted.text)
                )
                if earlier and ungraded:
                    drafted = Drafted(NO_PREVIOUS_GRADE, (), True)
            case "other":  # "what is X?": where the report first names it
                typed = set(terms(und.normalised))
                # a council's own name read whole ("Foster with North East"), its
                # words as they are, places too
                name = " ".join(und.name)
                wanted = terms(name) or [t for t in und.topic if t in typed]
                drafted = self.whole.first_mention(doc, wanted, name or None)
            case _:
                drafted = None
        return Routed(drafted, "whole report") if drafted is not None else None

    def of_a_year_not_held(self, und: Understood, scope: Scope) -> Routed | None:
        """A grade or inspection of a year the library holds no report of (one authority).

        What a later report says of its inspection that year, if it says it ("Since the
        last inspection in 2022, when services were found to be inadequate, …"). That
        account gives the year and the overall judgement only: not who led it, nor an
        area's grade, and a grade only when it states one.
        """
        if und.intent not in EARLIER_INSPECTION_INTENTS or len(scope.by_authority) != 1:
            return None
        asked = und.corrected
        if _ASKS_WHO.search(asked) or areas_named(asked) - {"overall_effectiveness"}:
            return None
        for doc in scope.doc_ids:
            drafted = self.whole.earlier_inspection(doc, und.years)
            if drafted is None:
                continue
            # "continued to provide good-quality services" names a grade word, states none
            if und.intent == "grade" and not states_a_grade(drafted.text):
                return None
            return Routed(drafted, "whole report")
        return None

    def _grade_of_unread_name(
        self, und: Understood, scope: Scope, chunks: list[StoredChunk]
    ) -> Routed | None:
        """A grade asked with no authority read in the question.

        When most of the top passages (three of five) are one council's report and a
        word of its name is in the question (a name the reader did not make out), that
        council's judgements; when most are of documents about no council (a national
        report, a note someone added), None: the passages answer; else the question which
        authority is meant (quoting some council's grade lines would read as the answer).
        """
        if sum(1 for c in chunks[:5] if c.authorities) < 3:
            return None
        dominant = _dominant(chunks)
        if dominant is not None and dominant[1] >= 3 and self.judgements is not None:
            councils = dominant[0].authorities
            if len(councils) == 1 and _named_in(und.text, councils, scope):
                table = self.judgements.answer(und.corrected, councils, und.years, force=True)
                if table is not None:
                    return Routed(table.drafted, "judgements table")
        return Routed(Drafted(WHICH_AUTHORITY_GRADE, (), True), "scope")

    def reasons(self, und: Understood, scope: Scope, chunks: list[StoredChunk]) -> Drafted | None:
        """For a "why" question: the judgement's section, or the report's summary.

        Below good, what the report says needs to improve follows.
        """
        doc = self._the_report(scope, chunks, und.text)
        if doc is None:
            return None
        areas = (
            areas_named(und.text)
            or self._areas_at_grade(und, scope, doc)
            or {"overall_effectiveness"}
        )
        if len(areas) > 1:  # "good overall, but help and protection was RI: why?"
            areas.discard("overall_effectiveness")
        if areas == {"overall_effectiveness"}:
            # below good, what needs to improve gives the reasons for the grade
            return self.whole.summary(
                doc,
                judgements=False,
                improve=self.whole.below_good(doc) or bool(SHORT_OF_A_GRADE.search(und.corrected)),
                sentences=REASON_SENTENCES,
            )
        words = [w for area in areas for w in AREA_HEADINGS.get(area, ())]
        return self.whole.reasons(doc, words, und.corrected)

    def not_judged(
        self, und: Understood, scope: Scope, chunks: list[StoredChunk]
    ) -> Drafted | None:
        """Where the report says it did not judge the area a grade is asked of, and why.

        For a grade the judgements table does not give (``WholeReportAnswerer.not_judged``).
        """
        doc = self._the_report(scope, chunks, und.text)
        areas = areas_named(und.text)
        if doc is None or not areas:
            return None
        return self.whole.not_judged(doc, areas)

    def _areas_at_grade(self, und: Understood, scope: Scope, doc: str) -> set[str]:
        """The areas judged at the grade a question names, when the overall grade is not it.

        "why was Wigan outstanding?" of a report good overall, outstanding for children
        in care and care leavers, asks about those two judgements.
        """
        levels = levels_named(und.corrected)
        if not levels or self.judgements is None or len(scope.by_authority) != 1:
            return set()
        rows = [
            r
            for r in self.judgements.data.grades(authorities=list(scope.by_authority))
            if r.doc_id == doc
        ]
        if any(r.area == "overall_effectiveness" and r.level in levels for r in rows):
            return set()
        return {r.area for r in rows if r.level in levels}

    @staticmethod
    def _the_report(scope: Scope, chunks: list[StoredChunk], question: str = "") -> str | None:
        """The one report the question is about.

        The scope's newest document of its one authority, else the document most of
        the top passages come from, unless that is a council's report whose name has no
        word in the question (a council whose name was not recognised would get
        another's report).
        """
        if len(scope.by_authority) == 1 and not scope.mentions_only:
            ids = next(iter(scope.by_authority.values()))
            return ids[0] if ids else None
        if scope.by_authority:
            return None
        dominant = _dominant(chunks)
        if dominant is None:
            return None
        first, count = dominant
        only = scope.limited and len(scope.doc_ids) == 1
        if first.authorities and not only and not _named_in(question, first.authorities, scope):
            # a council's report the question does not name: never guessed as "the" report
            return None
        return first.doc_id if count >= 3 or only else None

    def graded_elsewhere(self, und: Understood, table: TableAnswer) -> bool:
        """A grade question about a judgement the table lacks, stated under its heading.

        The table answered with grades of other judgements ("kent 2013 capacity to
        improve judgement" of a report whose table holds only overall effectiveness).
        """
        if und.intent != "grade" or areas_named(und.corrected):
            return False
        words = [t for t in und.table_subject if t not in FRAME_WORDS]
        doc = table.rows[0].doc_id
        return self.whole.grades_under_heading(doc, words, und.corrected)

    def _compare(self, und: Understood, scope: Scope, filters: Filters) -> Routed:
        parts: list[Drafted] = []
        sources: set[str] = set()
        sub = classify_intent(_without_others(und, ""), 1)  # what is compared
        led = "lead" in front_matter_asked(und.corrected)
        for name, ids in scope.by_authority.items():
            drafted = None
            if sub in ("improve", "summary") and ids:
                whole = self.whole.improve if sub == "improve" else self.whole.summary
                drafted = whole(ids[0])
                sources.add("whole report")
                # "which got the better grade, and where were the weak spots?": both
                if drafted is not None and sub == "improve" and asks_about_grades(und.text):
                    graded = self._grades_of(und, name, ids)
                    if graded is not None:
                        drafted = renumber([graded, drafted])
            if drafted is None and _asks_grades(und):
                drafted = self._grades_of(und, name, ids)
                if drafted is not None and drafted.refused and not asks_about_grades(und.text):
                    drafted = None  # "compare adoption in X and Y", not judged: the passages
                if drafted is not None:
                    sources.add("judgements table")
            if drafted is None:
                sources.add("passages")
                narrowed = dataclasses.replace(filters, doc_ids=tuple(ids), authorities=())
                chunks = self.search(_without_others(und, name), narrowed)
                drafted = self.passages(_without_others(und, name), chunks)
                if drafted.refused:
                    drafted = Drafted(
                        f"{name}: the library's reports on {name} do not cover this.", (), False
                    )
            if led and ids:
                # "the same lead inspector for both?": each report's own front matter first
                front = self.whole.front_matter(ids[0], _without_others(und, name))
                if front is not None and not front.refused:
                    drafted = renumber([front, drafted])
                    sources.add("whole report")
            parts.append(_headed(name, drafted))
        merged = renumber(parts)
        return Routed(merged, sources.pop() if len(sources) == 1 else "passages")

    def _grades_of(self, und: Understood, name: str, ids: tuple[str, ...]) -> Drafted | None:
        """One compared authority's judgements (the table's answer), if it has them."""
        if self.judgements is None:
            return None
        table = self.judgements.answer(und.text, [name], und.years, doc_ids=ids, force=True)
        return table.drafted if table is not None else None


_ASKS_WHO = re.compile(r"\bwho\b|\binspectors?\b|\bhmi\b|\bled\b|\bleads?\b", re.IGNORECASE)
_ASKS_WHEN = re.compile(r"\b(?:when|dates?|years?)\b", re.IGNORECASE)


# what a comparison of results compares ("bolton and barnsley - same results?")
_RESULTS = re.compile(r"\b(?:results?|outcomes?|verdicts?|scores?)\b", re.I)


def _asks_grades(und: Understood) -> bool:
    """Whether a comparison compares grades.

    Grades asked for, an area named, a grade or results with no subject beyond the
    judgements ("are both outstanding now?", not "the outstanding report's case
    studies"), or no subject but the authorities ("who got the better ofsted?").
    """
    return (
        asks_about_grades(und.text)
        or bool(areas_named(und.text))
        or (
            (bool(levels_named(und.corrected)) or bool(_RESULTS.search(und.text)))
            and not und.table_subject
        )
        or not und.subject
    )


def _without_others(und: Understood, keep: str) -> str:
    """The question as if it named only ``keep`` (the other authorities' names dropped)."""
    text = und.normalised
    for ref in und.authorities:
        if ref.name != keep:
            text = re.sub(re.escape(ref.name), " ", text, flags=re.I)
    return " ".join(text.split())


def _headed(name: str, drafted: Drafted) -> Drafted:
    text = drafted.text
    if not text.lstrip().startswith(name):
        text = f"**{name}**\n{text}"
    return Drafted(text, drafted.citations, drafted.refused)

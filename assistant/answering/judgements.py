"""Grade questions answered from the judgements table, each grade cited to its quote.

A question asking for a grade ("What was Kent's overall effectiveness in 2022?",
"How did Hampshire do for care leavers in June 2024?") that names an authority is
answered from the table when it holds that authority's report of the time asked
about: the table was read from the report's own judgement statements, so it is
exact. When the table holds no such report the caller answers from the passages
as usual (and says the table had nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.extractive import Drafted
from assistant.answering.merge import renumber
from assistant.answering.text_units import terms
from assistant.models import Citation
from assistant.prompts import PromptSet
from assistant.structured import ActionRow, GradeRow, StructuredData
from core.vocabulary import (
    AREA_ALSO,
    AREA_QUESTION_WORDS,
    FRAMEWORK_WORDS,
    GRADE_LEVELS,
    GRADE_WORDS,
    LATEST,
    MONTHS,
    SCALE,
)

PROMPT_NAME = "judgements-v1"

_AREA_WORDS = AREA_QUESTION_WORDS
_LEVELS = {"outstanding": 1, "good": 2, "requires": 3, "require": 3, "inadequate": 4}
_WHICH = re.compile(
    r"\bwhich (?:authorities|councils|las?|local authorities)\b.{0,200}?\b(?:were|was|are|is|got|"
    r"rated|judged)\s+(?:rated\s+|judged\s+)?(?P<grade>outstanding|good|requires? improvement|"
    r"inadequate)",
    re.I,
)
NEIGHBOURS = re.compile(r"\bstatistical neighbou?rs?\b|\bneighbou?rs\b", re.I)
_ASKS_GRADE = re.compile(
    r"\bhow did .{2,60}? (?:do|fare)\b|\bhow (?:was|were) .{2,60}? (?:judged|rated)\b", re.I
)


@dataclass(frozen=True)
class TableAnswer:
    """What the table said: the drafted answer and the rows it used."""

    drafted: Drafted
    rows: tuple[GradeRow, ...]


# Asking for a grade, not merely using a grade word ("the 2009 outstanding report").
_GRADE_ASKED = re.compile(
    r"\b(grades?|graded|judge?ments?|judged|rated|ratings?|effectiveness|how effective)\b",
    re.I,
)
_WAS_IT = re.compile(
    r"\b(?:was|were|is|are)\s+(?=[^\s?])[^?]{1,60}?\s+(?:outstanding|good|inadequate|"
    r"requires? improvement(?: to be good)?)(?:\s+(?:for|in|at|on)\s+(?=[^\s?])[^?]{1,40})?\s*\?",
    re.I,
)
_MEANING = re.compile(
    r"\bwhat (?:does|do|did) .{1,60}? (?:mean|stand for)\b|\bmeaning of\b|\bdescriptors?\b"
    r"|\bdefin(?:e|ition)\b",
    re.I,
)


def asks_about_grades(question: str) -> bool:
    """A question for a grade: grade words, or "how did X do / how was X judged".

    Questions about what a grade means (its descriptor) are for the passages.
    """
    if _MEANING.search(question):
        return False
    return bool(
        _GRADE_ASKED.search(question)
        or _ASKS_GRADE.search(question)
        or _WHICH.search(question)
        or _WAS_IT.search(question)
    )


def levels_named(question: str) -> set[int]:
    """The grade levels a question names ("outstanding": 1, "RI": 3)."""
    low = question.lower()
    levels = {level for word, level in GRADE_LEVELS.items() if re.search(rf"\b{word}\b", low)}
    if re.search(r"\bri\b", low):
        levels.add(GRADE_LEVELS["requires improvement"])
    return levels


# asking which judgements got a grade: "which areas were outstanding", "the good ones"
_WHICH_AT = re.compile(
    r"\b(?:which|what) (?:areas?|judge?ments?|ones?|parts?)\b|\bthe \w+ ones\b", re.I
)


_NEGATED = re.compile(r"\b(?:not|never|no longer)\b|n['’]t\b", re.IGNORECASE)
# a grade moved away from ("get out of inadequate", "up from RI"): the earlier one
_LEFT_GRADE = re.compile(
    rf"\b(?:from|out of)\s+(?:being\s+)?(?:an?\s+)?(?:{GRADE_WORDS}|ri)\b", re.IGNORECASE
)


def unfounded(question: str, table: TableAnswer) -> Drafted | None:
    """The table's answer, refused, when the question presumes a judgement it does not give.

    "Why were Kingston's care leavers judged inadequate?" of a report that judged them
    outstanding: every row of the areas named is at another grade than the one named. A
    grade moved away from ("what got them out of inadequate") is presumed of no row.
    """
    if _NEGATED.search(question):  # "why wasn't it good?" presumes what the table shows
        return None
    levels = levels_named(_LEFT_GRADE.sub(" ", question))
    areas = areas_named(question)
    asked = [r for r in table.rows if not areas or r.area in areas]
    if not levels or not asked or any(r.level in levels for r in asked):
        return None
    note = "The report gives no such judgement: the judgement it gives is above."
    drafted = table.drafted
    return Drafted(f"{drafted.text.rstrip()}\n{note}", drafted.citations, True)


def areas_named(question: str) -> set[str]:
    """The judgement areas a question names (empty: all of them).

    Not in the name of an inspection framework: "the looked after children inspection"
    is the inspection, not its judgement on children in care.
    """
    low = question.lower()
    for framework in FRAMEWORK_WORDS.values():
        low = framework.sub(" ", low)
    return _areas_in(low)


def _areas_in(low: str) -> set[str]:
    """The judgement areas whose words are in lower-cased text."""
    return {area for area, words in _AREA_WORDS if re.search(words, low)}


def _months(question: str) -> set[int]:
    low = question.lower()
    return {i for m, i in MONTHS.items() if len(m) == 3 and re.search(rf"\b{m}\w*\b", low)}


def _of_the_time(row: GradeRow, years: set[int], months: set[int]) -> int:
    """How well a report's dates fit the year and month asked about (higher is better)."""
    score = 0
    for value, bonus in ((row.inspection_end, 2), (row.published, 1)):
        if not value or not value[:4].isdigit():
            continue
        year = int(value[:4])
        month = int(value[5:7]) if len(value) >= 7 and value[5:7].isdigit() else None
        if year in years or (bonus == 1 and year - 1 in years):
            score += bonus
            if months and month in months:
                score += bonus
    return score


# asking how grades changed across inspections
_HISTORY = re.compile(
    r"\b(?:over (?:the )?(?:time|years)|(?:has|have) .{1,40}? changed|history|trend|"
    r"track record|ever (?:been )?(?:rated|judged|graded|got|had|been)|each inspection|"
    r"every inspection|all (?:its |their |the )?inspections|all (?:its |their )?grades)\b",
    re.I,
)

# words that name the whole service (every overall judgement is of it), the inspection
# (its framework) or when
FRAME_WORDS = frozenset(
    t
    for w in (
        "social care services children's local authority council department ofsted "
        "single inspection framework sif ilacs jtai joint targeted area annual performance "
        "assessment apa letter focused monitoring visit "
        "end start beginning early late middle recent recently current currently"
    ).split()
    for t in terms(w)
)


def _unheld(subject: Sequence[str], rows: Sequence[GradeRow]) -> bool:
    """Whether a subject word is in none of the rows' judgement names, nor frames them."""
    held = FRAME_WORDS | {t for r in rows for t in terms(r.area_text)}
    return any(t not in held for t in subject)


def _when(row: GradeRow) -> str:
    """When a judgement was made, saying which date it is."""
    if row.inspection_end:
        return f"inspection ending {row.inspection_end}"
    if row.published:
        return f"published {row.published}"
    return "date not stated"


def row_citation(n: int, row: GradeRow | ActionRow) -> Citation:
    """Citation ``n`` of a table row: its source document, page and exact quote."""
    return Citation(
        n=n,
        doc_id=row.doc_id,
        source=row.source,
        title=row.title or row.source,
        page=row.page,
        section=None,
        quote=row.quote,
        score=1.0,
    )


def _grade_text(row: GradeRow) -> str:
    """The grade as written; a bare APA number gets its meaning (APA 4 is the best)."""
    if row.grade.strip().isdigit():
        return f"{row.grade} ({row.meaning}; on the APA scale 4 is the highest grade)"
    return row.grade


class JudgementAnswerer:
    """Answers grade questions about a named authority from the judgements table."""

    def __init__(self, data: StructuredData, prompts: PromptSet) -> None:
        """Answer from ``data``; wording from ``prompts`` (``judgements-v1``)."""
        self.data = data
        self.prompts = prompts

    def answer(
        self,
        question: str,
        authorities: Sequence[str],
        years: Sequence[int],
        neighbours: Sequence[str] = (),
        doc_ids: Sequence[str] = (),
        *,
        force: bool = False,
        subject: Sequence[str] = (),
    ) -> TableAnswer | None:
        """The table's answer, or None when the question is not for the table or it has none.

        Args:
            question: the question.
            authorities: canonical names of the authorities it names.
            years: the years it names.
            neighbours: the statistical neighbours of the named authority, when the
                question asks about them.
            doc_ids: when given, only these documents' judgements (the answer's scope).
            force: answer even when the wording does not ask for a grade (a "why"
                question about a judgement).
            subject: the question's subject words (``terms``); when the report has no
                judgement of the area named and a subject word is in none of its
                judgements, the question asks of something the table does not state
                ("capacity to improve" in "the looked after children inspection"): None,
                and the passages answer (not "no judgement of that kind").
        """
        if not force and not asks_about_grades(question):
            return None
        if neighbours:
            return self._across(question, list(neighbours), latest=True)
        if not authorities:
            return self._which(question)
        rows = self.data.grades(authorities=list(authorities))
        if doc_ids:
            rows = [r for r in rows if r.doc_id in set(doc_ids)]
        if not rows:
            return None
        if not years and _HISTORY.search(question):
            history = self._history(question, rows)
            if history is not None:
                return history
        if len(set(years)) >= 2:  # "kent 2013 vs 2022": each year's report in turn
            answers = [
                self.answer(question, authorities, [y], neighbours, doc_ids, force=force)
                for y in sorted(set(years))
            ]
            found = [a for a in answers if a is not None and a.rows]
            reports = {a.rows[0].doc_id for a in found}
            if len(reports) >= 2:
                drafted = renumber([a.drafted for a in found])
                return TableAnswer(drafted, tuple(r for a in found for r in a.rows))
        # scoped documents already fit the years asked (the scope's rule): the best fit
        # among them, else the newest
        report = self._report(rows, set(years), _months(question), scoped=bool(doc_ids))
        if report is None:
            return None
        of_report = [r for r in rows if r.doc_id == report]
        wanted = areas_named(question)
        levels = levels_named(question) if _WHICH_AT.search(question) else set()
        chosen = (
            [r for r in of_report if r.area in wanted or r.level in levels]
            if wanted or levels
            else of_report
        )
        if wanted and not chosen:  # judged together with another area
            also = {a for w in wanted for a in AREA_ALSO.get(w, ())}
            chosen = [r for r in of_report if r.area in also]
            if (
                not chosen
                and all(r.area == "overall_effectiveness" for r in of_report)
                and wanted <= _areas_in((of_report[0].title or "").lower())
            ):
                # the report is an inspection of the area asked about alone ("Inspection of
                # looked after children services"), judged as a whole: its overall judgement
                # is that area's (not of a report whose title lists the areas it judges)
                chosen = of_report
            if not chosen and not years and not LATEST.search(question):
                # an area the latest report does not judge (the LSCB, adoption before
                # 2018): the newest earlier report that judges it, said to be earlier
                earlier = self._earlier_judging(rows, of_report[0], (wanted, also))
                if earlier is not None:
                    return earlier
        if not chosen and levels and not wanted:  # "which areas were outstanding?": none
            return self._none_at(of_report, levels)
        if not chosen and _unheld(subject, of_report):  # asked of more than the table holds
            return None
        # asked of a judgement of "the looked after children inspection" that the table does
        # not hold ("… LAC inspection capacity to improve"): the passages answer
        if not wanted and _areas_in(question.lower()) and _unheld(subject, of_report):
            return None
        if not chosen:  # the report states no judgement of the kind asked about
            first = of_report[0]
            given = "; ".join(dict.fromkeys(r.area_text for r in of_report))
            text = (
                f"{first.authority or 'The'}'s report ({first.title or first.source}, "
                f"{_when(first)}) gives no judgement of that kind. It judges: {given}."
            )
            return TableAnswer(Drafted(text, (), True), ())
        drafted = self._draft(chosen)
        others = self._disagreeing(chosen, rows)
        if others:
            drafted = self._with_conflict(drafted, others)
        unjudged = [t for t in subject if t not in FRAME_WORDS]
        if not wanted and not levels and unjudged and _unheld(unjudged, of_report):
            # "salford virtual school ofsted grade": no row is its; the table is still
            # what the report judged, said so rather than read as the thing's own grade
            note = (
                f"{of_report[0].authority or 'The'}'s report gives no judgement of "
                f"“{' '.join(unjudged)}” on its own; these are the judgements it makes:\n"
            )
            drafted = Drafted(note + drafted.text, drafted.citations, drafted.refused)
        return TableAnswer(drafted, tuple(chosen))

    def _none_at(self, rows: list[GradeRow], levels: set[int]) -> TableAnswer:
        """A report none of whose judgements is at the levels asked: saying so, then all."""
        names = " or ".join(SCALE[level] for level in sorted(levels))
        note = self.prompts.render("none_at", authority=rows[0].authority or "The", levels=names)
        drafted = self._draft(rows)
        return TableAnswer(
            Drafted(f"{note}\n{drafted.text}", drafted.citations, False), tuple(rows)
        )

    def _earlier_judging(
        self, rows: list[GradeRow], latest: GradeRow, areas: tuple[set[str], set[str]]
    ) -> TableAnswer | None:
        """An earlier report's judgement of an area the latest report does not judge.

        The newest report before ``latest``'s judging one of the areas asked about (else
        one judged with them: ``areas`` is both sets; rows are newest first), after a line
        saying the latest gives none.
        """
        for area in areas:
            chosen = [r for r in rows if r.doc_id != latest.doc_id and r.area in area]
            if chosen:
                first = [r for r in chosen if r.doc_id == chosen[0].doc_id]
                drafted = self._draft(first)
                note = (
                    f"{latest.authority or 'The'}'s latest report ({_when(latest)}) gives "
                    "no judgement of that kind; an earlier one does.\n"
                )
                return TableAnswer(
                    Drafted(note + drafted.text, drafted.citations, drafted.refused), tuple(first)
                )
        return None

    def holds_previous(self, authorities: Sequence[str]) -> bool:
        """Whether the table holds an earlier report than the latest of each authority."""
        return all(
            len({r.doc_id for r in self.data.grades(authorities=[name])}) >= 2
            for name in authorities
        )

    def _history(self, question: str, rows: list[GradeRow]) -> TableAnswer | None:
        """Each report's judgement, newest first ("how has kent's grade changed?").

        The areas named, else the overall judgement (each report's own statement of it).
        """
        wanted = areas_named(question) or {"overall_effectiveness"}
        chosen = [r for r in rows if r.area in wanted]
        if len({r.doc_id for r in chosen}) < 2:
            return None
        return TableAnswer(self._listed(chosen, by_report=True), tuple(chosen))

    @staticmethod
    def _disagreeing(chosen: list[GradeRow], rows: list[GradeRow]) -> list[GradeRow]:
        """Other documents' statements of the same judgement of the same inspection that differ."""
        out = []
        for row in chosen:
            for other in rows:
                same_time = (other.inspection_end or other.published) == (
                    row.inspection_end or row.published
                )
                if (
                    other.doc_id != row.doc_id
                    and other.area == row.area
                    and same_time
                    and other.level != row.level
                ):
                    out.append(other)
        return out

    def _with_conflict(self, drafted: Drafted, others: list[GradeRow]) -> Drafted:
        """The answer, then each disagreeing statement named with its document and cited."""
        lines = [drafted.text]
        citations = list(drafted.citations)
        for other in others:
            n = len(citations) + 1
            lines.append(
                self.prompts.render(
                    "conflict",
                    title=other.title or other.source,
                    area=other.area_text,
                    grade=_grade_text(other),
                    n=n,
                )
            )
            citations.append(row_citation(n, other))
        return Drafted("\n".join(lines), tuple(citations), False)

    def _which(self, question: str) -> TableAnswer | None:
        """Answer "which authorities were outstanding for care leavers?" (grade and area).

        With no area named, the overall effectiveness ("which councils were rated
        outstanding?").
        """
        m = _WHICH.search(question)
        if not m:
            return None
        wanted = areas_named(question) or {"overall_effectiveness"}
        level = _LEVELS[m.group("grade").lower().split()[0]]
        rows = [r for r in self.data.grades(latest=True) if r.area in wanted and r.level == level]
        return TableAnswer(self._listed(rows), tuple(rows)) if rows else None

    def _across(self, question: str, names: list[str], *, latest: bool) -> TableAnswer | None:
        wanted = areas_named(question) or {"overall_effectiveness"}
        rows = [r for r in self.data.grades(authorities=names, latest=latest) if r.area in wanted]
        if not rows:
            return None
        drafted = self._listed(rows)
        missing = [n for n in names if n not in {r.authority for r in rows}]
        if missing:
            note = self.prompts.render("missing", authorities=", ".join(missing))
            drafted = Drafted(f"{drafted.text}\n{note}", drafted.citations, False)
        return TableAnswer(drafted, tuple(rows))

    def _listed(self, rows: list[GradeRow], *, by_report: bool = False) -> Drafted:
        """One line per authority's grade, newest report of each (or per report)."""
        lines = [self.prompts.render("lead_history" if by_report else "lead_many")]
        citations = []
        for n, r in enumerate(rows, start=1):
            when = _when(r)
            lines.append(
                self.prompts.render(
                    "row_many",
                    authority=r.authority or "-",
                    area=r.area_text,
                    grade=_grade_text(r),
                    when=when,
                    n=n,
                )
            )
            citations.append(row_citation(n, r))
        return Drafted("\n".join(lines), tuple(citations), False)

    @staticmethod
    def _report(
        rows: list[GradeRow], years: set[int], months: set[int], *, scoped: bool = False
    ) -> str | None:
        """The report asked about: the best fit to the year and month, else the newest.

        Without ``scoped``, None when no report fits the years named.
        """
        by_doc: dict[str, GradeRow] = {}
        for r in rows:
            by_doc.setdefault(r.doc_id, r)
        docs = list(by_doc.values())  # newest first (the table's order)
        if not years:  # the newest Ofsted report; a council paper only when there is none
            reports = [r for r in docs if r.kind in (None, "inspection report", "apa letter")]
            return (reports or docs)[0].doc_id
        scored = [(_of_the_time(r, years, months), i, r.doc_id) for i, r in enumerate(docs)]
        best = max(scored, key=lambda s: (s[0], -s[1]))
        return best[2] if best[0] > 0 or scoped else None

    def _draft(self, rows: list[GradeRow]) -> Drafted:
        first = rows[0]
        when = _when(first)
        lines = [
            self.prompts.render(
                "lead",
                authority=first.authority or "the authority",
                title=first.title or "",
                when=when,
            )
        ]
        if first.kind not in (None, "inspection report", "apa letter"):
            lines.append(self.prompts.render("not_ofsted", kind=first.kind))
        citations = []
        for n, r in enumerate(rows, start=1):
            lines.append(self.prompts.render("row", area=r.area_text, grade=_grade_text(r), n=n))
            citations.append(row_citation(n, r))
        return Drafted("\n".join(lines), tuple(citations), False)

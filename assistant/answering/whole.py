"""Answers read from the whole of one report, not from the top passages.

Summaries, "what needs to improve", the reasons for a judgement and the front matter
(lead inspector, inspection dates, the previous inspection) are read from the stored
document's full text with the same extractors as the board-paper drafts
(:mod:`assistant.drafting.extract`), so a list is complete however the question is
worded. Every line cites an exact quote of the document with its page.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

from assistant.answering.coverage import is_furniture
from assistant.answering.extractive import Drafted
from assistant.answering.judgements import asks_about_grades
from assistant.answering.quotes import is_grade_row
from assistant.answering.report_text import (
    DATE,
    find_lines,
    find_previous,
    judgement_section,
    lines_of,
    located,
    sentences,
)
from assistant.answering.text_units import stem, terms
from assistant.drafting.extract import (
    DocumentFacts,
    Located,
    extract_facts,
    first_sentences,
)
from assistant.models import Citation
from core.documents import ParsedDocument
from core.vocabulary import (
    APA_GRADE_WORDS,
    AREA_HEADINGS,
    GRADE_WORDS,
    SHORT_OF_A_GRADE,
    SHORTFALL,
    WHO_INSPECTED,
)
from ingest.authorities import AuthorityIndex

# a grade stated just after a heading ("Grade 4 (inadequate)", "… in this area is good")
_GRADE_STATED = re.compile(rf"\b(?:{GRADE_WORDS}|{APA_GRADE_WORDS}|grade [1-4])\b", re.I)
_GRADE_REACH = 300
# a question about the grades themselves ("what does grade 1 mean")
_GRADE_TERMS = frozenset(
    t
    for w in "grade grades graded grading outstanding good adequate inadequate rating".split()
    for t in terms(w)
)

_CACHE_SIZE = 32
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘'\"“(])")

# Front matter of inspection reports and letters (generic Ofsted wording).
FRONT_MATTER: dict[str, re.Pattern[str]] = {
    "lead": re.compile(
        r"^(?:lead inspector|lead social care inspector|her majesty's inspector|"
        r"reporting inspector)\b|\blead inspector\b",
        re.I,
    ),
    # a council paper's cover: who wrote it and who presents it
    "people": re.compile(
        r"^(?:report )?(?:author|authors|presenter|presented by|report by|written by|"
        r"contact officer)s?\b\s*[|:]?",
        re.I,
    ),
    "dates": re.compile(
        r"^(?:inspection dates?|dates? of inspection)\b|\binspection dates?:", re.I
    ),
    "previous": re.compile(
        r"\b(?:last|previous|prior|earlier) (?:[\w-]+ ){0,2}(?:inspection|visit)s?\b|"
        r"\blast inspected\b|\bpreviously (?:inspected|judged)\b|\bwas last (?:inspected|judged)\b",
        re.I,
    ),
    "published": re.compile(
        r"^published\b|\b(?:report published|published (?:by [\w ]{1,40}? )?on|"
        r"date of publication)\b",
        re.I,
    ),
    "inspectors": re.compile(r"^(?:inspectors?|her majesty's inspectors?)\b\s*:?", re.I),
}
# What a front-matter question asks for (anything else is for the passages).
_ASKS_FRONT: dict[str, re.Pattern[str]] = {
    "previous": re.compile(
        r"\b(previous(?:ly)? (?:[\w-]+ ){0,2}?(?:inspection|inspected|judged|grade|ilacs|"
        r"rating|judge?ment|report)|last inspected|"
        r"prior inspection|inspection before|before (?:this|the latest) (?:one|inspection)|"
        r"before (?:19|20)\d\d|earlier (?:inspection|focused visit|visit)|"
        r"last (?:ilacs|full|standard) inspection|(?:inspected|judged) .{0,30}?before)\b",
        re.I,
    ),
    "lead": re.compile(
        r"\b(lead inspector|reporting inspector|same (?:lead )?inspector|inspector in charge|"
        r"who (?:led|inspected|carried out|did) the inspection|who (?:led|inspected)|"
        rf"{WHO_INSPECTED}|"
        r"inspectors?\b.{0,60}?\b(?:names?|who)|which inspectors?|HMI|"
        r"names? of (?:the )?(?:lead )?inspectors?)\b",
        re.I,
    ),
    "dates": re.compile(
        r"\b(inspection dates?|dates? of (?:the )?inspection|when (?:was|were|did) .{1,60}?"
        r"(?:inspected|inspection|visit)|when did (?:ofsted|inspectors) (?:visit|inspect|go)|"
        r"what dates?|which dates?|how long ago|(?:take|took|taking) place|"
        r"when\b.{0,40}?\b(?:ofsted|inspectors?|inspected|inspection|ilacs)|"
        r"(?:most recent|latest|last) inspection\b.{0,20}?\bwhen|the dates?|"
        r"when (?:was|were) (?:it|they)|dates|(?:ofsted|inspection|ilacs) dates?|"
        r"dates? of .{0,40}?(?:ofsted|inspection|ilacs)|"
        r"how long did .{0,60}?(?:inspection|ilacs) (?:last|take)|"
        r"(?:what|which) (?:month|year|week|day)\b.{0,60}?\b(?:inspect\w*|ofsted|visit|ilacs))\b",
        re.I,
    ),
    "published": re.compile(
        r"\b((?:when|what date|which date)\b.{0,80}?\b(?:publish(?:ed)?|publication|come out|"
        r"came out|released)|"
        r"(?:publication|published) date|date of publication)\b",
        re.I,
    ),
    "people": re.compile(
        r"\b(author|wrote|written by|presented|presenter|presents|contact officer)\b",
        re.I,
    ),
}
# "who"/"when" of the inspection itself, in words the patterns above do not know
# ("co. durham ILACS - when and who", "who was in charge of the 2023 inspection")
_OF_THE_INSPECTION = re.compile(r"\b(?:ilacs|inspections?|inspected|inspectors?|visit)\b", re.I)
_WHO, _WHEN = re.compile(r"\bwho\b", re.I), re.compile(r"\bwhen\b", re.I)
# A person the question names by a role other than the inspectors' ("who is the director of
# children's services, according to the inspection?"): the front matter does not name them
_ANOTHER_ROLE = re.compile(
    r"\b(?:directors?|dcs|chief exec\w*|ceo|lead members?|portfolio holders?|cabinet members?|"
    r"head of|managers?|chair\w*|leaders?|mayor|councillors?|officers?|principal social workers?|"
    r"psw|headteachers?|minister|commissioners?|chief social workers?)\b",
    re.I,
)

NOT_DATED_PREVIOUS = "the report does not say when the inspection before it took place."
_ASKS_DATE = re.compile(r"\b(?:when|dates?|what year|which year)\b", re.I)
NOT_WHO_LED = (
    "the report does not say who led that inspection or visit; it names only its own inspectors."
)
# a question asking two things ("who led it, and when was the previous one?")
_TWO_ASKS = re.compile(r"\band\b|[&+,;]")
# Services Ofsted inspects on their own, apart from a council's children's services
_SERVICE = (
    r"(?:children['’]?s homes?|fostering(?: services?| agency)?|adoption (?:services?|agency)|"
    r"youth (?:offending|justice) (?:services?|team)|yos|yot|schools?|nurser(?:y|ies)|"
    r"secure (?:units?|children['’]?s homes?))\b"
)
# An inspection or visit other than the report's own: the next one, or another kind
_ANOTHER_EVENT = re.compile(
    r"\b(?:next|again|upcoming|due|focused visits?|monitoring visits?|jtais?|"
    r"joint targeted|(?:area )?send inspections?|send area|local area send|"
    r"youth (?:justice|offending) inspections?|hmip|probation|cqc|peer reviews?|"
    r"(?:fostering|adoption) (?:agency|service) inspections?)\b"
    # a service inspected on its own: a children's home, a fostering or adoption service,
    # a youth offending service, a school ("who inspected dorset's fostering service")
    rf"|\b{_SERVICE}\s+(?:\w+\s+)?(?:last\s+)?(?:inspections?|inspected|visit(?:ed)?)\b"
    rf"|\b(?:inspect\w*|visit\w*)\s+(?:of\s+)?(?:the\s+)?(?:[\w'’]+\s+)?{_SERVICE}",
    re.I,
)


class WholeReportAnswerer:
    """Answers from one stored document's full text (see the module docstring)."""

    def __init__(
        self,
        parsed: Callable[[str], ParsedDocument | None],
        authorities: AuthorityIndex | None = None,
        *,
        max_items: int = 12,
        summary_points: int = 4,
    ) -> None:
        """Read documents with ``parsed(doc_id)``; facts are cached by document id."""
        self._parsed = parsed
        self._authorities = authorities
        self.max_items = max_items
        self.summary_points = summary_points
        self._cache: OrderedDict[str, DocumentFacts | None] = OrderedDict()
        self._lock = threading.Lock()

    def facts(self, doc_id: str) -> DocumentFacts | None:
        """The document's extracted facts (cached; ids are content hashes)."""
        with self._lock:
            if doc_id in self._cache:
                self._cache.move_to_end(doc_id)
                return self._cache[doc_id]
        doc = self._parsed(doc_id)
        facts = extract_facts(doc, self._authorities) if doc is not None else None
        with self._lock:
            self._cache[doc_id] = facts
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return facts

    # -- intents ----------------------------------------------------------------------

    def improve(self, doc_id: str, lead: str = "") -> Drafted | None:
        """Every "What needs to improve" item (or recommendation) of the report."""
        facts = self.facts(doc_id)
        if facts is None or not facts.improvements:
            return None
        out = _Writer(facts)
        out.line(f"{lead}{_label(facts)} — {_improve_heading(facts)}:")
        out.improvements(self.max_items)
        if len(facts.improvements) > self.max_items:
            out.line(f"(and {len(facts.improvements) - self.max_items} more items in the report)")
        return out.drafted()

    def summary(
        self,
        doc_id: str,
        lead: str = "",
        *,
        judgements: bool = True,
        improve: bool = True,
        sentences: int = 2,
    ) -> Drafted | None:
        """The judgements, then the opening points of the report's summary, then what to improve.

        ``sentences``: how much of each summary point is quoted.
        """
        facts = self.facts(doc_id)
        if facts is None:
            return None
        out = _Writer(facts)
        out.line(f"{lead}{_label(facts)}:")
        own = [j for j in facts.judgements if j.authority is None] if judgements else []
        for j in own[:6]:
            out.cited(
                f"- {j.area_text}: {j.grade}",
                Located(j.quote, j.quote, j.start, j.page, None),
            )
        for unit in facts.summary[: self.summary_points]:
            out.cited(f"- {first_sentences(unit.text, sentences)}", _prefix(unit, sentences))
        if facts.improvements and improve:
            out.line(f"{_improve_heading(facts)}:")
            out.improvements(3)
        return out.drafted() if out.citations else None

    def below_good(self, doc_id: str, area: str = "overall_effectiveness") -> bool:
        """Whether the report's own judgement on ``area`` is below good.

        True when the report states none (a "why" question is most often about a
        shortfall, and the report's list of what to improve then gives the reasons).
        """
        facts = self.facts(doc_id)
        if facts is None:
            return False
        own = [j for j in facts.judgements if j.authority is None and j.area == area]
        return not own or own[0].level >= 3

    def grades_under_heading(self, doc_id: str, words: Sequence[str], question: str) -> bool:
        """Whether a heading of the report names ``words`` (terms) and a grade follows it.

        "Capacity to improve" then "Grade 4 (inadequate)"; "Staying safe" then "… is
        good": a judgement the report states under a heading of its own. The words must
        all be in the heading, and the ``question`` hold at least half of its words.
        """
        wanted = set(words)
        if not wanted:  # most grade questions: no report is read for them
            return False
        facts = self.facts(doc_id)
        if facts is None:
            return False
        asked = set(terms(question))
        text = facts.doc.text
        for start, heading in facts.headings:
            named = set(terms(heading))
            if not wanted <= named or 2 * len(named & asked) < len(named):
                continue
            after = text[start + len(heading) : start + len(heading) + _GRADE_REACH]
            if _GRADE_STATED.search(after):
                return True
        return False

    def reasons(self, doc_id: str, area_words: Sequence[str], question: str = "") -> Drafted | None:
        """The opening paragraphs of the section that gives the judgement on ``area_words``.

        Inspection reports head each judgement's section with the judgement itself
        ("The experiences and progress of care leavers: requires improvement"); the
        paragraphs under it give the reasons. Below good, or when the ``question`` asks
        why the grade was no higher ("good rather than outstanding"), the paragraphs that
        say what falls short, and the report's list of what needs to improve: the
        shortfalls it names are the reasons for the grade.
        """
        facts = self.facts(doc_id)
        if facts is None or not area_words:
            return None
        wanted = [w.lower() for w in area_words]
        found = judgement_section(facts, wanted, most=SECTION_PARAGRAPHS)
        if found is None:
            return None
        heading, units = found
        below_good = bool(_BELOW_GOOD.search(heading) or SHORT_OF_A_GRADE.search(question))
        out = _Writer(facts)
        out.line(f'From the section "{heading}":')
        for unit in _reasons_of(units, below_good):
            out.cited(f"- {first_sentences(unit.text, 2)}", _prefix(unit, 2))
        if facts.improvements and below_good:
            out.line(f"{_improve_heading(facts)}:")
            out.improvements(self.max_items)
        return out.drafted() if out.citations else None

    def not_judged(self, doc_id: str, areas: Iterable[str]) -> Drafted | None:
        """Where a report says it did not judge an area asked about, and why.

        Reports of a small authority may leave an area unjudged ("2. Children looked
        after and achieving permanence" with "Not Judged" on its own line, or on the same
        line): that line, as the judgement table would show it, then the first two
        sentences after the area's section heading says so (the reason: "The council …
        does not have any children looked after"). None when the report says no such thing.
        """
        facts = self.facts(doc_id)
        words = [w for area in areas for w in AREA_HEADINGS.get(area, ())]
        if facts is None or not words:
            return None
        found = [
            (start, end, area)
            for start, end, area in _unjudged(facts.doc.text)
            if any(w in area.lower() for w in words)
        ]
        if not found:
            return None
        out = _Writer(facts)
        out.line(f"{_label(facts)} did not judge this area:")
        start, end, area = found[0]
        quote = facts.doc.text[start:end]
        out.cited(
            f"- {area}: Not judged",
            Located(quote, quote, start, facts.doc.page_at(start), facts.section_at(start)),
        )
        # the area's own section heading ("The experiences and progress of children looked
        # after and achieving permanence"), further on: its reason follows it
        heading = [(s, e) for s, e, other in found[1:] if area.lower() in other.lower() and s > end]
        for _, end in heading[:1]:
            reason = _next_paragraph(facts.doc.text, end)
            if reason is not None:
                said, at = reason
                text = first_sentences(said, 2)
                out.cited(f"- {text}", located(facts, text, at))
        return out.drafted()

    def first_mention(
        self, doc_id: str, topic: Sequence[str], name: str | None = None
    ) -> Drafted | None:
        """Where the report first names what a "what is X?" question asks about.

        A report introduces a team, a service or an abbreviation where it first uses
        it ("Family Connect, the multi-agency safeguarding hub, …"): the first sentence
        holding every topic word, and the sentence after it. With the ``name`` asked
        ("My Safety Meetings"), the first sentence writing it so, when one does.
        """
        facts = self.facts(doc_id)
        wanted = {t for t in topic if t not in _DEFINITION_WORDS}
        if facts is None or not wanted:
            return None
        if name:
            written = re.compile(r"\b" + r"\W+".join(map(re.escape, name.split())) + r"\b", re.I)
            named = self._first(facts, wanted, written.search)
            if named is not None:
                return named
        return self._first(facts, wanted, lambda _: True)

    def _first(
        self, facts: DocumentFacts, wanted: set[str], writes: Callable[[str], object]
    ) -> Drafted | None:
        """The first sentence with every word ``wanted`` that ``writes`` accepts, and the next."""
        for start, line in lines_of(facts.doc.text):
            if not wanted <= set(terms(line)) or is_furniture(line) or not writes(line):
                continue
            if is_grade_row(line) and not wanted & _GRADE_TERMS:
                continue  # a judgement row names an area; it introduces nothing
            parts = sentences(line)
            for i, (_, _, sentence) in enumerate(parts):
                if not wanted <= set(terms(sentence)) or not writes(sentence):
                    continue
                out = _Writer(facts)
                out.line(f"{_label(facts)}:")
                for b, _, said in parts[i : i + 2]:
                    if not said.strip():
                        continue
                    offset = start + b + len(said) - len(said.lstrip())
                    where = located(facts, said.strip(), offset)
                    out.cited(f"- {where.text}", where)
                return out.drafted()
        return None

    def earlier_inspection(self, doc_id: str, years: Sequence[int]) -> Drafted | None:
        """The report's account of an inspection of one of ``years`` before it.

        "Since the last inspection in 2022, when services were found to be inadequate, …":
        None when the report gives no such account, or one of another year.
        """
        facts = self.facts(doc_id)
        if facts is None:
            return None
        where = find_previous(facts.doc.text, facts, FRONT_MATTER["previous"])
        if where is None or not any(str(year) in where.quote for year in years):
            return None
        out = _Writer(facts)
        out.line(f"{_label(facts)}:")
        out.cited(f"- {where.text}", where)
        return out.drafted()

    def front_matter(
        self, doc_id: str, question: str, *, previous: bool = False, this_one: bool = False
    ) -> Drafted | None:
        """Lead inspector, inspection dates, publication, previous inspection, as asked.

        ``previous``: the question is known to mean the inspection before this report's
        ("newham's grade before nov 2025"), however it words it. ``this_one``: the
        "previous inspection" the question asks about is this report's ("when was kent's
        previous inspection?" with the report before the latest in scope): its dates.
        """
        facts = self.facts(doc_id)
        if facts is None:
            return None
        wanted = front_matter_asked(question)
        if this_one:
            wanted = list(dict.fromkeys("dates" if k == "previous" else k for k in wanted))
        if previous and "previous" not in wanted:
            wanted.insert(0, "previous")
        if (
            not wanted
            and _OF_THE_INSPECTION.search(question)
            and not _ANOTHER_ROLE.search(question)
        ):
            wanted = [k for k, p in (("lead", _WHO), ("dates", _WHEN)) if p.search(question)]
        another = _ANOTHER_EVENT.search(question) and not _ANOTHER_EVENT.search(facts.title or "")
        # who led the inspection before this one ("who was the lead inspector at bolton's
        # previous inspection"; not "who led it, and when was the previous one?") or
        # another visit: the report names only its own inspectors, and never says
        one_ask = not _TWO_ASKS.search(question)
        if "lead" in wanted and one_ask and (another or ("previous" in wanted and not this_one)):
            return Drafted(f"{_label(facts)}: {NOT_WHO_LED}", (), True)
        if another:
            # "when is kent's next inspection due", "when was bolton's last focused visit":
            # not this report's inspection, whose dates (or, asked of nothing else, its
            # account of the inspection before it) would read as the answer
            dropped = ("dates", "previous") if one_ask else ("dates",)
            wanted = [k for k in wanted if k not in dropped]
        if "previous" in wanted and not this_one and one_ask:
            # "what year was it previously inspected": the date asked is the one before,
            # not this report's inspection dates
            wanted = [k for k in wanted if k != "dates"]
        if "people" in wanted and "lead" not in wanted:
            wanted.append("lead")  # who wrote an inspection report: its inspectors
        if "lead" in wanted:
            wanted.append("inspectors")
        if not wanted:
            return None
        asked = set(wanted)
        if "lead" in asked:  # which inspection it was: its dates, after what was asked
            wanted.append("dates")
        # asked when the inspection before it was, and not how it was judged: only a
        # sentence that dates it answers ("since the last inspection, … outstanding" does not)
        when_only = bool(_ASKS_DATE.search(question)) and not asks_about_grades(question)
        out = _Writer(facts)
        out.line(f"{_label(facts)}:")
        text = facts.doc.text
        seen: set[str] = set()
        for key in dict.fromkeys(wanted):
            if key == "inspectors" and "lead" in seen:
                continue
            if key == "previous":
                found = [find_previous(text, facts, FRONT_MATTER["previous"], dated=when_only)]
            else:  # a publication line must give the date; a cover names several people
                lines = find_lines(
                    text, FRONT_MATTER[key], facts, DATE if key == "published" else None
                )
                found = list(itertools.islice(lines, 3 if key == "people" else 1))
            for where in found:
                if where is not None and where.quote not in {c.quote for c in out.citations}:
                    out.cited(f"- {where.text}", where)
                    seen.add(key)
        if asked == {"previous"} and when_only and not seen:
            return Drafted(f"{_label(facts)}: {NOT_DATED_PREVIOUS}", (), True)
        return out.drafted() if seen & asked else None  # the dates alone answer no "who"


def front_matter_asked(question: str) -> list[str]:
    """What of a report's front matter a question asks for ("lead", "dates", "previous", …)."""
    return [key for key, pattern in _ASKS_FRONT.items() if pattern.search(question)]


# How a definition is asked, not what about ("what does X mean", "X - what is it")
_DEFINITION_WORDS = frozenset(
    stem(w) for w in "mean meaning means stand stands define definition acronym term called".split()
)
_BELOW_GOOD = re.compile(r"\b(?:requires? improvement|inadequate|adequate)\b", re.I)


SECTION_PARAGRAPHS = 40
"""At most this many paragraphs of a judgement's section are weighed for its reasons."""


def _reasons_of(units: Sequence[Located], below_good: bool, n: int = 3) -> list[Located]:
    """The paragraphs of a judgement's section that give its reasons, in the report's order.

    Its opening paragraph (the judgement summed up), then: below good, the paragraphs that
    say most of what falls short (:data:`core.vocabulary.SHORTFALL`, in their first two
    sentences, as quoted); at good or better, the paragraphs that follow.
    """
    if not below_good or len(units) <= n:
        return list(units[:n])
    rest = list(enumerate(units[1:], start=1))
    weight = {i: len(SHORTFALL.findall(first_sentences(u.text, 2))) for i, u in rest}
    chosen = sorted(sorted(weight, key=lambda i: (-weight[i], i))[: n - 1])
    return [units[0], *(units[i] for i in chosen)]


# an area left unjudged: "Adoption performance Not Judged" on one line, or the area alone
# on its line and "Not Judged" on the next line that is not blank
_NOT_JUDGED = re.compile(
    r"^[ \t]*(?:\d(?:\.\d)?\.? ?)?(?P<area>[A-Z][^\n]{5,150}?)(?: |[ \t]*\n+)"
    r"not judged\.?[ \t]*$",
    re.I | re.M,
)


def _unjudged(text: str) -> list[tuple[int, int, str]]:
    """Each place ``text`` says an area was not judged: its start, end and the area."""
    return [(m.start("area"), m.end(), m.group("area").strip()) for m in _NOT_JUDGED.finditer(text)]


def _next_paragraph(text: str, offset: int) -> tuple[str, int] | None:
    """The first line after ``offset`` that is a sentence (not a heading such as "Summary")."""
    for start, line in lines_of(text[offset:]):
        said = line.strip()
        if len(said.split()) >= 8 and said[-1:] in ".:;":
            return said, offset + start + line.index(said)
    return None


def _improve_heading(facts: DocumentFacts) -> str:
    """The report's own heading of its list of what to improve."""
    heading = facts.improve_heading.text if facts.improve_heading else "What needs to improve"
    return heading.rstrip(":?0123456789")  # and a footnote's number ("improve?1")


def _label(facts: DocumentFacts) -> str:
    meta = facts.doc.meta
    who = ", ".join(meta.authorities) if meta.authorities else facts.title
    when = meta.inspected or meta.published
    return f"{who} ({facts.title}{', ' + when if when else ''})" if meta.authorities else who


def _prefix(unit: Located, n: int) -> Located:
    """The unit cut to its first ``n`` sentences, still an exact quote of the document."""
    text = first_sentences(unit.quote, n)
    if not unit.quote.startswith(text):
        text = unit.quote
    return Located(text, text, unit.start, unit.page, unit.section, unit.paragraph)


class _Writer:
    """Collects answer lines and their citations."""

    def __init__(self, facts: DocumentFacts) -> None:
        self.facts = facts
        self.lines: list[str] = []
        self.citations: list[Citation] = []

    def line(self, text: str) -> None:
        self.lines.append(text)

    def cited(self, text: str, where: Located) -> None:
        n = len(self.citations) + 1
        doc = self.facts.doc
        self.citations.append(
            Citation(
                n=n,
                doc_id=doc.doc_id,
                source=doc.source,
                title=self.facts.title,
                page=where.page,
                section=where.section,
                quote=where.quote,
                score=1.0,
            )
        )
        self.lines.append(f"{text.rstrip()} [{n}]")

    def improvements(self, limit: int) -> None:
        """The report's first ``limit`` items of what needs to improve, each cited."""
        for item in self.facts.improvements[:limit]:
            self.cited(f"- {item.text}", item.item)

    def drafted(self) -> Drafted:
        return Drafted("\n".join(self.lines), tuple(self.citations), False)

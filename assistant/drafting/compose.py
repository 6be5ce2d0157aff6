"""Compose a cited draft from the facts of one or more documents, in a template's layout."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Protocol

from assistant.drafting.extract import DocumentFacts, Located, first_sentences, judgement_heading
from assistant.drafting.models import MARKER, Draft, JudgementLine, Reference
from assistant.drafting.templates import Template
from assistant.structured import AREA_NAMES
from core.dates import document_dates
from ingest.judgements import SCALE, Judgement

_GRADE_SUFFIX = re.compile(r"(?:(?<!\s)\s+)?:\s*[^:]{3,40}$")


class FindingsWriter(Protocol):
    """Writes cited key findings of a document (the language-model modes)."""

    def write(
        self, facts: DocumentFacts, cite: Callable[[DocumentFacts, Located], str], sentences: int
    ) -> list[str]:
        """One finding per part of the document, each sentence cited with ``cite``."""
        ...


class _Citations:
    """Numbers the places quoted: one number per quoted text of a document."""

    def __init__(self) -> None:
        self.references: list[Reference] = []
        self._index: dict[tuple[object, ...], int] = {}

    def cite(self, facts: DocumentFacts, where: Located) -> str:
        doc = facts.doc
        key = (doc.doc_id, where.page, where.section, where.paragraph, where.start)
        n = self._index.get(key)
        if n is None:
            n = len(self.references) + 1
            self._index[key] = n
            self.references.append(
                Reference(
                    n=n,
                    doc_id=doc.doc_id,
                    title=facts.title,
                    source=doc.source,
                    page=where.page,
                    section=where.section,
                    paragraph=where.paragraph,
                    quote=where.quote,
                    dates=document_dates(doc.meta),
                )
            )
        return f"[{n}]"

    def cite_judgement(self, facts: DocumentFacts, j: Judgement) -> str:
        section = facts.section_at(j.start)
        return self.cite(facts, Located(j.quote, j.quote, j.start, j.page, section))


def label(facts: DocumentFacts) -> str:
    """A short name for a document: its authority and year, else its title."""
    meta = facts.doc.meta
    when = (meta.inspected or meta.published or "")[:4]
    if meta.authorities and meta.kind != "national survey":
        return f"{meta.authorities[0]} {when}".strip()
    return facts.title


def _judgement_line(
    cites: _Citations, facts: DocumentFacts, j: Judgement, subject: str | None
) -> JudgementLine:
    return JudgementLine(
        subject=j.authority or subject,
        area=AREA_NAMES.get(j.area, j.area_text),
        grade=j.grade,
        meaning=SCALE[j.level],
        cite=int(cites.cite_judgement(facts, j)[1:-1]),
    )


def _round_robin(groups: list[list[str]], limit: int) -> list[str]:
    out: list[str] = []
    depth = max((len(g) for g in groups), default=0)
    for i in range(depth):
        for g in groups:
            if i < len(g) and len(out) < limit:
                out.append(g[i])
    return out


def compose(
    facts_list: list[DocumentFacts],
    template: Template,
    *,
    notes: list[str],
    writer: FindingsWriter | None = None,
) -> Draft:
    """The draft of ``facts_list`` (one document, or several for a comparison paper).

    ``writer`` (the language-model modes) writes the key findings from every part of
    each report; otherwise they are the reports' own first sentences, cited.
    """
    many = len(facts_list) > 1
    labels = [label(f) for f in facts_list]
    subject = facts_list[0].title if not many else "comparison of " + ", ".join(labels)
    draft = Draft(
        title=" ".join(template.title.format(subject=subject).split()),
        template=template.name,
        order=template.order,
        headings=dict(template.headings),
        documents=[f"{f.title} ({f.doc.source}; {document_dates(f.doc.meta)})" for f in facts_list],
        meeting=list(template.meeting),
        notes=list(notes),
    )
    composer = _Composer(draft, template, writer, many)
    for facts, name in zip(facts_list, labels, strict=True):
        composer.add(facts, name)
    return _renumbered(composer.finish())


class _Composer:
    """Writes each document's part of every section, then shares out the summary and findings.

    The places are numbered in the order they are first cited here; ``_renumbered``
    then numbers them in the order the draft shows them.
    """

    def __init__(
        self, draft: Draft, template: Template, writer: FindingsWriter | None, many: bool
    ) -> None:
        self.draft = draft
        self.template = template
        self.writer = writer
        self.many = many
        self.cites = _Citations()
        self.heads: list[str] = []  # summary bullets before the reports' own summaries
        self.tails: list[str] = []  # and after them
        self.summary_groups: list[list[str]] = []  # per document
        self.finding_groups: list[list[str]] = []  # per document
        self.steps: list[str] = []

    def add(self, facts: DocumentFacts, name: str) -> None:
        """One document's judgements, recommendations, summary, findings, improvements, cases."""
        document = name if self.many else facts.title
        prefix = _prefix(name, self.many)
        # judgements table: every judgement the report states
        self.draft.judgements += [
            _judgement_line(self.cites, facts, j, name if self.many else None)
            for j in facts.judgements
        ]
        self._recommendations(facts, document)
        self._summary(facts, document, prefix)
        self._findings(facts, prefix)
        self._improvements(facts, document, prefix)
        for case in facts.cases[: self.template.limits["cases"]]:
            self.draft.cases.append(f"{prefix}{case.text} {self.cites.cite(facts, case)}")

    def _recommendations(self, facts: DocumentFacts, document: str) -> None:
        """Recommendations to the board: note the grades (or the report), act on its list."""
        cites, say = self.cites, self.template.say
        own = [j for j in facts.judgements if j.authority is None]
        if own:
            grades = "; ".join(
                f"{AREA_NAMES.get(j.area, j.area_text).lower()} {j.grade} "
                f"{cites.cite_judgement(facts, j)}"
                for j in own
            )
            self.draft.recommendations.append(
                say("recommend_note", document=document, grades=grades)
            )
        else:
            where = (facts.summary or [None])[0] or Located(facts.title, "", 0, None, None)
            self.draft.recommendations.append(
                say("recommend_note_plain", document=document, cite=cites.cite(facts, where))
            )
        if facts.improvements:
            self.draft.recommendations.append(
                say(
                    "recommend_improve",
                    count=len(facts.improvements),
                    cite=_improve_cite(cites, facts),
                    document=document,
                )
            )

    def _summary(self, facts: DocumentFacts, document: str, prefix: str) -> None:
        """Summary bullets: judgements first, then the report's own summary."""
        cites, say = self.cites, self.template.say
        own = [j for j in facts.judgements if j.authority is None]
        listed = [j for j in facts.judgements if j.authority is not None]
        overall = next((j for j in own if j.area == "overall_effectiveness"), None)
        if overall is not None:
            self.heads.append(
                say(
                    "overall",
                    grade=overall.grade,
                    document=document,
                    cite=cites.cite_judgement(facts, overall),
                )
            )
        if listed:
            refs = sorted({cites.cite_judgement(facts, j) for j in listed}, key=_marker_key)
            self.heads.append(
                say(
                    "rated",
                    count=len(listed),
                    grade=listed[0].grade,
                    names=", ".join(j.authority or "" for j in listed),
                    cite=" ".join(refs),
                    document=document,
                )
            )
        if facts.improvements:
            self.tails.append(
                say(
                    "improve_count",
                    count=len(facts.improvements),
                    cite=_improve_cite(cites, facts),
                    document=document,
                )
            )
        lists = [u for u in facts.summary if u.quote != u.text]  # a lead-in with its list
        ranked = lists + [u for u in facts.summary if u not in lists]
        self.summary_groups.append(
            [
                f"{prefix}{_sentences(u, 1 if u not in lists else 5)} {cites.cite(facts, u)}"
                for u in ranked
            ]
        )

    def _findings(self, facts: DocumentFacts, prefix: str) -> None:
        """Key findings: judgement sections first, a paragraph of each section in turn.

        With a ``writer``, its findings from every part of the report instead (the
        sections' paragraphs are still cited first, as they always were).
        """
        limits = self.template.limits
        sections = sorted(facts.sections, key=lambda s: not judgement_heading(s[0].text))
        per_section = [
            [
                f"{prefix}{_heading(h.text)}: "
                f"{_sentences(u, limits['sentences_per_finding'])} {self.cites.cite(facts, u)}"
                for u in units
            ]
            for h, units in sections
        ]
        if self.writer is not None:
            written = self.writer.write(facts, self.cites.cite, limits["sentences_per_finding"])
            written = _spread(written, limits["key_findings"])
            self.finding_groups.append([f"{prefix}{t}" for t in written])
        else:
            self.finding_groups.append(_round_robin(per_section, limits["key_findings"]))

    def _improvements(self, facts: DocumentFacts, document: str, prefix: str) -> None:
        """What needs to improve (every item), each item also a next step."""
        for imp in facts.improvements:
            text = f"{prefix}{imp.text.rstrip()} {self.cites.cite(facts, imp.item)}"
            self.draft.improve.append(text)
            self.steps.append(
                self.template.say(
                    "next_step_item",
                    item=f"{prefix}{imp.text.rstrip().rstrip('.')}",
                    cite=self.cites.cite(facts, imp.item),
                    document=document,
                )
            )

    def finish(self) -> Draft:
        """The draft with the summary and findings shared out and the references listed."""
        draft, template, limits = self.draft, self.template, self.template.limits
        if self.many:
            draft.recommendations.append(template.say("recommend_compare"))
        budget = limits["summary_bullets"]
        room = max(budget - len(self.heads) - len(self.tails), 0)
        shared = _round_robin(self.summary_groups, room)
        draft.summary = (self.heads + shared + self.tails)[:budget]
        draft.findings = _round_robin(self.finding_groups, limits["key_findings"])
        if not draft.judgements and "judgements" in template.order:
            draft.notes.append(template.say("no_judgements"))
        draft.next_steps = self.steps[: limits["next_steps"]] + list(template.next_steps)
        draft.references = self.cites.references
        return draft


def _renumbered(draft: Draft) -> Draft:
    """References numbered in order of first use in the draft; unused ones dropped."""
    texts = {
        "recommendations": draft.recommendations,
        "summary": draft.summary,
        "judgements": [f"[{j.cite}]" for j in draft.judgements],
        "findings": draft.findings,
        "improve": draft.improve,
        "cases": draft.cases,
        "next_steps": draft.next_steps,
    }
    new: dict[int, int] = {}
    for key in draft.order:
        for text in texts.get(key, ()):
            for n in MARKER.findall(text):
                new.setdefault(int(n), len(new) + 1)

    def swap(text: str) -> str:
        return MARKER.sub(lambda m: f"[{new[int(m.group(1))]}]", text)

    shown = set(draft.order)
    for key in ("recommendations", "summary", "findings", "improve", "cases", "next_steps"):
        setattr(draft, key, [swap(t) for t in getattr(draft, key)] if key in shown else [])
    if "judgements" in shown:
        draft.judgements = [dataclasses.replace(j, cite=new[j.cite]) for j in draft.judgements]
    else:
        draft.judgements = []
    by_n = {r.n: r for r in draft.references}
    draft.references = sorted(
        (dataclasses.replace(by_n[old], n=n) for old, n in new.items()), key=lambda r: r.n
    )
    return draft


def _spread(items: list[str], limit: int) -> list[str]:
    """At most ``limit`` items, evenly spread over the list (the reduce step)."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def _marker_key(marker: str) -> int:
    return int(marker[1:-1])


def _improve_cite(cites: _Citations, facts: DocumentFacts) -> str:
    """The heading of a report's improvement list, else the places of its items."""
    if facts.improve_heading is not None:
        return cites.cite(facts, facts.improve_heading)
    refs = {cites.cite(facts, imp.item) for imp in facts.improvements}
    return " ".join(sorted(refs, key=_marker_key))


def _prefix(name: str, many: bool) -> str:
    return f"{name}: " if many else ""


def _heading(text: str) -> str:
    """A section heading without its grade ("…care leavers: good" → "…care leavers")."""
    return _GRADE_SUFFIX.sub("", text) if judgement_heading(text) else text


def _sentences(unit: Located, n: int) -> str:
    if unit.quote != unit.text:  # a lead-in joined with its list: keep it whole
        return unit.text
    return first_sentences(unit.text, n)

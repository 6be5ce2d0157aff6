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
    cites = _Citations()
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
    limits = template.limits
    summary_groups: list[list[str]] = []
    heads: list[str] = []
    tails: list[str] = []
    finding_groups: list[list[str]] = []
    steps: list[str] = []
    for facts, name in zip(facts_list, labels, strict=True):
        document = name if many else facts.title
        own = [j for j in facts.judgements if j.authority is None]
        listed = [j for j in facts.judgements if j.authority is not None]
        # judgements table: every judgement the report states
        draft.judgements += [
            _judgement_line(cites, facts, j, name if many else None) for j in facts.judgements
        ]
        # recommendations to the board
        if own:
            grades = "; ".join(
                f"{AREA_NAMES.get(j.area, j.area_text).lower()} {j.grade} "
                f"{cites.cite_judgement(facts, j)}"
                for j in own
            )
            draft.recommendations.append(
                template.say("recommend_note", document=document, grades=grades)
            )
        else:
            where = (facts.summary or [None])[0] or Located(facts.title, "", 0, None, None)
            draft.recommendations.append(
                template.say(
                    "recommend_note_plain", document=document, cite=cites.cite(facts, where)
                )
            )
        if facts.improvements:
            draft.recommendations.append(
                template.say(
                    "recommend_improve",
                    count=len(facts.improvements),
                    cite=_improve_cite(cites, facts),
                    document=document,
                )
            )
        # summary bullets: judgements first, then the report's own summary
        overall = next((j for j in own if j.area == "overall_effectiveness"), None)
        if overall is not None:
            heads.append(
                template.say(
                    "overall",
                    grade=overall.grade,
                    document=document,
                    cite=cites.cite_judgement(facts, overall),
                )
            )
        if listed:
            refs = sorted({cites.cite_judgement(facts, j) for j in listed}, key=_marker_key)
            heads.append(
                template.say(
                    "rated",
                    count=len(listed),
                    grade=listed[0].grade,
                    names=", ".join(j.authority or "" for j in listed),
                    cite=" ".join(refs),
                    document=document,
                )
            )
        if facts.improvements:
            tails.append(
                template.say(
                    "improve_count",
                    count=len(facts.improvements),
                    cite=_improve_cite(cites, facts),
                    document=document,
                )
            )
        lists = [u for u in facts.summary if u.quote != u.text]  # a lead-in with its list
        ranked = lists + [u for u in facts.summary if u not in lists]
        summary_groups.append(
            [
                f"{_prefix(name, many)}{_sentences(u, 1 if u not in lists else 5)} "
                f"{cites.cite(facts, u)}"
                for u in ranked
            ]
        )
        # key findings: judgement sections first, a paragraph of each section in turn
        sections = sorted(facts.sections, key=lambda s: not judgement_heading(s[0].text))
        per_section = [
            [
                f"{_prefix(name, many)}{_heading(h.text)}: "
                f"{_sentences(u, limits['sentences_per_finding'])} {cites.cite(facts, u)}"
                for u in units
            ]
            for h, units in sections
        ]
        if writer is not None:
            written = writer.write(facts, cites.cite, limits["sentences_per_finding"])
            written = _spread(written, limits["key_findings"])
            finding_groups.append([f"{_prefix(name, many)}{t}" for t in written])
        else:
            finding_groups.append(_round_robin(per_section, limits["key_findings"]))
        # what needs to improve: every item
        for imp in facts.improvements:
            text = f"{_prefix(name, many)}{imp.text.rstrip()} {cites.cite(facts, imp.item)}"
            draft.improve.append(text)
            steps.append(
                template.say(
                    "next_step_item",
                    item=f"{_prefix(name, many)}{imp.text.rstrip().rstrip('.')}",
                    cite=cites.cite(facts, imp.item),
                    document=document,
                )
            )
        for case in facts.cases[: limits["cases"]]:
            draft.cases.append(f"{_prefix(name, many)}{case.text} {cites.cite(facts, case)}")
    if many:
        draft.recommendations.append(template.say("recommend_compare"))
    budget = limits["summary_bullets"]
    room = max(budget - len(heads) - len(tails), 0)
    draft.summary = (heads + _round_robin(summary_groups, room) + tails)[:budget]
    draft.findings = _round_robin(finding_groups, limits["key_findings"])
    if not draft.judgements and "judgements" in template.order:
        draft.notes.append(template.say("no_judgements"))
    draft.next_steps = steps[: limits["next_steps"]] + list(template.next_steps)
    draft.references = cites.references
    return _renumbered(draft)


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

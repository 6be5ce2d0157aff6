"""A draft as typed data; Markdown and Word are renderings of it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Reference:
    """What ``[n]`` points to: a document and a place in it, with the text quoted there."""

    n: int
    doc_id: str
    title: str
    source: str
    page: int | None
    section: str | None
    paragraph: str | None
    quote: str
    dates: str = ""  # the document's labelled dates (see core.dates)

    @property
    def location(self) -> str:
        """Page, section and paragraph, as far as they are known."""
        parts = []
        if self.page is not None:
            parts.append(f"p. {self.page}")
        if self.section:
            parts.append(f"section “{self.section}”")
        if self.paragraph:
            parts.append(f"para. {self.paragraph}")
        return ", ".join(parts) or "whole document"

    def describe(self) -> str:
        """One line: title, file, location and the start of the quote."""
        quote = " ".join(self.quote.split())
        if len(quote) > 160:
            quote = quote[:157].rstrip() + "…"
        dates = f" ({self.dates})" if self.dates else ""
        return f"{self.title}{dates} — {self.source}, {self.location}: “{quote}”"


@dataclass(frozen=True)
class JudgementLine:
    """A row of the judgements table."""

    subject: str | None  # the authority or report, when the table covers several
    area: str
    grade: str  # as written
    meaning: str  # normalised: outstanding, good, requires improvement, inadequate
    cite: int


@dataclass
class Draft:
    """A cited paper on one report (or a comparison of several), in a template's layout."""

    title: str
    template: str
    order: tuple[str, ...]
    headings: dict[str, str]
    documents: list[str] = field(default_factory=list)
    meeting: list[tuple[str, str]] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    judgements: list[JudgementLine] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    improve: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def body_texts(self) -> list[str]:
        """Every piece of text that may carry ``[n]`` markers."""
        return [
            *self.recommendations,
            *self.summary,
            *(f"{j.area} {j.grade} [{j.cite}]" for j in self.judgements),
            *self.findings,
            *self.improve,
            *self.cases,
            *self.next_steps,
        ]

    def unresolved(self) -> list[int]:
        """Markers with no reference (empty when every citation resolves)."""
        known = {r.n for r in self.references}
        return sorted({int(n) for t in self.body_texts() for n in MARKER.findall(t)} - known)

    def has_judgement_table(self) -> bool:
        """Whether the template shows judgements and the reports state any."""
        return "judgements" in self.order and bool(self.judgements)

    def to_json(self) -> dict[str, Any]:
        """The draft as JSON (for the UI)."""
        out = asdict(self)
        out["meeting"] = [list(m) for m in self.meeting]
        return out

    def to_markdown(self) -> str:
        """The draft as Markdown."""
        lines = [f"# {self.title}", ""]
        if self.documents:
            lines += [f"_Drafted from: {'; '.join(self.documents)}._", ""]
        for note in self.notes:
            lines += [f"> {note}", ""]
        for key in self.order:
            body = _markdown_section(self, key)
            if body:
                lines += [f"## {self.headings[key]}", "", *body, ""]
        return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown_section(draft: Draft, key: str) -> list[str]:
    if key == "meeting":
        return [f"- **{label}:** {value}" for label, value in draft.meeting]
    if key == "summary":
        return [f"- {s}" for s in draft.summary]
    if key == "judgements":
        if not draft.judgements:
            return []
        subject = any(j.subject for j in draft.judgements)
        head = ["Authority / report"] if subject else []
        head += ["Judgement", "Grade (as written)", "Normalised", "Source"]
        rows = [f"| {' | '.join(head)} |", f"|{'---|' * len(head)}"]
        for j in draft.judgements:
            cells = [j.subject or ""] if subject else []
            cells += [j.area, j.grade, j.meaning, f"[{j.cite}]"]
            rows.append(f"| {' | '.join(_cell(c) for c in cells)} |")
        return rows
    if key == "references":
        return [f"- **[{r.n}]** {r.describe()}" for r in draft.references]
    items = {
        "recommendations": draft.recommendations,
        "findings": draft.findings,
        "improve": draft.improve,
        "cases": draft.cases,
        "next_steps": draft.next_steps,
    }[key]
    return [f"{i}. {text}" for i, text in enumerate(items, 1)]

"""The text report of a v2 ``eval`` run: splits side by side, then a table per split."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from assistant.cli.tables import figure, table
from assistant.eval_splits import (
    DISAGREEMENTS,
    HEADLINE,
    Figures,
    SplitFigures,
    SplitReport,
    difference,
)


def _count(hits: int, total: int) -> str:
    return f"{hits}/{total}" if total else "–"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


def _row(name: str, f: Figures) -> list[str]:
    m = f.base
    return [
        name,
        str(f.questions),
        figure(m.fact_accuracy),
        _count(m.refused_unanswerable, m.unanswerable),
        _count(m.wrong_refusals, m.answerable),
        figure(m.citation_validity),
        figure(m.retrieval.recall[5]),
        figure(m.retrieval.report[5]),
        _count(f.wrong_authority, f.authority_checked),
        _count(f.consistent, f.paraphrased),
    ]


SPLIT_HEADER = [
    "intent",
    "n",
    "facts",
    "refused (unansw.)",
    "wrong refusals",
    "citations valid",
    "R@5",
    "report@5",
    "wrong authority",
    "consistent",
]


def _headline(splits: dict[str, SplitFigures]) -> str:
    names = list(splits)
    heads = {s: f.headline() for s, f in splits.items()}
    diff = difference(splits)
    header = ["figure", *names] + (["dev − heldout"] if diff else [])
    rows = [
        [label, *(figure(heads[s][key]) for s in names)] + ([_signed(diff[key])] if diff else [])
        for key, label in HEADLINE
    ]
    return table(header, rows)


def _split_section(name: str, f: SplitFigures) -> list[str]:
    o, main = f.overall, f.main_wording
    return [
        f"{name}: {o.questions} questions ({o.questions - _unanswerable(f)} answerable,"
        f" {_unanswerable(f)} unanswerable), {o.base.questions} answers; main wording only:"
        f" facts {figure(main.fact_accuracy)}, refused (unansw.) {figure(main.refusal_accuracy)},"
        f" R@5 {figure(main.retrieval.recall[5])}",
        "",
        table(SPLIT_HEADER, [_row("all", o)] + [_row(i, x) for i, x in f.by_intent.items()]),
        *_disagreements(o),
        *_tally("answerable wordings refused", o.wrong_refusals_by),
        *_tally("unanswerable wordings answered", o.answered_unanswerable_by),
    ]


def _tally(label: str, counts: Mapping[str, int]) -> list[str]:
    """One line of counts by kind, most first ("label: kind n, kind n")."""
    if not counts:
        return []
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ["", f"{label}: " + ", ".join(f"{kind} {n}" for kind, n in ranked)]


def _disagreements(f: Figures) -> list[str]:
    """The line saying why the inconsistent questions were not answered alike."""
    if f.consistent == f.paraphrased:
        return []
    reasons = ", ".join(f"{label} {f.disagreements.get(key, 0)}" for key, label in DISAGREEMENTS)
    lines = ["", f"not consistent: {f.paraphrased - f.consistent} ({reasons})"]
    if f.label_only:
        lines.append(
            f"  of which answer kinds differ in the intent read only (the same form and "
            f"first-cited document): {f.label_only}"
        )
    return lines


def _unanswerable(f: SplitFigures) -> int:
    return f.main_wording.unanswerable


def render_split_report(report: SplitReport) -> str:
    """The v2 ``eval`` tables as plain text (Markdown pipe tables)."""
    splits = report.splits()
    answers = len(report.asked)
    questions = sum(f.overall.questions for f in splits.values())
    only = f" of the {report.only} split" if report.only else ""
    parts = [
        f"{', '.join(Path(f).name for f in report.files)}: {questions} questions{only},"
        f" {answers} answers (every wording asked), k = {report.k}, {report.seconds:.1f} s",
        "",
        _headline(splits),
    ]
    for name, f in splits.items():
        parts += ["", *_split_section(name, f)]
    parts += [
        "",
        "Each wording is scored as a question (n counts questions). facts: every must_include"
        " group in the answer; wrong authority: answers (not refused, answerable, one"
        " authority) citing a report about another authority; consistent: questions whose"
        " wordings got the same kind of answer and the same first-cited report (of each"
        " authority, for a comparison); R@5: a gold"
        " quote in a passage of its file at rank <= 5; report@5: a passage of a gold file.",
    ]
    return "\n".join(parts)

"""``ofsted-assistant eval``: score the assistant on a gold evaluation set.

``register(app)`` adds the command to the main Typer app; the questions are asked and
scored by the facade (:meth:`assistant.service.Library.evaluate`); this module draws the
progress and the tables.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import ChromaHost, ChromaPort, DataDir, Verbose, build, errors_to_exit
from assistant.cli.tables import figure, table
from assistant.eval_set import SPLITS
from assistant.evaluation import (
    RECALL_AT,
    REPORT_AT,
    BaselineReport,
    EvalReport,
    Metrics,
    RetrievalMetrics,
)
from assistant.service import FILES_SEP
from core.errors import InputError

EvalFiles = Annotated[
    list[Path],
    typer.Argument(
        metavar="FILE.jsonl...",
        help="Evaluation sets: JSONL of {id, question, type, must_include, sources} (v1),"
        " or v2 lines that add split, intent, answerable, wordings, authorities, years.",
        show_default=False,
    ),
]


def eval_command(
    files: EvalFiles,
    k: Annotated[int, typer.Option("-k", help="Passages to retrieve.", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    split: Annotated[
        str | None,
        typer.Option(
            "--split", help="Only the questions of this split: dev or heldout.", show_default=False
        ),
    ] = None,
    baseline: Annotated[
        bool,
        typer.Option("--baseline", help="Also run LangChain's tutorial pipeline (needs --docs)."),
    ] = False,
    docs: Annotated[
        Path | None,
        typer.Option(
            "--docs",
            help="With --baseline: the folder the index was built from.",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
    verbose: Verbose = False,
) -> None:
    """Score answers and retrieval on evaluation sets (bench/eval/README.md).

    Recall@1/3/5 and MRR (a gold quote in a retrieved passage of its file),
    report@1/5 (a passage of the gold file), answer facts, refusals and
    citation validity, overall and by question type. --baseline embeds the
    files under --docs with LangChain's tutorial pipeline and compares.

    v2 sets (bench/eval/v2) are asked in every wording and reported per split
    (dev, heldout) side by side and by intent, with the wrong-authority rate,
    paraphrase consistency and dev - heldout for each headline figure.

    Examples:
      ofsted-assistant eval bench/eval/sample.jsonl
      ofsted-assistant eval bench/eval/sample.jsonl --json
      ofsted-assistant eval bench/eval/sample.jsonl --baseline --docs data/sample
      ofsted-assistant eval bench/eval/v2/*.jsonl --split dev
    """
    with errors_to_exit():
        questions, v2 = _questions(files, split, baseline, docs)
        library = build(data_dir, chroma_host, chroma_port, verbose)
        if not library.documents():
            raise InputError("the index is empty: run `ofsted-assistant ingest` first")
        report = library.evaluate(
            questions,
            files,
            k=k,
            split=split,
            baseline=docs if baseline else None,
            progress=_progress,
        )
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    elif v2:
        from assistant.cli.split_report import render_split_report

        sys.stdout.write(render_split_report(report) + "\n")  # type: ignore[arg-type]
    else:
        sys.stdout.write(render_report(report) + "\n")  # type: ignore[arg-type]


def _questions(
    files: list[Path], split: str | None, baseline: bool, docs: Path | None
) -> tuple[list[Any], bool]:
    """The questions to ask (of ``split``) and whether a set is v2; bad options raise."""
    from assistant.evaluation import load_eval_sets

    questions = load_eval_sets(files)
    v2 = any(q.version == 2 for q in questions)
    if split is not None:
        if split not in SPLITS:
            raise InputError(f"--split must be one of: {', '.join(SPLITS)} (got {split!r})")
        questions = [q for q in questions if q.split == split]
        if not questions:
            raise InputError(f"no questions of the {split} split in the given files")
    if baseline and docs is None:
        raise InputError("--baseline needs --docs DIR (the folder the index was built from)")
    if docs is not None and not baseline:
        raise InputError("--docs is only used with --baseline")
    if baseline and v2:
        raise InputError("--baseline works with v1 sets only (one folder of documents)")
    if docs is not None and not docs.is_dir():
        raise InputError(f"--docs must be a folder: {docs}")
    return questions, v2


@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Any]:
    """A transient progress bar on stderr; yields ``advance(n, total=None)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from assistant.cli.common import err

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("", total=total)

        def advance(n: int, new_total: int | None = None) -> None:
            if new_total is not None:
                bar.update(task, total=new_total)
            bar.advance(task, n)

        yield advance


# -- rendering -----------------------------------------------------------------------


def _retrieval_cells(m: RetrievalMetrics) -> list[str]:
    return [
        *(figure(m.recall[at]) for at in RECALL_AT),
        figure(m.mrr),
        *(figure(m.report[at]) for at in REPORT_AT),
    ]


def _row(name: str, m: Metrics) -> list[str]:
    return [
        name,
        str(m.questions),
        *_retrieval_cells(m.retrieval),
        figure(m.fact_accuracy),
        f"{m.wrong_refusals}/{m.answerable}" if m.answerable else "–",
        f"{m.refused_unanswerable}/{m.unanswerable}" if m.unanswerable else "–",
        f"{m.citations_valid}/{m.citations}",
    ]


RETRIEVAL_HEADER = [
    *(f"R@{at}" for at in RECALL_AT),
    "MRR",
    *(f"report@{at}" for at in REPORT_AT),
]


def render_report(report: EvalReport) -> str:
    """The ``eval`` tables as plain text (Markdown pipe tables)."""
    overall = report.overall
    header = [
        "type",
        "n",
        *RETRIEVAL_HEADER,
        "facts",
        "wrong refusals",
        "refused (unansw.)",
        "citations valid",
    ]
    rows = [_row("all", overall)] + [_row(t, m) for t, m in report.by_type().items()]
    names = ", ".join(Path(f).name for f in report.file.split(FILES_SEP))
    parts = [
        f"{names}: {overall.questions} questions ({overall.answerable} answerable,"
        f" {overall.unanswerable} unanswerable), k = {report.k}, {report.seconds:.1f} s",
        "",
        table(header, rows),
        "",
        "R@n: a gold quote in a passage of its file at rank <= n (answerable questions); "
        "report@n: a passage of the gold file at rank <= n; facts: every must_include group "
        "in the answer.",
    ]
    if report.baseline is not None:
        parts += ["", *_render_baseline(report, report.baseline)]
    return "\n".join(parts)


def _render_baseline(report: EvalReport, base: BaselineReport) -> list[str]:
    ours = report.overall.retrieval
    theirs = base.overall
    ratios = report.ratios()
    keys = [
        *(f"recall_at_{at}" for at in RECALL_AT),
        "mrr",
        *(f"report_at_{at}" for at in REPORT_AT),
    ]
    ours_cells, base_cells = _retrieval_cells(ours), _retrieval_cells(theirs)
    rows = [
        [name, o, b, figure(ratios[key])]
        for name, o, b, key in zip(RETRIEVAL_HEADER, ours_cells, base_cells, keys, strict=True)
    ]
    ours_types = report.by_type()
    type_rows = [
        [
            t,
            str(m.answerable),
            figure(ours_types[t].retrieval.recall[5]),
            figure(m.recall[5]),
            figure(ours_types[t].retrieval.report[1]),
            figure(m.report[1]),
        ]
        for t, m in base.by_type().items()
        if m.answerable
    ]
    lines = [
        f"Baseline: LangChain tutorial pipeline over {base.docs} ({base.files} files,"
        f" {base.chunks} chunks; pypdf pages, RecursiveCharacterTextSplitter 1000/200, Chroma,"
        f" the same embedding model), {base.seconds:.1f} s",
    ]
    lines += [f"  not loaded: {source}: {reason}" for source, reason in base.skipped]
    lines += [
        "",
        table(["metric", "ours", "baseline", "ours/baseline"], rows),
        "",
        f"recall@5 ours/baseline: {figure(ratios['recall_at_5'])}",
        "",
        table(
            ["type", "n", "R@5 ours", "R@5 baseline", "report@1 ours", "report@1 baseline"],
            type_rows,
        ),
    ]
    return lines


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command to ``app``."""
    app.command("eval")(eval_command)

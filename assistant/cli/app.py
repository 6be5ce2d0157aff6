"""``ofsted-assistant``: the command line, a thin layer over the facade (:mod:`assistant.service`).

Exit codes: 0 success; 1 error; 2 bad usage; 3 partial (some files or questions failed).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from assistant.cli import accounts, chat, data, draft, evaluate, serve
from assistant.cli.common import (
    ChromaHost,
    ChromaPort,
    DataDir,
    Verbose,
    build,
    err,
    errors_to_exit,
    out,
)
from assistant.render import render_answer_text, render_documents, render_ingest_summary
from core.dates import document_dates
from core.errors import InputError

if TYPE_CHECKING:
    from assistant.service import Library

app = typer.Typer(
    name="ofsted-assistant",
    help="Ask questions of children's services inspection reports and get cited answers.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
docs_app = typer.Typer(help="List and remove stored documents.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
    verbose: Verbose = False,
) -> None:
    """Add report files to the library (PDF, Word .docx, HTML, Markdown, text).

    Ingesting the same files again adds nothing; a changed file replaces its old
    version. Exit code 3 means some files failed (each is listed with a reason).
    Symbolic links that lead out of a folder given are not followed (each is listed).
    On a terminal a bar shows each file's stage (reading, chunking, embedding n of N
    passages, indexing) and the time remaining.

    Example: ofsted-assistant ingest reports/ extra/letter.pdf
    """
    from assistant.cli.progress import IngestBar
    from assistant.service import IngestOutcome, IngestReport, find_files

    with errors_to_exit():
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise InputError(f"no such file or folder: {', '.join(missing)}")
        files, links = find_files(paths)
        if not files and not links:
            raise InputError("no files found in the given paths")
        library = build(data_dir, chroma_host, chroma_port, verbose)
        with IngestBar(files, err) as bar:
            report = library.ingest(files, on_stage=bar.update, added_by=_os_user())
        skipped = tuple(IngestOutcome(source, "failed", reason) for source, reason in links)
        report = IngestReport(report.outcomes + skipped, report.seconds)
        out.print(render_ingest_summary(report))
    raise typer.Exit(report.exit_code)


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (one object per line).")
    ] = False,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch", help='JSONL file of {"id"?, "question"} lines.', show_default=False
        ),
    ] = None,
    k: Annotated[
        int | None, typer.Option("-k", help="Passages to retrieve.", min=1, max=50)
    ] = None,
    authority: Annotated[
        list[str] | None,
        typer.Option("--authority", help="Only documents about this authority (repeatable)."),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Only this kind, e.g. 'inspection report' (repeatable)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only documents dated from YYYY[-MM[-DD]].")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only documents dated up to YYYY[-MM[-DD]].")
    ] = None,
    doc: Annotated[
        list[str] | None,
        typer.Option("--doc", help="Only this document: source path or id (repeatable)."),
    ] = None,
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
    verbose: Verbose = False,
) -> None:
    """Answer a question from the library, citing the passages used.

    Examples:
      ofsted-assistant ask "What grades did Westminster get in its 2006 APA?"
      ofsted-assistant ask "How are care leavers supported?" --authority Kent --since 2020
      ofsted-assistant ask --batch questions.jsonl --json > answers.jsonl
    """
    from assistant.batch import run_batch

    with errors_to_exit():
        if (question is None) == (batch is None):
            raise InputError("give either a QUESTION or --batch FILE")
        library = build(data_dir, chroma_host, chroma_port, verbose)
        filters = library.filters(
            authorities=authority or (), kinds=kind or (), since=since, until=until, docs=doc or ()
        )
        if batch is not None:
            write = (lambda line: sys.stdout.write(line + "\n")) if as_json else out.print
            failures = run_batch(library, batch, as_json=as_json, write=write, k=k, filters=filters)
            _say_if_empty(library)
            raise typer.Exit(3 if failures else 0)
        answer = library.ask(question or "", k=k, filters=filters)
        if as_json:
            sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
        else:
            cited = library.cited_documents(answer.citations)
            dates = {doc_id: document_dates(d.meta) for doc_id, d in cited.items()}
            out.print(render_answer_text(answer, dates))
        _say_if_empty(library)


def _say_if_empty(library: Library) -> None:
    """Exit 1 naming the data directory when the library has no documents."""
    if library.empty():
        err.print(
            f"error: the library in {escape(str(library.settings.data_dir))} is empty "
            "(`make demo`'s library is .demo-data: --data-dir .demo-data)"
        )
        raise typer.Exit(1)


def _os_user() -> str:
    """Who runs the command (recorded with what they ingest)."""
    import getpass

    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):  # no name for this uid (a container)
        return f"uid {os.getuid()} (command line)"


@docs_app.command("list")
def docs_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
) -> None:
    """List stored documents with their chunk counts.

    Example: ofsted-assistant docs list
    """
    with errors_to_exit():
        docs = build(data_dir, chroma_host, chroma_port, False).documents()
        if as_json:
            rows = [
                {
                    "doc_id": d.doc_id,
                    "source": d.source,
                    "title": d.title,
                    "kind": d.meta.kind,
                    "publisher": d.meta.publisher,
                    "published": d.meta.published,
                    "inspected_from": d.meta.inspected_from,
                    "inspected": d.meta.inspected,
                    "dates": document_dates(d.meta),
                    "authorities": list(d.meta.authorities),
                    "pages": d.page_count or None,  # null: a file without pages
                    "chunks": d.chunk_count,
                    "ingested_at": d.ingested_at,
                    "origin": d.origin,
                    "added_by": d.added_by,
                    "added_from": d.added_from,
                }
                for d in docs
            ]
            sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        else:
            out.print(render_documents(docs))


@docs_app.command("remove")
def docs_remove(
    refs: Annotated[
        list[str], typer.Argument(help="Source paths or document ids (or id prefixes).")
    ],
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
) -> None:
    """Remove documents from the library (their chunks go with them).

    Example: ofsted-assistant docs remove westminster-2006-apa-letter.txt
    """
    with errors_to_exit():
        library = build(data_dir, chroma_host, chroma_port, False)
        for ref in refs:
            record = library.remove(ref)
            out.print(f"removed {escape(record.source)} ({record.chunk_count} chunks)")
        if library.settings.store.mode == "http":
            err.print(SERVER_KEEPS_TEXT)


SERVER_KEEPS_TEXT = (
    "note: the Chroma server keeps removed text in its own files until they are compacted: "
    "run `ofsted-assistant docs compact --chroma-path <its --path>` on the server's machine"
)


@docs_app.command("compact")
def docs_compact(
    chroma_path: Annotated[
        Path | None,
        typer.Option(
            "--chroma-path",
            help="A Chroma server's directory (the --path it runs with), on this machine.",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
) -> None:
    """Make the text of removed documents unreadable in the index files.

    Every removal does this already; run it once on a library made by an older version,
    or on a Chroma server's machine for its directory (a server cannot be compacted from
    here). It waits for, then gives up on, a program in the middle of a question.

    Examples:
      ofsted-assistant docs compact
      ofsted-assistant docs compact --chroma-path /srv/chroma
    """
    from assistant.service import compact_chroma_directory

    with errors_to_exit():
        if chroma_path is not None:
            done = compact_chroma_directory(chroma_path)
        else:
            done = build(data_dir, chroma_host, chroma_port, False).compact()
            if done is None:
                raise InputError(SERVER_KEEPS_TEXT.removeprefix("note: "))
        if not done:
            err.print("error: another program kept the index busy; try again later")
            raise typer.Exit(1)
        out.print("compacted: removed documents' text is no longer in the index files")


# the other commands, each in its module: eval, serve, grades/actions/cases, chat, draft, accounts
for _module in (evaluate, serve, data, chat, draft, accounts):
    _module.register(app)

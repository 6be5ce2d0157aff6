"""``draft``: a cited board paper or briefing note on stored reports, as Markdown or Word."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from assistant.cli.common import ChromaHost, ChromaPort, DataDir, build, errors_to_exit, out

OUTPUTS = (".docx", ".md", ".markdown")


def draft_command(
    docs: Annotated[
        list[str],
        typer.Argument(
            help="Stored documents (source path, its end, or id); several make a comparison."
        ),
    ],
    template: Annotated[
        str,
        typer.Option(
            "--template",
            "-t",
            help="board-paper, briefing-note, or the path of your own .toml template.",
        ),
    ] = "board-paper",
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write to FILE.docx or FILE.md (default: Markdown to stdout).",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
) -> None:
    """Draft a cited summary of a report in a council template; export it to Word.

    Every statement cites a numbered reference: the document, its file and the page.

    Examples:
      ofsted-assistant draft "kent/children's services inspection - 05 july 2022.pdf"
      ofsted-assistant draft 4bd9f8a20feb --template briefing-note --out kent.docx
      ofsted-assistant draft kent/report-2022.pdf norfolk/report-2023.pdf --out comparison.docx
      ofsted-assistant draft 4bd9f8a20feb --template my-council.toml --out paper.md
    """
    from assistant.service import check_template
    from core.errors import InputError

    with errors_to_exit():
        if out_file is not None and out_file.suffix.lower() not in OUTPUTS:
            raise InputError(f"cannot write {out_file.name!r}: use a .docx or .md file")
        check_template(template)  # a bad template is reported before anything is built
        library = build(data_dir, chroma_host, chroma_port, False)
        draft = library.compose_draft(docs, template)
        if out_file is None:
            sys.stdout.write(draft.to_markdown())
            return
        library.export_draft(draft, out_file)
        out.print(
            f"wrote {escape(str(out_file))}: {len(draft.references)} references, "
            f"{len(draft.improve)} improvement items, {len(draft.judgements)} judgements"
        )


def register(app: typer.Typer) -> None:
    """Add the ``draft`` command to ``app``."""
    app.command("draft")(draft_command)

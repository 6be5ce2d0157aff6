"""``ofsted-assistant grades``: the judgements of the stored reports as a table."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from assistant.cli_common import ChromaHost, ChromaPort, DataDir, build, errors_to_exit, out


def grades_command(
    authority: Annotated[
        list[str] | None,
        typer.Option("--authority", help="Only this authority (any usual name; repeatable)."),
    ] = None,
    judgement: Annotated[
        list[str] | None,
        typer.Option("--judgement", help="Only this judgement, e.g. 'care leavers' (repeatable)."),
    ] = None,
    neighbours_of: Annotated[
        str | None,
        typer.Option(
            "--neighbours-of",
            help="This authority and its ten DfE statistical neighbours.",
            show_default=False,
        ),
    ] = None,
    latest: Annotated[
        bool, typer.Option("--latest", help="Only each authority's newest report.")
    ] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV (with quotes).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
) -> None:
    """List the judgements read from the stored inspection reports, with their sources.

    Examples:
      ofsted-assistant grades --authority Kent
      ofsted-assistant grades --judgement "care leavers" --latest --csv > care-leavers.csv
      ofsted-assistant grades --neighbours-of Norfolk --latest
    """
    from assistant.errors import InputError
    from assistant.grades import AREA_NAMES, grades_table

    with errors_to_exit():
        assistant = build(data_dir, chroma_host, chroma_port, False)
        index = assistant.authorities
        names: list[str] = []
        for name in authority or ():
            found = index.resolve(name) if index else None
            if found is None:
                raise InputError(f"unknown local authority {name!r}")
            names.append(found.name)
        if neighbours_of:
            found = index.resolve(neighbours_of) if index else None
            if found is None:
                raise InputError(f"unknown local authority {neighbours_of!r}")
            names += [found.name] + [a.name for a in index.neighbours(found.name)]
        table = grades_table(assistant)
        areas = [table.resolve_area(j) for j in judgement or ()]
        rows = table.rows(authorities=names, areas=areas, latest=latest)
    if as_json:
        sys.stdout.write(json.dumps([r.to_json() for r in rows], ensure_ascii=False) + "\n")
    elif as_csv:
        fields = list(rows[0].to_json()) if rows else ["authority", "judgement", "grade"]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields)
        writer.writeheader()
        writer.writerows(r.to_json() for r in rows)
    elif not rows:
        out.print("No judgements found (ingest inspection reports, or widen the filters).")
    else:
        for r in rows:
            when = r.inspection_end or r.published or "-"
            out.print(
                f"{escape(r.authority or '-'):<22} {when:<10}  "
                f"{escape(AREA_NAMES.get(r.area, r.area)):<48} {escape(r.grade):<32} "
                f"{escape(r.source)}, p. {r.page}"
            )
        out.print(f"{len(rows)} judgements")


def register(app: typer.Typer) -> None:
    """Add the ``grades`` command to ``app``."""
    app.command("grades")(grades_command)

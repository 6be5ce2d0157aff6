"""``grades``, ``actions`` and ``cases``: structured data read from the stored reports."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from assistant.cli.common import ChromaHost, ChromaPort, DataDir, build, errors_to_exit, out
from assistant.service import ACTION_STATUSES as STATUSES


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
    with errors_to_exit():
        library = build(data_dir, chroma_host, chroma_port, False)
        rows = library.grades(
            authorities=authority or (),
            areas=judgement or (),
            neighbours_of=neighbours_of,
            latest=latest,
        )
        names = library.judgement_names()
    if _print_rows(rows, as_json, as_csv, empty_fields=("authority", "judgement", "grade")):
        return
    if not rows:
        out.print("No judgements found (ingest inspection reports, or widen the filters).")
        return
    for r in rows:
        out.print(
            f"{escape(r.authority or '-'):<22} "
            f"{escape(names.get(r.area, r.area)):<48} {escape(r.grade):<32} "
            f"{escape(r.source)}, p. {r.page} ({r.dates})"
        )
    out.print(f"{len(rows)} judgements")


def _print_rows(rows, as_json: bool, as_csv: bool, empty_fields=("authority",)) -> bool:
    """Print JSON or CSV; False when the caller should print its own table."""
    if as_json:
        sys.stdout.write(json.dumps([r.to_json() for r in rows], ensure_ascii=False) + "\n")
        return True
    if as_csv:
        fields = list(rows[0].to_json()) if rows else list(empty_fields)
        writer = csv.DictWriter(sys.stdout, fieldnames=fields)
        writer.writeheader()
        writer.writerows(r.to_json() for r in rows)
        return True
    return False


def actions_command(
    authority: Annotated[
        list[str] | None, typer.Option("--authority", help="Only this authority (repeatable).")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help=f"Only actions with this status: {', '.join(STATUSES)}."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Judge overdue actions on this date (YYYY-MM-DD; default today)."
        ),
    ] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV (with quotes).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
) -> None:
    """List improvement actions (plan rows and reports' areas for improvement) with status.

    Examples:
      ofsted-assistant actions --authority Bromley
      ofsted-assistant actions --status overdue --as-of 2012-02-21
    """
    with errors_to_exit():
        library = build(data_dir, chroma_host, chroma_port, False)
        rows = library.actions(authorities=authority or (), status=status, as_of=as_of)
    if _print_rows(rows, as_json, as_csv):
        return
    if not rows:
        out.print("No improvement actions found.")
        return
    for r in rows:
        out.print(
            f"{escape(r.authority or '-')}: {escape(r.area[:70])}\n"
            f"    {escape((r.action or '-')[:90])}\n"
            f"    due {escape(r.timeframe or '-')} · {r.status} · "
            f"{escape(r.lead or '-')} · {escape(r.source)}" + (f", p. {r.page}" if r.page else "")
        )
    out.print(f"{len(rows)} actions")


def cases_command(
    query: Annotated[str | None, typer.Argument(help="What you are looking for.")] = None,
    theme: Annotated[
        list[str] | None, typer.Option("--theme", help="Only cases with this theme (repeatable).")
    ] = None,
    like: Annotated[
        str | None, typer.Option("--like", help="Cases like this case id.", show_default=False)
    ] = None,
    neighbours_of: Annotated[
        str | None,
        typer.Option("--neighbours-of", help="Only this authority's statistical neighbours."),
    ] = None,
    limit: Annotated[int, typer.Option("-n", help="How many cases.", min=1, max=100)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDir = None,
    chroma_host: ChromaHost = None,
    chroma_port: ChromaPort = None,
) -> None:
    """Find comparable case studies and examples of practice, ranked, with why they matched.

    Examples:
      ofsted-assistant cases "virtual school for children in care"
      ofsted-assistant cases --theme "care leavers"
      ofsted-assistant cases --like <case id>
    """
    with errors_to_exit():
        ranked = build(data_dir, chroma_host, chroma_port, False).cases(
            query, themes=theme or (), like=like, neighbours_of=neighbours_of, limit=limit
        )
    if as_json:
        sys.stdout.write(
            json.dumps(
                [{**r.to_json(), "score": round(s, 4), "why": w} for r, s, w in ranked],
                ensure_ascii=False,
            )
            + "\n"
        )
        return
    if not ranked:
        out.print("No case studies found.")
        return
    for r, _score, why in ranked:
        out.print(
            f"{escape(f'[{r.id}]')} {escape(r.authority or r.authority_text)}: "
            f"{escape(r.title)} ({escape(r.source)})\n    {escape(why)}"
        )


def register(app: typer.Typer) -> None:
    """Add the ``grades`` command to ``app``."""
    app.command("grades")(grades_command)
    app.command("actions")(actions_command)
    app.command("cases")(cases_command)

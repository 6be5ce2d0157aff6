"""The Documents tab: upload, list and delete, each replacement and deletion confirmed.

An upload that is the same report as a stored document (see :mod:`assistant.identity`)
is held: the tab says what it would replace and asks before replacing. A deletion
names the document and asks too. The programs' API is the same events: ``/upload``
(a held file comes back as ``held`` with what it would replace), ``/confirm_upload``
and ``/cancel_upload`` for the held files of the same session, ``/delete_document``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.service import IngestOutcome, IngestProgress, IngestReport, Library
from ui import views
from ui.errors import readable
from ui.login import Login, require_editor

UPLOAD_TYPES = [".pdf", ".docx", ".html", ".htm", ".md", ".txt"]
Held = list[dict[str, Any]]  # per file held: {"path", "name", "source", "replaces": [ids]}


@dataclass(frozen=True)
class DocumentControls:
    """The tab's components."""

    totals: Any
    reader_note: Any
    files: Any
    status: Any
    held: Any
    replace_box: Any
    replace_text: Any
    replace: Any
    keep: Any
    results: Any
    table: Any
    delete_choice: Any
    delete: Any
    delete_box: Any
    delete_text: Any
    delete_yes: Any
    delete_no: Any


def documents_tab(library: Library, login: Login | None = None) -> dict[str, Any]:
    """Lay out the tab and wire its events; returns what the window refreshes and shows.

    With a ``login``, only editors may add, replace or delete documents.
    """
    tab = _layout()
    uploaded, confirmed = _wire_uploads(library, login, tab)
    deleted = _wire_deletion(library, login, tab)
    return {
        "table": tab.table,
        "totals": tab.totals,
        "delete_choice": tab.delete_choice,
        "changed": [uploaded, confirmed, deleted],
        "reader_note": tab.reader_note,
        "editor_only": [tab.files, tab.delete_choice, tab.delete],
    }


def _layout() -> DocumentControls:
    totals = gr.Markdown()
    reader_note = gr.Markdown(
        "Your account can read the library; adding or deleting documents needs an editor account.",
        visible=False,
        elem_id="reader-note",
    )
    files = gr.File(
        label="Add reports: PDF, Word, HTML, Markdown or text (drag and drop several at once)",
        file_count="multiple",
        file_types=UPLOAD_TYPES,
        type="filepath",
    )
    status = gr.Markdown()
    held = gr.State([])
    with gr.Column(visible=False, elem_id="replace-box") as replace_box:
        replace_text = gr.Markdown()
        with gr.Row():
            replace = gr.Button("Replace", variant="stop")
            keep = gr.Button("Keep the stored version")
    results = gr.Dataframe(
        headers=views.RESULT_COLUMNS,
        label="Result per file",
        interactive=False,
        wrap=True,
    )
    table = gr.Dataframe(
        headers=views.DOCUMENT_COLUMNS,
        label="Documents in the library",
        interactive=False,
        wrap=True,
        column_widths=["30%", "11%", "11%", "9%", "6%", "6%", "19%", "8%"],
        show_search="filter",
    )
    with gr.Row():
        delete_choice = gr.Dropdown(
            [], label="Document to delete", scale=4, allow_custom_value=True
        )
        delete = gr.Button("Delete document", variant="stop", scale=1)
    with gr.Column(visible=False, elem_id="delete-box") as delete_box:
        delete_text = gr.Markdown()
        with gr.Row():
            delete_yes = gr.Button("Delete it", variant="stop")
            delete_no = gr.Button("Cancel")
    return DocumentControls(
        totals=totals,
        reader_note=reader_note,
        files=files,
        status=status,
        held=held,
        replace_box=replace_box,
        replace_text=replace_text,
        replace=replace,
        keep=keep,
        results=results,
        table=table,
        delete_choice=delete_choice,
        delete=delete,
        delete_box=delete_box,
        delete_text=delete_text,
        delete_yes=delete_yes,
        delete_no=delete_no,
    )


def _wire_uploads(library: Library, login: Login | None, tab: DocumentControls) -> tuple[Any, Any]:
    """Upload, and the question of a held replacement; returns the events that add."""

    @readable
    def upload(
        paths: list[str] | None,
        waiting: Held,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        if not paths:
            return gr.update(), gr.update(), None, waiting
        try:
            require_editor(login, request, "add documents")
        except gr.Error:
            for p in paths:
                Path(p).unlink(missing_ok=True)  # a refused upload leaves nothing behind
            raise
        _discard(waiting)  # a new upload answers an open question with "keep"
        pairs = [(Path(p), _uploaded_name(p)) for p in paths]

        def step(p: IngestProgress) -> None:
            progress(p.overall, desc=p.describe())

        report = library.upload(pairs, step, account=_account(request))
        return views.ingest_summary(report), views.ingest_rows(report), None, _held(pairs, report)

    @readable
    def confirm(waiting: Held, request: gr.Request) -> tuple[Any, ...]:
        require_editor(login, request, "replace documents")
        if not waiting:
            return "Nothing is waiting to replace a document.", [], []
        pairs = [(Path(w["path"]), w["name"]) for w in waiting]
        confirmed = {doc_id for w in waiting for doc_id in w["replaces"]}
        report = library.upload(pairs, replace=confirmed, account=_account(request))
        return views.ingest_summary(report), views.ingest_rows(report), _held(pairs, report)

    def cancel(waiting: Held) -> tuple[Any, ...]:
        _discard(waiting)
        message = "Nothing replaced: the stored versions are kept." if waiting else ""
        return message, [], []

    @readable
    def show_replacements(waiting: Held) -> tuple[Any, ...]:
        if not waiting:
            return gr.update(visible=False), ""
        stored = {d.doc_id: d for d in library.documents()}
        outcomes = [_as_outcome(w) for w in waiting]
        return gr.update(visible=True), views.replace_question(outcomes, stored)

    io = {"concurrency_id": "write"}
    status, results, held = tab.status, tab.results, tab.held
    uploaded = tab.files.upload(
        upload, [tab.files, held], [status, results, tab.files, held], **io, api_name="upload"
    )
    confirmed = tab.replace.click(
        confirm, [held], [status, results, held], **io, api_name="confirm_upload"
    )
    cancelled = tab.keep.click(cancel, [held], [status, results, held], api_name="cancel_upload")
    for event in (uploaded, confirmed, cancelled):
        event.then(
            show_replacements, [held], [tab.replace_box, tab.replace_text], api_visibility="private"
        )
    return uploaded, confirmed


def _wire_deletion(library: Library, login: Login | None, tab: DocumentControls) -> Any:
    """Delete, asked first and named; returns the event that deletes."""

    @readable
    def ask_delete(doc_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        require_editor(login, request, "delete documents")
        record = library.document(doc_id or "")
        return gr.update(visible=True), views.delete_question(record)

    @readable
    def remove(doc_id: str | None, request: gr.Request) -> str:
        require_editor(login, request, "delete documents")
        record = library.remove(doc_id or "")
        return f"Deleted {record.title} ({record.source})."

    def hide() -> tuple[Any, ...]:
        return gr.update(visible=False), ""

    question = [tab.delete_box, tab.delete_text]
    tab.delete.click(ask_delete, [tab.delete_choice], question, api_visibility="private")
    deleted = tab.delete_yes.click(
        remove,
        [tab.delete_choice],
        [tab.status],
        concurrency_id="write",
        api_name="delete_document",
    )
    deleted.then(hide, None, question, api_visibility="private")
    for event in (tab.delete_no.click, tab.delete_choice.change):  # another choice: ask again
        event(hide, None, question, queue=False, api_visibility="private")
    return deleted


def _held(pairs: list[tuple[Path, str]], report: IngestReport) -> Held:
    """The files held for confirmation; the temporary copies of the others are removed."""
    waiting: Held = []
    for (path, name), outcome in zip(pairs, report.outcomes, strict=True):
        if outcome.status == "held":
            waiting.append(
                {
                    "path": str(path),
                    "name": name,
                    "source": outcome.source,
                    "replaces": list(outcome.replaces),
                }
            )
        else:
            path.unlink(missing_ok=True)  # the kept copy is under the data directory
    return waiting


def _discard(waiting: Held) -> None:
    for w in waiting:
        Path(w["path"]).unlink(missing_ok=True)


def _as_outcome(w: dict[str, Any]) -> IngestOutcome:
    return IngestOutcome(w["source"], "held", replaces=tuple(w["replaces"]))


def _uploaded_name(path: str) -> str:
    """The name the user's file had (Gradio keeps it as the temporary file's name)."""
    return Path(path).name


def _account(request: gr.Request) -> str:
    """The signed-in account's name (empty without a login)."""
    return getattr(request, "username", None) or ""

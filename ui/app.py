"""The chat window: a Gradio app over :class:`assistant.service.Library`.

Tabs: Chat (streamed, cited answers; sources opened in their document; filters),
Documents (upload, list, delete), Grades (table, chart, an authority's history beside
its statistical neighbours), Case studies (ranked, "more like this"), Draft, and About;
each tab is laid out and wired in its own module (``ui.chat_tab``, ``ui.documents``, …),
and this one puts them together and keeps the library's lists in step.
Everything goes through the ``assistant`` API: no Chroma or LangChain here.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.service import Accounts, Library
from ui import routes, views
from ui.cases_tab import cases_tab
from ui.chat_tab import chat_tab
from ui.documents import documents_tab
from ui.draft_tab import draft_tab
from ui.errors import readable
from ui.grades_tab import grades_tab
from ui.login import Login, role_of, signed_in_markdown
from ui.openai_api import ProgramsApi
from ui.style import LAYOUT_CSS, PAGE_HEAD

logger = logging.getLogger(__name__)

SIGN_OUT = "() => { window.location.assign('logout'); return []; }"
CSS = """
.passage mark.quote { background: #fff3a3; padding: 0 2px; }
.passage .where { color: #555; font-size: 0.9em; }
.passage .context { max-height: 420px; overflow-y: auto; line-height: 1.5; }
#mode-line { font-size: 0.95em; }
#chips .wrap { gap: 6px; }
"""


def theme() -> Any:
    """Gradio's default look with the system's fonts (no font is fetched from the web)."""
    return gr.themes.Default(
        font=["system-ui", "Segoe UI", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "Consolas", "monospace"],
    )


def create_app(library: Library, login: Login | None = None) -> gr.Blocks:
    """Build the window (not started: see :func:`serve`); ``login``: its accounts, if any."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    about = library.about()
    with gr.Blocks(
        title="Ofsted reports assistant", analytics_enabled=False, fill_width=False
    ) as demo:
        sources = gr.State({})  # chat message index -> its citations
        gr.Markdown("## Children's services inspection reports assistant")
        gr.Markdown(views.mode_markdown(about), elem_id="mode-line")
        with gr.Row(visible=login is not None, equal_height=True):
            signed_in = gr.Markdown(elem_id="signed-in")
            sign_out = gr.Button("Sign out", size="sm", scale=0, min_width=100)
        sign_out.click(None, js=SIGN_OUT, api_visibility="private")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chat = chat_tab(library, sources)
            with gr.Tab("Documents", id="documents"):
                docs = documents_tab(library, login)
            with gr.Tab("Grades", id="grades") as grades:
                grades_tab(library, grades)
            with gr.Tab("Case studies", id="cases"):
                cases_tab(library)
            with gr.Tab("Draft", id="draft"):
                draft_docs = draft_tab(library)
            with gr.Tab("About", id="about"):
                about_md = gr.Markdown()
        library_outputs = [
            chat["authorities"],
            chat["kinds"],
            chat["docs"],
            docs["table"],
            docs["totals"],
            docs["delete_choice"],
            about_md,
            draft_docs,
        ]
        _wire_library_lists(demo, library, library_outputs, docs["changed"])
        _wire_account(demo, login, signed_in, docs)
    return demo


def _wire_library_lists(
    demo: gr.Blocks, library: Library, outputs: list[Any], changes: list[Any]
) -> None:
    """The library's lists (filters, tables, totals, About) on load and after each change.

    And the ``/documents`` API.
    """

    def refresh() -> tuple[Any, ...]:
        records = library.documents()
        choices = library.filter_choices(records)
        totals = library.totals(records)
        return (
            gr.update(choices=choices.authorities),
            gr.update(choices=choices.kinds),
            gr.update(choices=choices.documents),
            views.document_rows(records),
            views.totals_markdown(totals),
            gr.update(choices=choices.documents, value=None),
            views.about_markdown(library.about(), totals),
            gr.update(choices=choices.documents),
        )

    demo.load(readable(refresh), outputs=outputs, queue=False, api_visibility="private")
    for event in changes:
        event.then(readable(refresh), outputs=outputs, queue=False, api_visibility="private")

    def documents() -> list[dict[str, Any]]:
        """Every document in the library (title, authority, kind, date, pages, chunks)."""
        rows = views.document_rows(library.documents())
        return [dict(zip(views.DOCUMENT_COLUMNS, row, strict=True)) for row in rows]

    gr.api(readable(documents), api_name="documents")


def _wire_account(
    demo: gr.Blocks, login: Login | None, signed_in: Any, docs: dict[str, Any]
) -> None:
    """On load: who is signed in, and the editors' controls shown only to editors."""

    def who(request: gr.Request) -> tuple[Any, ...]:
        editor = role_of(login, request) == "editor"
        shown = [gr.update(visible=editor) for _ in docs["editor_only"]]
        return (signed_in_markdown(login, request), gr.update(visible=not editor), *shown)

    demo.load(
        who,
        outputs=[signed_in, docs["reader_note"], *docs["editor_only"]],
        queue=False,
        api_visibility="private",
    )


def serve(
    library: Library,
    *,
    host: str,
    port: int,
    auth: Accounts | None,
    block: bool = True,
) -> gr.Blocks:
    """Start the window on ``host:port``.

    ``auth``: the accounts that may sign in (None: no login); failed sign-ins are
    throttled per address (:mod:`ui.login`). Kept originals are served only by
    ``/original/<doc id>`` (:mod:`ui.routes`): a PDF inline, anything else as a download,
    never as a page of this origin. Gradio may serve ``drafts/`` (our Word and Markdown
    files), with the same inert headers. Without a login only requests addressed to this
    machine are answered (DNS rebinding). The API for programs (:mod:`ui.openai_api`) is
    served beside the window, behind the same login.
    """
    settings = library.settings
    uploads = settings.window_files_dir  # Gradio's uploads and download copies
    uploads.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(uploads)
    library.start_housekeeping()
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    login = Login.from_settings(auth, settings.ui) if auth else None
    demo = create_app(library, login)
    demo.queue(
        default_concurrency_limit=settings.ui.concurrency,
        max_size=settings.ui.queue_size,
        api_open=True,
    )
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=login.check if login else None,
        auth_message=login.message() if login else None,
        allowed_paths=[str(settings.drafts_dir)],
        app_kwargs={
            "routes": [
                routes.original_route(library.original_download),
                *ProgramsApi(library, login).routes(),
            ],
            "middleware": [
                *([login.middleware()] if login else []),
                *([] if login else [Middleware(routes.LoopbackHosts, bind=host)]),
                Middleware(routes.InertFiles),
            ],
        },
        max_file_size=f"{settings.ui.max_upload_mb}mb",
        prevent_thread_lock=not block,
        show_error=True,
        quiet=True,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        enable_monitoring=False,
        theme=theme(),
        css=CSS + LAYOUT_CSS,
        head=PAGE_HEAD,
    )
    return demo

"""The chat window: a Gradio app over :class:`assistant.service.Library`.

Tabs: Chat (streamed, cited answers; sources opened in their document; filters),
Documents (upload, list, delete), Grades (table, chart, an authority's history beside
its statistical neighbours), Case studies (ranked, "more like this"), and About.
Everything goes through the ``assistant`` API: no Chroma or LangChain here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.service import (
    Accounts,
    Answer,
    Citation,
    Library,
    answer_with_references,
    decimal_year,
    grade_distribution,
)
from ui import chat_view, routes, views
from ui.documents import documents_tab
from ui.errors import readable as _readable
from ui.login import Login, role_of, signed_in_markdown
from ui.openai_api import ProgramsApi
from ui.style import CHAT_HEIGHT, CHAT_MIN_HEIGHT, LAYOUT_CSS, PAGE_HEAD

logger = logging.getLogger(__name__)

EXAMPLES = [
    "What was Kent's overall effectiveness judgement?",
    "What needs to improve for care leavers?",
    "Which authorities were rated excellent in 2009?",
    "How do the reports describe the virtual school?",
]
# bring the highlighted quote into view inside the passage panel
SHOW_QUOTE = (
    "() => { const m = document.querySelector('.passage mark.quote');"
    " if (m) { m.scrollIntoView({block: 'center', behavior: 'instant'}); } return []; }"
)
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
                chat = _chat_tab(library, sources)
            with gr.Tab("Documents", id="documents"):
                docs = documents_tab(library, login)
            with gr.Tab("Grades", id="grades") as grades_tab:
                _grades_tab(library, grades_tab)
            with gr.Tab("Case studies", id="cases"):
                _cases_tab(library)
            with gr.Tab("Draft", id="draft"):
                draft_docs = _draft_tab(library)
            with gr.Tab("About", id="about"):
                about_md = gr.Markdown()

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
        demo.load(
            _readable(refresh), outputs=library_outputs, queue=False, api_visibility="private"
        )
        for event in docs["changed"]:
            event.then(
                _readable(refresh),
                outputs=library_outputs,
                queue=False,
                api_visibility="private",
            )

        def documents() -> list[dict[str, Any]]:
            """Every document in the library (title, authority, kind, date, pages, chunks)."""
            rows = views.document_rows(library.documents())
            return [dict(zip(views.DOCUMENT_COLUMNS, row, strict=True)) for row in rows]

        gr.api(_readable(documents), api_name="documents")

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
    return demo


def _chat_tab(library: Library, sources: Any) -> dict[str, Any]:
    # the conversation's id, a parameter of the /ask API ('' starts a new conversation)
    session = gr.Textbox("", visible=False, label="Conversation id")
    with gr.Row(equal_height=False, elem_id="chat-row"):
        with gr.Column(scale=3, min_width=380, elem_id="chat-column"):
            chatbot = gr.Chatbot(
                label="Conversation",
                height=CHAT_HEIGHT,
                min_height=CHAT_MIN_HEIGHT,
                buttons=["copy", "copy_all"],
                sanitize_html=True,
                render_markdown=True,
                latex_delimiters=[],
                placeholder="Ask about the reports in the library. Every answer cites its sources.",
                elem_id="conversation",
            )
            chips = gr.Radio(
                choices=[],
                label="Sources of the answer (choose one to read it in its document)",
                elem_id="chips",
            )
            with gr.Row(elem_id="ask-row"):
                question = gr.Textbox(
                    label="Your question",
                    placeholder="e.g. What did Ofsted say about care leavers in Kent?",
                    lines=1,
                    max_lines=4,
                    scale=5,
                    autofocus=True,
                )
                ask = gr.Button("Ask", variant="primary", scale=1, min_width=80)
            with gr.Row(elem_id="chat-buttons"):
                new = gr.Button("New conversation", size="sm")
                copy = gr.Button("Copy answer with references", size="sm")
            examples = gr.Dataset(
                components=[question],
                samples=[[q] for q in EXAMPLES],
                type="index",
                label="Example questions (click one to ask it)",
                elem_id="examples",
            )
            with gr.Accordion(
                "Answer with references (plain text)", open=False, elem_id="plain-box"
            ):
                plain = gr.Textbox(
                    label="Answer with references", lines=6, interactive=False, elem_id="plain"
                )
        with gr.Column(scale=2, min_width=320, elem_id="side-column"):
            passage = gr.HTML(views.empty_passage_html(), label="Cited passage", elem_id="passage")
            with gr.Accordion("Filters", open=True, elem_id="filters"):
                authorities = gr.Dropdown(
                    [],
                    multiselect=True,
                    label="Authority",
                    info="Only these authorities' reports",
                    allow_custom_value=True,
                )
                kinds = gr.Dropdown(
                    [], multiselect=True, label="Report kind", allow_custom_value=True
                )
                with gr.Row():
                    since = gr.Textbox(label="From (year or date)", placeholder="2018")
                    until = gr.Textbox(label="To (year or date)", placeholder="2024")
                docs = gr.Dropdown([], multiselect=True, label="Documents", allow_custom_value=True)

    @_readable
    def respond(
        message: str,
        history: list[dict[str, Any]],
        cites: dict[int, list[Citation]],
        authority_names: list[str],
        kind_names: list[str],
        since_text: str,
        until_text: str,
        doc_ids: list[str],
        conversation_id: str | None = "",
    ) -> Iterator[tuple[Any, ...]]:
        message = (message or "").strip()
        if not message:
            raise gr.Error("Type a question first.", print_exception=False)
        filters = library.filters(
            authorities=authority_names or (),
            kinds=kind_names or (),
            since=since_text,
            until=until_text,
            docs=doc_ids or (),
        )
        conversation_id, _ = library.conversation(conversation_id)
        history = [
            *(history or []),
            {"role": "user", "content": views.md_escape(message)},
            {"role": "assistant", "content": "…"},
        ]
        index = len(history) - 1
        yield history, "", conversation_id, cites, gr.update(), gr.update()
        text = ""
        answer: Answer | None = None
        for item in library.stream(conversation_id, message, filters):
            if isinstance(item, Answer):
                answer = item
            else:
                text += item
                history[index] = {
                    "role": "assistant",
                    "content": chat_view.streaming_markdown(text),
                }
                yield history, "", conversation_id, cites, gr.update(), gr.update()
        if answer is None:
            raise gr.Error("No answer came back.", print_exception=False)
        history[index] = {
            "role": "assistant",
            "content": chat_view.answer_markdown(answer, library.rewritten(conversation_id)),
        }
        cites = {**cites, index: list(answer.citations)}
        yield (
            history,
            "",
            conversation_id,
            cites,
            _chips(library, index, answer.citations),
            answer_with_references(answer),
        )

    chat_inputs = [question, chatbot, sources, authorities, kinds, since, until, docs, session]
    chat_outputs = [chatbot, question, session, sources, chips, plain]
    ask.click(respond, chat_inputs, chat_outputs, concurrency_id="ask", api_name="ask")
    question.submit(
        respond, chat_inputs, chat_outputs, concurrency_id="ask", api_visibility="private"
    )
    # an example question is asked, not only written into the box
    examples.click(
        lambda i: EXAMPLES[i], examples, question, queue=False, api_visibility="private"
    ).then(respond, chat_inputs, chat_outputs, concurrency_id="ask", api_visibility="private")

    @_readable
    def show_passage(choice: str | None, cites: dict[int, list[Citation]]) -> str:
        if not choice:
            return views.empty_passage_html()
        index, numbers = choice.split(":")
        wanted = [int(n) for n in numbers.split(",")]
        found = [c for c in cites.get(int(index), []) if c.n in wanted]
        if not found:
            return views.empty_passage_html()
        return views.passage_html(library.passage(found[0]), [c.quote for c in found[1:]])

    chips.change(
        show_passage, [chips, sources], passage, queue=False, api_visibility="private"
    ).then(None, js=SHOW_QUOTE, api_visibility="private")

    def select_answer(
        cites: dict[int, list[Citation]], history: list[dict[str, Any]], evt: gr.SelectData
    ) -> tuple[Any, ...]:
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        if index not in cites:
            return gr.update(), gr.update()
        return _chips(library, index, cites[index]), gr.update()

    chatbot.select(
        select_answer, [sources, chatbot], [chips, plain], queue=False, api_visibility="private"
    )

    def start_again(session_id: str | None) -> tuple[Any, ...]:
        library.forget_conversation(session_id)
        return (
            [],
            "",
            {},
            gr.update(choices=[], value=None),
            "",
            views.empty_passage_html(),
        )

    new.click(
        start_again,
        [session],
        [chatbot, session, sources, chips, plain, passage],
        queue=False,
        api_visibility="private",
    )
    copy.click(
        None,
        [plain],
        None,
        js="(text) => { if (text) { navigator.clipboard.writeText(text); } return []; }",
        api_visibility="private",
    )
    return {"authorities": authorities, "kinds": kinds, "docs": docs}


def _chips(library: Library, index: int, citations: Any) -> Any:
    """The chips of answer ``index``: one per cited place, valued ``"index:n,n…"``."""
    chips = chat_view.source_chips(citations, library.cited_documents(citations))
    choices = [(c.label, f"{index}:{','.join(map(str, c.numbers))}") for c in chips]
    return gr.update(choices=choices, value=None)


def _grades_tab(library: Library, tab: gr.Tab) -> None:
    """The judgements table and charts, filled when the tab is opened."""
    import pandas as pd

    areas = library.judgement_names()
    short_names = library.judgement_names(short=True)  # the charts' legend
    with gr.Row():
        authority = gr.Dropdown(
            library.authority_names(),
            value=None,
            label="Authority",
            info="All authorities when empty",
            allow_custom_value=False,
        )
        judgement = gr.Dropdown(
            [(name, key) for key, name in areas.items()], value=None, label="Judgement"
        )
        with gr.Column(min_width=160):
            latest = gr.Checkbox(label="Latest report only")
            neighbours = gr.Checkbox(label="With statistical neighbours")
        show = gr.Button("Show grades", variant="primary")
    summary = gr.Markdown()
    # Coloured by judgement, with a legend. Gradio 6.31 keeps a plot's first colour
    # domain on update, so every update carries every judgement of the library (the
    # ones not shown as zero counts or points without a year, which are not drawn):
    # the domain, and each judgement's colour, never change.
    chart = gr.BarPlot(
        x="Grade",
        y="Judgements",
        color="Judgement",
        y_lim=[0, None],
        y_axis_format="d",
        title="Distribution of grades",
        label="Distribution of grades",
        show_label=False,  # the title says it; a label above pushes the legend out of view
        height=360,
    )
    history = gr.ScatterPlot(
        x="Year",
        y="Level",
        color="Judgement",
        tooltip=["Authority", "Judgement", "Year", "Level"],
        y_lim=[0.5, 4.5],
        x_axis_format="d",
        y_axis_format="d",
        y_title="Level (1 outstanding … 4 inadequate)",
        title="History over time (1 outstanding / excellent … 4 inadequate)",
        label="History over time",
        show_label=False,
        height=360,
    )
    table = gr.Dataframe(
        headers=views.GRADE_COLUMNS,
        column_widths=["9%", "15%", "10%", "5%", "8%", "8%", "15%", "12%", "4%", "14%"],
        label="Judgements (click a column header to sort)",
        interactive=False,
        wrap=True,
        show_search="filter",
    )

    @_readable
    def grades(
        name: str | None, area: str | None, only_latest: bool, with_neighbours: bool
    ) -> tuple[Any, ...]:
        rows = library.grades(
            authority=name, area=area, latest=only_latest, with_neighbours=with_neighbours
        )
        every = library.judgements_held()  # the colour domain (see above)
        counted = grade_distribution(rows, short_names)
        grades_shown = sorted({g for g, _a, _n in counted}) or ["1 outstanding"]
        dist = pd.DataFrame(
            [(grades_shown[0], a, 0) for a in every] + counted,
            columns=["Grade", "Judgement", "Judgements"],
        )
        points = pd.DataFrame(
            [(None, None, "-", a) for a in every]
            + [
                (year, r.level, r.authority or "-", short_names.get(r.area, r.area))
                for r in rows
                if (year := decimal_year(r.inspection_end or r.published)) is not None
            ],
            columns=["Year", "Level", "Authority", "Judgement"],
        )
        who = (
            "all authorities"
            if not name
            else name + (" and its neighbours" if with_neighbours else "")
        )
        text = f"{len(rows)} judgements for {views.md_escape(who)}" + (
            f" from {_plural(len({r.doc_id for r in rows}), 'report')}." if rows else "."
        )
        if not rows and name:
            text += " The library holds no graded report for them."
        return text, dist, points, views.grade_rows(rows, areas)

    inputs = [authority, judgement, latest, neighbours]
    outputs = [summary, chart, history, table]
    show.click(grades, inputs, outputs, api_name="grades")
    tab.select(grades, inputs, outputs, api_visibility="private")  # filled when opened
    for control in inputs:
        control.change(grades, inputs, outputs, api_visibility="private")


def _cases_tab(library: Library) -> None:
    with gr.Row():
        query = gr.Textbox(
            label="What are you looking for?",
            placeholder="e.g. a virtual school that raised attainment of children in care",
            scale=4,
        )
        theme = gr.Dropdown(list(library.theme_names()), value=None, label="Theme", scale=2)
        near = gr.Dropdown(
            library.authority_names(),
            value=None,
            label="Only this authority and its statistical neighbours",
            scale=2,
        )
        find = gr.Button("Find case studies", variant="primary", scale=1)
    table = gr.Dataframe(
        headers=views.CASE_COLUMNS,
        column_widths=["11%", "12%", "24%", "17%", "22%", "10%", "4%"],
        label="Comparable case studies (best first)",
        interactive=False,
        wrap=True,
    )
    chosen = gr.State(None)
    detail = gr.Markdown()
    like = gr.Button("More like this", interactive=False)

    @_readable
    def search(text: str, theme_name: str | None, authority: str | None) -> tuple[Any, ...]:
        ranked = library.cases(text, themes=_one(theme_name), neighbours_of=authority)
        return views.case_rows(ranked), None, "", gr.update(interactive=False)

    @_readable
    def pick(rows: Any, evt: gr.SelectData) -> tuple[Any, ...]:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        case_id = rows.iloc[row, 0] if hasattr(rows, "iloc") else rows[row][0]
        return case_id, views.case_markdown(library.case(case_id)), gr.update(interactive=True)

    @_readable
    def more(case_id: str | None, theme_name: str | None, authority: str | None) -> tuple[Any, ...]:
        ranked = library.cases(like=case_id, themes=_one(theme_name), neighbours_of=authority)
        return views.case_rows(ranked)

    find.click(search, [query, theme, near], [table, chosen, detail, like], api_name="cases")
    query.submit(
        search, [query, theme, near], [table, chosen, detail, like], api_visibility="private"
    )
    table.select(pick, [table], [chosen, detail, like], api_visibility="private")
    like.click(more, [chosen, theme, near], [table], api_visibility="private")

    @_readable
    def cases_like(case_id: str, theme_name: str | None, authority: str | None) -> Any:
        return views.case_rows(
            library.cases(like=case_id, themes=_one(theme_name), neighbours_of=authority)
        )

    gr.api(cases_like, api_name="cases_like")


def _draft_tab(library: Library) -> Any:
    gr.Markdown(
        "A first draft of a paper on one report (or a comparison of several): meeting details "
        "to fill in, recommendations, summary, key findings, the judgements table, what needs "
        "to improve, next steps, and references for every [n]. Read from the whole report."
    )
    with gr.Row():
        reports = gr.Dropdown(
            [], multiselect=True, label="Reports", scale=4, allow_custom_value=True
        )
        template = gr.Dropdown(
            list(library.template_names()),
            value="board-paper",
            label="Template",
            scale=1,
        )
        make = gr.Button("Draft", variant="primary", scale=1)
    with gr.Row():
        word = gr.DownloadButton("Download Word (.docx)", visible=False)
        markdown_file = gr.DownloadButton("Download Markdown (.md)", visible=False)
    preview = gr.Markdown(label="Draft", elem_id="draft-preview")

    @_readable
    def draft(doc_ids: list[str] | None, template_name: str) -> tuple[Any, ...]:
        text, docx_path, md_path = library.draft(doc_ids or [], template_name)
        return (
            views.md_escape_html(text),
            gr.update(value=str(docx_path), visible=True),
            gr.update(value=str(md_path), visible=True),
        )

    make.click(draft, [reports, template], [preview, word, markdown_file], api_name="draft")
    return reports


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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _one(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()

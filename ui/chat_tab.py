"""The Chat tab: streamed, cited answers, their sources, and the filters.

Each answer's sources are chips under the conversation; a chosen chip opens its passage
in its document beside it. The filters narrow what is searched.

The ``/ask`` API is the Ask button's event: the question, the chat so far, the filters
and the conversation id ('' starts a new conversation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.service import Answer, Citation, Library, answer_with_references
from ui import chat_view, views
from ui.errors import readable
from ui.style import CHAT_HEIGHT, CHAT_MIN_HEIGHT

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
COPY_TEXT = "(text) => { if (text) { navigator.clipboard.writeText(text); } return []; }"


@dataclass(frozen=True)
class ChatControls:
    """The tab's components (the window refreshes the filters' choices)."""

    session: Any
    chatbot: Any
    chips: Any
    question: Any
    ask: Any
    new: Any
    copy: Any
    examples: Any
    plain: Any
    passage: Any
    authorities: Any
    kinds: Any
    since: Any
    until: Any
    docs: Any


def chat_tab(library: Library, sources: Any) -> dict[str, Any]:
    """Lay out the tab and wire its events; returns the filters the window refreshes.

    ``sources``: the window's state of each chat message's citations.
    """
    tab = _layout()
    _wire_questions(library, tab, sources)
    _wire_sources(library, tab, sources)
    _wire_buttons(library, tab, sources)
    return {"authorities": tab.authorities, "kinds": tab.kinds, "docs": tab.docs}


def _layout() -> ChatControls:
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
        side = _side_column()
    return ChatControls(
        session=session,
        chatbot=chatbot,
        chips=chips,
        question=question,
        ask=ask,
        new=new,
        copy=copy,
        examples=examples,
        plain=plain,
        passage=side["passage"],
        authorities=side["authorities"],
        kinds=side["kinds"],
        since=side["since"],
        until=side["until"],
        docs=side["docs"],
    )


def _side_column() -> dict[str, Any]:
    """The cited passage and, under it, the filters."""
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
            kinds = gr.Dropdown([], multiselect=True, label="Report kind", allow_custom_value=True)
            with gr.Row():
                since = gr.Textbox(label="From (year or date)", placeholder="2018")
                until = gr.Textbox(label="To (year or date)", placeholder="2024")
            docs = gr.Dropdown([], multiselect=True, label="Documents", allow_custom_value=True)
    return {
        "passage": passage,
        "authorities": authorities,
        "kinds": kinds,
        "since": since,
        "until": until,
        "docs": docs,
    }


def _wire_questions(library: Library, tab: ChatControls, sources: Any) -> None:
    """Ask (the ``/ask`` API), Enter in the question box, and a clicked example."""
    respond = _responder(library)
    filters = [tab.authorities, tab.kinds, tab.since, tab.until, tab.docs]
    chat_inputs = [tab.question, tab.chatbot, sources, *filters, tab.session]
    chat_outputs = [tab.chatbot, tab.question, tab.session, sources, tab.chips, tab.plain]
    tab.ask.click(respond, chat_inputs, chat_outputs, concurrency_id="ask", api_name="ask")
    tab.question.submit(
        respond, chat_inputs, chat_outputs, concurrency_id="ask", api_visibility="private"
    )
    # an example question is asked, not only written into the box
    tab.examples.click(
        lambda i: EXAMPLES[i], tab.examples, tab.question, queue=False, api_visibility="private"
    ).then(respond, chat_inputs, chat_outputs, concurrency_id="ask", api_visibility="private")


def _responder(library: Library) -> Callable[..., Iterator[tuple[Any, ...]]]:
    """The answer to a question, streamed into the chat, then its chips and plain text."""

    @readable
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

    return respond


def _wire_sources(library: Library, tab: ChatControls, sources: Any) -> None:
    """A chosen chip opens its passage; a clicked earlier answer gets its chips back."""

    @readable
    def show_passage(choice: str | None, cites: dict[int, list[Citation]]) -> str:
        if not choice:
            return views.empty_passage_html()
        index, numbers = choice.split(":")
        wanted = [int(n) for n in numbers.split(",")]
        found = [c for c in cites.get(int(index), []) if c.n in wanted]
        if not found:
            return views.empty_passage_html()
        return views.passage_html(library.passage(found[0]), [c.quote for c in found[1:]])

    tab.chips.change(
        show_passage, [tab.chips, sources], tab.passage, queue=False, api_visibility="private"
    ).then(None, js=SHOW_QUOTE, api_visibility="private")

    def select_answer(
        cites: dict[int, list[Citation]], history: list[dict[str, Any]], evt: gr.SelectData
    ) -> tuple[Any, ...]:
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        if index not in cites:
            return gr.update(), gr.update()
        return _chips(library, index, cites[index]), gr.update()

    tab.chatbot.select(
        select_answer,
        [sources, tab.chatbot],
        [tab.chips, tab.plain],
        queue=False,
        api_visibility="private",
    )


def _wire_buttons(library: Library, tab: ChatControls, sources: Any) -> None:
    """New conversation, and copying the answer with its references."""

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

    tab.new.click(
        start_again,
        [tab.session],
        [tab.chatbot, tab.session, sources, tab.chips, tab.plain, tab.passage],
        queue=False,
        api_visibility="private",
    )
    tab.copy.click(None, [tab.plain], None, js=COPY_TEXT, api_visibility="private")


def _chips(library: Library, index: int, citations: Any) -> Any:
    """The chips of answer ``index``: one per cited place, valued ``"index:n,n…"``."""
    chips = chat_view.source_chips(citations, library.cited_documents(citations))
    choices = [(c.label, f"{index}:{','.join(map(str, c.numbers))}") for c in chips]
    return gr.update(choices=choices, value=None)

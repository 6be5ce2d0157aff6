"""The Draft tab: a cited board paper or briefing note of one report or several.

Previewed, and offered as Word and Markdown files; the ``/draft`` API is its button.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.service import Library
from ui import views
from ui.errors import readable


def draft_tab(library: Library) -> Any:
    """Lay out the tab and wire its event; returns the reports' list the window refreshes."""
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

    @readable
    def draft(doc_ids: list[str] | None, template_name: str) -> tuple[Any, ...]:
        text, docx_path, md_path = library.draft(doc_ids or [], template_name)
        return (
            views.md_escape_html(text),
            gr.update(value=str(docx_path), visible=True),
            gr.update(value=str(md_path), visible=True),
        )

    make.click(draft, [reports, template], [preview, word, markdown_file], api_name="draft")
    return reports

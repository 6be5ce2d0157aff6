"""The Case studies tab: comparable examples of practice, ranked, and "more like this".

The ``/cases`` API is the Find button's event; ``/cases_like`` ranks the cases like one.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.service import Library
from ui import views
from ui.errors import readable


def cases_tab(library: Library) -> None:
    """Lay out the tab and wire its events (and the ``/cases_like`` API)."""
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

    @readable
    def search(text: str, theme_name: str | None, authority: str | None) -> tuple[Any, ...]:
        ranked = library.cases(text, themes=_one(theme_name), neighbours_of=authority)
        return views.case_rows(ranked), None, "", gr.update(interactive=False)

    @readable
    def pick(rows: Any, evt: gr.SelectData) -> tuple[Any, ...]:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        case_id = rows.iloc[row, 0] if hasattr(rows, "iloc") else rows[row][0]
        return case_id, views.case_markdown(library.case(case_id)), gr.update(interactive=True)

    @readable
    def more(case_id: str | None, theme_name: str | None, authority: str | None) -> tuple[Any, ...]:
        ranked = library.cases(like=case_id, themes=_one(theme_name), neighbours_of=authority)
        return views.case_rows(ranked)

    find.click(search, [query, theme, near], [table, chosen, detail, like], api_name="cases")
    query.submit(
        search, [query, theme, near], [table, chosen, detail, like], api_visibility="private"
    )
    table.select(pick, [table], [chosen, detail, like], api_visibility="private")
    like.click(more, [chosen, theme, near], [table], api_visibility="private")

    @readable
    def cases_like(case_id: str, theme_name: str | None, authority: str | None) -> Any:
        return views.case_rows(
            library.cases(like=case_id, themes=_one(theme_name), neighbours_of=authority)
        )

    gr.api(cases_like, api_name="cases_like")


def _one(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()

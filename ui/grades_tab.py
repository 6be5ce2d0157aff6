"""The Grades tab: the judgements table and charts, filled when the tab is opened.

The charts are the distribution of grades and an authority's history over time (beside
its statistical neighbours when asked).

The ``/grades`` API is the Show button's event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.service import Library, decimal_year, grade_distribution
from ui import views
from ui.errors import readable


@dataclass(frozen=True)
class GradeControls:
    """The tab's components: what to show, and where it is shown."""

    authority: Any
    judgement: Any
    latest: Any
    neighbours: Any
    show: Any
    summary: Any
    chart: Any
    history: Any
    table: Any


def grades_tab(library: Library, tab: gr.Tab) -> None:
    """The judgements table and charts, filled when the tab is opened."""
    areas = library.judgement_names()
    short_names = library.judgement_names(short=True)  # the charts' legend
    controls = _layout(library, areas)
    grades = _grades_reader(library, areas, short_names)
    inputs = [controls.authority, controls.judgement, controls.latest, controls.neighbours]
    outputs = [controls.summary, controls.chart, controls.history, controls.table]
    controls.show.click(grades, inputs, outputs, api_name="grades")
    tab.select(grades, inputs, outputs, api_visibility="private")  # filled when opened
    for control in inputs:
        control.change(grades, inputs, outputs, api_visibility="private")


def _layout(library: Library, areas: dict[str, str]) -> GradeControls:
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
    return GradeControls(
        authority=authority,
        judgement=judgement,
        latest=latest,
        neighbours=neighbours,
        show=show,
        summary=summary,
        chart=chart,
        history=history,
        table=table,
    )


def _grades_reader(
    library: Library, areas: dict[str, str], short_names: dict[str, str]
) -> Callable[..., tuple[Any, ...]]:
    """The tab's one event: summary line, distribution, history and table of the grades."""

    @readable
    def grades(
        name: str | None, area: str | None, only_latest: bool, with_neighbours: bool
    ) -> tuple[Any, ...]:
        rows = library.grades(
            authority=name, area=area, latest=only_latest, with_neighbours=with_neighbours
        )
        every = library.judgements_held()  # the colour domain (see above)
        dist = _distribution(rows, every, short_names)
        points = _history_points(rows, every, short_names)
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

    return grades


def _distribution(rows: Sequence[Any], every: list[str], short_names: dict[str, str]) -> Any:
    """The bar chart's frame: judgements per grade, with a zero for every judgement held."""
    import pandas as pd

    counted = grade_distribution(rows, short_names)
    grades_shown = sorted({g for g, _a, _n in counted}) or ["1 outstanding"]
    return pd.DataFrame(
        [(grades_shown[0], a, 0) for a in every] + counted,
        columns=["Grade", "Judgement", "Judgements"],
    )


def _history_points(rows: Sequence[Any], every: list[str], short_names: dict[str, str]) -> Any:
    """The history chart's frame: one point per dated judgement, plus an undrawn one each."""
    import pandas as pd

    return pd.DataFrame(
        [(None, None, "-", a) for a in every]
        + [
            (year, r.level, r.authority or "-", short_names.get(r.area, r.area))
            for r in rows
            if (year := decimal_year(r.inspection_end or r.published)) is not None
        ],
        columns=["Year", "Level", "Authority", "Judgement"],
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"

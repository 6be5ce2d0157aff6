"""Plain-text tables of figures, for the ``eval`` reports."""

from __future__ import annotations


def figure(value: float | None) -> str:
    """A figure to two places, or a dash when there is none."""
    return "–" if value is None else f"{value:.2f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown pipe table, padded to line up in a terminal."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "| " + " | ".join(("-" * (w - 1) + ":") if i else "-" * w for i, w in enumerate(widths))
    return "\n".join([line(header), rule + " |", *(line(r) for r in rows)])

"""Read an HTML page into blocks: headings, paragraphs, list items, table rows.

Page chrome (script, style, nav, header, footer, forms' hidden parts) is dropped;
``h1``-``h6`` become headings, ``p`` paragraphs, ``li`` list items, table rows one
line each with cells joined by ``" | "`` (the first row hinted as the header).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.documents import BlockKind
from core.errors import IngestError
from ingest.markup import CELL_SEPARATOR, collapse_spaces, join_pieces, normalize_chars
from ingest.raw import RawBlock

if TYPE_CHECKING:
    from bs4 import Tag

_DROP = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "noscript",
    "template",
    "svg",
    "head",
    "button",
    "select",
    "iframe",
    "object",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PARAGRAPHS = {"p", "dt", "dd", "figcaption", "caption", "address", "pre", "summary"}
_CONTAINERS = {
    "html",
    "body",
    "main",
    "article",
    "section",
    "div",
    "aside",
    "blockquote",
    "ul",
    "ol",
    "dl",
    "figure",
    "details",
    "form",
    "fieldset",
    "center",
    "tbody",
}


def read_html(text: str) -> list[RawBlock]:
    """Blocks of an HTML document in reading order.

    Raises:
        IngestError: The HTML cannot be parsed.
    """
    try:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(text, "html.parser")
    except Exception as exc:  # any parser failure: translate it at the boundary
        raise IngestError(f"cannot read HTML: {str(exc)[:120]}") from exc
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with(" ")
    walker = _Walker()
    walker.walk(soup)
    walker.flush()
    return walker.blocks


def _text(node: Tag) -> str:
    return collapse_spaces(normalize_chars(node.get_text()))


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[RawBlock] = []
        self._inline: list[str] = []

    def emit(self, text: str, kind: BlockKind | None = None) -> None:
        text = collapse_spaces(text)
        if text:
            self.blocks.append(RawBlock(text, kind))

    def flush(self) -> None:
        if self._inline:
            self.emit(" ".join(self._inline))
            self._inline = []

    def walk(self, node: Tag, list_tag: str | None = None) -> None:
        counter = 0
        for child in node.children:
            name = getattr(child, "name", None)
            if name is None:
                if type(child).__name__ == "NavigableString":
                    piece = collapse_spaces(normalize_chars(str(child)))
                    if piece:
                        self._inline.append(piece)
                continue
            if name in _HEADINGS:
                self.flush()
                self.emit(_text(child), "heading")
            elif name in _PARAGRAPHS:
                self.flush()
                self.emit(_text(child))
            elif name == "li":
                self.flush()
                counter += 1
                self._list_item(child, "•" if list_tag != "ol" else f"{counter}.")
            elif name == "table":
                self.flush()
                self._table(child)
            elif name in _CONTAINERS or child.find(_PARAGRAPHS | _HEADINGS | {"li", "table"}):
                self.flush()
                self.walk(child, name if name in ("ul", "ol") else None)
                self.flush()
            elif name in ("br", "hr"):
                self.flush()
            else:
                piece = _text(child)
                if piece:
                    self._inline.append(piece)

    def _list_item(self, item: Tag, label: str) -> None:
        nested = [child for child in item.find_all(["ul", "ol", "table"], recursive=False)]
        for child in nested:
            child.extract()
        text = _text(item)
        if text:
            self.emit(f"{label} {text}", "list_item" if label == "•" else "paragraph")
        for child in nested:
            if child.name == "table":
                self._table(child)
            else:
                self.walk(child, child.name)

    def _table(self, table: Tag) -> None:
        first = True
        for row in table.find_all("tr"):
            if row.find_parent("table") is not table:
                continue
            cells = []
            for cell in row.find_all(["td", "th"], recursive=False):
                pieces = [_text(p) for p in cell.find_all(_PARAGRAPHS | {"li"})] or [_text(cell)]
                cells.append(join_pieces(pieces))
            while cells and not cells[-1]:
                cells.pop()
            if not any(cells):
                continue
            if len(cells) == 1:
                self.emit(cells[0])
                continue
            self.emit(CELL_SEPARATOR.join(cells).strip(), "table_header" if first else "table_row")
            first = False

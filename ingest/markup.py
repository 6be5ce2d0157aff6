"""Inline clean-up of one line of text: stray HTML, Markdown emphasis, odd characters.

The words are kept exactly; only markup goes. ``<sup>1</sup>`` footnote numbers
are dropped, ``14<sup>th</sup>`` becomes ``14th``, checkboxes become ``[x]`` /
``[ ]``, several ``<p>`` in one table cell are joined with ``; ``.
"""

from __future__ import annotations

import html
import re

from ingest.emphasis import EMPHASIS

# Private-use bullet glyphs (Wingdings/Symbol) and other characters PDFs and
# converters leave behind, mapped to what a reader sees.
_CHAR_MAP = {
    "\uf06e": "■",
    "\uf0a7": "▪",
    "\uf0b7": "•",
    "\uf0d8": "•",
    "\uf0fc": "✓",
    "\uf02d": "–",
    "\ufffe": "-",  # pdfium's mark for a hyphen at a line break
    "\u00a0": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
    "\u00ad": "",  # soft hyphen: invisible unless at a line break
    "\t": " ",
}
_CHAR_TABLE = str.maketrans(_CHAR_MAP)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# How the cells of a table row are joined on its line.
CELL_SEPARATOR = " | "

# Line starts shared by cleaning and segmentation: a numbered paragraph
# ("12. ", "2.1 ", "(iv) ") and a list bullet.
NUMBERED = re.compile(r"^(?:\(?\d{1,3}[.)]|\d{1,2}(?:\.\d{1,2})+\.?|\([ivxlc]{1,5}\)|\([a-z]\))\s")
BULLET = re.compile(r"^(?:[◼■•●▪◦○✓]|[-–─̶]\s)")
_SPACES = re.compile(r" {2,}")

_INLINE_TAGS = "a|abbr|b|big|code|del|em|font|i|ins|label|mark|s|small|span|strike|strong|sub|sup|u"
_BLOCK_TAGS = (
    "blockquote|br|center|div|h[1-6]|hr|img|input|li|ol|p|pre|table|tbody|td|tfoot|th|"
    "thead|tr|ul|section|article|header|footer|nav"
)
_INPUT = re.compile(r"<input\b[^<>]*>", re.I)
_CHECKED = re.compile(r"\bchecked\b", re.I)
_CHECKBOX = re.compile(r"\btype=[\"']?checkbox", re.I)
_ORDINAL_SUP = re.compile(r"(\d)\s*<sup>\s*(st|nd|rd|th)\s*</sup>", re.I)
# The spaces before a footnote are taken from the start of their run only, so a long
# run of spaces is not rescanned from each of its positions.
_FOOTNOTE_SUP = re.compile(r"(?:(?<!\s)\s+)?<sup>[\d,*†‡\s]+</sup>", re.I)
_UNICODE_FOOTNOTE = re.compile(r"(?<=\S)\s?[⁰¹²³⁴⁵⁶⁷⁸⁹]+|^[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s*")
_PARA_BREAK = re.compile(r"</p\s*>|<br\s*/?>|</li\s*>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^<>]*>", re.I)
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE_TAGS})\b[^<>]*/?>", re.I)
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK_TAGS})\b[^<>]*/?>", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,9});")
_PIECE_SEP = "\x1e"
_BULLETS = ("■", "◼", "•", "●", "▪", "–")

# Link text stops at a bracket and a target at "]", so each scan ends where the next
# image or link could begin (no rescanning from every "![" of a long line).
_MD_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^)\s\]]*(?:\s+\"[^\"]*\")?\)")
_MD_LINK = re.compile(
    r"\[([^\[\]]+)\]\((?:https?://|mailto:|www\.|/|#|\.)[^)\s\]]*(?:\s+\"[^\"]*\")?\)"
)
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]+)>")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_ESCAPE_BASE = 0xE000


def normalize_chars(text: str) -> str:
    """Map bullet glyphs and exotic spaces to plain ones; drop control characters."""
    return _CONTROL.sub("", text.translate(_CHAR_TABLE))


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces to one and strip the ends."""
    return _SPACES.sub(" ", text).strip()


def strip_html(text: str) -> str:
    """Remove inline HTML from one line, keeping its words and readable structure.

    Args:
        text: One line (or one table cell) that may hold HTML tags and entities.

    Returns:
        The text with tags removed, checkboxes as ``[x]``/``[ ]``, ordinal
        superscripts joined (``14th``), footnote numbers dropped and the
        paragraphs of a cell joined with ``; `` (or a space after punctuation).
    """
    if "<" in text:
        text = _INPUT.sub(_checkbox, text)
        text = _ORDINAL_SUP.sub(r"\1\2", text)
        text = _FOOTNOTE_SUP.sub("", text)
        text = _AUTOLINK.sub(r"\1", text)
        text = _PARA_BREAK.sub(_PIECE_SEP, text)
        text = _LIST_ITEM.sub("• ", text)
        text = _INLINE_TAG.sub("", text)
        text = _BLOCK_TAG.sub(" ", text)
        if _PIECE_SEP in text:
            text = join_pieces(text.split(_PIECE_SEP))
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return text


def strip_markdown(text: str) -> str:
    """Remove inline Markdown (emphasis, links, images, escapes) from one line."""
    if "\\" in text:
        text = _MD_ESCAPE.sub(lambda m: chr(_ESCAPE_BASE + ord(m.group(1))), text)
    if "](" in text:
        text = _MD_IMAGE.sub(r"\1", text)
        text = _MD_LINK.sub(r"\1", text)
    for emphasis in EMPHASIS:
        text = emphasis.strip(text)
    if any(_ESCAPE_BASE <= ord(ch) < _ESCAPE_BASE + 128 for ch in text):
        text = "".join(
            chr(ord(ch) - _ESCAPE_BASE) if _ESCAPE_BASE <= ord(ch) < _ESCAPE_BASE + 128 else ch
            for ch in text
        )
    return text


def _checkbox(m: re.Match[str]) -> str:
    """An ``<input>`` tag as ``[x]`` (checked), ``[ ]`` (a checkbox) or as it was."""
    tag = m.group(0)
    if _CHECKED.search(tag):
        return "[x]"
    return "[ ]" if _CHECKBOX.search(tag) else tag


def drop_footnote_marks(text: str) -> str:
    """Drop superscript footnote digits (``services¹``) from a line."""
    return _UNICODE_FOOTNOTE.sub("", text)


def clean_inline(text: str) -> str:
    """Full inline clean-up: characters, HTML, Markdown, footnote marks, spaces."""
    text = normalize_chars(text)
    text = strip_html(text)
    text = strip_markdown(text)
    text = drop_footnote_marks(text)
    return collapse_spaces(text)


def join_pieces(pieces: list[str]) -> str:
    """Join the paragraphs of one table cell on one line (``; `` unless punctuated)."""
    out = ""
    for piece in (collapse_spaces(p) for p in pieces):
        if not piece:
            continue
        if not out:
            out = piece
        elif out[-1] in ".;:!?" or out.endswith(_BULLETS) or piece.startswith(_BULLETS):
            out = f"{out} {piece}"
        else:
            out = f"{out}; {piece}"
    return out

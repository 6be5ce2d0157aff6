"""The chat tab's layout: the conversation fills the window; narrow windows keep it usable.

- The conversation is as tall as the window less the header, the sources and the
  question box, so a question, its answer and the first source fit on one screen.
- Below :data:`NARROW_PX` the two columns become one, in reading order: conversation,
  sources, the cited passage, then the question box, examples and filters (so a passage
  opens directly under its answer, not below the filters).
- Wide tables (documents, grades, case studies) keep their first, key columns at a
  readable width on a narrow screen; the rest scrolls sideways, and a cell shows its
  first four lines (on a wide screen, all of it).
"""

from __future__ import annotations

# the header (title, answer mode, tabs) and, under the conversation, the sources and the
# question box take about this much of the window's height
CHAT_HEIGHT = "calc(100dvh - 370px)"
CHAT_MIN_HEIGHT = 320
NARROW_PX = 767
# on a narrow screen a table's columns keep at least these widths (the key columns, its
# first two, a little more) and the table scrolls sideways; Gradio sets each column's
# width from a share of the table's, which leaves a few pixels each at phone width
KEY_COLUMN_PX = 120
COLUMN_PX = 90
CELL_LINES = 4  # a cell shows its first lines (a long quote would make a row a screen tall)

# Gradio prefixes each selector of ``css`` with its container (splitting at every comma,
# so no ``:is(a, b)`` here); what lies outside the container goes in the page's head
LAYOUT_CSS = f"""
#chips .wrap {{ gap: 4px 6px; }}
#chips label {{ padding: 2px 8px; font-size: 0.9em; }}
#conversation ul {{ margin: 0.3em 0 0.3em 1.2em; }}
#conversation ol {{ margin: 0.3em 0 0.3em 1.2em; }}
#conversation li {{ margin: 0.15em 0; }}
#conversation h4 {{ margin: 0.6em 0 0.2em 0; font-size: 1.05em; }}
.passage mark.also {{ background: #fff8cc; padding: 0 2px; }}
@media (max-width: {NARROW_PX}px) {{
  #chat-row {{ flex-direction: column; flex-wrap: nowrap; }}
  #chat-column, #side-column {{ display: contents; }}
  #chat-column > *, #side-column > * {{ order: 10; }}
  #chat-row #conversation, #chat-row .form:has(> #conversation) {{ order: 1; }}
  #chat-row #chips, #chat-row .form:has(> #chips) {{ order: 2; }}
  #chat-row #passage, #chat-row .form:has(> #passage) {{ order: 3; }}
  #chat-row #ask-row {{ order: 4; }}
  #chat-row #chat-buttons {{ order: 5; }}
  #chat-row #examples {{ order: 6; }}
  #chat-row #filters {{ order: 8; }}
  [role=grid] th, [role=grid] td, [role=grid] [role=gridcell] {{
    min-width: {COLUMN_PX}px !important;
  }}
  [role=grid] th:nth-child(-n+2), [role=grid] td:nth-child(-n+2),
  [role=grid] [role=gridcell][aria-colindex="1"], [role=grid] [role=gridcell][aria-colindex="2"] {{
    min-width: {KEY_COLUMN_PX}px !important;
  }}
  [role=grid] [role=gridcell] > div {{ display: block !important; }}
  [role=grid] td > div, [role=grid] [role=gridcell] > div > span {{
    display: -webkit-box !important;
    -webkit-line-clamp: {CELL_LINES};
    -webkit-box-orient: vertical;
    overflow: hidden;
  }}
}}
"""
PAGE_HEAD = f"""<style>
@media (max-width: {NARROW_PX}px) {{
  .gradio-container .main.app {{ padding-left: 10px; padding-right: 10px; }}
}}
</style>"""

"""The retriever's ranking signals, on stored chunks built by hand."""

from __future__ import annotations

from assistant.answering.text_units import terms
from assistant.retrieval import LibraryRetriever
from tests.fakes import stored_chunk
from vectorstore.store import StoredChunk


def _chunk(index: int, text: str, section: str, context: str = "") -> StoredChunk:
    return stored_chunk(text, "d", index, section=section, context=context)


def test_a_list_opens_under_its_lead_in_line():
    wanted = terms("what needs to improve")
    listed = _chunk(1, "- The response to children.", "Overall", "Overall\nWhat needs to improve?")
    body = _chunk(2, "Leaders improve services.", "Overall", "Overall")
    opens = _chunk(3, "What needs to improve?\n- Item.", "What needs to improve?")
    scores = LibraryRetriever._opening(wanted, [listed, body, opens])
    assert scores[listed.chunk_id] > 0.5
    assert scores[body.chunk_id] == 0.0  # its context names only the section it is in
    assert scores[opens.chunk_id] == scores[listed.chunk_id]

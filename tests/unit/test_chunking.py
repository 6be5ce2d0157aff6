from pathlib import Path

import pytest

from core.documents import Block, DocumentMeta, ParsedDocument
from ingest.chunking import CONTEXT_MAX_TOKENS, chunk_document
from ingest.loader import load_document
from ingest.raw import CleanedText
from ingest.structure import segment
from ingest.tokens import count_tokens

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = (
    sorted((SHARED / "corpus").glob("*.txt")) + sorted((SHARED / "ilacs").rglob("*.pdf"))
    if SHARED.is_dir()
    else []
)
KENT_2022 = SHARED / "ilacs" / "80476_kent" / "children's services inspection - 05 july 2022.pdf"


def _no_meta(text: str, file_type: str, source: str) -> DocumentMeta:
    return DocumentMeta()


def _load(path: Path) -> ParsedDocument:
    if not path.exists():
        pytest.skip(f"shared corpus not available: {path}")
    return load_document(path, path.name, meta_extractor=_no_meta)


def _doc(text: str, file_type: str = "txt") -> ParsedDocument:
    cleaned = CleanedText(text)
    return ParsedDocument("id", "doc.txt", file_type, text, blocks=segment(cleaned, file_type))


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS, ids=[p.parent.name + "/" + p.name for p in CORPUS])
def test_every_corpus_chunk_is_an_exact_bounded_span(path: Path) -> None:
    doc = _load(path)
    chunks = chunk_document(doc)
    assert chunks
    assert [c.index for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert chunk.text == chunk.text.strip()
        assert count_tokens(chunk.text) <= 200
        assert count_tokens(f"{chunk.context}\n{chunk.text}") <= 241
        assert (chunk.doc_id, chunk.source) == (doc.doc_id, doc.source)
        assert chunk.page == doc.page_at(chunk.start)
        if doc.file_type == "pdf":
            assert chunk.page is not None
    starts = [c.start for c in chunks]
    assert starts == sorted(starts)
    covered = [False] * len(doc.text)
    for chunk in chunks:
        covered[chunk.start : chunk.end] = [True] * (chunk.end - chunk.start)
    assert all(covered[b.start] and covered[b.end - 1] for b in doc.blocks)
    tiny = [c for c in chunks if count_tokens(c.text) < 12]
    assert len(tiny) <= max(1, len(chunks) // 20)


def test_kent_what_needs_to_improve_chunk() -> None:
    doc = _load(KENT_2022)
    chunk = next(c for c in chunk_document(doc) if c.text.startswith("What needs to improve?"))
    assert chunk.section == "What needs to improve?"
    assert chunk.page == 2
    assert "◼ Manageable caseloads and workload support for social workers and their managers." in (
        chunk.text
    )
    assert chunk.context == ""


def test_kent_judgement_lines_share_a_chunk_with_the_summary() -> None:
    doc = _load(KENT_2022)
    chunk = next(c for c in chunk_document(doc) if "Overall effectiveness Outstanding" in c.text)
    assert chunk.page == 1
    assert "Children are at the centre of Kent County Council’s culture and practice." in chunk.text


def test_table_rows_carry_section_and_header_as_context() -> None:
    doc = _load(SHARED / "corpus" / "bromley-2012-apa-2011-improvement-plan.txt")
    header = "AREA FOR IMPROVEMENT | ACTIONS AND TASKS | TIMEFRAME (by) | PROGRESS | LEAD OFFICERS"
    chunk = next(
        c
        for c in chunk_document(doc)
        if c.text.startswith("The service provided by the out-of-hours service")
    )
    assert chunk.context.startswith(
        "Areas for development within children’s social care contact, referral and assessment"
    )
    assert "AREA FOR IMPROVEMENT | ACTIONS AND TASKS" in chunk.context
    assert header not in chunk.text
    assert count_tokens(chunk.context) <= CONTEXT_MAX_TOKENS


def test_westminster_grade_rows_stay_with_their_header() -> None:
    doc = _load(SHARED / "corpus" / "westminster-2006-apa-letter.txt")
    chunk = next(c for c in chunk_document(doc) if "Areas for judgement | Grade awarded" in c.text)
    assert chunk.text.startswith("Summary\n\nAreas for judgement | Grade awarded\n")
    assert "The council's overall capacity to improve its services" in chunk.text
    assert chunk.section == "Summary"


def test_heading_starts_a_chunk_and_stays_with_its_text() -> None:
    text = "First section\n\nSome text here.\n\nSecond section\n\nMore text follows here."
    chunks = chunk_document(_doc(text))
    assert [c.text for c in chunks] == [
        "First section\n\nSome text here.",
        "Second section\n\nMore text follows here.",
    ]
    assert [c.section for c in chunks] == ["First section", "Second section"]


def test_packing_stops_at_the_token_budget() -> None:
    sentences = [f"Paragraph {i} says children are seen and heard by workers." for i in range(12)]
    doc = _doc("Section\n\n" + "\n\n".join(sentences))
    chunks = chunk_document(doc, max_tokens=60, overlap_tokens=10)
    assert len(chunks) > 2
    assert all(count_tokens(c.text) <= 60 for c in chunks)
    assert all(c.section == "Section" for c in chunks)
    assert chunks[1].context == "Section"
    joined = " ".join(c.text for c in chunks)
    assert all(s in joined for s in sentences)


def test_long_block_is_split_at_sentences_with_overlap() -> None:
    sentence = "Social workers visit children regularly and know them well. "
    paragraph = (sentence * 40).strip()
    doc = _doc(f"Findings\n\n{paragraph}")
    chunks = chunk_document(doc, max_tokens=100, overlap_tokens=20)
    assert len(chunks) >= 4
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.start < before.end  # overlap
        assert count_tokens(doc.text[after.start : before.end]) <= 20
    assert all(c.text.endswith("well.") for c in chunks)
    assert all(count_tokens(c.text) <= 100 for c in chunks)
    assert chunks[0].text.startswith("Findings\n\n")
    assert chunks[-1].end == len(doc.text)


def test_words_and_characters_are_the_last_resort() -> None:
    words = " ".join(f"word{i}" for i in range(400))
    blob = "x" * 3000
    doc = _doc(f"{words}\n\n{blob}")
    chunks = chunk_document(doc, max_tokens=50, overlap_tokens=0)
    assert all(count_tokens(c.text) <= 50 for c in chunks)
    assert all(c.text == doc.text[c.start : c.end] for c in chunks)
    assert "".join(c.text for c in chunks if c.text.startswith("x")) == blob


def test_context_is_truncated() -> None:
    title = "Heading " + " ".join(["long"] * 80)
    block = Block("paragraph", 0, 10, section=title)
    doc = ParsedDocument("id", "s", "txt", "Some text.", blocks=(block,))
    chunk = chunk_document(doc)[0]
    assert count_tokens(chunk.context) <= CONTEXT_MAX_TOKENS
    assert chunk.context.endswith("…")


@pytest.mark.parametrize(("max_tokens", "overlap"), [(0, 0), (50, 50), (50, -1)])
def test_bad_parameters_are_rejected(max_tokens: int, overlap: int) -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        chunk_document(_doc("Text."), max_tokens=max_tokens, overlap_tokens=overlap)


def _blocks_doc(parts: list[tuple[str, str]]) -> ParsedDocument:
    """A document of ``(kind, text)`` blocks as a PDF's layout gives them (no guessing)."""
    text, blocks, section = "", [], None
    for kind, part in parts:
        start = len(text) + (2 if text else 0)
        text = f"{text}\n\n{part}" if text else part
        section = part if kind == "heading" else section
        blocks.append(Block(kind, start, len(text), section))
    return ParsedDocument("id", "doc.pdf", "pdf", text, blocks=tuple(blocks))


def test_a_list_cut_from_its_lead_in_line_carries_it_as_context() -> None:
    body = [("paragraph", f"Sentence {i} says children are seen and heard.") for i in range(6)]
    items = [("list_item", f"- The quality of item {i} of the plan.") for i in range(4)]
    heading = [("heading", "Overall effectiveness")]
    doc = _blocks_doc([*heading, *body, ("paragraph", "What needs to improve?"), *items])
    chunks = chunk_document(doc, max_tokens=70, overlap_tokens=10)  # cut after the lead-in
    lists = [c for c in chunks if c.text.startswith("- The quality")]
    assert lists, [c.text for c in chunks]
    assert "What needs to improve?" in lists[0].context
    assert lists[0].context.startswith("Overall effectiveness")
    assert all("What needs" not in c.context for c in chunks if c not in lists)
    # a paragraph ending in a full stop introduces nothing
    plain = _blocks_doc([*heading, *body, ("paragraph", "That was all."), *items])
    assert all("That was all." not in c.context for c in chunk_document(plain, 70, 10))

from pathlib import Path

import pytest

from core.documents import Block
from ingest.clean import clean_pdf, clean_text
from ingest.parse_pdf import read_pdf
from ingest.raw import CleanedText
from ingest.sniff import decode_text
from ingest.structure import looks_like_title, segment

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
KENT_2022 = SHARED / "ilacs" / "80476_kent" / "children's services inspection - 05 july 2022.pdf"
BROMLEY_HEADER = (
    "AREA FOR IMPROVEMENT | ACTIONS AND TASKS | TIMEFRAME (by) | PROGRESS | LEAD OFFICERS"
)


def _needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared corpus not available: {path}")
    return path


def _blocks_of(cleaned: CleanedText, file_type: str = "txt") -> list[tuple[str, str]]:
    return [(b.kind, cleaned.text[b.start : b.end]) for b in segment(cleaned, file_type)]


def _corpus(name: str) -> tuple[CleanedText, tuple[Block, ...]]:
    cleaned = clean_text(decode_text(_needs(SHARED / "corpus" / name).read_bytes()))
    return cleaned, segment(cleaned, "txt")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("What needs to improve?", "heading"),
        ("Summary", "heading"),
        ("Being healthy", "heading"),
        ("The experiences and progress of children in care: good", "heading"),
        ("Camden: a virtual school for children in care", "heading"),
        ("2. RECOMMENDATION(S)", "heading"),
        ("1. Reason for report", "heading"),
        ("CHILDREN AND YOUNG PEOPLE SERVICES: IMPROVEMENT PLAN", "heading"),
        ("Inspection dates: 9 to 20 May 2022", "paragraph"),
        ("Ward: Boroughwide", "paragraph"),
        ("12. Children are seen regularly by their social workers.", "paragraph"),
        ("The council has a clear grasp of its strengths.", "paragraph"),
        ("Tel: 020 8313 4060 E-mail: someone@bromley.gov.uk", "paragraph"),
        ("1 November 2006", "paragraph"),
        ("■ Manageable caseloads.", "list_item"),
        ("◼ The practice of conducting visits.", "list_item"),
        ("• teenage conceptions", "list_item"),
        ("– in primary schools is 13%", "list_item"),
        ("Key strengths | Key areas for improvement", "table_row"),
    ],
    ids=lambda value: value if len(value) < 30 else value[:30],
)
def test_line_kinds_in_plain_text(line: str, kind: str) -> None:
    cleaned = CleanedText(f"Intro paragraph that is a full sentence.\n\n{line}")
    assert _blocks_of(cleaned)[1] == (kind, line)


def test_pdf_without_heading_hints_uses_text_heuristics_and_hints_win_otherwise() -> None:
    text = "What needs to improve?\n\nShort line"
    without_hints = CleanedText(text)
    assert [k for k, _ in _blocks_of(without_hints, "pdf")] == ["heading", "heading"]
    with_hints = CleanedText(text, hints={0: "heading"})
    assert [k for k, _ in _blocks_of(with_hints, "pdf")] == ["heading", "paragraph"]


@pytest.mark.parametrize(
    "line",
    ["Executive summary 2", "Grade 3 (Adequate)", "Inspection dates: 9 to 20 May 2022"],
    ids=["contents-entry", "bare-grade", "label-value"],
)
def test_hinted_headings_that_are_not_sections_are_paragraphs(line: str) -> None:
    cleaned = CleanedText(f"Title\n\n{line}", hints={0: "heading", 7: "heading"})
    assert _blocks_of(cleaned, "pdf")[1] == ("paragraph", line)


def test_looks_like_title_rejects_sentences_and_numbers() -> None:
    assert looks_like_title("Achieving economic well-being")
    assert not looks_like_title("The council is good.")
    assert not looks_like_title("46 (49) 53 (52)")
    assert not looks_like_title("see www.ofsted.gov.uk for more")


def test_sections_follow_the_nearest_heading_and_offsets_are_exact() -> None:
    text = "Preamble line.\n\nBeing healthy\n\nText one.\n\n■ item\n\nStaying safe\n\nText two."
    blocks = segment(CleanedText(text), "txt")
    assert [(b.kind, b.section) for b in blocks] == [
        ("paragraph", None),
        ("heading", "Being healthy"),
        ("paragraph", "Being healthy"),
        ("list_item", "Being healthy"),
        ("heading", "Staying safe"),
        ("paragraph", "Staying safe"),
    ]
    assert [text[b.start : b.end] for b in blocks][-1] == "Text two."
    assert all(a.end < b.start for a, b in zip(blocks, blocks[1:], strict=False))


def test_table_run_header_is_recorded_on_each_row() -> None:
    text = "Summary\n\nGrade | Descriptor\n4 | Outstanding service\n3 | Good service\n\nAfter."
    blocks = segment(CleanedText(text), "txt")
    rows = [(b.kind, text[b.start : b.end], b.header) for b in blocks if "table" in b.kind]
    assert rows == [
        ("table_header", "Grade | Descriptor", None),
        ("table_row", "4 | Outstanding service", "Grade | Descriptor"),
        ("table_row", "3 | Good service", "Grade | Descriptor"),
    ]


def test_rows_that_do_not_look_like_a_header_get_none() -> None:
    text = "Intro.\n\nExecutive summary | 4\nKey findings | 7"
    blocks = segment(CleanedText(text), "txt")
    assert [(b.kind, b.header) for b in blocks[1:]] == [("table_row", None), ("table_row", None)]


def test_format_header_hint_starts_a_new_table() -> None:
    text = "A | B\na | b\nC | D\nc | d"
    hints = {0: "table_header", 6: "table_row", 12: "table_header", 18: "table_row"}
    blocks = segment(CleanedText(text, hints=hints), "docx")
    assert [(b.kind, b.header) for b in blocks] == [
        ("table_header", None),
        ("table_row", "A | B"),
        ("table_header", None),
        ("table_row", "C | D"),
    ]


def test_westminster_grade_table_rows_carry_their_header() -> None:
    cleaned, blocks = _corpus("westminster-2006-apa-letter.txt")
    row = next(
        b
        for b in blocks
        if cleaned.text[b.start : b.end].startswith("The council's overall capacity to improve")
    )
    assert (row.kind, row.header, row.section) == (
        "table_row",
        "Areas for judgement | Grade awarded",
        "Summary",
    )
    descriptor_header = "Grade | Service descriptors | Capacity to improve descriptors"
    descriptors = [b for b in blocks if b.header == descriptor_header]
    assert len(descriptors) == 4


def test_bromley_plan_rows_carry_the_plan_header_across_pages() -> None:
    cleaned, blocks = _corpus("bromley-2012-apa-2011-improvement-plan.txt")
    plan_start = cleaned.text.index(BROMLEY_HEADER)
    plan_rows = [b for b in blocks if b.kind == "table_row" and b.start > plan_start]
    assert len(plan_rows) >= 15
    assert all(b.header == BROMLEY_HEADER for b in plan_rows)
    achievement = [b for b in plan_rows if b.section == "Achievement gap"]
    assert len(achievement) == 8


def test_kent_pdf_structure() -> None:
    cleaned = clean_pdf(read_pdf(_needs(KENT_2022).read_bytes()))
    blocks = segment(cleaned, "pdf")
    kinds = {cleaned.text[b.start : b.end]: b for b in blocks}
    assert kinds["What needs to improve?"].kind == "heading"
    improve = [b for b in blocks if b.section == "What needs to improve?" and b.kind != "heading"]
    assert [b.kind for b in improve] == ["list_item"] * 3
    heading = "The experiences and progress of children who need help and protection: good"
    assert kinds[heading].kind == "heading"
    first = next(b for b in blocks if cleaned.text.startswith("1. Children and their", b.start))
    assert (first.kind, first.section) == ("paragraph", heading)
    assert kinds["Overall effectiveness Outstanding"].kind == "heading"
    for block in blocks:
        line = cleaned.text[block.start : block.end]
        assert line == line.strip() and "\n" not in line

"""Judgements read from the real inspection PDFs match grades.csv, and none is invented."""

import csv
from functools import cache
from pathlib import Path

import pytest

from ingest.judgements import extract_judgements
from ingest.loader import load_document

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
ILACS = SHARED / "ilacs"
# grades.csv column -> the areas that answer it (before 2023 children in care and care
# leavers were one judgement, which the CSV records as the children-in-care grade)
COLUMNS = {
    "overall_effectiveness_grade": ("overall_effectiveness",),
    "impact_of_leaders_grade": ("impact_of_leaders",),
    "help_and_protection_grade": ("help_and_protection",),
    "in_care_grade": ("in_care", "in_care_and_care_leavers"),
    "care_leavers_grade": ("care_leavers",),
}
NOT_A_GRADE = {"", "data_unreadable"}
ABSENT = {"inspection_pre_dates_judgement", "not_reported_post_reform"}


def _rows():
    path = ILACS / "grades.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


ROWS = _rows()


@cache
def judgements(folder: str, name: str):
    path = ILACS / folder / name
    doc = load_document(path, name)
    return doc, {j.area: j for j in extract_judgements(doc)}


def _same(csv_grade: str, written: str) -> bool:
    a, b = csv_grade.lower().strip(), written.lower().strip()
    return a == b or (a == "requires improvement" and b.startswith("requires improvement"))


@pytest.mark.slow
@pytest.mark.skipif(not ROWS, reason="shared/ilacs not available")
@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{r['local_authority']}-{r['publication_date']}" for r in ROWS]
)
def test_every_known_grade_is_extracted_and_none_invented(row):
    doc, found = judgements(f"{row['urn']}_{row['local_authority']}", row["pdf_filename"])
    for column, areas in COLUMNS.items():
        expected = row[column]
        if expected in NOT_A_GRADE:
            continue
        if expected in ABSENT:
            assert areas[0] not in found, (column, found.get(areas[0]))
            continue
        got = [found[a] for a in areas if a in found]
        assert len(got) == 1, (column, expected, got)
        assert _same(expected, got[0].grade), (column, expected, got[0].quote)
    for j in found.values():
        assert doc.text[j.start : j.start + len(j.quote)] == j.quote
        assert j.page is not None and 1 <= j.page <= len(doc.pages)


@pytest.mark.slow
@pytest.mark.skipif(not ROWS, reason="shared/ilacs not available")
def test_accuracy_report():
    checked = right = 0
    for row in ROWS:
        _, found = judgements(f"{row['urn']}_{row['local_authority']}", row["pdf_filename"])
        for column, areas in COLUMNS.items():
            if row[column] in NOT_A_GRADE or row[column] in ABSENT:
                continue
            checked += 1
            got = [found[a] for a in areas if a in found]
            right += len(got) == 1 and _same(row[column], got[0].grade)
    print(f"judgements: {right}/{checked} known grades extracted exactly")
    assert checked > 100 and right == checked


@pytest.mark.parametrize(
    ("line", "area", "grade", "level"),
    [
        (
            "Overall effectiveness Requires improvement to be good",
            "overall_effectiveness",
            "Requires improvement to be good",
            3,
        ),
        (
            "Children’s services in Norfolk requires improvement to be good",
            "overall_effectiveness",
            "requires improvement to be good",
            3,
        ),
        (
            "Children’s services in Newcastle Upon Tyne require improvement to be good",
            "overall_effectiveness",
            "require improvement to be good",
            3,
        ),
        ("Children’s services in Kent are good", "overall_effectiveness", "good", 2),
        (
            "The overall judgement is requires improvement.",
            "overall_effectiveness",
            "requires improvement",
            3,
        ),
        (
            "2.2 Experiences and progress of care leavers Inadequate",
            "care_leavers",
            "Inadequate",
            4,
        ),
        (
            "The experiences and progress of children in care and care leavers Good",
            "in_care_and_care_leavers",
            "Good",
            2,
        ),
        ("The Local Safeguarding Children Board is good", "lscb", "good", 2),
    ],
    ids=[
        "ilacs-ri",
        "sif-requires",
        "sif-require",
        "sif-are",
        "overall-judgement-is",
        "sif-care-leavers",
        "ilacs-combined",
        "lscb",
    ],
)
def test_statement_forms(line, area, grade, level):
    from core.documents import DocumentMeta, PageSpan, ParsedDocument

    text = f"Some title\n\n{line}\n\nA paragraph that states no grade at all."
    doc = ParsedDocument(
        "d",
        "d.pdf",
        "pdf",
        text,
        pages=(PageSpan(1, 0, len(text)),),
        meta=DocumentMeta(kind="inspection report"),
    )
    (j,) = extract_judgements(doc)
    assert (j.area, j.grade, j.level, j.quote, j.page) == (area, grade, level, line, 1)


def test_non_inspection_documents_have_no_judgements():
    from core.documents import DocumentMeta, ParsedDocument

    doc = ParsedDocument(
        "d",
        "d.txt",
        "txt",
        "Overall effectiveness Outstanding",
        meta=DocumentMeta(kind="national survey"),
    )
    assert extract_judgements(doc) == []


SAMPLE_CORPUS = Path(__file__).resolve().parents[2] / "data" / "sample" / "corpus"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "westminster-2006-apa-letter.txt",
            {
                "apa_children_services": ("3", 2),
                "apa_capacity_to_improve": ("4", 1),
                "apa_social_care": ("3", 2),
            },
        ),
        (
            "bromley-2012-apa-2011-improvement-plan.txt",
            {"apa_rating": ("Level 3 Good - Performs Well", 2)},
        ),
        ("devon-ctsb-2010-board-report-outstanding-services.txt", {}),
        ("ofsted-2010-outstanding-la-childrens-services-2009.txt", {}),
    ],
    ids=["apa-letter", "council-paper-rating", "board-paper-without-rating", "national-report"],
)
def test_apa_grades_and_quoted_ratings(name, expected):
    doc = load_document(SAMPLE_CORPUS / name, name)
    found = {j.area: (j.grade, j.level) for j in extract_judgements(doc)}
    assert found == expected
    for j in extract_judgements(doc):
        assert doc.text[j.start : j.start + len(j.quote)] == j.quote


def test_national_list_of_authorities_rated_excellent():
    from ingest.authorities import AuthorityIndex

    name = "ofsted-2010-outstanding-la-childrens-services-2009.txt"
    doc = load_document(SAMPLE_CORPUS / name, name)
    found = extract_judgements(doc, AuthorityIndex.load())
    assert [j.authority for j in found] == [
        "Blackburn with Darwen",
        "Camden",
        "City of London",
        "Kensington and Chelsea",
        "Kingston upon Thames",
        "Lewisham",
        "Richmond upon Thames",
        "Tower Hamlets",
        "Wandsworth",
        "York",
    ]
    assert {(j.area, j.grade, j.level) for j in found} == {
        ("annual_rating", "performing excellently", 1)
    }
    assert all(doc.text[j.start : j.start + len(j.quote)] == j.quote for j in found)
    # without the authority list nothing is guessed
    assert extract_judgements(doc) == []

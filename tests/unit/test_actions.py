"""Improvement-plan rows and listed areas for improvement."""

from pathlib import Path

import pytest

from ingest.actions import extract_plan_rows
from ingest.loader import load_document

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def bromley():
    path = SAMPLE / "corpus" / "bromley-2012-apa-2011-improvement-plan.txt"
    doc = load_document(path, path.name)
    return doc, extract_plan_rows(doc)


def test_every_plan_row_is_read_with_its_cells(bromley):
    doc, rows = bromley
    plan = [r for r in rows if r.origin == "plan"]
    assert len(plan) == 16
    assert len({r.area for r in plan}) == 9
    for r in plan:
        assert r.actions and r.timeframes
        assert doc.text[r.start : r.start + len(r.quote)] == r.quote


@pytest.mark.parametrize(
    ("area_start", "action_start", "timeframe", "progress", "lead"),
    [
        (
            "The service provided by the out-of-hours",
            "All Emergency Duty Team (EDT)",
            "August 2011",
            "Achieved",
            "Assistant Director (Safeguarding & Social Care)",
        ),
        (
            "Lack of clear pathways",
            "Establish a Multi-Agency Support Hub (MASH)",
            "July 2011",
            "Achieved",
            "Head of Referral & Assessment",
        ),
        (
            "Strategies to raise attainment",
            "Develop a Key Stage 4 'data pack'",
            "Spring 2012",
            "In progress",
            None,
        ),
    ],
    ids=["edt", "mash", "ks4-data-pack"],
)
def test_specific_rows(bromley, area_start, action_start, timeframe, progress, lead):
    _, rows = bromley
    row = next(
        r
        for r in rows
        if r.area.startswith(area_start) and any(a.startswith(action_start) for a in r.actions)
    )
    i = next(i for i, a in enumerate(row.actions) if a.startswith(action_start))
    assert row.timeframes[i] == timeframe
    assert progress in row.progress
    if lead:
        assert lead in row.leads


def test_a_row_broken_across_a_page_is_joined(bromley):
    _, rows = bromley
    row = next(r for r in rows if any(a.startswith("Further develop the role") for a in r.actions))
    assert row.actions[0].endswith("schools causing concern and appropriate interventions.")
    assert "Head of Learning" in row.leads


def test_what_needs_to_improve_items_from_an_inspection_report():
    path = SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf"
    doc = load_document(path, path.name)
    listed = [r for r in extract_plan_rows(doc) if r.origin == "report"]
    assert [r.area[:40] for r in listed] == [
        "The practice of conducting visits to chi",
        "Manageable caseloads and workload suppor",
        "The response and the quality of assessme",
    ]
    assert {r.page for r in listed} == {2}

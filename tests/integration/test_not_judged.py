"""An area a report did not judge, asked as a grade: said so from the real report.

The Isles of Scilly's 2016 inspection judged help and protection and leadership, and left
children looked after, adoption and care leavers "Not Judged" (it had no children looked
after). A grade asked of those areas is answered with that line and the report's reason,
not refused as a judgement of a kind the report does not give.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import build_assistant
from core.settings import Settings
from tests.fakes import HashEmbeddings

pytestmark = pytest.mark.integration

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REPORT = (
    SHARED / "ilacs" / "80455_isles of scilly" / "children's services inspection - 27 june 2016.pdf"
)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    if not REPORT.is_file():
        pytest.skip("shared/ilacs not available")
    built = build_assistant(
        Settings(data_dir=tmp_path_factory.mktemp("unjudged")), embeddings=HashEmbeddings()
    )
    built.ingest([(REPORT, "ilacs/isles of scilly/" + REPORT.name)])
    return built


@pytest.mark.parametrize(
    "question",
    [
        "scilly 2016 looked after children grade",
        "How were children looked after judged in the Isles of Scilly's 2016 inspection?",
    ],
)
def test_an_unjudged_area_is_said_not_judged_with_the_reason(assistant, question):
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert answer.answered_from == "whole report"
    assert "Children looked after and achieving permanence: Not judged" in answer.text
    assert "does not have any children looked after" in answer.text
    doc = assistant.store.parsed_document(answer.citations[0].doc_id)
    assert all(c.quote in doc.text for c in answer.citations)  # exact quotes


def test_a_judged_area_still_comes_from_the_judgements_table(assistant):
    answer = assistant.ask("scilly 2016 help and protection grade")
    assert not answer.refused
    assert answer.answered_from == "judgements table"
    assert "Good" in answer.text

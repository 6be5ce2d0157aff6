"""A "why" naming a judgement the latest report did not give, but an earlier one did.

Real reports: the Isles of Scilly's 2019 inspection (good overall) and 2023 inspection
(inadequate overall), development data.
"""

import shutil

import pytest

from assistant.app import build_assistant
from core.settings import Settings
from ingest.loader import iter_files

pytestmark = pytest.mark.e2e

FOLDER = "80455_isles of scilly"
REPORTS = {
    "scilly-2019.pdf": "children's services inspection - 19 december 2019.pdf",
    "scilly-2023.pdf": "children's services inspection - 25 august 2023.pdf",
}


@pytest.fixture(scope="module")
def scilly(shared_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("scilly")
    folder = root / "docs"
    folder.mkdir()
    for name, original in REPORTS.items():
        shutil.copy(shared_dir / "ilacs" / FOLDER / original, folder / name)
    assistant = build_assistant(Settings(data_dir=root / "index"))
    report = assistant.ingest(iter_files([folder]))
    assert sorted(o.status for o in report.outcomes) == ["added", "added"]
    return assistant


@pytest.mark.parametrize("question", ["why was scilly judged good", "isles of scilly good reasons"])
def test_the_earlier_report_that_gave_the_judgement_answers(scilly, question):
    answer = scilly.ask(question)
    assert not answer.refused, answer.text
    assert "latest report gives no such judgement" in answer.text
    assert {c.source for c in answer.citations} == {"scilly-2019.pdf"}
    assert "Good" in answer.text


def test_the_judgement_the_latest_report_gave_is_answered_from_it(scilly):
    answer = scilly.ask("why was scilly judged inadequate")
    assert not answer.refused, answer.text
    assert {c.source for c in answer.citations} == {"scilly-2023.pdf"}
    assert "no such judgement" not in answer.text


def test_a_judgement_no_report_gave_is_still_refused(scilly):
    answer = scilly.ask("why was scilly judged outstanding overall")
    assert answer.refused and answer.refusal_reason == "no such judgement"

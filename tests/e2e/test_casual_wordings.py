"""Casual wordings whose everyday words the report does not use are still answered.

Real reports: Cumberland's 2024 and Gloucestershire's 2025 inspections (development data).
"""

import json
import shutil

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app

pytestmark = pytest.mark.e2e
runner = CliRunner()


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory, shared_dir):
    root = tmp_path_factory.mktemp("casual")
    folder = root / "docs"
    folder.mkdir()
    reports = {
        "cumberland-2024.pdf": ("2733690_cumberland", "26 november 2024"),
        "gloucestershire-2025.pdf": ("80470_gloucestershire", "04 august 2025"),
    }
    for name, (where, when) in reports.items():
        path = f"{where}/children's services inspection - {when}.pdf"
        shutil.copy(shared_dir / "ilacs2" / path, folder / name)
    data = ["--data-dir", str(root / "index")]
    assert runner.invoke(app, ["ingest", str(folder), *data]).exit_code == 0
    return data


@pytest.mark.parametrize(
    ("question", "source", "quoted"),
    [
        # "little ones", "stuck", "resi": the best sentence holds a third of the words
        (
            "cumberland - little ones meant to be fostered long term but stuck in resi homes? 2024",
            "cumberland-2024.pdf",
            "long-term fostering",
        ),
        (
            "any glos CLs put up in hotels or b and bs? june 25 ofsted",
            "gloucestershire-2025.pdf",
            "bed and breakfast",
        ),
    ],
)
def test_a_casual_wording_is_answered_from_the_sentence_that_covers_it(
    two_reports, question, source, quoted
):
    result = runner.invoke(app, ["ask", question, "--json", *two_reports])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert not data["refused"], data["answer"]
    assert quoted in data["answer"]
    assert {c["source"] for c in data["citations"]} == {source}

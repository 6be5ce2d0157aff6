"""The CLI through typer's runner, against the real sample index."""

import json
import re

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app

pytestmark = pytest.mark.e2e
runner = CliRunner()


def test_ask_json_prints_one_object_of_the_contract(sample_data_dir):
    result = runner.invoke(
        app, ["ask", "What needs to improve in Kent?", "--json", "--data-dir", str(sample_data_dir)]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["question"] == "What needs to improve in Kent?"
    assert data["mode"] == "extractive" and data["prompt"] == "extractive-v1"
    assert data["citations"] and data["retrieved"]
    assert all(c["quote"] for c in data["citations"])
    assert data["retrieved"][0]["score"] >= data["retrieved"][-1]["score"]


def test_ask_text_shows_markers_and_numbered_sources(sample_data_dir):
    result = runner.invoke(
        app, ["ask", "How are care leavers supported in Kent?", "--data-dir", str(sample_data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "[1]" in result.stdout and "Sources:" in result.stdout
    assert "children's services inspection - 05 july 2022.pdf" in result.stdout


def test_batch_keeps_order_passes_ids_and_reports_bad_lines(sample_data_dir, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "question": "What needs to improve in Kent?"}),
                "{not json",
                json.dumps(
                    {"id": 7, "question": "What grade did Westminster get for capacity to improve?"}
                ),
                json.dumps({"question": ""}),
            ]
        )
    )
    result = runner.invoke(
        app, ["ask", "--batch", str(batch), "--json", "--data-dir", str(sample_data_dir)]
    )
    assert result.exit_code == 3
    rows = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [r.get("id") for r in rows] == ["a", None, 7, None]
    assert "citations" in rows[0] and "citations" in rows[2]
    assert "not valid JSON" in rows[1]["error"] and "non-empty" in rows[3]["error"]


def test_docs_list_json(sample_data_dir):
    result = runner.invoke(app, ["docs", "list", "--json", "--data-dir", str(sample_data_dir)])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 9 and all(r["chunks"] > 0 for r in rows)
    # only PDFs have pages; a text file's are null, not 0
    assert {r["source"].endswith(".pdf") for r in rows if r["pages"] is None} == {False}
    assert all(r["pages"] > 0 for r in rows if r["source"].endswith(".pdf"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask"], "give either a QUESTION or --batch FILE"),
        (["ask", "   "], "the question is empty"),
        (["ask", "x" * 5000], "the limit is 2,000"),
        (["ingest", "/no/such/path"], "no such file or folder"),
        (["docs", "remove", "nothing-like-this.pdf"], "no document matches"),
    ],
)
def test_bad_input_gets_one_clear_line_and_nonzero_exit(args, message, tmp_path):
    result = runner.invoke(app, [*args, "--data-dir", str(tmp_path / "d")])
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_docs_list_grades_and_sources_write_dates_one_way(sample_data_dir):
    data = ["--data-dir", str(sample_data_dir)]
    rows = json.loads(runner.invoke(app, ["docs", "list", "--json", *data]).stdout)
    dates = {r["source"]: r["dates"] for r in rows}
    assert any(
        re.match(r"inspected \d+(?: \w+)?[–-]\d+ \w+ \d{4} · published ", d) for d in dates.values()
    )
    listed = runner.invoke(app, ["docs", "list", *data]).stdout
    assert all(f"({d})" in listed for d in dates.values())
    graded = runner.invoke(app, ["grades", "--authority", "Kent", *data]).stdout
    lines = [line for line in graded.splitlines() if line.startswith("Kent")]
    assert lines and all(line.endswith(")") and "(inspected " in line for line in lines)
    answer = runner.invoke(app, ["ask", "How are care leavers supported in Kent?", *data]).stdout
    sources = [line for line in answer.splitlines() if re.match(r"\[\d+\] ", line)]
    assert sources and all(
        any(f"({s}), {d}" in line for s, d in dates.items()) for line in sources
    ), sources


def test_ask_on_an_empty_library_says_it_is_empty_and_names_the_data_dir(tmp_path):
    result = runner.invoke(
        app, ["ask", "What needs to improve in Kent?", "--data-dir", str(tmp_path / "empty")]
    )
    assert result.exit_code == 1
    assert "The library is empty" in result.stdout and "not cover" not in result.stdout
    assert f"the library in {tmp_path / 'empty'} is empty" in " ".join(result.stderr.split())

"""``eval`` on v2 sets through typer's runner, against the real sample index."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from tests.conftest import REPO

pytestmark = pytest.mark.e2e
runner = CliRunner()

V1 = {
    json.loads(line)["id"]: json.loads(line)
    for line in (REPO / "bench" / "eval" / "sample.jsonl").read_text().splitlines()
    if line.strip()
}


def _v2(v1_id, qid, split, intent, wordings, authorities, years):
    row = dict(V1[v1_id], id=qid)
    # Gold paths as v2 writes them: prefixed with the folder under the library's root.
    row["sources"] = [dict(s, file=f"sample/{s['file']}") for s in row["sources"]]
    answerable = row["type"] != "unanswerable"
    row.update(
        split=split,
        intent=intent,
        type=intent if answerable else "unanswerable",
        answerable=answerable,
        wordings=wordings,
        authorities=authorities,
        years=years,
    )
    return row


QUESTIONS = [
    _v2(
        "s070",
        "e1",
        "dev",
        "grade",
        ["kent overall effectivness may 2022", "how did ofsted rate Kent CC in 2022"],
        ["kent"],
        [2022],
    ),
    _v2(
        "s086",
        "e2",
        "dev",
        "grade",
        ["westminster APA grade 2007", "what did westminister get in the 2007 apa"],
        ["westminster"],
        [2007],
    ),
    _v2(
        "s002",
        "e3",
        "heldout",
        "grade",
        [
            "westminster 2006 APA: grade for maintaining and improving outcomes?",
            "what did westminster get in 2006 for improving outcomes",
        ],
        ["westminster"],
        [2006],
    ),
    _v2(
        "s037",
        "e4",
        "heldout",
        "improve",
        ["what did the devon paper recommend the board do", "devon board paper recomendations"],
        ["devon"],
        [2010],
    ),
]


@pytest.fixture(scope="module")
def v2_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("v2") / "tiny-v2.jsonl"
    path.write_text("\n".join(json.dumps(q) for q in QUESTIONS) + "\n", encoding="utf-8")
    return path


def test_eval_v2_json_both_splits(sample_data_dir, v2_file, tmp_path):
    v1 = tmp_path / "v1.jsonl"
    v1.write_text(json.dumps(V1["s016"]) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["eval", str(v2_file), str(v1), "--json", "--data-dir", str(sample_data_dir)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == 2 and data["files"] == [str(v2_file), str(v1)]
    assert data["split"] is None
    dev, held = data["splits"]["dev"], data["splits"]["heldout"]
    # Every wording is scored as a question; a v1 line (one wording) belongs to dev.
    assert (dev["overall"]["distinct_questions"], dev["overall"]["questions"]) == (3, 7)
    assert (held["overall"]["distinct_questions"], held["overall"]["questions"]) == (2, 6)
    assert (dev["overall"]["unanswerable"], held["overall"]["unanswerable"]) == (3, 0)
    assert dev["main_wording"]["questions"] == 3 and held["main_wording"]["questions"] == 2
    assert sorted(dev["by_intent"]) == ["authority", "grade"]
    assert sorted(held["by_intent"]) == ["grade", "improve"]
    # Only the dev split's rows are printed, one per wording, in order.
    rows = data["answers"]
    assert [(r["id"], r["wording"]) for r in rows] == [
        ("e1", 0),
        ("e1", 1),
        ("e1", 2),
        ("e2", 0),
        ("e2", 1),
        ("e2", 2),
        ("s016", 0),
    ]
    assert data["heldout_rows"] == "withheld" and "e3" not in result.stdout
    assert {r["split"] for r in rows} == {"dev"}
    # The Kent question: its gold report (stored as ilacs/kent/…) is found from a
    # "sample/ilacs/kent/…" gold path, and its answer cites Kent's own report.
    main = rows[0]
    assert main["report_rank"] is not None and main["report_rank"] <= 2
    assert main["fact_ok"] is True and main["wrong_authority"] is False
    assert main["first_doc"] is not None
    checked = [r["wrong_authority"] for r in rows if r["wrong_authority"] is not None]
    expected = [r for r in rows[:3] if not r["refused"]]  # only e1 is answerable, one authority
    assert len(checked) == len(expected) == dev["overall"]["authority_checked"]
    assert dev["overall"]["wrong_authority"] == sum(checked)
    assert all(r["wrong_authority"] is None for r in rows[3:])
    # Paraphrases: the two questions with wordings, each consistent or not as its rows say.
    paraphrases = {p["id"]: p["consistent"] for p in data["paraphrases"]}
    assert set(paraphrases) == {"e1", "e2"}
    for qid, ok in paraphrases.items():
        mine = [r for r in rows if r["id"] == qid]
        alike = len({(r["refused"], r["answer_intent"]) for r in mine}) == 1 and (
            all(r["refused"] for r in mine) or len({r["first_doc"] for r in mine}) == 1
        )
        assert ok is alike
    assert dev["overall"]["paraphrased"] == 2 and held["overall"]["paraphrased"] == 2
    assert dev["overall"]["citations_valid"] == dev["overall"]["citations"] > 0
    head = data["headline"]
    for key, diff in head["difference"].items():
        if head["dev"][key] is None or head["heldout"][key] is None:
            assert diff is None
        else:
            assert diff == pytest.approx(head["dev"][key] - head["heldout"][key], abs=2e-4)
    assert head["dev"]["refusal_accuracy"] == dev["overall"]["refusal_accuracy"]
    assert head["heldout"]["refusal_accuracy"] is None


def test_eval_v2_text_one_split(sample_data_dir, v2_file):
    result = runner.invoke(
        app, ["eval", str(v2_file), "--split", "heldout", "--data-dir", str(sample_data_dir)]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(
        "tiny-v2.jsonl: 2 questions of the heldout split, 6 answers (every wording asked), k = 5"
    )
    header = next(line for line in out.splitlines() if line.startswith("| figure "))
    assert [c.strip() for c in header.strip("|").split("|")] == ["figure", "heldout"]
    assert "dev − heldout" not in out and "\ndev: " not in out
    assert "heldout: 2 questions (2 answerable, 0 unanswerable), 6 answers" in out
    for intent in ("all", "grade", "improve"):
        assert f"| {intent} " in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--split", "test"], "error: --split must be one of: dev, heldout (got 'test')"),
        (["--baseline", "--docs", "."], "error: --baseline works with v1 sets only"),
    ],
    ids=["bad-split", "baseline-v2"],
)
def test_eval_v2_bad_options_exit_2_with_one_line(v2_file, extra, message):
    result = runner.invoke(app, ["eval", str(v2_file), *extra])
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr


def test_eval_split_with_no_questions_says_so(tmp_path):
    path = tmp_path / "v1.jsonl"
    path.write_text(json.dumps(V1["s016"]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(path), "--split", "heldout"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: no questions of the heldout split in the given files"

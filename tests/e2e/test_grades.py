"""The judgements table and `grades` command on real inspection PDFs."""

import csv
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from tests.conftest import SAMPLE

pytestmark = pytest.mark.e2e
runner = CliRunner()
KENT = SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf"


def grades(*args):
    result = runner.invoke(app, ["grades", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_kent_2022_judgements_with_quotes_and_pages(sample_data_dir):
    rows = json.loads(
        grades("--authority", "Kent County Council", "--json", "--data-dir", str(sample_data_dir))
    )
    got = {r["area"]: (r["grade"], r["level"], r["page"]) for r in rows}
    assert got == {
        "impact_of_leaders": ("Outstanding", 1, 1),
        "help_and_protection": ("Good", 2, 1),
        "in_care_and_care_leavers": ("Outstanding", 1, 1),
        "overall_effectiveness": ("Outstanding", 1, 1),
    }
    assert {r["framework"] for r in rows} == {"ILACS standard"}
    assert all(r["quote"].endswith(r["grade"]) for r in rows)


def test_csv_filter_by_judgement_and_latest(sample_data_dir):
    text = grades("--judgement", "overall", "--latest", "--csv", "--data-dir", str(sample_data_dir))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["authority"] for r in rows} >= {"Kent", "Isles of Scilly"}
    assert {r["area"] for r in rows} == {"overall_effectiveness"}
    scilly = next(r for r in rows if r["authority"] == "Isles of Scilly")
    assert scilly["grade"] == "Inadequate" and scilly["quote"] == "Overall effectiveness Inadequate"


def test_neighbours_of_includes_the_authority_and_its_neighbours(sample_data_dir):
    from ingest.authorities import AuthorityIndex

    neighbours = {a.name for a in AuthorityIndex.load().neighbours("Kent")}
    assert "Norfolk" in neighbours and "Worcestershire" not in neighbours  # reference data
    rows = json.loads(
        grades("--neighbours-of", "Kent", "--json", "--data-dir", str(sample_data_dir))
    )
    # the sample holds Kent, Norfolk, Worcestershire and the Isles of Scilly
    assert {r["authority"] for r in rows} == {"Kent", "Norfolk"}


def test_table_follows_ingest_and_remove(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(KENT, folder / "kent.pdf")
    data = ["--data-dir", str(tmp_path / "index")]
    assert runner.invoke(app, ["ingest", str(folder), *data]).exit_code == 0
    assert len(json.loads(grades("--json", *data))) == 4
    assert runner.invoke(app, ["docs", "remove", "kent.pdf", *data]).exit_code == 0
    assert json.loads(grades("--json", *data)) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--authority", "Atlantis"], "unknown local authority"),
        (["--judgement", "football"], "unknown judgement"),
    ],
)
def test_bad_filters_are_one_line_errors(args, message, tmp_path):
    result = runner.invoke(app, ["grades", *args, "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and message in result.stderr


def test_actions_of_the_bromley_plan_with_status_as_of_a_date(sample_data_dir):
    rows = json.loads(
        grades_like(
            "actions",
            "--authority",
            "Bromley",
            "--as-of",
            "2012-02-21",
            "--json",
            "--data-dir",
            str(sample_data_dir),
        )
    )
    plan = [r for r in rows if r["origin"] == "plan"]
    assert len(plan) >= 40  # one row per action of the 16 plan rows
    edt = next(r for r in plan if (r["action"] or "").startswith("All Emergency Duty Team"))
    assert (edt["timeframe"], edt["due"], edt["status"]) == (
        "August 2011",
        "2011-08-31",
        "achieved",
    )
    bexley = next(r for r in plan if (r["action"] or "").startswith("Undertake discussions"))
    # due at the end of January 2012, still "In progress" in February: overdue
    assert bexley["timeframe"] == "Sept – Jan 2012" and bexley["progress"] == "In progress"
    assert bexley["status"] == "overdue"
    assert bexley["lead"].startswith("Assistant Director (Safeguarding & Social Care)")
    overdue = json.loads(
        grades_like(
            "actions",
            "--authority",
            "Bromley",
            "--status",
            "overdue",
            "--as-of",
            "2012-02-21",
            "--json",
            "--data-dir",
            str(sample_data_dir),
        )
    )
    assert overdue and all(r["due"] < "2012-02-21" and r["status"] == "overdue" for r in overdue)
    assert all(r["quote"] for r in rows)


def test_cases_ranked_with_reasons_and_more_like_this(sample_data_dir):
    ranked = json.loads(
        grades_like(
            "cases",
            "virtual school for children in care",
            "--json",
            "--data-dir",
            str(sample_data_dir),
        )
    )
    assert ranked[0]["authority"] == "Camden"
    assert ranked[0]["title"] == "a virtual school for children in care"
    assert "virtual" in ranked[0]["why"] and ranked[0]["score"] >= ranked[1]["score"]
    like = json.loads(
        grades_like(
            "cases", "--like", ranked[0]["id"], "--json", "--data-dir", str(sample_data_dir)
        )
    )
    assert like and ranked[0]["id"] not in {r["id"] for r in like}
    themed = json.loads(
        grades_like(
            "cases", "--theme", "care leavers", "--json", "--data-dir", str(sample_data_dir)
        )
    )
    assert themed and all("care leavers" in r["themes"] for r in themed)


def grades_like(*args):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_tables_are_read_again_when_the_extractor_version_changes(sample_data_dir, monkeypatch):
    import sqlite3

    from assistant import structured

    path = next((sample_data_dir / "structured").glob("*.sqlite"))
    grades("--json", "--data-dir", str(sample_data_dir))
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM judgements")  # as if an older extractor had missed them
    monkeypatch.setattr(structured, "VERSION", structured.VERSION + 1)
    rows = json.loads(grades("--authority", "Kent", "--json", "--data-dir", str(sample_data_dir)))
    assert len(rows) == 4


def test_grade_questions_are_answered_from_the_table_with_citations(sample_data_dir):
    out = grades_like(
        "ask",
        "How did Kent do for help and protection in 2022?",
        "--json",
        "--data-dir",
        str(sample_data_dir),
    )
    data = json.loads(out)
    assert data["prompt"] == "judgements-v1"
    assert "help and protection: Good [1]" in data["answer"]
    (cit,) = data["citations"]
    assert cit["quote"] == (
        "The experiences and progress of children who need help and protection Good"
    )
    assert cit["page"] == 1 and cit["source"].endswith("05 july 2022.pdf")
    assert data["retrieved"]  # retrieval still reports what it found


def test_a_grade_question_about_an_authority_with_no_report_says_where_it_comes_from(
    sample_data_dir,
):
    data = json.loads(
        grades_like(
            "ask",
            "What was Camden's overall effectiveness grade?",
            "--json",
            "--data-dir",
            str(sample_data_dir),
        )
    )
    # no report of Camden's own: only the national report that names it, and it says so
    assert "no report on Camden" in data["answer"]
    assert data["scope"]["authorities"] == ["Camden"]
    assert all("ofsted-2010" in c["source"] for c in data["citations"])


def test_which_authorities_and_statistical_neighbours_from_the_table(sample_data_dir):
    which = json.loads(
        grades_like(
            "ask",
            "Which authorities were outstanding for overall effectiveness?",
            "--json",
            "--data-dir",
            str(sample_data_dir),
        )
    )
    assert which["prompt"] == "judgements-v1"
    assert "- Kent: Overall effectiveness: Outstanding" in which["answer"]
    assert "Isles of Scilly" not in which["answer"]  # inadequate in the sample
    neighbours = json.loads(
        grades_like(
            "ask",
            "How did Kent's statistical neighbours do overall?",
            "--json",
            "--data-dir",
            str(sample_data_dir),
        )
    )
    assert neighbours["prompt"] == "judgements-v1"
    assert "- Norfolk: Overall effectiveness: Inadequate" in neighbours["answer"]
    assert "No judgement of this kind in the library for: Essex" in neighbours["answer"]
    assert all(c["quote"] for c in neighbours["citations"])


@pytest.mark.parametrize(
    "question", ["which councils were rated outstanding", "Which LAs are rated outstanding?"]
)
def test_which_councils_at_a_grade_with_no_area_means_overall_effectiveness(
    sample_data_dir, question
):
    data = json.loads(grades_like("ask", question, "--json", "--data-dir", str(sample_data_dir)))
    assert data["prompt"] == "judgements-v1" and not data["refused"]
    assert "- Kent: Overall effectiveness: Outstanding" in data["answer"]
    assert "Isles of Scilly" not in data["answer"]


@pytest.mark.parametrize(
    "question",
    [
        "how were care leavers judged",
        "what grade did they get overall",
        "overall effectiveness grade",
    ],
)
def test_a_grade_asked_of_no_authority_asks_which_rather_than_quoting_some_councils(
    sample_data_dir, question
):
    # grade lines of whichever reports ranked first would read as the answer
    data = json.loads(grades_like("ask", question, "--json", "--data-dir", str(sample_data_dir)))
    assert data["refused"] and data["refusal_reason"] == "no authority named"
    assert data["citations"] == []
    assert "Which authority" in data["answer"]


def test_progress_questions_are_answered_from_the_actions_table(sample_data_dir):
    data = json.loads(
        grades_like(
            "ask",
            "What is the status of Bromley's MASH action?",
            "--json",
            "--data-dir",
            str(sample_data_dir),
        )
    )
    assert data["prompt"] == "judgements-v1"
    assert "Establish a Multi-Agency Support Hub (MASH)" in data["answer"]
    assert "timeframe: July 2011; progress: Achieved (achieved)" in data["answer"]
    assert data["citations"][0]["quote"].startswith("Lack of clear pathways")
    assert "bromley" in data["citations"][0]["source"]


def test_national_ratings_are_rows_of_the_authorities_they_name(sample_data_dir):
    rows = json.loads(grades("--authority", "Camden", "--json", "--data-dir", str(sample_data_dir)))
    assert [(r["authority"], r["area"], r["grade"]) for r in rows] == [
        ("Camden", "annual_rating", "performing excellently")
    ]
    assert rows[0]["source"].endswith("ofsted-2010-outstanding-la-childrens-services-2009.txt")


def test_why_question_streams_the_same_answer_as_ask(sample_assistant):
    from assistant.models import Answer

    question = "What was Kent's overall effectiveness judgement and why?"
    asked = sample_assistant.ask(question)
    items = list(sample_assistant.stream(question))
    streamed = items[-1]
    assert isinstance(streamed, Answer)
    assert streamed.text == asked.text and streamed.citations == asked.citations
    assert "Outstanding" in streamed.text and len(streamed.citations) > 1  # grade + reasons
    assert items[0].startswith("From the judgements table")


def test_cases_text_shows_every_id_even_those_starting_with_a_letter(sample_data_dir):
    args = ("cases", "children", "-n", "100", "--data-dir", str(sample_data_dir))
    ids = [r["id"] for r in json.loads(grades_like(*args, "--json"))]
    assert any(i[0].isalpha() for i in ids)  # "[d6b4…]" was read as a terminal markup tag
    text = grades_like(*args)
    assert [f"[{i}]" in text for i in ids] == [True] * len(ids)


def test_a_grade_the_table_does_not_hold_is_quoted_from_the_report(sample_data_dir):
    # Norfolk's 2013 looked-after children inspection: its table holds the overall
    # judgement; its capacity to improve is graded in lines of its own, which must
    # answer (not "gives no judgement of that kind")
    data = json.loads(
        grades_like(
            "ask",
            "norfolk 2013 looked after children inspection: capacity to improve grade?",
            "--json",
            "--data-dir",
            str(sample_data_dir),
        )
    )
    assert data["answered_from"] != "judgements table"
    assert not data["refused"]
    assert "Capacity to improve Grade 4 (inadequate)" in data["answer"]
    assert all("norfolk" in c["source"] for c in data["citations"])


@pytest.mark.parametrize(
    "question",
    ["westminster apa 2006 - grade for staying safe?", "how did westminster do on staying safe"],
)
def test_a_grade_stated_under_a_heading_the_table_lacks_is_quoted(sample_data_dir, question):
    # the APA letter's table holds its three headline grades; "Staying safe" is graded
    # under a heading of its own, which must answer (not the headline grades)
    data = json.loads(grades_like("ask", question, "--json", "--data-dir", str(sample_data_dir)))
    assert data["answered_from"] != "judgements table"
    assert "children's safety is good" in data["answer"]
    assert all("westminster" in c["source"] for c in data["citations"])
    # a grade the table holds is still the table's
    held = json.loads(
        grades_like(
            "ask",
            "westminster 2006 apa overall grade",
            "--json",
            "--data-dir",
            str(sample_data_dir),
        )
    )
    assert held["answered_from"] == "judgements table"


def test_a_previous_grade_of_an_inspection_not_held_is_the_reports_own_account(
    sample_data_dir,
):
    # the library holds one Kent report (2022): its grades are not "the previous" ones;
    # what it says of the inspection before it answers, and it states no grade of it
    # ("the areas identified at the last inspection in 2017"): none is quoted
    from assistant.answering.router import NO_PREVIOUS_GRADE

    data = json.loads(
        grades_like(
            "ask", "kent previous ofsted rating", "--json", "--data-dir", str(sample_data_dir)
        )
    )
    assert data["answered_from"] != "judgements table"
    assert data["refused"] and data["answer"] == NO_PREVIOUS_GRADE
    assert "Outstanding [" not in data["answer"]
    # asked when as well, its account gives the year
    data = json.loads(
        grades_like(
            "ask",
            "when was kent's previous inspection and what was the grade",
            "--json",
            "--data-dir",
            str(sample_data_dir),
        )
    )
    assert not data["refused"] and "the last inspection in 2017" in data["answer"]


def test_a_grade_before_a_years_report_is_that_reports_account_of_the_one_before(
    sample_data_dir,
):
    data = json.loads(
        grades_like(
            "ask", "kent year and grade before 2022", "--json", "--data-dir", str(sample_data_dir)
        )
    )
    assert data["answered_from"] != "judgements table"
    assert "the last inspection in 2017" in data["answer"]
    assert data["scope"]["recency"] == "previous"


def test_a_grade_history_is_each_stored_reports_judgement(tmp_path, shared_dir):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(KENT, folder / "kent-2022.pdf")
    older = (
        shared_dir
        / "ilacs"
        / "80476_kent"
        / "children's services inspection,  pdf - 23 august 2013.pdf"
    )
    shutil.copy(older, folder / "kent-2013.pdf")
    data = ["--data-dir", str(tmp_path / "index")]
    assert runner.invoke(app, ["ingest", str(folder), *data]).exit_code == 0
    asked = json.loads(
        grades_like("ask", "how has kent's grade changed over time", "--json", *data)
    )
    assert asked["answered_from"] == "judgements table"
    lines = [line for line in asked["answer"].splitlines() if line.startswith("- Kent:")]
    assert len(lines) == 2
    assert "Outstanding (inspection ending 2022" in lines[0]
    assert "Adequate (inspection ending 2013" in lines[1]
    assert {c["source"] for c in asked["citations"]} == {"kent-2022.pdf", "kent-2013.pdf"}


@pytest.fixture(scope="module")
def kent_two_reports(tmp_path_factory, shared_dir):
    """A library holding Kent's 2022 inspection and the one before it (2017)."""
    root = tmp_path_factory.mktemp("kent-two")
    folder = root / "docs"
    folder.mkdir()
    shutil.copy(KENT, folder / "kent-2022.pdf")
    older = (
        shared_dir / "ilacs" / "80476_kent" / "children's services inspection - 13 june 2017.pdf"
    )
    shutil.copy(older, folder / "kent-2017.pdf")
    data = ["--data-dir", str(root / "index")]
    assert runner.invoke(app, ["ingest", str(folder), *data]).exit_code == 0
    return data


@pytest.mark.parametrize(
    "question",
    [
        "what was kent's grade at the previous inspection",
        "what did kent get at the inspection before last",
        "kent previous ofsted rating",
    ],
)
def test_a_previous_grade_of_a_held_report_is_that_reports_own_judgement(
    kent_two_reports, question
):
    # the report before the latest is held: its own judgements answer, not its account
    # of the inspection before it (2013)
    data = json.loads(grades_like("ask", question, "--json", *kent_two_reports))
    assert not data["refused"]
    assert data["answered_from"] == "judgements table"
    assert {c["source"] for c in data["citations"]} == {"kent-2017.pdf"}
    assert "2013" not in data["answer"]


@pytest.mark.parametrize(
    "question",
    ["when was kent's previous inspection", "when was kent inspected before the most recent one"],
)
def test_the_date_of_a_held_previous_inspection_is_that_reports_own(kent_two_reports, question):
    data = json.loads(grades_like("ask", question, "--json", *kent_two_reports))
    assert not data["refused"]
    assert {c["source"] for c in data["citations"]} == {"kent-2017.pdf"}
    assert "2017" in data["answer"]
    assert "2013" not in data["answer"]


@pytest.mark.parametrize(
    "question",
    [
        "kent 2017 vs 2022",
        "compare kent's 2017 and 2022 inspections",
        "how has kent changed between 2017 and 2022",
    ],
)
def test_one_authoritys_reports_of_two_years_are_set_side_by_side(kent_two_reports, question):
    data = json.loads(grades_like("ask", question, "--json", *kent_two_reports))
    assert not data["refused"]
    assert data["answered_from"] == "judgements table"
    assert {c["source"] for c in data["citations"]} == {"kent-2017.pdf", "kent-2022.pdf"}
    assert data["answer"].index("inspection ending 2017") < data["answer"].index(
        "inspection ending 2022"
    )

"""Which questions go to the judgements and actions tables."""

import pytest

from assistant.answering.judgements import JudgementAnswerer, areas_named, asks_about_grades
from assistant.structured import GradeRow


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What was Kent's overall effectiveness in 2022?", True),
        ("How did Hampshire do for care leavers in June 2024?", True),
        ("How were Sutton's leaders judged?", True),
        ("Was Kent outstanding for care leavers?", True),
        ("Which authorities were outstanding for care leavers?", True),
        ("What grades did Westminster get in its 2006 APA?", True),
        ("What is the population of York in the 2009 outstanding services report?", False),
        ("In the APA descriptors, what does a grade 2 mean?", False),
        ("How are care leavers supported in Kent?", False),
    ],
)
def test_grade_questions(question, expected):
    assert asks_about_grades(question) is expected


@pytest.mark.parametrize(
    ("question", "areas"),
    [
        ("How did Kent do for care leavers?", {"care_leavers", "in_care_and_care_leavers"}),
        ("What was the overall effectiveness?", {"overall_effectiveness"}),
        ("How was adoption rated?", {"adoption"}),
        ("What grade did the LSCB get?", {"lscb"}),
        # the name of an inspection framework names no area of it
        ("kent looked after children inspection july 13 judgement", set()),
        ("2013 cla inspections kent and norfolk grades side by side", set()),
        ("norfolk LAC inspection care leavers grade", {"care_leavers", "in_care_and_care_leavers"}),
    ],
)
def test_areas_named(question, areas):
    assert areas_named(question) == areas


def _row(doc_id: str, inspection_end: str, published: str) -> GradeRow:
    return GradeRow(
        "Kent",
        "overall_effectiveness",
        "Overall effectiveness",
        "Good",
        2,
        "ILACS",
        inspection_end,
        published,
        "Inspection",
        "kent.pdf",
        doc_id,
        1,
        "Overall effectiveness Good",
    )


def test_a_scoped_report_is_used_whatever_year_rule_the_table_has():
    # an inspection ending in December 2024, published (and called) 2025: the scope
    # chose it for "2025"; the table must not refuse it by its own year rule
    rows = [_row("new", "2024-12-06", "2024"), _row("old", "2021-05-01", "2021")]
    assert JudgementAnswerer._report(rows, {2025}, set()) is None
    assert JudgementAnswerer._report(rows, {2025}, set(), scoped=True) == "new"
    assert JudgementAnswerer._report(rows, {2021}, set(), scoped=True) == "old"


class _Table:
    """The judgements of one report, as StructuredData.grades gives them."""

    def __init__(self, rows: list[GradeRow]) -> None:
        self.rows = rows

    def grades(self, **_: object) -> list[GradeRow]:
        return self.rows


def _graded(area: str, text: str, grade: str, level: int) -> GradeRow:
    from dataclasses import replace

    return replace(
        _row("r", "2025-06-20", "2025"), area=area, area_text=text, grade=grade, level=level
    )


@pytest.mark.parametrize(
    ("question", "areas"),
    [
        (
            "What was Kent's overall rating, and which areas were outstanding?",
            ["impact_of_leaders", "overall_effectiveness"],
        ),
        ("kent 2025 - which area was only good?", ["overall_effectiveness", "care_leavers"]),
        ("was kent outstanding for its leaders?", ["impact_of_leaders"]),
    ],
)
def test_which_areas_got_a_grade(question, areas):
    from assistant.prompts import load_prompts

    rows = [
        _graded("impact_of_leaders", "The impact of leaders", "Outstanding", 1),
        _graded("care_leavers", "Care leavers", "Good", 2),
        _graded("overall_effectiveness", "Overall effectiveness", "Good", 2),
    ]
    table = JudgementAnswerer(_Table(rows), load_prompts("judgements-v1"))
    answer = table.answer(question, ["Kent"], [2025])
    assert answer is not None
    assert sorted(r.area for r in answer.rows) == sorted(areas)


@pytest.mark.parametrize(
    "question", ["which areas were inadequate in kent", "kent 2025 - which ones were RI?"]
)
def test_which_areas_at_a_grade_none_got_is_answered_none_with_every_judgement(question):
    # not refused ("no judgement of that kind"): that none is at the grade is the answer
    from assistant.prompts import load_prompts

    rows = [
        _graded("impact_of_leaders", "The impact of leaders", "Outstanding", 1),
        _graded("overall_effectiveness", "Overall effectiveness", "Good", 2),
    ]
    table = JudgementAnswerer(_Table(rows), load_prompts("judgements-v1"))
    # (the asker forces the table for a question read as a grade question of an authority)
    answer = table.answer(question, ["Kent"], [2025], force=True)
    assert answer is not None and not answer.drafted.refused
    assert answer.drafted.text.startswith("None of Kent's judgements in this report is ")
    assert [r.area for r in answer.rows] == ["impact_of_leaders", "overall_effectiveness"]
    assert len(answer.drafted.citations) == 2


@pytest.mark.parametrize(
    ("question", "subject", "noted"),
    [
        # a thing no judgement is of: the table, said not to be that thing's own grade
        ("kent virtual school ofsted grade", ("virtual", "school"), True),
        ("kent ofsted grade 2025", (), False),
        ("kent care leavers grade", ("care", "leaver"), False),  # an area named
    ],
)
def test_a_grade_of_a_thing_no_judgement_is_of_says_so_before_the_table(question, subject, noted):
    from assistant.prompts import load_prompts

    rows = [
        _graded("impact_of_leaders", "The impact of leaders", "Outstanding", 1),
        _graded("care_leavers", "Care leavers", "Good", 2),
        _graded("overall_effectiveness", "Overall effectiveness", "Good", 2),
    ]
    table = JudgementAnswerer(_Table(rows), load_prompts("judgements-v1"))
    answer = table.answer(question, ["Kent"], [2025], force=True, subject=subject)
    assert answer is not None and not answer.drafted.refused
    said = "gives no judgement of “virtual school” on its own" in answer.drafted.text
    assert said is noted
    assert answer.drafted.citations


def _overall_only() -> JudgementAnswerer:
    from assistant.prompts import load_prompts

    rows = [_graded("overall_effectiveness", "Overall effectiveness", "Adequate", 3)]
    return JudgementAnswerer(_Table(rows), load_prompts("judgements-v1"))


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        # "looked after" names the kind of inspection, which judges its capacity to improve
        # in a sentence the table does not hold: "no judgement of that kind" would be false
        ("What did Kent get for capacity to improve in the 2013 LAC inspection?", ("capacity",)),
        ("kent looked after children inspection - capacity to improve grade", ("capacity",)),
    ],
)
def test_a_judgement_the_table_does_not_hold_is_left_to_the_passages(question, subject):
    table = _overall_only()
    assert table.answer(question, ["Kent"], [], force=True, subject=subject) is None
    # without the subject the table would give the report's one judgement, which is not
    # what is asked ("looked after children" names the inspection, not an area of it)
    before = table.answer(question, ["Kent"], [], force=True)
    assert before is not None and [r.area for r in before.rows] == ["overall_effectiveness"]


def test_the_judgement_of_a_looked_after_children_inspection_is_its_overall_one():
    answer = _overall_only().answer(
        "kent looked after children inspection july 13 judgement", ["Kent"], [], force=True
    )
    assert answer is not None and not answer.drafted.refused
    assert [r.area for r in answer.rows] == ["overall_effectiveness"]
    assert "Adequate" in answer.drafted.text


def _looked_after_children_inspection() -> JudgementAnswerer:
    from dataclasses import replace

    from assistant.prompts import load_prompts

    title = "Inspection of looked after children services Kent County Council"
    row = replace(_row("lac", "2013-07-19", "2013"), grade="Inadequate", level=4, title=title)
    return JudgementAnswerer(_Table([row]), load_prompts("judgements-v1"))


@pytest.mark.parametrize(
    "question",
    [
        "how did kent do for looked after children services in 2013, ofsted rating",
        "why was kent LAC inadequate 2013",
        "kent children in care grade 2013",
    ],
)
def test_the_area_an_inspection_is_of_is_judged_by_its_overall_judgement(question):
    # the report is an inspection of looked after children's services: its overall
    # effectiveness is the judgement of them, not "no judgement of that kind"
    answer = _looked_after_children_inspection().answer(question, ["Kent"], [2013], force=True)
    assert answer is not None and not answer.drafted.refused
    assert [r.area for r in answer.rows] == ["overall_effectiveness"]
    assert "Inadequate" in answer.drafted.text


def test_an_area_the_inspection_is_not_of_is_still_no_judgement_of_that_kind():
    answer = _looked_after_children_inspection().answer(
        "kent care leavers grade 2013", ["Kent"], [2013], force=True
    )
    assert answer is not None and answer.drafted.refused and not answer.rows


def test_a_title_listing_the_areas_an_inspection_judges_gives_no_area_its_overall_judgement():
    # "Inspection of services for children in need of help and protection, children looked
    # after and care leavers": each area is judged on its own, and one not read is not
    # the overall judgement
    from dataclasses import replace

    from assistant.prompts import load_prompts

    title = (
        "Inspection of services for children in need of help and protection, children "
        "looked after and care leavers"
    )
    overall = replace(_row("sif", "2016-04-28", "2016"), title=title)
    help_row = replace(
        overall, area="help_and_protection", area_text="Children who need help and protection"
    )
    table = JudgementAnswerer(_Table([overall, help_row]), load_prompts("judgements-v1"))
    answer = table.answer("kent 2016 CLA judgement", ["Kent"], [2016], force=True)
    assert answer is not None and answer.drafted.refused and not answer.rows


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("kent care leavers grade", ()),
        ("kent's grade for care leavers' social care services", ("social",)),
        ("kent care leavers grade at the end of the single inspection", ("end", "single")),
    ],
)
def test_a_judgement_of_another_framework_is_still_refused(question, subject):
    # care leavers are judged by other reports: this one states no such judgement (the
    # words naming the service, the inspection or a time ask nothing more)
    answer = _overall_only().answer(question, ["Kent"], [], force=True, subject=subject)
    assert answer is not None and answer.drafted.refused and not answer.rows


def test_two_years_of_one_authority_give_each_years_report():
    from dataclasses import replace

    from assistant.prompts import load_prompts

    old = replace(_row("old", "2013-07-19", "2013"), grade="Adequate", level=3)
    new = _row("new", "2022-05-20", "2022")
    table = JudgementAnswerer(_Table([new, old]), load_prompts("judgements-v1"))
    answer = table.answer("kent grades 2013 vs 2022", ["Kent"], [2013, 2022], force=True)
    assert answer is not None
    assert [r.doc_id for r in answer.rows] == ["old", "new"]
    assert "Adequate [1]" in answer.drafted.text and "Good [2]" in answer.drafted.text
    assert [c.n for c in answer.drafted.citations] == [1, 2]
    # one year: that year's report only
    one = table.answer("kent grades 2013", ["Kent"], [2013], force=True)
    assert one is not None and [r.doc_id for r in one.rows] == ["old"]


@pytest.mark.parametrize(
    "question",
    [
        "how has kent's grade changed over time",
        "was kent ever rated inadequate",
        "kent grade history",
    ],
)
def test_a_grade_history_lists_each_reports_judgement(question):
    from dataclasses import replace

    from assistant.prompts import load_prompts

    old = replace(_row("old", "2013-07-19", "2013"), grade="Adequate", level=3)
    new = _row("new", "2022-05-20", "2022")
    table = JudgementAnswerer(_Table([new, old]), load_prompts("judgements-v1"))
    answer = table.answer(question, ["Kent"], [], force=True)
    assert answer is not None and [r.doc_id for r in answer.rows] == ["new", "old"]
    assert "newest first" in answer.drafted.text and "Adequate" in answer.drafted.text
    # without asking for the history: the latest report only
    latest = table.answer("kent grade", ["Kent"], [], force=True)
    assert latest is not None and [r.doc_id for r in latest.rows] == ["new"]


def _judged(area: str, grade: str, level: int):
    from assistant.structured_rows import GradeRow

    return GradeRow(
        "Kingston upon Thames",
        area,
        area.replace("_", " "),
        grade,
        level,
        "ILACS",
        "2024-12-06",
        "2025",
        "Inspection of Kingston",
        "k.pdf",
        "k",
        1,
        f"{area} {grade}",
    )


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("why were kingston care leavers judged inadequate", True),  # they were outstanding
        ("why were kingston care leavers judged outstanding", False),
        ("why wasn't kingston judged inadequate for care leavers", False),  # negated
        ("why were kingston care leavers judged so well", False),  # no grade named
        # a grade moved away from is presumed of no row
        ("what got kingston care leavers out of inadequate", False),
        ("why did kingston care leavers go up from RI", False),
        ("why did kingston care leavers go from outstanding to inadequate", True),
    ],
)
def test_a_why_that_presumes_a_judgement_not_given_is_refused(question, refused):
    from assistant.answering.extractive import Drafted
    from assistant.answering.judgements import TableAnswer, unfounded

    rows = (_judged("care_leavers", "Outstanding", 1),)
    table = TableAnswer(Drafted("- care leavers: Outstanding [1]", (), False), rows)
    wrong = unfounded(question, table)
    assert (wrong is not None) is refused
    if wrong is not None:
        assert wrong.refused and "Outstanding" in wrong.text and "no such judgement" in wrong.text


def test_an_area_the_latest_report_does_not_judge_is_read_from_the_newest_earlier_one():
    from dataclasses import replace

    from assistant.prompts import load_prompts

    latest = _row("2025", "2025-05-16", "2025")
    lscb_2017 = replace(
        _row("2017", "2017-06-09", "2017"), area="lscb", area_text="The LSCB", grade="Good"
    )
    lscb_2013 = replace(
        _row("2013", "2013-07-19", "2013"), area="lscb", area_text="The LSCB", grade="Adequate"
    )
    table = JudgementAnswerer(_Table([latest, lscb_2017, lscb_2013]), load_prompts("judgements-v1"))
    answer = table.answer("how was kent's LSCB judged", ["Kent"], [], force=True)
    assert answer is not None and not answer.drafted.refused
    assert [r.doc_id for r in answer.rows] == ["2017"]
    assert answer.drafted.text.startswith("Kent's latest report")
    assert "earlier one does" in answer.drafted.text
    # the latest asked for in so many words, or a year: that report's answer stands
    for question, years in (("kent's latest LSCB judgement", []), ("kent LSCB 2025", [2025])):
        stated = table.answer(question, ["Kent"], years, force=True)
        assert stated is not None and stated.drafted.refused and not stated.rows

"""Whole-report answers: the section that gives a judgement, in either framework's form."""

from __future__ import annotations

import pytest

from assistant.answering.whole import WholeReportAnswerer
from core.documents import ParsedDocument
from ingest.raw import CleanedText
from ingest.structure import segment

# An older (2013-2017) report: its judgements listed first, each heading its own section
# later, without a colon before the grade.
SIF = """Summary of judgements
1. Children who need help and protection Requires improvement
2. Children looked after and achieving permanence Requires improvement
2.1 Adoption performance Good
The experiences and progress of children who need help and protection Requires improvement
Summary
Despite some progress since the last inspection, the pace of change is not as evident for \
children in need of help and protection as elsewhere.
Early help services are increasingly reaching children when needs are first identified and \
result in effective support for families.
The experiences and progress of children looked after and achieving permanence Requires improvement
Summary
Most children become looked after when it is in their best interests, and most live in \
stable homes with carers who meet their needs well.
"""


def _answerer(text: str) -> WholeReportAnswerer:
    blocks = segment(CleanedText(text), "txt")
    doc = ParsedDocument("d1", "report.txt", "txt", text, blocks=blocks)
    return WholeReportAnswerer(lambda doc_id: doc if doc_id == "d1" else None)


def test_the_reasons_come_from_the_section_not_the_list_of_judgements():
    drafted = _answerer(SIF).reasons("d1", ["help and protection", "protection"])
    assert drafted is not None
    assert "pace of change" in drafted.text
    assert all("looked after" not in c.quote for c in drafted.citations)


def test_another_judgements_section_is_found_the_same_way():
    drafted = _answerer(SIF).reasons("d1", ["looked after", "permanence"])
    assert drafted is not None and "best interests" in drafted.text


COVER = """Inspection of Quillshire local authority children's services
Inspection dates: 2 to 6 June 2025
Lead inspector: Ann Example, His Majesty's Inspector
Judgement Grade
Overall effectiveness Good
"""


@pytest.mark.parametrize(
    "question",
    [
        "who was the lead inspector",
        "who was in charge of quillshire's ofsted in june 2025",
        "who did the quillshire ilacs",
    ],
)
def test_who_led_it_is_answered_with_the_inspection_it_was(question):
    drafted = _answerer(COVER).front_matter("d1", question)
    assert drafted is not None
    assert [c.quote.split(":")[0] for c in drafted.citations] == [
        "Lead inspector",
        "Inspection dates",
    ]


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("when was quillshire inspected", True),
        ("when is quillshire's next ofsted inspection due", False),
        ("when will quillshire be inspected again", False),
        ("when was quillshire's last focused visit", False),
        ("When was Quillshire's last SEND inspection?", False),
        ("quillshire youth justice inspection date", False),
        # a service inspected on its own is not the council's children's services
        ("what date was quillshire's last children's home inspection", False),
        ("when was quillshire's adoption service last inspected", False),
        ("when was the inspection of quillshire's children's services", True),
    ],
)
def test_the_dates_answer_only_of_this_reports_inspection(question, answered):
    # the next inspection, or another kind of visit: this report's dates are no answer
    drafted = _answerer(COVER).front_matter("d1", question)
    assert (drafted is not None and "2 to 6 June 2025" in drafted.text) is answered


PREVIOUS = COVER + "Since the last inspection in 2019, leaders have improved services.\n"


@pytest.mark.parametrize(
    "question",
    [
        "who was the lead inspector at quillshire's previous inspection",
        "who led quillshire's last focused visit",
        "who inspected quillshire's fostering service",
        "who led the Ofsted inspection of Quillshire's children's homes",
    ],
)
def test_who_led_another_inspection_is_refused_not_this_ones_inspector(question):
    drafted = _answerer(PREVIOUS).front_matter("d1", question)
    assert drafted is not None and drafted.refused
    assert "Ann Example" not in drafted.text and not drafted.citations


@pytest.mark.parametrize(
    "question",
    [
        "when was quillshire's previous inspection",
        # two asks: who led this one, and when the one before was
        "who led quillshire's inspection, and when was the previous inspection?",
    ],
)
def test_the_previous_inspection_is_the_reports_account_of_it(question):
    drafted = _answerer(PREVIOUS).front_matter("d1", question)
    assert drafted is not None and not drafted.refused
    assert "last inspection in 2019" in drafted.text


UNDATED = COVER + "Since the last inspection, leaders have maintained outstanding services.\n"


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("quillshire last inspected before 2025 when", True),
        ("what year was quillshire previously inspected", True),
        # asked how it was judged: the account states that
        ("quillshire previous inspection grade", False),
    ],
)
def test_when_the_previous_inspection_was_is_answered_only_by_a_date(question, refused):
    # "since the last inspection, … outstanding" says how it was judged, not when
    drafted = _answerer(UNDATED).front_matter("d1", question)
    assert drafted is not None and drafted.refused is refused
    if refused:
        assert "does not say when" in drafted.text and drafted.citations == ()


@pytest.mark.parametrize(
    "question",
    [
        "when was quillshire's last focused visit before 2025",
        "when was the previous SEND inspection in quillshire",
    ],
)
def test_the_inspection_before_is_no_answer_of_another_kind_of_visit(question):
    # the report's account of the inspection before it is not a focused visit's date
    drafted = _answerer(PREVIOUS).front_matter("d1", question)
    assert drafted is None or "last inspection in 2019" not in drafted.text


def test_the_dates_alone_do_not_answer_who_led_it():
    no_lead = COVER.replace("Lead inspector: Ann Example, His Majesty's Inspector\n", "")
    assert _answerer(no_lead).front_matter("d1", "who was the lead inspector") is None
    dates = _answerer(no_lead).front_matter("d1", "inspection dates")
    assert dates is not None and "2 to 6 June 2025" in dates.text


@pytest.mark.parametrize(
    "question",
    [
        "what month was quillshire's ofsted inspection",
        "which year was quillshire inspected",
        "what day did the ofsted visit start",
    ],
)
def test_the_month_or_year_of_the_inspection_is_its_dates(question):
    drafted = _answerer(COVER).front_matter("d1", question)
    assert drafted is not None and "2 to 6 June 2025" in drafted.text


# An older looked-after children inspection: each judgement a heading, its grade under it.
LAC = """Inspection of looked after children services
Quillshire County Council
Overall effectiveness of services for looked after children and young people
Grade 3 (adequate)
Most children are safe and their needs are met.
Capacity to improve
Grade 2 (good)
Leaders know their service well and have a clear plan.
Areas for improvement
Ensure that all children have a care plan that is up to date.
"""


def test_a_judgement_stated_under_its_own_heading_is_found():
    whole = _answerer(LAC)
    subject = ["capacity"]
    assert whole.grades_under_heading("d1", subject, "quillshire 2013 capacity to improve grade")
    # a heading with no grade after it, or words no heading holds: the table's answer stands
    assert not whole.grades_under_heading("d1", ["area"], "quillshire areas for improvement")
    assert not whole.grades_under_heading("d1", ["official"], "quillshire official grade")
    # the question must hold most of the heading's words, not one word of a long one
    assert not whole.grades_under_heading("d1", ["young"], "quillshire young people grade")


ILACS_COVER = """Inspection of Quillshire local authority children's services
Judgement Grade
The experiences and progress of children in care Outstanding
Overall effectiveness Good
Children in care in Quillshire are listened to. The Voice of Quillshire, the children in \
care council, meets monthly with the director.
"""


def test_a_judgement_row_introduces_nothing():
    drafted = _answerer(ILACS_COVER).first_mention("d1", ["children", "care"])
    assert drafted is not None
    assert "Outstanding" not in drafted.text and "listened to" in drafted.text
    # asked about the grades themselves, the scale's rows are what defines them
    scale = "The inspection judgements\nOutstanding (Grade 1) A service that exceeds requirements\n"
    graded = _answerer(scale + ILACS_COVER).first_mention("d1", ["grade", "1"])
    assert graded is not None and "Outstanding (Grade 1)" in graded.text


def test_a_name_asked_is_found_where_the_report_writes_it_so():
    text = ILACS_COVER + (
        "Safety plans are reviewed in meetings with families.\n"
        "Multi-agency My Safety Meetings, chaired by conference chairs, oversee reviews.\n"
    )
    words = ["safety", "meeting"]
    assert "Safety plans" in _answerer(text).first_mention("d1", words).text
    named = _answerer(text).first_mention("d1", words, "my safety meetings")
    assert named is not None and "My Safety Meetings, chaired" in named.text
    # a name no sentence writes: the words wherever they are
    assert "Safety plans" in _answerer(text).first_mention("d1", words, "safety huddles").text


def test_the_previous_inspection_asked_in_other_words():
    text = (
        COVER + "Since the last inspection in 2019, when services were judged good, leaders have "
    )
    text += "strengthened practice.\n"
    for question in (
        "ealing previous ofsted inspection year + grade",
        "quillshire previous rating",
    ):
        drafted = _answerer(text).front_matter("d1", question)
        assert drafted is not None and "last inspection in 2019" in drafted.text


def test_a_grade_question_with_no_subject_reads_no_report():
    read: list[str] = []
    doc = ParsedDocument("d1", "report.txt", "txt", LAC, blocks=segment(CleanedText(LAC), "txt"))
    whole = WholeReportAnswerer(lambda doc_id: read.append(doc_id) or doc)
    assert not whole.grades_under_heading("d1", [], "quillshire ofsted grade")
    assert read == []  # "kent grade": the table answers, nothing is parsed on the way
    assert whole.grades_under_heading("d1", ["capacity"], "quillshire capacity to improve")
    assert read == ["d1"]


EARLIER = COVER + (
    "Since the last inspection in 2022, when services were found to be inadequate, leaders "
    "have acted decisively.\n"
)


def test_a_year_not_held_is_answered_by_the_later_reports_account_of_it():
    drafted = _answerer(EARLIER).earlier_inspection("d1", [2022])
    assert drafted is not None
    assert "last inspection in 2022, when services were found to be inadequate" in drafted.text
    assert drafted.citations[0].quote.startswith("Since the last inspection in 2022")
    # an account of another year, or none, answers nothing
    assert _answerer(EARLIER).earlier_inspection("d1", [2019]) is None
    assert _answerer(COVER).earlier_inspection("d1", [2022]) is None


def test_the_previous_inspection_is_read_when_known_to_be_meant_however_worded():
    question = "quillshire last inspection grade (before nov 2025)"
    assert _answerer(EARLIER).front_matter("d1", question) is None  # nothing it knows asked
    drafted = _answerer(EARLIER).front_matter("d1", question, previous=True)
    assert drafted is not None and "last inspection in 2022" in drafted.text


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("who was in charge of the quillshire 2025 inspection", True),
        ("quillshire ILACS - who", True),
        ("Who is Quillshire's director of children's services, per the inspection?", False),
        ("quillshire DCS at the time of the inspection - who", False),
    ],
)
def test_who_of_the_inspection_is_its_inspector_not_another_role(question, answered):
    drafted = _answerer(COVER).front_matter("d1", question)
    assert (drafted is not None) is answered
    if answered:
        assert "Ann Example" in drafted.text


def _section(grade: str) -> str:
    paragraphs = [
        "Children in care in Quillshire are visited regularly by social workers who know them "
        "well and who speak about them with warmth.",
        "Most children live in stable homes that meet their needs and support their hobbies, "
        "their identity and their relationships.",
        "Children enjoy a wide range of activities and are helped to keep in touch with their "
        "brothers, sisters and wider family.",
        "However, decisions about permanence are not timely, and too many children wait too "
        "long for a permanent home with their carers.",
        "Independent reviewing officers are well regarded by children and their carers, and "
        "they visit children between reviews.",
        "Assessments of kinship carers are inconsistent in quality, and some children "
        "experience delay in moving to live with their relatives.",
    ]
    heading = f"The experiences and progress of children in care: {grade}"
    return COVER + heading + "\n" + "\n".join(paragraphs) + "\n"


def test_the_reasons_for_a_grade_below_good_are_its_sections_shortfalls():
    drafted = _answerer(_section("requires improvement to be good")).reasons("d1", ["in care"])
    assert drafted is not None
    quoted = [c.quote for c in drafted.citations]
    assert quoted[0].startswith("Children in care in Quillshire are visited")  # its summary
    assert quoted[1].startswith("However, decisions about permanence are not timely")
    assert quoted[2].startswith("Assessments of kinship carers are inconsistent")
    # at good, the opening paragraphs give the reasons
    good = _answerer(_section("good")).reasons("d1", ["in care"])
    assert good is not None
    assert [c.quote[:20] for c in good.citations] == [
        "Children in care in ",
        "Most children live i",
        "Children enjoy a wid",
    ]


@pytest.mark.parametrize(
    "question",
    [
        "why were quillshire's children in care good rather than outstanding",
        "why was care only good in quillshire",
        "why wasn't quillshire cic outstanding",
    ],
)
def test_asked_why_a_grade_was_no_higher_the_reasons_are_what_fell_short(question):
    drafted = _answerer(_section("good")).reasons("d1", ["in care"], question)
    assert drafted is not None
    quoted = [c.quote[:20] for c in drafted.citations]
    assert quoted == ["Children in care in ", "However, decisions a", "Assessments of kinsh"]
    # asked plainly why it was good, the opening paragraphs
    plain = _answerer(_section("good")).reasons("d1", ["in care"], "why was cic good")
    assert plain is not None and plain.citations[1].quote.startswith("Most children live")


# Page one's table row names the judgement as its section heading does; the table's last
# row is followed by the report's summary, not by the section.
TABLE_THEN_SECTION = (
    COVER
    + "The experiences and progress of children in care Requires improvement to be good\n"
    + "Children in Quillshire have benefited from strong leadership since the last inspection, "
    "and most services have improved.\n"
    + "Leaders know their services well and have a clear plan for what remains to be done.\n"
    + "The experiences and progress of children in care: requires improvement to be good\n"
    + "Too many children in care wait too long for decisions about where they will live.\n"
)


def test_the_reasons_come_from_the_section_not_page_ones_table_row():
    drafted = _answerer(TABLE_THEN_SECTION).reasons("d1", ["in care"])
    assert drafted is not None
    assert drafted.citations[0].quote.startswith("Too many children in care wait")
    assert all("strong leadership" not in c.quote for c in drafted.citations)


SUMMARY = (
    COVER
    + "Headline findings\n"
    + "Children in Quillshire receive good help. Leaders are ambitious for them. Social "
    "workers stay, because caseloads are manageable. Investment in early help has reduced "
    "the number of children who need a child protection plan.\n"
)


def test_a_why_overall_answer_quotes_more_of_each_summary_point_than_a_summary_does():
    answerer = _answerer(SUMMARY)
    facts = answerer.facts("d1")
    assert facts is not None and facts.summary, "the summary is read"
    brief = answerer.summary("d1", judgements=False)
    reasons = answerer.summary("d1", judgements=False, sentences=4)
    assert brief is not None and reasons is not None
    assert "caseloads" not in brief.text
    assert "caseloads are manageable" in reasons.text and "Investment in early help" in reasons.text
    assert reasons.citations[0].quote in SUMMARY  # still an exact quote


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("quillshire last ofsted date", "2 to 6 June 2025"),
        ("date of quillshire's ofsted", "2 to 6 June 2025"),
        ("how long did the quillshire inspection last", "2 to 6 June 2025"),
        ("name of the inspector for quillshire", "Ann Example"),
        ("quillshire - who wrote the report", "Ann Example"),  # an inspection's: its inspector
    ],
)
def test_the_front_matter_in_the_words_staff_use(question, expected):
    drafted = _answerer(COVER).front_matter("d1", question)
    assert drafted is not None and expected in drafted.text


def test_a_focused_visit_date_is_not_this_inspections_dates():
    assert _answerer(COVER).front_matter("d1", "quillshire focused visit date") is None


@pytest.mark.parametrize(
    "question",
    ["what date was quillshire's previous report published", "quillshire previous ILACS grade"],
)
def test_the_previous_report_is_asked_of_as_the_previous_inspection(question):
    from assistant.answering.whole import front_matter_asked

    assert "previous" in front_matter_asked(question)


def test_the_list_to_improve_is_found_under_a_heading_with_a_footnotes_number():
    # the 2026 reports: "What needs to improve?1", the footnote on the national framework
    text = COVER + (
        "Children in Quillshire benefit from effective services.\n"
        "What needs to improve?1\n"
        "◼ The effectiveness of permanence planning, particularly early permanence.\n"
        "1 The areas for improvement have been cross-referenced with the outcomes.\n"
    )
    drafted = _answerer(text).improve("d1")
    assert drafted is not None and not drafted.refused
    assert "What needs to improve:" in drafted.text  # the footnote's number is not shown
    assert [c.quote[:31] for c in drafted.citations] == ["The effectiveness of permanence"]


# A small authority's report that left areas unjudged: "Not Judged" after the area, on its
# own line in the list of judgements, on the same line for another area.
UNJUDGED = """Children's services in the Isles are good
1. Children who need help and protection Good
2. Children looked after and achieving permanence

Not Judged
2.1 Adoption performance Not Judged
2.2 Experiences and progress of care leavers Not Judged
The experiences and progress of children looked after and achieving permanence

Not Judged
Summary
The council does not have any children looked after, care leavers, or children who are \
adopted. Consequently, this area has not been judged. Policies are in place should it need them.
"""


@pytest.mark.parametrize(
    ("areas", "said", "reason"),
    [
        ({"looked_after_and_permanence"}, "Children looked after and achieving permanence", True),
        ({"adoption"}, "Adoption performance", False),
        ({"care_leavers"}, "Experiences and progress of care leavers", False),
    ],
)
def test_an_area_the_report_did_not_judge_is_said_so_with_its_reason(areas, said, reason):
    drafted = _answerer(UNJUDGED).not_judged("d1", areas)
    assert drafted is not None and not drafted.refused
    assert f"{said}: Not judged" in drafted.text
    first = drafted.citations[0].quote
    assert first.startswith(said) and first.endswith("Not Judged")
    assert UNJUDGED.count(first) >= 1  # an exact quote of the text
    # the section's own heading says why, two sentences
    assert ("does not have any children looked after" in drafted.text) is reason


def test_an_area_judged_or_not_named_is_not_said_unjudged():
    assert _answerer(UNJUDGED).not_judged("d1", {"help_and_protection"}) is None
    assert _answerer(SIF).not_judged("d1", {"looked_after_and_permanence"}) is None
    assert _answerer(UNJUDGED).not_judged("d1", set()) is None


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Was the same inspector in charge of Harrow's 2020 and Sutton's 2021 inspections?", True),
        ("same lead inspector for bolton and cumberland?", True),
        ("who did leicester's ofsted in 2017", True),
        # who did better at it asks for no inspector
        ("ealing n westminster - who did better at ofsted 2024?", False),
        ("kent v surrey who did worse in the inspection", False),
    ],
)
def test_who_led_an_inspection_is_asked_of_its_front_matter(question, lead):
    from assistant.answering.whole import front_matter_asked

    assert ("lead" in front_matter_asked(question)) is lead

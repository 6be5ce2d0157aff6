"""The scope rule's choice among one authority's documents (no store needed)."""

from __future__ import annotations

import pytest

from assistant.query import Glossary, QueryAnalyzer
from assistant.scope import Held, Holdings, _pick, decide_scope
from assistant.understanding import QuestionReader
from core.dates import year_in_file_name
from ingest.authorities import AuthorityIndex

DOCS = [
    Held("ilacs", "Inspection of Westminster", ("Westminster",), "inspection report", "2024-11-15"),
    Held("apa", "2006 Annual performance assessment", ("Westminster",), "apa letter", "2006-11-01"),
]


@pytest.fixture(scope="module")
def reader() -> QuestionReader:
    index = AuthorityIndex.load()
    return QuestionReader(QueryAnalyzer(Glossary.load(), index), index)


@pytest.mark.parametrize(
    "question, chosen",
    [
        ("what did the westminster APA letter want improved", ["apa"]),
        ("westminster annual performance assessment - what needs to improve", ["apa"]),
        ("what needs to improve in westminster", ["ilacs", "apa"]),
        ("latest westminster inspection - what needs to improve", ["ilacs"]),
    ],
)
def test_a_kind_of_document_named_in_the_question_is_the_one_meant(reader, question, chosen):
    und = reader.read(question)
    docs, why, _ = _pick(DOCS, und, "Westminster")
    assert why is None
    assert [d.doc_id for d in docs] == chosen


KENT = [
    Held(
        "k22",
        "Inspection of Kent",
        ("Kent",),
        "inspection report",
        "2022-05-20",
        None,
        None,
        "ILACS standard",
    ),
    Held(
        "k17",
        "Inspection of Kent",
        ("Kent",),
        "inspection report",
        "2017-03-02",
        None,
        None,
        "single inspection framework",
    ),
    Held("kp", "Kent board paper", ("Kent",), "board paper", "2017-06-01"),
]


@pytest.mark.parametrize(
    "question, chosen",
    [
        ("kent SIF recommendations", ["k17"]),
        ("what did the single inspection framework report say about kent care leavers", ["k17"]),
        ("kent ILACS care leavers", ["k22"]),
        ("kent care leavers", ["k22", "k17", "kp"]),  # no framework named: all of them
        ("the kent board paper on the SIF recs", ["kp"]),  # a kind named rules
    ],
)
def test_a_framework_named_in_the_question_keeps_to_its_inspections(reader, question, chosen):
    docs, why, _ = _pick(KENT, reader.read(question), "Kent")
    assert why is None
    assert [d.doc_id for d in docs] == chosen


@pytest.mark.parametrize(
    "question, said, chosen",
    [
        (
            "kent 2022 SIF grades",
            "Kent's inspection of 2022, not under the single inspection",
            ["k22"],
        ),
        (
            "kent LAC inspection findings",
            "none of them a looked after children inspection",
            ["k22", "k17", "kp"],
        ),
        (
            "kent's latest LAC inspection",
            "none of them a looked after children inspection",
            ["k22"],
        ),
    ],
)
def test_a_framework_not_held_is_answered_from_what_is_held_saying_so(
    reader, question, said, chosen
):
    # staff call an inspection "the ILACS" loosely: nothing is refused for it
    docs, why, _ = _pick(KENT, reader.read(question), "Kent")
    assert [d.doc_id for d in docs] == chosen
    assert why is not None and said in why


def test_holdings_read_each_reports_framework():
    from core.documents import DocumentMeta
    from vectorstore.records import DocumentRecord

    kent = DocumentMeta(title="Inspection of Kent", authorities=("Kent",), kind="inspection report")
    records = [
        DocumentRecord("a", "a.pdf", "pdf", kent, 3, 9, "2026-01-01"),
        DocumentRecord("b", "b.txt", "text", DocumentMeta(), 1, 0, "2026-01-01"),
    ]
    holdings = Holdings(lambda: records, None, lambda: {"a": "ILACS short"})
    assert {h.doc_id: h.framework for h in holdings.all()} == {"a": "ILACS short", "b": None}


def test_two_authorities_with_their_own_years_each_keep_their_own_report(reader):
    kent = [
        Held("k25", "Inspection of Kent", ("Kent",), "inspection report", "2025-11-07"),
        Held("k22", "Inspection of Kent", ("Kent",), "inspection report", "2022-05-20"),
    ]
    surrey = [Held("s25", "Inspection of Surrey", ("Surrey",), "inspection report", "2025-03-28")]
    und = reader.read("kent 2022 vs surrey 2025 overall")
    assert [d.doc_id for d in _pick(kent, und, "Kent")[0]] == ["k22"]
    assert [d.doc_id for d in _pick(surrey, und, "Surrey")[0]] == ["s25"]


@pytest.mark.parametrize(
    "source, year",
    [
        ("ilacs2/1_leicester/children's services inspection - 29 january 2025.pdf", 2025),
        ("reports\\kent_march_2019.pdf", 2019),
        ("corpus/westminster-2006-apa-letter.txt", None),  # a year alone is no date
        ("summary 2019.pdf", None),
    ],
)
def test_the_year_of_a_date_in_a_file_name(source, year):
    assert year_in_file_name(source) == year


def test_a_report_is_also_called_by_the_date_in_its_file_name(reader):
    # inspected in September 2024, saved as listed in January 2025: "the 2025 report"
    leicester = [
        Held(
            "l24",
            "Inspection of Leicester",
            ("Leicester",),
            "inspection report",
            "2024-09-27",
            "2024",
            named_year=2025,
        ),
        Held("l21", "Inspection of Leicester", ("Leicester",), "inspection report", "2021-10-01"),
    ]
    for question in ("In Leicester's 2025 report, what's an LCA?", "leicester 2024 care leavers"):
        docs, why, _ = _pick(leicester, reader.read(question), "Leicester")
        assert why is None and [d.doc_id for d in docs] == ["l24"]
    docs, why, _ = _pick(leicester, reader.read("leicester 2019 care leavers"), "Leicester")
    assert not docs and "2019" in why


class _Holdings:
    """Holdings over hand-made documents."""

    def __init__(self, docs):
        self.docs = docs

    def all(self):
        return list(self.docs)

    def about(self, name):
        return [d for d in self.docs if name in d.authorities]

    def authorities(self):
        return {a for d in self.docs for a in d.authorities}


def test_a_year_not_held_is_in_scope_through_the_reports_that_state_it(reader):
    newham = [Held("n25", "Inspection of Newham", ("Newham",), "inspection report", "2025-11-14")]
    und = reader.read("what did newham get in 2022")
    stating = decide_scope(und, _Holdings(newham), year_mentions=lambda ids, years: list(ids))
    assert stating.refusal is None and stating.doc_ids == ("n25",)
    assert stating.years_mentioned == ("Newham",)
    assert stating.note == "The library holds Newham's inspection of 2025, not one from 2022."
    silent = decide_scope(und, _Holdings(newham), year_mentions=lambda ids, years: [])
    assert silent.refusal == stating.note and not silent.years_mentioned


def test_a_figure_of_a_year_not_held_is_in_scope_through_the_reports_that_state_it(reader):
    # "In 2010-11 it was 6.5%": a later report gives the figures of earlier years
    newham = [Held("n25", "Inspection of Newham", ("Newham",), "inspection report", "2025-11-14")]
    und = reader.read("how many newham care leavers were in university in 2022")
    assert und.intent == "number"
    stating = decide_scope(und, _Holdings(newham), year_mentions=lambda ids, years: list(ids))
    assert stating.refusal is None and stating.years_mentioned == ("Newham",)
    assert stating.note == "The library holds Newham's inspection of 2025, not one from 2022."
    silent = decide_scope(und, _Holdings(newham), year_mentions=lambda ids, years: [])
    assert silent.refusal == stating.note and not silent.years_mentioned


def test_a_later_reports_mention_of_a_year_answers_its_grade_not_its_findings(reader):
    newham = [Held("n25", "Inspection of Newham", ("Newham",), "inspection report", "2025-11-14")]
    und = reader.read("what did inspectors find about newham care leavers in 2022")
    assert und.intent not in ("grade", "who_when")
    scope = decide_scope(und, _Holdings(newham), year_mentions=lambda ids, years: list(ids))
    assert scope.refusal and not scope.years_mentioned


_TWO = [
    Held("h20", "Inspection of Harrow", ("Harrow",), "inspection report", "2020-02-14"),
    Held("k22", "Inspection of Kent", ("Kent",), "inspection report", "2022-05-20"),
]


@pytest.mark.parametrize(
    "question",
    [
        "How do Harrow's and Enfield's Ofsted grades compare?",
        "harrow vs enfield ofsted",
        "harrow and enfield childrens services - who got the better rating",
        "harrow n enfield childrens services - who's rated higher",
    ],
)
def test_a_comparison_with_an_authority_not_held_is_refused(reader, question):
    scope = decide_scope(reader.read(question), _Holdings(_TWO))
    assert scope.refusal is not None and scope.missing == ("Enfield",)
    assert scope.refusal.startswith("The library has no report on Enfield.")
    assert "nothing to compare Harrow with" in scope.refusal


@pytest.mark.parametrize(
    "question",
    [
        "harrow vs enfield vs kent care leavers",  # two held: those two are compared
        "Are Harrow's talks with Enfield about a joint out of hours service finished?",
    ],
)
def test_a_second_authority_not_held_refuses_no_question_that_can_be_answered(reader, question):
    scope = decide_scope(reader.read(question), _Holdings(_TWO))
    assert scope.refusal is None and scope.missing == ("Enfield",)
    assert scope.note == "The library has no report on Enfield."


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("what did ofsted tell camden to improve", False),
        ("camden ofsted summary", False),
        ("camden virtual school", True),  # what the national report says of it
    ],
)
def test_a_councils_own_report_is_not_read_from_a_national_report_naming_it(
    reader, question, answered
):
    national = [Held("nat", "Outstanding services 2009", (), "national survey", "2010-08-01")]
    scope = decide_scope(reader.read(question), _Holdings(national), mentions=lambda name: ["nat"])
    assert (scope.refusal is None) is answered
    if not answered:
        assert scope.refusal.startswith("The library has no report on Camden.")
        assert scope.missing == ("Camden",)


_NORFOLK_AND_A_NATIONAL_REPORT = [
    Held("n22", "Inspection of Norfolk", ("Norfolk",), "inspection report", "2022-11-04"),
    Held("gap", "Narrowing the gap", (), "national survey", "2007-06-01"),
    Held("nat10", "Outstanding services 2009", (), "national survey", "2010-08-01"),
]


@pytest.mark.parametrize(
    "question",
    [
        "what did the 2007 narrowing the gap report say about norfolk",
        "norfolk narrowing the gap 2007 young peoples views",
        "How did Norfolk make sure young people's views were heard in 2007?",
    ],
)
def test_a_year_not_held_is_answered_from_that_years_national_report_naming_the_authority(
    reader, question
):
    und = reader.read(question)
    scope = decide_scope(
        und, _Holdings(_NORFOLK_AND_A_NATIONAL_REPORT), mentions=lambda name: ["gap", "nat10"]
    )
    # only the national report of the year asked, never the council's report of another year
    assert scope.refusal is None and scope.doc_ids == ("gap",)
    assert scope.mentions_only == ("Norfolk",)
    assert scope.note == (
        "The library holds Norfolk's inspection of 2022, not one from 2007. This comes from "
        "documents of 2007 that mention Norfolk."
    )


@pytest.mark.parametrize(
    ("question", "mentions"),
    [
        ("what did norfolk need to improve in 2007", ["gap"]),  # only its own report says
        ("norfolk 2007 summary", ["gap"]),
        ("norfolk young peoples views 2007", []),  # no national report of 2007 names it
        ("norfolk young peoples views 2005", ["gap"]),  # none of that year at all
    ],
)
def test_a_year_not_held_stays_refused_without_a_national_report_of_it_that_can_answer(
    reader, question, mentions
):
    scope = decide_scope(
        reader.read(question),
        _Holdings(_NORFOLK_AND_A_NATIONAL_REPORT),
        mentions=lambda name: mentions,
    )
    assert scope.refusal is not None and scope.refusal.startswith(
        "The library holds Norfolk's inspection of 2022, not one from 200"
    )
    assert "This comes from" not in scope.refusal


_NOTTINGHAM = [
    Held("nc22", "Inspection of Nottingham", ("Nottingham",), "inspection report", "2022-07-01"),
    Held("k22", "Inspection of Kent", ("Kent",), "inspection report", "2022-05-20"),
]


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # "notts" is Nottinghamshire: the refusal stands, and names the council held alike
        ("notts mash delays", "Nottinghamshire (it holds reports on Nottingham)."),
        ("nottinghamshire care leavers", "Nottinghamshire (it holds reports on Nottingham)."),
        ("leics grade", "Leicestershire."),  # nothing held alike: nothing more said
        ("north yorkshire grade", "North Yorkshire."),  # a shared word is not a name alike
    ],
)
def test_a_refusal_for_an_authority_not_held_names_a_held_one_named_alike(reader, question, said):
    scope = decide_scope(reader.read(question), _Holdings(_NOTTINGHAM))
    assert scope.refusal is not None
    assert scope.refusal.startswith(f"The library has no report on {said}")

"""The intent router's own decisions, on hand-made passages (no store, no model)."""

from __future__ import annotations

import pytest

from assistant.answering.extractive import Drafted
from assistant.answering.judgements import TableAnswer
from assistant.answering.router import (
    WHICH_AUTHORITY,
    WHICH_AUTHORITY_FACT,
    WHICH_AUTHORITY_GRADE,
    IntentRouter,
)
from assistant.query import Glossary, QueryAnalyzer
from assistant.scope import Scope
from assistant.understanding import QuestionReader
from ingest.authorities import AuthorityIndex
from tests.fakes import stored_chunk
from vectorstore.store import Filters, StoredChunk


class _Table:
    """The judgements table: one line naming the authorities asked for."""

    def answer(self, question, authorities, years, neighbours=(), doc_ids=(), *, force=False):
        return TableAnswer(Drafted(f"grades of {', '.join(authorities)}", (), False), ())


def _chunk(doc: str, authority: str, n: int) -> StoredChunk:
    text = f"{authority} passage {n}: The experiences and progress of care leavers: good"
    return stored_chunk(text, doc, n, title=f"Inspection of {authority}", authorities=(authority,))


@pytest.fixture(scope="module")
def reader() -> QuestionReader:
    index = AuthorityIndex.load()
    return QuestionReader(QueryAnalyzer(Glossary.load(), index), index)


def _route(reader, question, chunks):
    router = IntentRouter(None, _Table(), passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read(question)
    assert und.intent == "grade" and not und.authorities  # the name was not made out
    return router.route(und, Scope(), chunks, Filters())


MOSTLY_READING = [_chunk("r", "Reading", n) for n in range(3)] + [
    _chunk("b", "Bromley", n) for n in range(2)
]


def test_a_grade_of_a_name_not_made_out_is_the_mostly_retrieved_councils_if_named(reader):
    # "reading" inside the question, in lower case, is not read as the place
    routed = _route(reader, "ofsted grade reading boro?", MOSTLY_READING)
    assert routed.source == "judgements table" and routed.drafted.text == "grades of Reading"


@pytest.mark.parametrize(
    "question, chunks",
    [
        ("how were care leavers judged", MOSTLY_READING),  # Reading is not named
        # named, but two of the top five passages are no majority
        ("ofsted grade reading boro?", MOSTLY_READING[1:] + [_chunk("b", "Bromley", 9)]),
    ],
)
def test_otherwise_a_grade_asked_of_no_authority_asks_which(reader, question, chunks):
    routed = _route(reader, question, chunks)
    assert routed.source == "scope" and routed.drafted.refused
    assert routed.drafted.text == WHICH_AUTHORITY_GRADE


def test_a_year_asked_narrows_the_library_but_names_no_council(reader):
    """A year alone scopes the documents; the grade still belongs to a council not named."""
    router = IntentRouter(None, _Table(), passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read("how did ofsted rate care leavers jul 24 - outstanding?")
    assert und.intent == "grade" and not und.authorities
    by_year = Scope(years=(2024,), doc_ids=("r", "b"))
    routed = router.route(und, by_year, MOSTLY_READING, by_year.filters(None), Filters())
    assert routed is not None and routed.drafted.text == WHICH_AUTHORITY_GRADE
    # documents the user chose answer it
    chosen = Filters(doc_ids=("r",))
    assert router.route(und, by_year, MOSTLY_READING, by_year.filters(chosen), chosen) is None


@pytest.mark.parametrize(
    "question",
    ["director of childrens services start date (ofsted 2016)", "how many children in care 2024"],
)
def test_a_council_fact_asked_of_no_council_among_councils_reports_asks_which(reader, question):
    router = IntentRouter(None, _Table(), passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read(question)
    assert und.intent in ("who_when", "number") and not und.authorities
    routed = router.route(und, Scope(), MOSTLY_READING, Filters())
    assert routed is not None and routed.drafted.refused
    assert routed.drafted.text == WHICH_AUTHORITY_FACT
    # a national report's passages answer it as they are
    national = [stored_chunk(f"passage {n}: 80,000 children", f"n{n}", n) for n in range(4)]
    assert router.route(und, Scope(), national, Filters()) is None
    # so does a note about no council that ranks first, however many councils' follow
    note = stored_chunk("The Quorvex hub recruited forty foster carers in 2024.", "q", 0)
    assert router.route(und, Scope(), [note, *MOSTLY_READING], Filters()) is None


def test_a_grade_word_asked_of_documents_about_no_council_is_left_to_the_passages(reader):
    # "what did X give …" reads as a grade question; the passages found are a note
    notes = [
        stored_chunk(f"The scheme gave care leavers a weekly visit {n}.", "q", n) for n in range(4)
    ]
    router = IntentRouter(None, _Table(), passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read("What did the Quillon befriending scheme give care leavers?")
    assert und.intent == "grade" and not und.authorities
    assert router.route(und, Scope(), notes, Filters()) is None


class _Whole:
    """A later report that gives an account of the inspection of 2022 only."""

    def earlier_inspection(self, doc_id, years):
        if 2022 in years:
            text = f"{doc_id}: since the last inspection in 2022, when it was judged good [1]"
            return Drafted(text, (), False)
        if 2018 in years:  # a grade word, but no grade stated of that inspection
            text = (
                f"{doc_id}: since the last inspection in 2018, it has continued to provide "
                "good-quality services [1]"
            )
            return Drafted(text, (), False)
        return None


@pytest.mark.parametrize(
    ("question", "by_authority", "answered"),
    [
        ("what did newham get in 2022", {"Newham": ("n",)}, True),
        ("when was newham inspected in 2022", {"Newham": ("n",)}, True),
        ("what did newham get in 2019", {"Newham": ("n",)}, False),  # no account of 2019
        ("newham 2018 overall grade", {"Newham": ("n",)}, False),  # "good-quality" is no grade
        ("when was newham inspected in 2018", {"Newham": ("n",)}, True),
        ("newham care leavers 2022", {"Newham": ("n",)}, False),  # a finding: not its account
        ("newham vs kent grades 2022", {"Newham": ("n",), "Kent": ("k",)}, False),
        # the account gives the year and the overall judgement: not who led it, nor an
        # area's grade
        ("who led newham's 2022 inspection", {"Newham": ("n",)}, False),
        ("newham care leavers grade 2022", {"Newham": ("n",)}, False),
    ],
)
def test_a_year_not_held_is_the_later_reports_account_of_it(
    reader, question, by_authority, answered
):
    router = IntentRouter(_Whole(), None, passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read(question)
    ids = tuple(d for ids in by_authority.values() for d in ids)
    scope = Scope(
        authorities=tuple(by_authority), years=und.years, doc_ids=ids, by_authority=by_authority
    )
    routed = router.of_a_year_not_held(und, scope)
    assert (routed is not None) is answered
    if answered:
        assert routed.source == "whole report" and str(und.years[0]) in routed.drafted.text


class _FrontMatter:
    """Records the question the front matter is read for."""

    def __init__(self):
        self.asked: list[str] = []

    def front_matter(self, doc_id, question, previous=False, this_one=False):
        self.asked.append(question)
        return Drafted("Lead inspector: Ann Example [1]", (), False)


def test_the_front_matter_is_read_for_the_question_as_corrected():
    index = AuthorityIndex.load()
    words = ["lead", "inspector", "inspection", "harrow", "children"]
    reader = QuestionReader(QueryAnalyzer(Glossary.load(), index, vocabulary=lambda: words), index)
    whole = _FrontMatter()
    router = IntentRouter(whole, None, passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read("who was the lead inspecter for harrow")
    assert und.intent == "who_when"
    scope = Scope(authorities=("Harrow",), doc_ids=("h",), by_authority={"Harrow": ("h",)})
    routed = router.route(und, scope, [_chunk("h", "Harrow", 0)], Filters())
    assert routed is not None and routed.source == "whole report"
    assert "lead inspector" in whole.asked[0].lower()  # "inspecter" is read as corrected


@pytest.mark.parametrize(
    ("question", "front"),
    [
        ("who was the lead inspector for harrow", True),
        # a council's post holder: the front matter names inspectors only
        ("who was the DCS in harrow when inspected", False),
        ("who was harrow's chief executive when ofsted inspected", False),
        # since when a post holder served: the passages, not the inspection's dates
        ("when did harrow's DCS start", False),
        ("harrow director in post since when", False),
        ("when was harrow inspected and who led it", True),
    ],
)
def test_the_front_matter_answers_who_inspected_not_who_held_a_post(reader, question, front):
    whole = _FrontMatter()
    router = IntentRouter(whole, None, passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read(question)
    assert und.intent == "who_when"
    scope = Scope(authorities=("Harrow",), doc_ids=("h",), by_authority={"Harrow": ("h",)})
    routed = router.route(und, scope, [_chunk("h", "Harrow", 0)], Filters())
    assert (routed is not None and routed.source == "whole report") is front


def _harrow(text: str) -> StoredChunk:
    return stored_chunk(
        text,
        "h",
        0,
        title="Inspection of Harrow local authority children's services",
        authorities=("Harrow",),
    )


@pytest.mark.parametrize(
    ("question", "passage", "front"),
    [
        # an event the report dates: the passage that dates it
        ("when was harrow's MASH relaunched?", "The MASH was relaunched in May 2019.", False),
        (
            "when did harrow's leadership team settle, per ofsted",
            "Since 2018 the leadership team has been settled and stable.",
            False,
        ),
        # the same words undated in the passages: the front matter, as before
        ("when was harrow's MASH relaunched?", "The MASH was relaunched and is effective.", True),
        # the inspection's own when, in any words, and the report's title
        ("when did ofsted visit harrow", "Leaders visited schools in 2019.", True),
        ("when did the harrow inspection take place", "A new place opened in 2019.", True),
        (
            "when was harrow's children's services inspection",
            "Children's services were restructured in 2019.",
            True,
        ),
        # asked who as well: the front matter
        (
            "who led harrow's inspection and when was the MASH relaunched",
            "The MASH was relaunched in May 2019.",
            True,
        ),
    ],
)
def test_when_an_event_the_report_dates_happened_is_read_from_its_passages(
    reader, question, passage, front
):
    whole = _FrontMatter()
    router = IntentRouter(whole, None, passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read(question)
    assert und.intent == "who_when"
    scope = Scope(authorities=("Harrow",), doc_ids=("h",), by_authority={"Harrow": ("h",)})
    routed = router.route(und, scope, [_harrow(passage)], Filters())
    assert (routed is not None and routed.source == "whole report") is front


class _NoGradeWhole:
    """A later report whose account of 2022 states the year, not the judgement."""

    def earlier_inspection(self, doc_id, years):
        return Drafted(f"{doc_id}: since the last inspection in 2022, leaders acted [1]", (), False)


def test_an_account_stating_no_grade_answers_no_grade_question(reader):
    router = IntentRouter(_NoGradeWhole(), None, passages=None, search=None)  # type: ignore[arg-type]
    by_authority = {"Newham": ("n",)}
    for question, answered in (
        ("what did newham get in 2022", False),
        ("when was newham inspected in 2022", True),
    ):
        und = reader.read(question)
        scope = Scope(
            authorities=("Newham",), years=und.years, doc_ids=("n",), by_authority=by_authority
        )
        assert (router.of_a_year_not_held(und, scope) is not None) is answered


class _Silent:
    """A report that says nothing of the inspection before it."""

    def front_matter(self, doc_id, question, previous=False, this_one=False):
        return None


class _UngradedAccount:
    """A report whose account of the inspection before it gives its year, not its grade."""

    def front_matter(self, doc_id, question, previous=False, this_one=False):
        line = "- Since the last inspection in 2018, Bolton has provided good-quality services. [1]"
        return Drafted(f"Bolton:\n{line}", (_citation(doc_id),), False)


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("what grade did bolton get at its previous inspection", True),
        ("bolton previous ofsted grade", True),
        # asked when as well: the year answers that part
        ("when was bolton's previous inspection and what grade did it get", False),
    ],
)
def test_a_previous_grade_is_answered_only_by_an_account_stating_one(reader, question, refused):
    from assistant.answering.router import NO_PREVIOUS_GRADE

    router = IntentRouter(_UngradedAccount(), None, passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read(question)
    scope = Scope(authorities=("Bolton",), doc_ids=("b",), by_authority={"Bolton": ("b",)})
    routed = router.route(und, scope, [_chunk("b", "Bolton", 0)], Filters())
    assert routed is not None and routed.drafted.refused is refused
    assert (routed.drafted.text == NO_PREVIOUS_GRADE) is refused


def test_a_previous_grade_the_report_does_not_state_quotes_no_other_grade(reader):
    from assistant.answering.router import NO_PREVIOUS_GRADE

    router = IntentRouter(_Silent(), None, passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read("what was nottingham's grade at the previous inspection")
    assert und.recency == "previous"
    scope = Scope(authorities=("Nottingham",), doc_ids=("n",), by_authority={"Nottingham": ("n",)})
    routed = router.route(und, scope, [_chunk("n", "Nottingham", 0)], Filters())
    assert routed is not None and routed.drafted.refused
    assert routed.drafted.text == NO_PREVIOUS_GRADE and routed.drafted.citations == ()


@pytest.mark.parametrize(
    ("question", "grades"),
    [
        ("westminster and kingston - are both outstanding now?", True),
        ("both bolton n barnsley had ofsted sept 23 - same results?", True),
        ("bolton v barnsley care leavers", True),  # an area judged
        ("derbyshire and harrow - who got the better ofsted", True),  # no subject
        ("which is better, kent or surrey?", True),
        # the words of comparing are no subject
        ("similarities between kent and surrey", True),
        ("kent and surrey side by side", True),
        ("what do kent and surrey have in common", True),
        ("contrast kent with surrey", True),
        ("rank kent and surrey", True),
        ("were either kent or surrey inadequate", True),
        ("camden vs lewisham case studies - 2009 excellent councils report", False),
        ("compare kent and surrey on the front door", False),
    ],
)
def test_a_comparison_compares_grades_when_it_names_nothing_beyond_them(reader, question, grades):
    from assistant.answering.router import _asks_grades

    assert _asks_grades(reader.read(question)) is grades


class _ImproveOnly:
    """A report whose list of what to improve is one line."""

    def improve(self, doc_id):
        return Drafted(f"{doc_id}: what needs to improve [1]", (_citation(doc_id),), False)


class _OneGradeTable:
    """A judgements table that gives each authority one grade line."""

    def answer(self, question, authorities, years, doc_ids=(), force=False):
        from assistant.answering.judgements import TableAnswer

        drafted = Drafted(f"{authorities[0]}: Good [1]", (_citation(doc_ids[0]),), False)
        return TableAnswer(drafted, ())


def _citation(doc_id):
    from assistant.models import Citation

    return Citation(1, doc_id, f"{doc_id}.pdf", "Report", None, None, "quoted", 1.0)


def test_a_comparison_asking_grades_and_weak_spots_gives_both(reader):
    router = IntentRouter(_ImproveOnly(), _OneGradeTable(), passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read("kent vs surrey - which got the better grade, and where are the weak spots?")
    scope = Scope(
        authorities=("Kent", "Surrey"),
        doc_ids=("k", "s"),
        by_authority={"Kent": ("k",), "Surrey": ("s",)},
    )
    routed = router.route(und, scope, [], Filters())
    assert routed is not None and not routed.drafted.refused
    text = routed.drafted.text
    assert text.index("Kent: Good") < text.index("k: what needs to improve")
    assert text.index("Surrey: Good") < text.index("s: what needs to improve")
    assert len(routed.drafted.citations) == 4


class _LeadInspectors:
    """Each report's front matter: its lead inspector."""

    def front_matter(self, doc_id, question, previous=False, this_one=False):
        return Drafted(f"{doc_id}: Lead inspector: Ann Smith [1]", (_citation(doc_id),), False)


@pytest.mark.parametrize(
    ("question", "led"),
    [
        ("who led both kent's and surrey's inspections, and what grade did each get?", True),
        ("same lead HMI for kent + surrey? overall grades", True),
        ("kent vs surrey overall grades", False),
    ],
)
def test_a_comparison_asking_who_led_gives_each_reports_lead_inspector(reader, question, led):
    router = IntentRouter(_LeadInspectors(), _OneGradeTable(), passages=None, search=None)  # type: ignore[arg-type]
    scope = Scope(
        authorities=("Kent", "Surrey"),
        doc_ids=("k", "s"),
        by_authority={"Kent": ("k",), "Surrey": ("s",)},
    )
    routed = router.route(reader.read(question), scope, [], Filters())
    assert routed is not None and not routed.drafted.refused
    text = routed.drafted.text
    assert ("k: Lead inspector" in text and "s: Lead inspector" in text) is led
    if led:
        assert text.index("k: Lead inspector") < text.index("Kent: Good") < text.index("Surrey")
        assert len(routed.drafted.citations) == 4


class _NotJudgedTable:
    """A judgements table whose reports give no judgement of the area asked about."""

    def answer(self, question, authorities, years, doc_ids=(), force=False):
        from assistant.answering.judgements import TableAnswer

        return TableAnswer(Drafted(f"{authorities[0]}: no judgement of that kind", (), True), ())


@pytest.mark.parametrize(
    ("question", "from_passages"),
    [
        ("compare adoption in kent and surrey", True),  # an area named, no grade asked
        ("compare kent and surrey adoption grades", False),  # the grade asked: said not judged
    ],
)
def test_a_compared_area_the_reports_do_not_judge_is_read_from_the_passages(
    reader, question, from_passages
):
    searched = []

    def search(text, filters):
        searched.append(filters.doc_ids)
        return []

    def passages(text, chunks):
        return Drafted("adoption findings [1]", (_citation("p"),), False)

    router = IntentRouter(None, _NotJudgedTable(), passages=passages, search=search)  # type: ignore[arg-type]
    scope = Scope(
        authorities=("Kent", "Surrey"),
        doc_ids=("k", "s"),
        by_authority={"Kent": ("k",), "Surrey": ("s",)},
    )
    routed = router.route(reader.read(question), scope, [], Filters())
    assert routed is not None
    assert ("adoption findings" in routed.drafted.text) is from_passages
    assert searched == ([("k",), ("s",)] if from_passages else [])
    assert routed.source == ("passages" if from_passages else "judgements table")


@pytest.mark.parametrize(
    "chunks",
    [
        MOSTLY_READING,  # one council's report, not named
        # several councils' reports, none most: a list from them would read as one report's
        [
            _chunk(d, a, n)
            for d, a in (("r", "Reading"), ("b", "Bromley"), ("k", "Kent"))
            for n in (1, 2)
        ],
    ],
)
def test_what_to_improve_asked_of_no_council_among_councils_reports_asks_which(reader, chunks):
    router = IntentRouter(None, _Table(), passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read("what needs to improve ofsted latest")
    assert und.intent == "improve" and not und.authorities
    routed = router.route(und, Scope(), chunks, Filters())
    assert routed is not None and routed.drafted.refused and routed.drafted.text == WHICH_AUTHORITY


def test_what_to_improve_asked_of_documents_about_no_council_is_left_to_the_passages(reader):
    national = [
        stored_chunk(f"passage {n}: councils need to improve", f"n{n}", n) for n in range(4)
    ]
    router = IntentRouter(None, _Table(), passages=None, search=None)  # type: ignore[arg-type]
    und = reader.read("what needs to improve ofsted latest")
    assert router.route(und, Scope(), national + MOSTLY_READING[:1], Filters()) is None

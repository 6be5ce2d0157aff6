"""Scope, intent and paraphrases through the real assistant over data/sample.

Each test would fail if the scope rule were ignored (another council's report or
another year's would be quoted), or if the intent were read from one wording only.
"""

from __future__ import annotations

import re

import pytest

from assistant.conversation import Conversation

pytestmark = pytest.mark.e2e


def _authorities_cited(assistant, answer) -> set[str]:
    records = {d.doc_id: d for d in assistant.documents()}
    found: set[str] = set()
    for c in answer.citations:
        found.update(records[c.doc_id].meta.authorities)
    return found


@pytest.mark.parametrize(
    "question, missing",
    [
        ("What did Ofsted say about Rutland's care leavers?", "Rutland"),
        ("how did notts do", "Nottinghamshire"),
        ("lancs front door - what did inspectors find", "Lancashire"),
        ("kent vs rutland ofsted grades", "Rutland"),  # a comparison with nothing to compare
    ],
    ids=["named", "short-form", "short-form-lower", "compared-with"],
)
def test_an_authority_the_library_does_not_hold_is_named_and_nothing_is_quoted(
    sample_assistant, question, missing
):
    answer = sample_assistant.ask(question)
    assert answer.refused and answer.refusal_reason == "out of scope"
    assert f"no report on {missing}" in answer.text
    assert answer.citations == ()
    assert answer.scope["missing"] == [missing]


def test_a_year_not_held_says_what_is_held_instead(sample_assistant):
    answer = sample_assistant.ask("What were Kent's grades in 2019?")
    assert answer.refused and answer.refusal_reason == "out of scope"
    assert "2022" in answer.text and "2019" in answer.text and "Kent" in answer.text
    assert answer.citations == ()


@pytest.mark.parametrize(
    "question, said",
    [
        ("kent SIF grades", "Kent's inspection of 2022, not under the single inspection framework"),
        ("what did norfolks ILACS say about care leavers", "Norfolk's inspection of 2013, not an"),
    ],
)
def test_a_framework_not_held_says_what_is_held_before_answering(sample_assistant, question, said):
    # (the library's Kent report is an ILACS one, its Norfolk one a looked after children
    # inspection: their grades are not the other framework's, and the answer says which
    # inspection it quotes)
    answer = sample_assistant.ask(question)
    assert said in answer.text.splitlines()[0] and said in answer.scope["note"]
    assert not answer.refused and answer.citations


def test_a_framework_named_is_answered_from_its_inspection(sample_assistant):
    records = {d.doc_id: d for d in sample_assistant.documents()}
    answer = sample_assistant.ask("norfolk LAC inspection - how were care leavers doing")
    assert not answer.refused and answer.citations
    assert {records[c.doc_id].meta.inspected[:4] for c in answer.citations} == {"2013"}
    assert not sample_assistant.ask("kent ILACS care leavers").refused


@pytest.mark.parametrize(
    "question",
    [
        # Kent's 2022 report speaks of "the focused visit in 2019", and of no grade then
        "kent ofsted result from 2019 inspection",
        "how was kent rated at the 2019 focused visit",
        "what did kent get in their 19 inspection",  # a two-digit year before "inspection"
    ],
)
def test_a_grade_of_a_year_not_held_needs_a_grade_said_of_it(sample_assistant, question):
    answer = sample_assistant.ask(question)
    assert answer.refused and answer.refusal_reason == "out of scope"
    assert "2019" in answer.text and "Kent" in answer.text
    assert answer.citations == ()


def test_a_year_a_change_is_measured_from_is_no_year_asked_about(sample_assistant):
    # Kent 2022 is held, 2019 is not: "since 2019" asks what the reports after it say
    assert sample_assistant.ask("kent care leavers in 2019").refusal_reason == "out of scope"
    answer = sample_assistant.ask("what has changed for kent care leavers since 2019")
    assert not answer.refused and answer.citations
    assert _authorities_cited(sample_assistant, answer) == {"Kent"}


def test_a_year_not_held_is_answered_from_what_the_reports_say_of_it(sample_assistant):
    # Bromley's 2012 paper states its 2008 rating: said, with what is and is not held
    answer = sample_assistant.ask("how was bromley rated in 2008")
    assert not answer.refused
    assert answer.text.startswith("The library holds Bromley's report of 2012, not one from 2008.")
    assert answer.citations and all("2008" in c.quote for c in answer.citations)
    assert answer.answered_from == "passages"  # not the 2012 report's own grades


@pytest.mark.parametrize(
    "question", ["what was bromley's FSM gap in 2007?", "bromley fsm gap 2007 %"]
)
def test_a_figure_of_a_year_not_held_is_quoted_from_the_passage_that_states_it(
    sample_assistant, question
):
    # Bromley's 2012 paper gives the gap of 2007 ("In 2007 the FSM/Non FSM gap was 33%")
    answer = sample_assistant.ask(question)
    assert not answer.refused and answer.intent == "number"
    assert answer.text.startswith("The library holds Bromley's report of 2012, not one from 2007.")
    assert answer.citations and "2007" in answer.citations[0].quote
    assert "33%" in answer.citations[0].quote


@pytest.mark.parametrize(
    "question",
    ["norfolk looked after children inspection july 13 judgement", "norfolk LAC inspection grade"],
)
def test_the_judgement_of_a_looked_after_children_inspection_is_its_overall_one(
    sample_assistant, question
):
    # "looked after children" names the 2013 inspection, not an area it did not judge
    answer = sample_assistant.ask(question)
    assert not answer.refused and answer.answered_from == "judgements table"
    assert "Overall effectiveness: Inadequate" in answer.text


def test_a_figure_of_a_year_no_report_states_is_refused(sample_assistant):
    answer = sample_assistant.ask("How many children were in care in Kent in 2019?")
    assert answer.refused and answer.refusal_reason == "out of scope"
    assert answer.text == "The library holds Kent's inspection of 2022, not one from 2019."
    assert answer.citations == ()


@pytest.mark.parametrize(
    "question, authority",
    [
        ("What needs to improve in Worcestshire?", "Worcestershire"),
        ("how are care leavers supported in kent", "Kent"),
        ("Norfolk looked after children - what did inspectors say about their health?", "Norfolk"),
        ("what did ofsted say about scilly", "Isles of Scilly"),
    ],
    ids=["misspelt", "lower-case", "topic", "short-form"],
)
def test_a_question_about_one_authority_cites_only_its_documents(
    sample_assistant, question, authority
):
    answer = sample_assistant.ask(question)
    assert not answer.refused, answer.text
    assert answer.citations
    assert _authorities_cited(sample_assistant, answer) == {authority}
    assert answer.scope["authorities"] == [authority]


def _improvement_lines(text: str) -> list[str]:
    """The bullets under "What needs to improve" in the report's text, read independently."""
    m = re.search(r"What needs to improve\??\s*\n(.*?)(?:\n\s*\n|\nThe experiences)", text, re.S)
    assert m, "the report has a What needs to improve list"
    return [line.strip(" -■◼•▪\t") for line in m.group(1).splitlines() if len(line.split()) > 3]


WORDINGS = [
    "What needs to improve in Kent?",
    "kent - what were they told to fix",
    "areas for improvement for Kent County Council pls",
]


def test_improve_lists_every_item_whatever_the_wording(sample_assistant):
    kent = next(d for d in sample_assistant.documents() if d.meta.authorities == ("Kent",))
    items = _improvement_lines(sample_assistant.store.document_text(kent.doc_id))
    answers = [sample_assistant.ask(q) for q in WORDINGS]
    for answer in answers:
        assert answer.intent == "improve"
        assert answer.answered_from == "whole report"
        flat = " ".join(answer.text.split())
        for item in items:
            assert " ".join(item.split())[:60] in flat
    # paraphrase consistency: the same answer, citing the same report
    assert len({a.text for a in answers}) == 1
    assert len({a.citations[0].doc_id for a in answers}) == 1


def test_compare_names_each_authority_with_its_own_report(sample_assistant):
    answer = sample_assistant.ask("compare Kent and Norfolk overall effectiveness")
    assert answer.intent == "compare"
    assert "Kent" in answer.text and "Norfolk" in answer.text
    kent_part, norfolk_part = answer.text.split("**Norfolk**")
    assert "Outstanding" in kent_part and "Inadequate" in norfolk_part
    assert _authorities_cited(sample_assistant, answer) == {"Kent", "Norfolk"}


@pytest.mark.parametrize(
    "question", ["compare kent 2022 with norfolk", "norfolk 2013 vs kent - who did better"]
)
def test_a_year_written_with_one_compared_authority_is_that_ones_only(sample_assistant, question):
    # the library holds Kent's 2022 report and Norfolk's 2013 one: each is compared,
    # not "no Norfolk report of 2022"
    answer = sample_assistant.ask(question)
    assert answer.intent == "compare" and not answer.refused
    assert _authorities_cited(sample_assistant, answer) == {"Kent", "Norfolk"}
    assert "do not cover this" not in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "kent ofsted results 2022",
        "kent 2022 - which areas outstandng",
        "what was kent's outcome in 2022",
    ],
)
def test_a_question_read_as_a_grade_question_is_answered_from_the_judgements(
    sample_assistant, question
):
    # the understanding step's intent decides (a misspelt grade word, "results",
    # "outcome"), not a second grade vocabulary in the table's code
    answer = sample_assistant.ask(question)
    assert answer.intent == "grade"
    assert answer.answered_from == "judgements table" and not answer.refused
    assert "Outstanding" in answer.text
    assert _authorities_cited(sample_assistant, answer) == {"Kent"}


@pytest.mark.parametrize(
    "question",
    [
        "How effective is Kent's work with children who go missing?",
        "how good is kent's virtual school",
    ],
)
def test_how_good_something_the_table_does_not_judge_is_answered_from_the_passages(
    sample_assistant, question
):
    # "how effective" asks for a verdict, but on a subject no judgement covers: the
    # table's grades would not answer it
    answer = sample_assistant.ask(question)
    assert answer.answered_from == "passages" and not answer.refused, answer.text
    assert _authorities_cited(sample_assistant, answer) == {"Kent"}


def test_why_a_grade_that_is_not_the_overall_one_quotes_the_areas_given_it(sample_assistant):
    # Kent 2022: outstanding overall, good for help and protection
    answer = sample_assistant.ask("why was kent judged good in 2022")
    assert answer.intent == "why" and not answer.refused
    sections = {(c.section or "").lower() for c in answer.citations if c.section}
    assert sections and all("help and protection" in s for s in sections), sections


@pytest.mark.parametrize(
    "question",
    [
        "give me the key points of the children's services inspection",
        "what needs to improve in the inspection",
    ],
)
def test_a_summary_of_no_named_authority_asks_which_rather_than_guessing(
    sample_assistant, question
):
    # one council's report would be summarised as if it were the one meant
    answer = sample_assistant.ask(question)
    assert answer.refused and answer.refusal_reason == "no authority named"
    assert not answer.citations


def _improvement_citations(answer) -> list:
    return [
        c
        for c in answer.citations
        if (c.section or "").lower().startswith(("what needs", "areas for"))
    ]


@pytest.mark.parametrize(
    "question",
    ["why was norfolk judged inadequate", "norfolk 2013 - reasons for the inadequate grade?"],
)
def test_why_below_good_gives_the_grade_and_what_the_report_says_to_improve(
    sample_assistant, question
):
    answer = sample_assistant.ask(question)
    assert answer.intent == "why" and not answer.refused
    assert "Inadequate" in answer.text.split("\n")[1]
    assert len(_improvement_citations(answer)) >= 3, answer.text
    assert _authorities_cited(sample_assistant, answer) == {"Norfolk"}


def test_why_a_judgement_area_quotes_its_section_then_what_to_improve(sample_assistant):
    answer = sample_assistant.ask("why was worcestershire's H&P RI")  # H&P: help and protection
    assert answer.intent == "why"
    sections = [(c.section or "").lower() for c in answer.citations]
    assert any("help and protection" in s for s in sections)
    assert _improvement_citations(answer)


def test_why_a_grade_the_report_did_not_give_is_refused_with_the_grade_it_gave(
    sample_assistant,
):
    answer = sample_assistant.ask("why was kent judged inadequate")  # Kent was outstanding
    assert answer.refused and answer.refusal_reason == "no such judgement"
    assert "Outstanding" in answer.text and "no such judgement" in answer.text
    assert answer.citations  # the judgement it gave, cited
    kept = sample_assistant.ask("why wasn't kent judged inadequate")
    assert not kept.refused


def test_why_something_happened_is_not_answered_with_a_judgements_reasons(sample_assistant):
    # no grade, judgement area or judgement's rise or fall named: what the reports say of
    # it, never the judgements table and its sections
    answer = sample_assistant.ask("why did worcestershire's director of children's services leave?")
    assert answer.intent == "finding" and answer.answered_from != "judgements table"
    graded = sample_assistant.ask("why was worcestershire judged requires improvement in 2019?")
    assert graded.intent == "why" and graded.answered_from == "judgements table"


def test_why_outstanding_lists_no_shortfalls(sample_assistant):
    answer = sample_assistant.ask("why was kent outstanding")
    assert answer.intent == "why" and "Outstanding" in answer.text
    assert _improvement_citations(answer) == []


@pytest.mark.parametrize(
    "question",
    [
        "how did kent and norfolk's latest inspections compare?",
        "Compare Kent's 2022 inspection with Norfolk's 2013 one.",
        "kent v norfolk - inspection results",
        "compare kent CC and norfolk county council ILACS",
    ],
)
def test_a_comparison_with_no_topic_compares_the_judgements(sample_assistant, question):
    answer = sample_assistant.ask(question)
    assert answer.intent == "compare" and not answer.refused
    assert answer.answered_from == "judgements table", answer.text
    kent_part, norfolk_part = answer.text.split("**Norfolk**")
    assert "Outstanding" in kent_part and "Inadequate" in norfolk_part


def test_who_led_the_inspection_comes_from_the_front_matter(sample_assistant):
    answer = sample_assistant.ask("who was the lead inspector for kent")
    assert answer.intent == "who_when" and answer.answered_from == "whole report"
    assert "Lead inspector" in answer.citations[0].quote


@pytest.mark.parametrize(
    "question, expected",
    [
        ("devon board paper - author and presenter", ["Geoff Evans", "Anne Whiteley"]),
        ("norfolk 2013 LAC inspection - reporting inspector", ["Gary Lamb"]),
        ("when was bromley's 2011 APA outcome published", ["8 November 2011"]),
        ("when did ofsted publish the outstanding 2009 report", ["August 2010"]),
        # "who" and "when" of the inspection in words no field pattern knows
        ("kent ILACS - when and who", ["Margaret Burke", "9 to 20 May 2022"]),
        ("who was in charge of the kent 2022 inspection", ["Margaret Burke"]),
    ],
    ids=[
        "paper-cover",
        "reporting-inspector",
        "published-by-on",
        "published-label",
        "when-and-who",
        "in-charge",
    ],
)
def test_who_and_when_come_from_the_documents_own_front_matter(
    sample_assistant, question, expected
):
    answer = sample_assistant.ask(question)
    assert answer.intent == "who_when" and answer.answered_from == "whole report", answer.text
    for fact in expected:
        assert any(fact in c.quote for c in answer.citations), answer.text


@pytest.mark.parametrize(
    "question",
    ["worcestershire MASH - what is it", "what's the MASH in worcestershire?"],
)
def test_what_is_x_quotes_where_the_report_first_names_it(sample_assistant, question):
    answer = sample_assistant.ask(question)
    assert answer.intent == "other" and answer.answered_from == "whole report", answer.text
    first = answer.citations[0]
    text = sample_assistant.store.document_text(first.doc_id)
    assert "MASH" in first.quote
    assert text.index(first.quote) <= text.index("MASH")  # the first mention
    assert _authorities_cited(sample_assistant, answer) == {"Worcestershire"}


@pytest.mark.parametrize(
    "question", ["summarise the kent 2022 report", "kent ofsted - main messages"]
)
def test_a_summary_question_retrieves_the_reports_overall_judgement(sample_assistant, question):
    # the intent's section words join the retrieval query, so the evidence shown under
    # the answer is the overall judgement, not whatever shares the question's few words
    answer = sample_assistant.ask(question)
    assert answer.intent == "summary"
    assert any("Overall effectiveness" in r.text for r in answer.retrieved[:5])


def test_a_standalone_question_is_never_rewritten(sample_assistant):
    chat = Conversation(sample_assistant)
    chat.ask("What needs to improve in Kent?")
    question = "What did Ofsted say about Westminster in 2006?"
    assert chat.rewrite(question) == question
    answer = chat.ask(question)
    assert _authorities_cited(sample_assistant, answer) == {"Westminster"}
    # a real follow-up still carries the topic over
    assert "Norfolk" in chat.rewrite("And Norfolk?")


def test_json_contract_is_extended_not_broken(sample_assistant):
    data = sample_assistant.ask("What was Kent's overall effectiveness grade?").to_json()
    for key in (
        "id",
        "question",
        "answer",
        "citations",
        "retrieved",
        "mode",
        "model",
        "prompt",
        "timings_ms",
        "refused",
    ):
        assert key in data
    assert data["intent"] == "grade" and data["answered_from"] == "judgements table"
    assert data["mode"] == "extractive" and data["model"] is None
    assert data["scope"]["authorities"] == ["Kent"]
    assert data["scope"]["recognised"][0]["how"] == "name"


def test_an_authority_only_mentioned_is_answered_only_where_a_passage_about_it_answers(
    sample_assistant,
):
    # no report on Camden: the national reports name it (its virtual school), but say
    # nothing of its LADO; their other lines about Camden are not an answer
    refused = sample_assistant.ask("What did Ofsted find about Camden's LADO arrangements?")
    assert refused.refused and refused.refusal_reason == "out of scope"
    assert "no report on Camden" in refused.text and "say nothing of what is asked" in refused.text
    assert refused.citations == ()
    answered = sample_assistant.ask("camden virtual school")
    assert not answered.refused
    assert "virtual school" in answered.citations[0].quote.lower()
    assert "Camden" in answered.citations[0].quote


def test_a_year_not_held_is_answered_only_from_that_years_national_report_naming_it(
    sample_assistant,
):
    # Norfolk's own reports are of 2013 onwards; Narrowing the gap (2007) has a case
    # study of Norfolk: that, and nothing of Norfolk's own later reports, answers for 2007
    records = {d.doc_id: d for d in sample_assistant.documents()}
    answer = sample_assistant.ask("norfolk narrowing the gap 2007 young peoples views")
    assert not answer.refused and answer.citations
    assert answer.text.startswith("The library holds Norfolk's")
    assert "not one from 2007. This comes from documents of 2007 that mention Norfolk." in (
        answer.text
    )
    assert not any(records[c.doc_id].meta.authorities for c in answer.citations)
    assert any("Norfolk" in c.quote for c in answer.citations)
    # nothing of Norfolk in it on the subject: said, nothing quoted
    none = sample_assistant.ask("norfolk 2007 caseloads")
    assert none.refused and none.citations == ()
    assert "documents of 2007 that mention Norfolk say nothing of what is asked" in none.text
    # what a council was told to improve is only in its own report
    own = sample_assistant.ask("what did norfolk need to improve in 2007")
    assert own.refused and own.citations == () and "not one from 2007" in own.text


@pytest.mark.parametrize(
    "question, figure",
    [
        # the report's title in the question is no subject it must hold
        ("What was Camden's under-18 conception rate in Narrowing the gap?", "41.4"),
        # a case study's passage names the authority only in its section heading
        ("How many children went to York's Schools Out holiday programme in 2006?", "50,000"),
    ],
)
def test_a_mentioned_authoritys_case_study_answers_for_it(sample_assistant, question, figure):
    answer = sample_assistant.ask(question)
    assert not answer.refused
    assert figure in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "When did caseloads start to rise in Kent, according to the 2022 inspection?",
        "when did caseloads begin rising in kent, ofsted 2022",
    ],
)
def test_when_something_the_report_dates_happened_is_its_passage_not_the_inspection_dates(
    sample_assistant, question
):
    # Kent 2022: "Senior leaders report that caseloads began to rise in December 2021."
    answer = sample_assistant.ask(question)
    assert not answer.refused and answer.answered_from == "passages"
    assert "December 2021" in answer.text and "Inspection dates" not in answer.text
    assert _authorities_cited(sample_assistant, answer) == {"Kent"}


def test_when_the_inspection_itself_was_is_still_its_front_matter(sample_assistant):
    answer = sample_assistant.ask("when did ofsted inspect kent in 2022")
    assert answer.answered_from == "whole report"
    assert "9 to 20 May 2022" in answer.text

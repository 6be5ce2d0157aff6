"""One date convention: labelled inspection dates and publication date."""

import pytest

from core.dates import date_range, dates_label, document_dates, full_years, readable_date
from core.documents import DocumentMeta


@pytest.mark.parametrize(
    ("iso", "shown"),
    [
        ("2025-06-20", "20 June 2025"),
        ("2025-06-02", "2 June 2025"),
        ("2025-06", "June 2025"),
        ("2025", "2025"),
        (None, ""),
        ("", ""),
        ("2025-02-30", "2025-02-30"),  # not a date: as it is
        ("summer 2025", "summer 2025"),
    ],
)
def test_readable_date(iso, shown):
    assert readable_date(iso) == shown


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2025-05-12", "2025-05-16", "12–16 May 2025"),
        ("2021-09-27", "2021-10-08", "27 September – 8 October 2021"),
        ("2024-12-30", "2025-01-10", "30 December 2024 – 10 January 2025"),
        ("2025-05-16", "2025-05-16", "16 May 2025"),
        (None, "2025-05-16", "16 May 2025"),
        ("2025-05", "2025-05-16", "16 May 2025"),
    ],
)
def test_date_range(start, end, shown):
    assert date_range(start, end) == shown


@pytest.mark.parametrize(
    ("dates", "label"),
    [
        (
            ("2025-05-12", "2025-05-16", "2025-06-20"),
            "inspected 12–16 May 2025 · published 20 June 2025",
        ),
        (("2025-05-12", "2025-05-16", None), "inspected 12–16 May 2025"),
        ((None, "2025-05-16", None), "inspection ended 16 May 2025"),  # first day not read
        ((None, None, "2006-11"), "published November 2006"),
        ((None, None, None), "undated"),
    ],
    ids=["both", "inspected", "end-only", "published", "none"],
)
def test_dates_label(dates, label):
    assert dates_label(*dates) == label


def test_document_dates_reads_the_metadata():
    meta = DocumentMeta(inspected_from="2022-05-09", inspected="2022-05-20", published="2022-07-05")
    assert document_dates(meta) == "inspected 9–20 May 2022 · published 5 July 2022"


@pytest.mark.parametrize(
    "typed, full",
    [
        ("cornwall EH ofsted july 24", "cornwall EH ofsted july 2024"),
        ("liverpool - ofsted 23", "liverpool - ofsted 2023"),
        ("walsall caseloads sept 23", "walsall caseloads sept 2023"),
        ("kent '22 report", "kent 2022 report"),
        (
            "dorset ofsted autumn 21 - what to work on",
            "dorset ofsted autumn 2021 - what to work on",
        ),
        # a day before a year, an age, a range, a year in full, out of range: left alone
        ("visit on june 16 2024", "visit on june 16 2024"),
        ("homeless 16/17s aged 16", "homeless 16/17s aged 16"),
        ("kent 2022/23 ilacs 2023", "kent 2022/23 ilacs 2023"),
        ("report 3 of may 31", "report 3 of may 31"),
        # after "in" or "since" closing the question or a clause: a year; before a noun, a count
        ("checking referrals properly in 17?", "checking referrals properly in 2017?"),
        ("inadequate since 23 - whats changed", "inadequate since 2023 - whats changed"),
        ("placed in 17 homes", "placed in 17 homes"),
        ("care leavers aged 16 in 17 weeks?", "care leavers aged 16 in 17 weeks?"),
        # before a word naming one inspection or report: a year; a count of them is not
        ("what did kent get in their 19 inspection", "what did kent get in their 2019 inspection"),
        ("kent 22 ofsted grade", "kent 2022 ofsted grade"),
        ("the last 10 inspection reports", "the last 10 inspection reports"),
        ("the 19 inspections since 2010", "the 19 inspections since 2010"),
        ("children aged 16 visit", "children aged 16 visit"),
    ],
)
def test_two_digit_years_as_staff_type_them_are_written_in_full(typed, full):
    assert full_years(typed) == full


@pytest.mark.parametrize(
    ("question", "year"),
    [
        ("harrow grade before 2025", 2025),
        ("what was norfolk's rating prior to nov 2020", 2020),
        ("pre-2019 kent grades", 2019),
        ("kent 2022 grade", None),
        ("what happened before the inspection", None),
    ],
)
def test_the_year_a_question_asks_about_the_time_before(question, year):
    from core.dates import year_before

    assert year_before(question) == year


@pytest.mark.parametrize(
    ("question", "years"),
    [
        # the year a change is measured from is not the time asked about
        ("why has leicester declined since 2021 ofsted", ()),
        ("salford CLs pathway plans - what changed since 2021 FV", ()),
        ("How many DCSs has Cornwall had since the 2019 inspection?", ()),
        ("kent UASC arrivals since January 2015 (2017 report)", (2017,)),
        ("how many more PAs has liverpool got since 2023 - ofsted 2026", (2026,)),
        # "after", "post", "following" a bare year: where a change is measured from too
        ("derbyshire why did services go downhill after 2013", ()),
        ("rbwm what went wrong post-2015", ()),
        # not after an inspection named: what it said is asked
        ("What did Hampshire need to improve after the 2019 inspection?", (2019,)),
        ("what did norfolk improve after 2017 ofsted inspection", (2017,)),
        # children looked after, a director in post: no change measured
        ("how many uasc did kent look after 2017", (2017,)),
        ("glos DCS how long in post 2025", (2025,)),
        # a report named after "since" is the one asked about
        ("liverpool DCS in post since 2014 report", (2014,)),
        ("kent care leavers 2022", (2022,)),
    ],
)
def test_a_year_a_change_is_measured_from_is_not_a_year_asked_about(question, years):
    from assistant.query import extract_years

    assert extract_years(question) == years

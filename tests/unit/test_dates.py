"""One date convention: labelled inspection dates and publication date."""

import pytest

from core.dates import date_range, dates_label, document_dates, readable_date
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

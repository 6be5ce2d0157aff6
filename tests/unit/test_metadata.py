"""Unit tests for ingest.metadata on synthetic texts, the sample corpus and the real PDFs.

The corpus and PDF tests read ``shared/`` beside the repository and are skipped when it is
missing. Every field is asserted exactly: unknown (None) is acceptable where the text
does not say, a wrong value is not.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from core.documents import DocumentMeta
from ingest.authorities import Authority, AuthorityIndex
from ingest.metadata import extract_inspection_dates, extract_metadata

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus"
ILACS = SHARED / "ilacs"


@pytest.fixture(scope="module")
def index() -> AuthorityIndex:
    return AuthorityIndex.load()


# -- synthetic texts ------------------------------------------------------------------

ILACS_TEXT = """Inspection of Kingston upon Thames local authority
children’s services
Inspection dates: 27 September to 8 October 2021
Lead inspector: A Person, His Majesty’s Inspector
Judgement Grade
Overall effectiveness Good
Children in Kingston receive good services. Leaders in Richmond and Kingston work
together through Achieving for Children.
Ofsted
© Crown copyright 2021
"""


def test_ilacs_report(index: AuthorityIndex) -> None:
    meta = extract_metadata(ILACS_TEXT, "pdf", "report.pdf", authorities=index)
    assert meta == DocumentMeta(
        title="Inspection of Kingston upon Thames local authority children’s services",
        publisher="Ofsted",
        published="2021",
        authorities=("Kingston upon Thames",),
        kind="inspection report",
        inspected=extract_inspection_dates(ILACS_TEXT)[1],
        inspected_from=extract_inspection_dates(ILACS_TEXT)[0],
    )


def test_source_name_is_never_evidence(index: AuthorityIndex) -> None:
    misleading = "Kent 2019-01-01 apa letter.pdf"
    assert extract_metadata(ILACS_TEXT, "pdf", misleading, authorities=index) == (
        extract_metadata(ILACS_TEXT, "txt", "x.txt", authorities=index)
    )


def test_inspection_dates_alone_are_not_a_publication_date(index: AuthorityIndex) -> None:
    text = ILACS_TEXT.replace("© Crown copyright 2021\n", "")
    assert extract_metadata(text, "pdf", "r.pdf", authorities=index).published is None


def test_copyright_year_that_contradicts_the_inspection_is_dropped(index: AuthorityIndex) -> None:
    text = ILACS_TEXT.replace("copyright 2021", "copyright 2015")
    assert extract_metadata(text, "pdf", "r.pdf", authorities=index).published is None


def test_report_published_label_wins(index: AuthorityIndex) -> None:
    text = ILACS_TEXT.replace("Lead inspector", "Report published: 3rd December 2021\nLead")
    assert extract_metadata(text, "pdf", "r.pdf", authorities=index).published == "2021-12-03"


def test_school_inspection_is_not_about_an_authority(index: AuthorityIndex) -> None:
    text = (
        "Inspection of Sutton Grammar School\nInspection dates: 5 to 6 March 2024\n"
        "Ofsted\nThe school is in the London Borough of Sutton.\n"
    )
    meta = extract_metadata(text, "pdf", "s.pdf", authorities=index)
    assert meta.kind == "inspection report"
    assert meta.authorities == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inspection dates: 9 to 20 May 2022", ("2022-05-09", "2022-05-20")),
        ("Inspection dates: 17 March to 21 March 2025", ("2025-03-17", "2025-03-21")),
        ("Inspection dates: 27 September to 8 October 2021", ("2021-09-27", "2021-10-08")),
        ("Inspection date: 6 July 2015 – 30 July 2015", ("2015-07-06", "2015-07-30")),
        ("Inspection dates: 8 – 12 July 2013", ("2013-07-08", "2013-07-12")),
        ("Inspection dates: 30 November to 11 December 2015", ("2015-11-30", "2015-12-11")),
        ("Inspection dates: 29 December to 9 January 2016", ("2015-12-29", "2016-01-09")),
        ("Inspection dates: 20 to 9 May 2022", None),  # end before start
        ("Inspection dates: 1 January to 30 June 2022", None),  # not an inspection's length
        ("Inspection dates: 31 to 33 May 2022", None),  # no such day
        ("The inspection took place in May 2022.", None),
    ],
)
def test_inspection_dates(text: str, expected: tuple[str, str] | None) -> None:
    assert extract_inspection_dates(text) == expected


def test_text_without_evidence_is_unknown(index: AuthorityIndex) -> None:
    text = "Minutes of a meeting\nWe discussed the garden and the weather in Kent.\n"
    assert extract_metadata(text, "txt", "m.txt", authorities=index) == DocumentMeta()


def test_national_survey_names_no_subject(index: AuthorityIndex) -> None:
    text = (
        "Learning from good practice in children's services\n"
        "This report looks at practice in Camden, York and Kent.\n"
        "Age group: 0–18\nPublished: March 2011\nReference no: 110001\n"
        "www.ofsted.gov.uk\nCamden did this. York did that. Kent did more.\n"
    )
    assert extract_metadata(text, "pdf", "n.pdf", authorities=index) == DocumentMeta(
        title="Learning from good practice in children's services",
        publisher="Ofsted",
        published="2011-03",
        authorities=(),
        kind="national survey",
    )


def test_committee_report_uses_officer_email_domain(index: AuthorityIndex) -> None:
    text = (
        "Report to Children's Services Scrutiny Committee\n"
        "Date: 12 March 2019\n"
        "Title: Ofsted focused visit: outcome and actions\n"
        "Contact Officer: A Person, E-mail: a.person@camden.gov.uk\n"
        "Ofsted visited Camden in January. Islington and Hackney were visited too. "
        "The London Borough of Camden welcomes the findings.\n"
    )
    assert extract_metadata(text, "docx", "c.docx", authorities=index) == DocumentMeta(
        title="Ofsted focused visit: outcome and actions",
        publisher="London Borough of Camden",
        published="2019-03-12",
        authorities=("Camden",),
        kind="committee report",
    )


def test_board_paper_without_a_clear_owner_has_no_authority(index: AuthorityIndex) -> None:
    text = (
        "Report to Safeguarding Board\nDate of Meeting: 1st June 2010\n"
        "Title of Report: Lessons from elsewhere\n"
        "Camden, York and Leeds were praised; York again, Leeds again.\n"
    )
    meta = extract_metadata(text, "txt", "b.txt", authorities=index)
    assert meta.kind == "board paper"
    assert meta.title == "Lessons from elsewhere"
    assert meta.published == "2010-06-01"
    assert (meta.authorities, meta.publisher) == ((), None)  # York 2, Leeds 2: not clear


@pytest.mark.parametrize(
    "header",
    [
        "Title of Report /Agenda Item | Lessons from elsewhere |",  # a table row, as cleaned
        "Title of Report | | Lessons from elsewhere",
        "Title: **» Lessons from elsewhere**",
        "Title:\t## Lessons from elsewhere ##",
    ],
    ids=["table-row", "empty-cell", "emphasis", "heading"],
)
def test_titles_lose_table_and_markup_characters_at_their_ends(index, header) -> None:
    text = f"Report to Safeguarding Board\nDate of Meeting: 1st June 2010\n{header}\nBody.\n"
    meta = extract_metadata(text, "txt", "b.txt", authorities=index)
    assert meta.kind == "board paper"
    assert meta.title == "Lessons from elsewhere"


def test_apa_letter(index: AuthorityIndex) -> None:
    text = (
        "Ofsted\nMr A Person\nDirector of Children's Services\nLeeds City Council\n"
        "Civic Hall\n\n14 November 2007\n\nDear Mr Person\n\n"
        "2007 ANNUAL PERFORMANCE ASSESSMENT OF SERVICES FOR CHILDREN AND YOUNG PEOPLE IN "
        "LEEDS CITY COUNCIL\n\nThis letter summarises the findings of the 2007 annual "
        "performance assessment.\nHer Majesty's Inspector\n"
    )
    assert extract_metadata(text, "txt", "l.txt", authorities=index) == DocumentMeta(
        title="2007 ANNUAL PERFORMANCE ASSESSMENT OF SERVICES FOR CHILDREN AND YOUNG "
        "PEOPLE IN LEEDS CITY COUNCIL",
        publisher="Ofsted",
        published="2007-11-14",
        authorities=("Leeds",),
        kind="apa letter",
    )


def test_index_is_injected() -> None:
    tiny = AuthorityIndex(
        [Authority(name="Alpha Vale", la_code="1", ons_code="E1", region="North")]
    )
    text = "Inspection of Alpha Vale local authority children’s services\n" + (
        "Inspection dates: 1 to 5 July 2024\nOfsted\nKent is not in this index.\n"
    )
    meta = extract_metadata(text, "pdf", "a.pdf", authorities=tiny)
    assert meta.authorities == ("Alpha Vale",)


# -- the sample corpus ----------------------------------------------------------------

CORPUS_EXPECTED = {
    "bromley-2012-apa-2011-improvement-plan.txt": DocumentMeta(
        title="OFSTED ANNUAL PERFORMANCE ASSESSMENT RATING OF BROMLEY'S CHILDREN AND YOUNG "
        "PEOPLE SERVICES 2011: IMPROVEMENT PLAN",
        publisher="London Borough of Bromley",
        published="2012-02-21",
        authorities=("Bromley",),
        kind="committee report",
    ),
    "devon-ctsb-2010-board-report-outstanding-services.txt": DocumentMeta(
        title="Ofsted Report - Outstanding local authority children's services 2009",
        publisher="Devon Children's Trust",
        published="2010-09-14",
        authorities=("Devon",),
        kind="board paper",
    ),
    "ofsted-2007-narrowing-the-gap.txt": DocumentMeta(
        title="Narrowing the gap: the inspection of children's services",
        publisher="Ofsted",
        published="2007-04",
        authorities=(),
        kind="national survey",
    ),
    "ofsted-2010-outstanding-la-childrens-services-2009.txt": DocumentMeta(
        title="Outstanding local authority children's services 2009",
        publisher="Ofsted",
        published="2010-08",
        authorities=(),
        kind="national survey",
    ),
    "westminster-2006-apa-letter.txt": DocumentMeta(
        title="2006 ANNUAL PERFORMANCE ASSESSMENT OF SERVICES FOR CHILDREN AND YOUNG PEOPLE "
        "IN WESTMINSTER CITY COUNCIL",
        publisher="Ofsted",
        published="2006-11-01",
        authorities=("Westminster",),
        kind="apa letter",
    ),
}


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTED))
def test_corpus_metadata(index: AuthorityIndex, name: str) -> None:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{path} not available")
    text = path.read_text(encoding="utf-8")
    assert extract_metadata(text, "txt", name, authorities=index) == CORPUS_EXPECTED[name]
    assert extract_inspection_dates(text) is None


# -- the real inspection PDFs -----------------------------------------------------------

ILACS_TITLE = "Inspection of {} local authority children’s services"
SOCIAL_CARE = "{} Inspection of children’s social care services"
SIF = (
    "{} Inspection of services for children in need of help and protection, children looked "
    "after and care leavers"
)
SIF_LSCB = SIF + " and Review of the effectiveness of the Local Safeguarding Children Board"
SIF_lscb = SIF + " and Review of the effectiveness of the local safeguarding children board"
LAC = "Inspection of looked after children services {}"
KENT_TITLE = "Inspection of Kent County Council children’s services"

PDF_EXPECTED = [
    # folder, file, title, published
    ("2532283_dorset", "09 may 2025", ILACS_TITLE.format("Dorset"), "2025"),
    ("2532283_dorset", "19 november 2021", ILACS_TITLE.format("Dorset"), "2021"),
    ("80418_norfolk", "13 january 2023", ILACS_TITLE.format("Norfolk"), "2023"),
    ("80418_norfolk", "18 may 2026", ILACS_TITLE.format("Norfolk"), "2026"),
    (
        "80418_norfolk",
        "19 january 2018",
        SIF.format("Norfolk Council").replace("Inspection", "Re-inspection"),
        "2018-01-19",
    ),
    ("80418_norfolk", "20 october 2015", SIF_LSCB.format("Norfolk County Council"), "2015-10-19"),
    ("80418_norfolk", "16 august 2013", LAC.format("Norfolk County Council"), "2013-08-16"),
    (
        "80426_barnsley",
        "08 august 2014",
        SIF_lscb.format("Metropolitan Borough of Barnsley Council"),
        "2014-08-08",
    ),
    ("80426_barnsley", "19 november 2018", SOCIAL_CARE.format("Barnsley"), "2018"),
    ("80426_barnsley", "27 october 2023", ILACS_TITLE.format("Barnsley"), "2023"),
    ("80454_cornwall", "05 november 2019", SOCIAL_CARE.format("Cornwall Council"), "2019"),
    ("80454_cornwall", "22 august 2024", ILACS_TITLE.format("Cornwall"), "2024"),
    ("80454_cornwall", "27 june 2016", SIF_LSCB.format("Cornwall Council"), "2016-06-27"),
    (
        "80455_isles of scilly",
        "19 december 2019",
        SOCIAL_CARE.format("Council of the Isles of Scilly"),
        "2019",
    ),
    ("80455_isles of scilly", "25 august 2023", ILACS_TITLE.format("Isles of Scilly"), "2023"),
    ("80455_isles of scilly", "27 june 2016", SIF_LSCB.format("Isles of Scilly"), "2016-06-27"),
    (
        "80472_hampshire",
        "11 june 2019",
        "Hampshire County Council Inspection of local authority children’s services",
        "2019",
    ),
    ("80472_hampshire", "22 april 2014", SIF_lscb.format("Hampshire County Council"), "2014"),
    ("80472_hampshire", "23 july 2024", ILACS_TITLE.format("Hampshire"), "2024"),
    ("80476_kent", "02 february 2026", KENT_TITLE, "2026"),
    ("80476_kent", "05 july 2022", KENT_TITLE, "2022"),
    ("80476_kent", "13 june 2017", SIF_LSCB.format("Kent County Council"), "2017-06-13"),
    ("80476_kent", "23 august 2013", LAC.format("Kent County Council"), "2013-08-23"),
    (
        "80485_liverpool",
        "02 july 2018",
        "Liverpool City Council Inspection of local authority children's services",
        "2018",
    ),
    ("80485_liverpool", "07 july 2026", ILACS_TITLE.format("Liverpool"), "2026"),
    ("80485_liverpool", "18 july 2014", SIF_lscb.format("Liverpool City Council"), "2014-07-18"),
    ("80485_liverpool", "25 may 2023", ILACS_TITLE.format("Liverpool"), "2023"),
    ("80499_harrow", "04 march 2025", ILACS_TITLE.format("Harrow"), "2025"),
    ("80499_harrow", "16 march 2020", SOCIAL_CARE.format("Harrow"), "2020"),
    ("80499_harrow", "31 march 2017", SIF_LSCB.format("London Borough of Harrow"), "2017-03-31"),
    ("80515_sutton", "01 february 2022", ILACS_TITLE.format("Sutton"), "2022"),
    ("80515_sutton", "13 february 2017", SIF_LSCB.format("London Borough of Sutton"), "2017-02-13"),
    ("80515_sutton", "29 july 2025", ILACS_TITLE.format("London Borough of Sutton"), "2025"),
    ("80525_newcastle upon tyne", "01 february 2022", ILACS_TITLE.format("Newcastle"), "2022"),
    (
        "80525_newcastle upon tyne",
        "07 july 2017",
        SIF_LSCB.format("Newcastle Upon Tyne"),
        "2017-07-07",
    ),
    (
        "80525_newcastle upon tyne",
        "25 june 2025",
        ILACS_TITLE.format("Newcastle upon Tyne"),
        "2025",
    ),
    ("80584_worcestershire", "14 july 2023", ILACS_TITLE.format("Worcestershire"), "2023"),
    (
        "80584_worcestershire",
        "24 january 2017",
        SIF_LSCB.format("Worcestershire County Council"),
        "2017-01-24",
    ),
    ("80584_worcestershire", "29 july 2019", SOCIAL_CARE.format("Worcestershire"), "2019"),
]


def _grades() -> dict[tuple[str, str], dict[str, str]]:
    path = ILACS / "grades.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {(f"{r['urn']}_{r['local_authority']}", r["pdf_filename"]): r for r in rows}


def _uk_date(value: str) -> date | None:
    if not value:
        return None
    day, month, year = (int(p) for p in value.split("/"))
    return date(year + 2000 if year < 100 else year, month, day)


def _pdf_text(path: Path) -> str:
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def test_every_pdf_has_an_expectation() -> None:
    if not ILACS.is_dir():
        pytest.skip("shared/ilacs not available")
    found = {(p.parent.name, p.name) for p in ILACS.glob("*/*.pdf")}
    assert len(found) == len(PDF_EXPECTED) == 39
    for folder, when, _, _ in PDF_EXPECTED:
        assert any(f == folder and n.endswith(f"- {when}.pdf") for f, n in found), when


@pytest.mark.slow
@pytest.mark.parametrize(
    ("folder", "when", "title", "published"),
    PDF_EXPECTED,
    ids=[f"{f.split('_', 1)[1]}-{w}" for f, w, _, _ in PDF_EXPECTED],
)
def test_inspection_pdf_metadata(
    index: AuthorityIndex, folder: str, when: str, title: str, published: str
) -> None:
    paths = sorted((ILACS / folder).glob(f"*- {when}.pdf"))
    if not paths:
        pytest.skip(f"{folder}/{when} not available")
    path = paths[0]
    text = _pdf_text(path)
    authority = index.resolve(folder.split("_", 1)[1])
    assert authority is not None

    meta = extract_metadata(text, "pdf", path.name, authorities=index)
    inspection = extract_inspection_dates(text)
    assert inspection is not None  # every inspection report states its dates

    assert meta == DocumentMeta(
        title=title,
        publisher="Ofsted",
        published=published,
        authorities=(authority.name,),
        kind="inspection report",
        inspected=inspection[1],
        inspected_from=inspection[0],
    )
    row = _grades().get((folder, path.name))
    if row is None:
        return
    served = _uk_date(row["publication_date"])
    assert served is not None
    if len(published) == 4:
        assert int(published) == served.year
    else:  # the report's own date may differ from the web page's by a day
        assert abs((date.fromisoformat(published) - served).days) <= 1
    dates = extract_inspection_dates(text)
    start, end = _uk_date(row["inspection_start_date"]), _uk_date(row["inspection_end_date"])
    if start and end:
        assert dates == (start.isoformat(), end.isoformat())
    else:  # older reports: the scraper did not read them, but the report states them
        assert dates is not None
        assert dates[1] < date.fromisoformat(published[:4] + "-12-31").isoformat()


def test_an_inspection_report_whose_title_page_is_lost_still_gets_its_authority():
    text = (
        "Inspection dates: 13 to 17 June 2022\n\nLead inspector: A Person, His Majesty’s "
        "Inspector\n\nJudgement Grade\n\nOverall effectiveness Outstanding\n\n"
        "Children living in Bracknell Forest get good support. Leaders in Bracknell Forest "
        "know their services well. Partners in Bracknell Forest work together.\n"
    )
    meta = extract_metadata(text, "pdf", "x.pdf")
    assert meta.kind == "inspection report"
    assert meta.authorities == ("Bracknell Forest",)


def test_an_authority_named_like_a_word_is_read_in_the_inspection_title():
    text = (
        "Inspection of Bury local authority children’s services\n\n"
        "Inspection dates: 1 to 5 May 2023\n\nLead inspector: A Person\n\nBury is ...\n"
    )
    assert extract_metadata(text, "pdf", "x.pdf").authorities == ("Bury",)

"""Unit tests for ingest.authorities: reference data, name variants, matching, speed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingest.authorities import Authority, AuthorityIndex

REFERENCE = Path(__file__).resolve().parents[2] / "core" / "reference"


@pytest.fixture(scope="module")
def index() -> AuthorityIndex:
    return AuthorityIndex.load()


def names(index: AuthorityIndex, text: str) -> list[tuple[str, int]]:
    return [(m.name, m.count) for m in index.find(text)]


# -- reference data ---------------------------------------------------------------


def test_reference_data_loads_every_row(index: AuthorityIndex) -> None:
    with (REFERENCE / "local_authorities.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(index.all()) == len(rows) == 156
    kent = index.get("Kent")
    assert kent is not None
    assert (kent.la_code, kent.ons_code, kent.region, kent.ofsted_urn) == (
        "886",
        "E10000016",
        "South East",
        "80476",
    )
    assert kent.domain == "kent.gov.uk"
    assert len(kent.stat_neighbours) == 10


def test_alias_file_names_are_canonical(index: AuthorityIndex) -> None:
    with (REFERENCE / "authority_aliases.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for row in rows:
        assert index.get(row["name"]) is not None, row["name"]
        assert index.resolve(row["alias"]) == index.get(row["name"]), row["alias"]


def test_reference_readme_keeps_attribution() -> None:
    text = (REFERENCE / "README.md").read_text(encoding="utf-8")
    assert "MIT" in text
    assert "Open Government Licence v3.0" in text
    assert "JT-39/ofsted-ilacs-scrape-tool" in text


def test_known_as_cell_keeps_a_comma_name_whole(index: AuthorityIndex) -> None:
    bcp = index.get("Bournemouth, Christchurch and Poole")
    assert bcp is not None
    assert "Bournemouth, Christchurch & Poole" in bcp.aliases
    assert "Bournemouth" not in bcp.aliases
    assert "Christchurch & Poole" not in bcp.aliases


# -- resolve / codes / neighbours ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kent", "Kent"),
        ("kent county council", "Kent"),
        ("London Borough of Sutton", "Sutton"),
        ("Kingston", "Kingston upon Thames"),
        ("Royal Borough of Kingston", "Kingston upon Thames"),
        ("RBKC", "Kensington and Chelsea"),
        ("BCP", "Bournemouth, Christchurch and Poole"),
        ("Hull", "Kingston Upon Hull, City of"),
        ("Kingston upon Hull", "Kingston Upon Hull, City of"),
        ("Windsor & Maidenhead", "Windsor and Maidenhead"),
        ("RBWM", "Windsor and Maidenhead"),
        ("Bristol", "Bristol, City of"),
        ("City of Bristol", "Bristol, City of"),
        ("Southend", "Southend-on-Sea"),
        ("St Helens", "St. Helens"),
        ("County Durham", "Durham"),
        ("Newcastle", "Newcastle upon Tyne"),
        ("NEWCASTLE UPON TYNE", "Newcastle upon Tyne"),
        ("Stoke on Trent", "Stoke-on-Trent"),
        ("Bedford", "Bedford Borough"),
        ("Reading", "Reading"),
        ("isles of scilly", "Isles of Scilly"),
    ],
)
def test_resolve_accepts_variants(index: AuthorityIndex, name: str, expected: str) -> None:
    authority = index.resolve(name)
    assert authority is not None
    assert authority.name == expected


@pytest.mark.parametrize("name", ["", "Narnia", "London", "Yorkshire", "Council"])
def test_resolve_unknown_is_none(index: AuthorityIndex, name: str) -> None:
    assert index.resolve(name) is None


def test_by_code_accepts_old_and_ons_codes(index: AuthorityIndex) -> None:
    assert index.by_code("886") == index.get("Kent")
    assert index.by_code(886) == index.get("Kent")
    assert index.by_code("e10000016") == index.get("Kent")
    assert index.by_code("999") is None


def test_by_domain_refuses_shared_domains(index: AuthorityIndex) -> None:
    assert index.by_domain("bromley.gov.uk") == index.get("Bromley")
    assert index.by_domain("mail.bromley.gov.uk") == index.get("Bromley")
    assert index.by_domain("bcpcouncil.gov.uk") is None  # BCP and Poole share it
    assert index.by_domain("example.org") is None


def test_neighbours_follow_the_dfe_codes(index: AuthorityIndex) -> None:
    kent = index.get("Kent")
    assert kent is not None
    neighbours = index.neighbours("Kent County Council")
    assert [a.la_code for a in neighbours] == list(kent.stat_neighbours)
    assert neighbours[0].name == "Essex"
    assert index.neighbours("Narnia") == []


# -- find -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Children in Kent and in Medway.", [("Kent", 1), ("Medway", 1)]),
        (
            "Kingston upon Hull is not Kingston.",
            [("Kingston Upon Hull, City of", 1), ("Kingston upon Thames", 1)],
        ),
        ("North Yorkshire and New York are not York.", [("North Yorkshire", 1), ("York", 1)]),
        ("Richmond upon Thames, Richmond and Richmondshire", [("Richmond upon Thames", 2)]),
        ("Newcastle-under-Lyme, then Newcastle City Council", [("Newcastle upon Tyne", 1)]),
        ("Bath and North East Somerset, BANES, B&NES", [("Bath and North East Somerset", 3)]),
        (
            "Bournemouth, Christchurch & Poole; later Poole",
            [("Bournemouth, Christchurch and Poole", 1), ("Poole", 1)],
        ),
        ("Further Reading. Reading Borough Council. reading council", [("Reading", 1)]),
        ("Reading age and reading council minutes", []),
        ("Bury St Edmunds is in Suffolk; Bury Council is not", [("Suffolk", 1), ("Bury", 1)]),
        ("Sutton Coldfield and the Sutton Trust; London Borough of Sutton", [("Sutton", 1)]),
        ("WESTMINSTER CITY COUNCIL and Westminster", [("Westminster", 2)]),
        ("Stoke on Trent, Stoke-on-Trent, Stoke Newington", [("Stoke-on-Trent", 2)]),
        ("New Brighton and Brighton & Hove; Brighton", [("Brighton and Hove", 2)]),
        ("Kentish towns, kent, KENTUCKY", []),
        ("Metropolitan Borough of Barnsley\r\nCouncil", [("Barnsley", 1)]),
        ("Council of the Isles of Scilly", [("Isles of Scilly", 1)]),
        ("Hammersmith & Fulham and LBHF", [("Hammersmith and Fulham", 2)]),
        ("no authority is named here", []),
    ],
)
def test_find_counts_mentions(
    index: AuthorityIndex, text: str, expected: list[tuple[str, int]]
) -> None:
    assert names(index, text) == expected


def test_find_tolerates_line_breaks_and_curly_apostrophes(index: AuthorityIndex) -> None:
    text = "The London Borough\nof Bromley’s plan; Kingston\r\nupon  Thames"
    assert names(index, text) == [("Bromley", 1), ("Kingston upon Thames", 1)]


def test_find_reports_first_offset_in_document_order(index: AuthorityIndex) -> None:
    text = "Intro. Lewisham and Camden; Camden again; Lewisham."
    mentions = index.find(text)
    assert [(m.name, m.count, m.first) for m in mentions] == [
        ("Lewisham", 2, text.index("Lewisham")),
        ("Camden", 2, text.index("Camden")),
    ]


def test_spans_mark_council_forms_as_formal(index: AuthorityIndex) -> None:
    text = "Kent County Council works with Kent Police."
    spans = list(index.spans(text))
    assert [(text[s.start : s.end], s.formal) for s in spans] == [
        ("Kent County Council", True),
        ("Kent", False),
    ]


def test_find_is_fast_on_100_kb(index: AuthorityIndex) -> None:
    sentence = (
        "Children in Kingston upon Hull, Kent County Council and North Yorkshire are "
        "supported by social workers; the council's leaders know their families well. "
    )
    text = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    mentions = index.find(text)
    assert {m.name for m in mentions} == {"Kingston Upon Hull, City of", "Kent", "North Yorkshire"}


def test_load_accepts_a_custom_folder(tmp_path: Path) -> None:
    (tmp_path / "local_authorities.csv").write_text(
        "urn,la_code,la_code_new,stat_neighbours,local_authority_ons_name,also_known_as,"
        "region_name,domain\n"
        '1,101,E1,"102",Alpha Vale,,North,alpha.gov.uk\n'
        '2,102,E2,"101",Beta,[Beta Town],South,beta.gov.uk\n',
        encoding="utf-8",
    )
    (tmp_path / "authority_aliases.csv").write_text("name,alias\nAlpha Vale,AV\n", encoding="utf-8")
    index = AuthorityIndex.load(tmp_path)
    assert [a.name for a in index.all()] == ["Alpha Vale", "Beta"]
    assert index.get("Alpha Vale") == Authority(
        name="Alpha Vale",
        la_code="101",
        ons_code="E1",
        region="North",
        aliases=("AV",),
        stat_neighbours=("102",),
        ofsted_urn="1",
        domain="alpha.gov.uk",
        la_type=None,
    )
    assert names(index, "AV, Beta Town and Alpha Vale Council") == [("Alpha Vale", 2), ("Beta", 1)]
    assert [a.name for a in index.neighbours("Beta")] == ["Alpha Vale"]

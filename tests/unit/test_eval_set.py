"""Checks for the development evaluation set in bench/eval (data, not code).

Every gold quote must be found verbatim in its document once both sides are normalised
(markup, case, quote style, bullets and whitespace ignored), so that retrieval and
citation scoring against the set is meaningful.
"""

import json
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from assistant.evaluation import normalise

REPO = Path(__file__).resolve().parents[2]
EVAL_DIR = REPO / "bench" / "eval"
SAMPLE_FILE = EVAL_DIR / "sample.jsonl"
ILACS_FILE = EVAL_DIR / "ilacs.jsonl"
SAMPLE_ROOT = REPO / "data" / "sample"
SHARED = REPO.parent / "shared"
ILACS_ROOT = SHARED / "ilacs"

TYPES = {
    "fact",
    "grade",
    "table",
    "list",
    "number",
    "abbreviation",
    "typo",
    "authority",
    "unanswerable",
}
KEYS = {"id", "question", "type", "must_include", "sources"}


def _load(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - reported as failure
                pytest.fail(f"{path.name}:{n}: invalid JSON: {exc}")
    return rows


@cache
def _doc_text(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(str(path))
        try:
            raw = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        finally:
            pdf.close()
    else:
        raw = path.read_text(encoding="utf-8")
    return normalise(raw)


SAMPLE = _load(SAMPLE_FILE)
ILACS = _load(ILACS_FILE)
SETS = {"sample": (SAMPLE, 65), "ilacs": (ILACS, 45)}


def test_normalise_rules():
    raw = "<b>Grade</b>  **Good** # ◼ Children’s “front door”\n\t• MASH"
    assert normalise(raw) == 'grade good children\'s "front door" mash'


@pytest.mark.parametrize("name", sorted(SETS))
def test_schema(name):
    rows, minimum = SETS[name]
    assert len(rows) >= minimum, f"{name}: only {len(rows)} questions"
    for row in rows:
        rid = row.get("id")
        assert set(row) == KEYS, f"{rid}: keys {sorted(row)}"
        assert isinstance(rid, str) and rid, row
        assert isinstance(row["question"], str) and row["question"].strip(), rid
        assert row["type"] in TYPES, f"{rid}: type {row['type']!r}"
        must, sources = row["must_include"], row["sources"]
        assert isinstance(must, list) and isinstance(sources, list), rid
        if row["type"] == "unanswerable":
            assert must == [] and sources == [], f"{rid}: unanswerable must be empty"
            continue
        assert must and sources, f"{rid}: answerable question needs must_include and sources"
        for group in must:
            assert isinstance(group, list) and group, f"{rid}: empty alternative group"
            assert all(isinstance(a, str) and a.strip() for a in group), f"{rid}: {group}"
        for src in sources:
            assert set(src) == {"file", "quote"}, f"{rid}: source keys {sorted(src)}"
            assert isinstance(src["file"], str) and src["file"], rid
            assert isinstance(src["quote"], str) and src["quote"].strip(), rid
            words = len(normalise(src["quote"]).split())
            assert 2 <= words <= 35, f"{rid}: quote of {words} words"


def test_ids_unique():
    ids = [r["id"] for r in SAMPLE + ILACS]
    dupes = [i for i, c in Counter(ids).items() if c > 1]
    assert not dupes, dupes
    assert all(r["id"].startswith("s") for r in SAMPLE)
    assert all(r["id"].startswith("i") for r in ILACS)


@pytest.mark.parametrize("name", sorted(SETS))
def test_unanswerable_share(name):
    rows, _ = SETS[name]
    share = sum(r["type"] == "unanswerable" for r in rows) / len(rows)
    assert 0.07 <= share <= 0.15, f"{name}: unanswerable share {share:.1%}"


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_type_used(name):
    rows, _ = SETS[name]
    used = {r["type"] for r in rows}
    assert {"fact", "grade", "list", "abbreviation", "typo", "authority", "unanswerable"} <= used, (
        sorted(used)
    )


def _check_quotes(rows: list[dict], root: Path) -> None:
    missing = []
    for row in rows:
        for src in row["sources"]:
            path = root / src["file"]
            if not path.is_file():
                missing.append(f"{row['id']}: no such file {src['file']}")
            elif normalise(src["quote"]) not in _doc_text(path):
                missing.append(f"{row['id']}: quote not in {src['file']}: {src['quote']!r}")
    assert not missing, "\n".join(missing)


def test_sample_quotes_in_documents():
    _check_quotes(SAMPLE, SAMPLE_ROOT)


@pytest.mark.slow
def test_ilacs_quotes_in_documents():
    if not ILACS_ROOT.is_dir():
        pytest.skip(f"shared ILACS reports not available: {ILACS_ROOT}")
    _check_quotes(ILACS, ILACS_ROOT)


def test_ilacs_covers_every_authority():
    if not ILACS_ROOT.is_dir():
        pytest.skip(f"shared ILACS reports not available: {ILACS_ROOT}")
    folders = {p.name for p in ILACS_ROOT.iterdir() if p.is_dir()}
    used = {src["file"].split("/", 1)[0] for r in ILACS for src in r["sources"]}
    assert folders <= used, f"authorities without questions: {sorted(folders - used)}"

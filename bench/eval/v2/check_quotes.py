"""Check v2 evaluation files (bench/eval/v2/*.jsonl) against the documents they cite.

Errors (exit 1): a line that is not valid JSON or breaks the v2 line format
(see bench/eval/README.md "v2"), an id used twice (across all files given), a
question without exactly 2 more wordings, a gold quote that is not in its file after
``assistant.evaluation.normalise`` of both sides or that crosses a page, a source file
that does not exist, and a split that does not fit the held-out authority list (a
held-out question about a development authority or citing a development report, and the
reverse; an authority that is not in the library on the wrong side of the A-M / N-Z rule).

Warnings (printed, exit 0): a ``must_include`` group matched neither by the gold quotes
nor anywhere in the cited reports, a quote outside 4-25 words (a page-one row such as
``Overall effectiveness Good`` may be shorter) or inside a running header, and a question
or wording that repeats 5 or more consecutive words of its quote.

    PYTHONPATH=. .venv/bin/python bench/eval/v2/check_quotes.py bench/eval/v2/heldout.jsonl
    PYTHONPATH=. .venv/bin/python bench/eval/v2/check_quotes.py bench/eval/v2/*.jsonl --quiet

Options ``--sample``, ``--ilacs`` and ``--ilacs2`` give the folders behind the path prefixes
``sample/``, ``ilacs/`` and ``ilacs2/`` (defaults: ``data/sample``, ``../shared/ilacs`` and
``../shared/ilacs2`` from the repository root).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from assistant.evaluation import normalise

ROOT = Path(__file__).resolve().parents[3]
HELD_OUT = frozenset(
    {
        "bedford", "calderdale", "cambridgeshire", "hackney", "halton",
        "kensington and chelsea", "medway", "north tyneside", "northumberland", "reading",
        "redcar and cleveland", "rotherham", "west berkshire", "wolverhampton",
    }
)  # fmt: skip
INTENTS = (
    "grade", "why", "improve", "finding", "number", "who_when", "compare", "summary",
    "plan_status", "other",
)  # fmt: skip
UNANSWERABLE = "unanswerable"
FIELDS = {
    "id", "split", "intent", "type", "answerable", "question", "wordings", "authorities",
    "years", "must_include", "sources",
}  # fmt: skip
OPTIONAL = {"note"}
ID_PATTERN = {"heldout": re.compile(r"^h\d{4}$"), "dev": re.compile(r"^d\d{4,5}$")}
_WORD = re.compile(r"[a-z0-9]+")
# A page-one judgement row ("Overall effectiveness Good") may be shorter than 4 words.
_JUDGEMENT_ROW = re.compile(
    r"^overall effectiveness (outstanding|good|inadequate|requires improvement)"
)


@dataclass
class Report:
    """What the check found: errors fail the run, warnings are printed."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Library:
    """Where the prefixed source paths point, and which authorities the library holds."""

    roots: dict[str, Path]
    authorities: frozenset[str]
    reference: frozenset[str]


def build_library(roots: dict[str, Path], reference_csv: Path) -> Library:
    """Authority names from the folder names (``<urn>_<name>``) and the reference table."""
    names: set[str] = set()
    for prefix, root in roots.items():
        folder = root / "ilacs" if prefix == "sample" else root
        if folder.is_dir():
            names.update(p.name.split("_", 1)[-1].lower() for p in folder.iterdir() if p.is_dir())
        corpus = root / "corpus"
        if prefix == "sample" and corpus.is_dir():
            names.update(p.name.split("-", 1)[0].lower() for p in corpus.iterdir())
    reference: set[str] = set()
    if reference_csv.is_file():
        with reference_csv.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                reference.add(row["local_authority_ons_name"].strip().lower())
    return Library(dict(roots), frozenset(names), frozenset(reference))


@cache
def document_pages(path: Path) -> tuple[str, ...]:
    """A document's pages as text: pypdfium2 ``get_text_range()`` per page, else one page."""
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            return tuple(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        finally:
            pdf.close()
    return (path.read_text(encoding="utf-8"),)


@cache
def normalised_pages(path: Path) -> tuple[str, ...]:
    """Each page after :func:`normalise`."""
    return tuple(normalise(page) for page in document_pages(path))


@cache
def running_headers(path: Path) -> tuple[str, ...]:
    """Normalised lines that open two or more pages (running headers)."""
    counts: Counter[str] = Counter()
    for page in document_pages(path)[1:]:
        lines = [normalise(line) for line in page.splitlines() if line.strip()]
        counts.update(set(lines[:2]))
    return tuple(line for line, n in counts.items() if n >= 2 and line)


def resolve(library: Library, name: str) -> Path | None:
    """The file behind a prefixed path (``ilacs2/<urn>_<authority>/<file>.pdf``), or None."""
    prefix, _, rest = name.partition("/")
    root = library.roots.get(prefix)
    return root / rest if root is not None and rest else None


def source_authority(name: str) -> str | None:
    """The authority folder a prefixed ILACS path points into (``<urn>_<name>``)."""
    parts = name.split("/")
    if len(parts) >= 3 and parts[0] in ("ilacs", "ilacs2"):
        return parts[1].split("_", 1)[-1].lower()
    if len(parts) >= 3 and parts[:2] == ["sample", "ilacs"]:
        return parts[2].lower()
    return None


def _is_str_list(value: object, *, empty_ok: bool = True) -> bool:
    return (
        isinstance(value, list)
        and (empty_ok or bool(value))
        and all(isinstance(v, str) and v.strip() for v in value)
    )


def check_shape(row: dict, where: str, report: Report) -> bool:
    """The v2 line format; False when the line is too broken to check further."""
    missing = sorted(FIELDS - row.keys())
    extra = sorted(row.keys() - FIELDS - OPTIONAL)
    if missing:
        report.errors.append(f"{where}: missing field(s) {', '.join(missing)}")
        return False
    if extra:
        report.errors.append(f"{where}: unknown field(s) {', '.join(extra)}")
    for name in ("id", "question", "intent", "type", "split"):
        if not isinstance(row[name], str) or not row[name].strip():
            report.errors.append(f"{where}: {name!r} must be a non-empty string")
            return False
    if row["split"] not in ID_PATTERN:
        report.errors.append(f"{where}: split must be 'dev' or 'heldout', not {row['split']!r}")
    elif not ID_PATTERN[row["split"]].match(row["id"]):
        report.errors.append(f"{where}: id {row['id']!r} does not fit split {row['split']!r}")
    if row["intent"] not in INTENTS:
        report.errors.append(f"{where}: unknown intent {row['intent']!r}")
    if not isinstance(row["answerable"], bool):
        report.errors.append(f"{where}: 'answerable' must be true or false")
        return False
    expected_type = row["intent"] if row["answerable"] else UNANSWERABLE
    if row["type"] != expected_type:
        report.errors.append(f"{where}: type {row['type']!r} should be {expected_type!r}")
    if "note" in row and not isinstance(row["note"], str):
        report.errors.append(f"{where}: 'note' must be a string")
    return check_lists(row, where, report)


def check_lists(row: dict, where: str, report: Report) -> bool:
    """Wordings, authorities, years, must_include and sources."""
    ok = True
    wordings = row["wordings"]
    if not _is_str_list(wordings) or len(wordings) != 2:
        report.errors.append(f"{where}: 'wordings' must hold exactly 2 non-empty strings")
        ok = False
    elif len({w.strip().lower() for w in [row["question"], *wordings]}) != 3:
        report.errors.append(f"{where}: the wordings repeat the question or each other")
    if not _is_str_list(row["authorities"]) or any(
        a != a.strip().lower() for a in row["authorities"]
    ):
        report.errors.append(f"{where}: 'authorities' must be lower-case names")
        ok = False
    years = row["years"]
    if not isinstance(years, list) or not all(
        isinstance(y, int) and not isinstance(y, bool) and 1990 <= y <= 2100 for y in years
    ):
        report.errors.append(f"{where}: 'years' must be a list of years")
    must, sources = row["must_include"], row["sources"]
    if not isinstance(must, list) or not all(_is_str_list(g, empty_ok=False) for g in must):
        report.errors.append(f"{where}: 'must_include' must be a list of non-empty string lists")
        ok = False
    if not isinstance(sources, list) or not all(
        isinstance(s, dict)
        and set(s) == {"file", "quote"}
        and all(isinstance(s[k], str) and s[k].strip() for k in ("file", "quote"))
        for s in sources
    ):
        report.errors.append(f"{where}: 'sources' must be a list of {{file, quote}} objects")
        ok = False
    if ok and row["answerable"] and not (must and sources):
        report.errors.append(f"{where}: an answerable question needs must_include and sources")
    if ok and not row["answerable"] and (must or sources):
        report.errors.append(f"{where}: an unanswerable question has no must_include/sources")
    return ok


def check_quotes(row: dict, where: str, library: Library, report: Report) -> None:
    """Every quote in its own file, on one page; header, length and overlap warnings."""
    asked = [row["question"], *row["wordings"]]
    for source in row["sources"]:
        path = resolve(library, source["file"])
        if path is None or not path.is_file():
            report.errors.append(f"{where}: source file not found: {source['file']}")
            continue
        quote = normalise(source["quote"])
        pages = normalised_pages(path)
        if not any(quote in page for page in pages):
            joined = "\n".join(document_pages(path))
            kind = "crosses a page" if quote in normalise(joined) else "is not in the file"
            report.errors.append(f"{where}: quote {kind}: {source['quote'][:70]!r}")
            continue
        if any(quote in header for header in running_headers(path)):
            report.warnings.append(f"{where}: quote is a running header: {source['quote'][:60]!r}")
        words = len(quote.split())
        if not 4 <= words <= 25 and not _JUDGEMENT_ROW.match(quote):
            report.warnings.append(f"{where}: quote has {words} words (4-25 expected)")
        for text in asked:
            shared = shared_run(text, source["quote"])
            if shared:
                report.warnings.append(f"{where}: wording repeats the quote: {shared!r}")


def shared_run(text: str, quote: str, size: int = 5) -> str | None:
    """The first run of ``size`` consecutive words that ``text`` and ``quote`` share."""
    a = _WORD.findall(normalise(text))
    b = _WORD.findall(normalise(quote))
    grams = {tuple(b[i : i + size]) for i in range(len(b) - size + 1)}
    for i in range(len(a) - size + 1):
        if tuple(a[i : i + size]) in grams:
            return " ".join(a[i : i + size])
    return None


def check_must_include(row: dict, where: str, library: Library, report: Report) -> None:
    """Each group matched by a gold quote or, failing that, somewhere in a cited report."""
    quotes = " ".join(normalise(s["quote"]) for s in row["sources"])
    texts: list[str] = []
    for source in row["sources"]:
        path = resolve(library, source["file"])
        if path is not None and path.is_file():
            texts.append(" ".join(normalised_pages(path)))
    for group in row["must_include"]:
        alts = [normalise(a) for a in group]
        if any(a in quotes for a in alts):
            continue
        if any(a in text for a in alts for text in texts):
            continue
        report.warnings.append(f"{where}: must_include group {group} not found in the sources")


def check_split(row: dict, where: str, library: Library, report: Report) -> None:
    """Held-out questions are about held-out authorities only, dev questions never are."""
    split, authorities = row["split"], row["authorities"]
    held = [a for a in authorities if a in HELD_OUT]
    unknown = [a for a in authorities if a not in library.authorities]
    for name in unknown:
        if name not in library.reference:
            report.errors.append(
                f"{where}: authority {name!r} is unknown (not held, not in reference)"
            )
        elif row["answerable"]:
            report.errors.append(f"{where}: answerable question about {name!r}, not in the library")
        elif (name[:1] <= "m") != (split == "dev"):
            side = "A-M" if split == "dev" else "N-Z"
            report.errors.append(f"{where}: {split} uses {name!r}; its names must start {side}")
    if split == "heldout":
        if not authorities:
            report.errors.append(f"{where}: a held-out question names no authority")
        others = [a for a in authorities if a not in HELD_OUT and a not in unknown]
        if others:
            report.errors.append(f"{where}: held-out question about dev authority {others}")
    elif held:
        report.errors.append(f"{where}: dev question about held-out authority {held}")
    for source in row["sources"]:
        owner = source_authority(source["file"])
        if owner is not None and (owner in HELD_OUT) != (split == "heldout"):
            report.errors.append(f"{where}: {split} question cites {source['file']}")
        if owner is not None and owner not in authorities:
            report.errors.append(f"{where}: cites {owner!r}, which is not in 'authorities'")
    if row["intent"] == "compare" and row["answerable"] and len(authorities) < 2:
        report.errors.append(f"{where}: a compare question needs two authorities")


def check_files(paths: list[Path], library: Library) -> tuple[Report, list[dict]]:
    """Check every line of every file; ids must be unique across all of them."""
    report = Report()
    rows: list[dict] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            report.errors.append(f"{path}: cannot read ({exc})")
            continue
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                report.errors.append(f"{where}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(row, dict) or not check_shape(row, where, report):
                continue
            where = f"{where} {row['id']}"
            if row["id"] in seen:
                report.errors.append(f"{where}: id already used at {seen[row['id']]}")
            seen[row["id"]] = where
            check_quotes(row, where, library, report)
            check_must_include(row, where, library, report)
            check_split(row, where, library, report)
            rows.append(row)
    return report, rows


def summary(rows: list[dict]) -> list[str]:
    """Counts by intent and answerable, and questions per authority."""
    lines = [f"{len(rows)} questions"]
    by_intent = Counter((r["intent"], r["answerable"]) for r in rows)
    for intent in INTENTS:
        yes, no = by_intent[(intent, True)], by_intent[(intent, False)]
        if yes or no:
            lines.append(f"  {intent:<12} answerable {yes:>3}  unanswerable {no:>3}")
    unanswerable = sum(1 for r in rows if not r["answerable"])
    lines.append(f"  unanswerable in all: {unanswerable}")
    per_authority = Counter(a for r in rows for a in r["authorities"])
    lines.append("per authority:")
    lines.extend(f"  {name:<26} {n:>3}" for name, n in sorted(per_authority.items()))
    return lines


def main(argv: list[str] | None = None) -> int:
    """Entry point: check the files, print errors, warnings and counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="v2 JSON Lines files")
    parser.add_argument("--sample", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--ilacs", type=Path, default=ROOT.parent / "shared" / "ilacs")
    parser.add_argument("--ilacs2", type=Path, default=ROOT.parent / "shared" / "ilacs2")
    parser.add_argument("--quiet", action="store_true", help="print errors and counts only")
    args = parser.parse_args(argv)
    roots = {"sample": args.sample, "ilacs": args.ilacs, "ilacs2": args.ilacs2}
    library = build_library(roots, ROOT / "core" / "reference" / "local_authorities.csv")
    report, rows = check_files(args.files, library)
    for line in report.errors:
        print(f"ERROR {line}")
    if not args.quiet:
        for line in report.warnings:
            print(f"warning {line}")
    print("\n".join(summary(rows)))
    print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())

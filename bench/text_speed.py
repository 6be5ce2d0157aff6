"""Times the text functions whose tests check only what they do, not how fast.

Usage: .venv/bin/python bench/text_speed.py [--repeat 5] [--vocabulary 50000]

The tests of these functions once asserted wall-clock bounds, which failed on a loaded
machine; the bounds they held are printed beside each figure, for comparison only:

- question analysis (typos corrected against the library's vocabulary): building the
  correction index for ``--vocabulary`` words, then 100 questions with two misspelt words
  each (the test checks that the typos are found);
- finding authority names in 100 KB of report text (was bounded by 50 ms);
- refusing a file over the size limit before reading it, sparse files of the limit plus one
  byte (was 1 s);
- loading and chunking a 2 MB text file that is one line (was 30 s).

Each figure is the best of ``--repeat`` runs. Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.query import Glossary, QueryAnalyzer  # noqa: E402
from core.errors import IngestError  # noqa: E402
from ingest.authorities import AuthorityIndex  # noqa: E402
from ingest.chunking import chunk_document  # noqa: E402
from ingest.loader import MAX_FILE_BYTES, MAX_TEXT_FILE_BYTES, load_document  # noqa: E402

LETTERS = "etaoinshrdlucmfwypbgvk"
KNOWN = ("care", "leavers", "safeguarding", "children", "services", "inspection", "support")


def best(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The shortest wall time of ``repeat`` runs (seconds) and the last run's result."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - began)
    return min(times), result


def typo_questions(size: int, count: int = 100, seed: int = 7) -> tuple[set[str], list[str]]:
    """A vocabulary of ``size`` words and ``count`` questions with two swapped letters each."""
    rng = random.Random(seed)
    vocabulary = set(KNOWN)
    while len(vocabulary) < size:
        vocabulary.add("".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 14))))
    words = sorted(w for w in vocabulary if len(w) >= 6)

    def typo(word: str) -> str:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    questions = [
        f"How effective was {rng.choice(['LAC', 'MASH', 'CSE', 'SEND'])} work on "
        f"{typo(rng.choice(words))} and {typo(rng.choice(words))} in "
        f"{rng.choice(['Kent', 'Westminister', 'Lancashre', 'the council'])} in 2021/22?"
        for _ in range(count)
    ]
    return vocabulary, questions


def query_analysis(size: int, repeat: int) -> list[tuple[str, str, str]]:
    glossary, authorities = Glossary.load(), AuthorityIndex.load()
    vocabulary, questions = typo_questions(size)

    def build() -> QueryAnalyzer:
        analyzer = QueryAnalyzer(glossary, authorities, lambda: vocabulary)
        analyzer.analyze("warm up the indexes")
        return analyzer

    built, analyzer = best(build, repeat)
    each, results = best(lambda: [analyzer.analyze(q) for q in questions], repeat)
    found = sum(len(r.corrections) for r in results)
    return [
        (f"question analysis: index of {size:,} words", f"{built * 1000:.0f} ms", "–"),
        (
            f"question analysis: 100 questions, {found} corrections",
            f"{each * 1000 / len(questions):.2f} ms a question",
            "20 ms a question",
        ),
    ]


def authority_names(repeat: int) -> list[tuple[str, str, str]]:
    index = AuthorityIndex.load()
    sentence = (
        "Children in Kingston upon Hull, Kent County Council and North Yorkshire are "
        "supported by social workers; the council's leaders know their families well. "
    )
    text = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    took, mentions = best(lambda: index.find(text), repeat)
    names = len({m.name for m in mentions})
    return [(f"authority names in 100 KB ({names} found)", f"{took * 1000:.1f} ms", "50 ms")]


def refusals(folder: Path, repeat: int) -> list[tuple[str, str, str]]:
    rows = []
    for name, size in (("huge.txt", MAX_TEXT_FILE_BYTES + 1), ("huge.pdf", MAX_FILE_BYTES + 1)):
        path = folder / name
        with open(path, "wb") as fh:  # sparse: nothing is written
            fh.truncate(size)

        def refuse(path: Path = path, name: str = name) -> str:
            try:
                load_document(path, name)
            except IngestError as exc:
                return str(exc)
            raise SystemExit(f"{name} was read, not refused")

        took, _ = best(refuse, repeat)
        rows.append((f"refusing {name} ({size:,} bytes)", f"{took * 1000:.2f} ms", "1 s"))
    return rows


def one_long_line(folder: Path, repeat: int) -> list[tuple[str, str, str]]:
    path = folder / "one line.txt"
    sentence = "The council supports care leavers into work and training. "
    path.write_text(sentence * (2_000_000 // len(sentence)), encoding="utf-8")

    def load_and_chunk() -> int:
        doc = load_document(path, "one line.txt")
        return len(chunk_document(doc, max_tokens=200, overlap_tokens=30))

    took, chunks = best(load_and_chunk, repeat)
    return [(f"2 MB one-line text loaded and chunked ({chunks:,} chunks)", f"{took:.2f} s", "30 s")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (best kept)")
    parser.add_argument("--vocabulary", type=int, default=50_000, help="words in the index")
    args = parser.parse_args(argv)
    rows = query_analysis(args.vocabulary, args.repeat) + authority_names(args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        rows += refusals(Path(tmp), args.repeat) + one_long_line(Path(tmp), args.repeat)
    print(f"best of {args.repeat}\n")
    print("| what | time | bound the tests once asserted |")
    print("| --- | ---: | ---: |")
    for what, took, bound in rows:
        print(f"| {what} | {took} | {bound} |")


if __name__ == "__main__":
    main()

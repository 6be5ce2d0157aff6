"""Linear-time text handling: time against input size, now and with the patterns before.

Usage: .venv/bin/python bench/redos.py [--cap 5] [--repeat 5]

For each function that reads questions or document text, a pathological input is grown
1x, 2x, 4x, 8x and 16x and the function timed (best of ``--repeat``). Where the function
used a super-linear regular expression before issue 12, that pattern runs on the same
input in the same process, stopped after ``--cap`` seconds (">cap"); once it hits the cap
the larger sizes are not tried. Linear work doubles with the input: the last column is
the time at 16x over the time at 1x (16 for linear, 256 for quadratic).

Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.answering.intent import has_figure, has_money  # noqa: E402
from assistant.answering.judgements import asks_about_grades  # noqa: E402
from assistant.follow_up import _replace  # noqa: E402
from ingest.clean import clean_text  # noqa: E402
from ingest.markup import clean_inline  # noqa: E402
from ingest.metadata import extract_metadata  # noqa: E402
from ingest.sniff import detect_type  # noqa: E402

SIZES = (1, 2, 4, 8, 16)
HEAD = "Inspection of Kent County Council children's services\n\nInspection dates: 9 May 2022\n"

# The patterns as they were (issue 12), to time them on the same input.
OLD = {
    "connector": re.compile(r"^(?:\s*(?:,|&|and|or|to|-|\u2013)\s*)+$", re.I),
    "bold": re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),
    "italic": re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
    "strike": re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
    "heading": re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$"),
    "email": re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)"),
    "footnote": re.compile(r"\s*<sup>\s*[\d,*†‡\s]+\s*</sup>", re.I),
    "link": re.compile(r"!\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),
    "comments": re.compile(
        rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S
    ),
    "paragraph": re.compile(r"^\s*\d+(?:\.\d+)*[.)]\s", re.M),
    "money": re.compile(r"£\s?\d|\b\d[\d,.]*\s?(?:million|billion|m|bn|k)\b", re.I),
    "was_it": re.compile(
        r"\b(?:was|were|is|are)\s+[^?]{1,60}?\s+(?:outstanding|good|inadequate|"
        r"requires? improvement(?: to be good)?)(?:\s+(?:for|in|at|on)\s+[^?]{1,40})?\s*\?",
        re.I,
    ),
}


@dataclass(frozen=True)
class Case:
    """One function on one kind of pathological input, ``make(n)`` of n units."""

    name: str
    unit: str
    base: int
    make: Callable[[int], object]
    new: Callable[[object], object]
    old: Callable[[object], object] | None
    old_base: int | None = None
    """Units at 1x for the old pattern (smaller, so that its curve shows before the cap)."""


def _connector(n: int) -> str:
    return "Kent" + " ," * n + " x Medway"


CASES = [
    Case(
        "follow-up joining two names (conversation)",
        "' ,' then a word",
        2,
        _connector,
        lambda t: _replace(t, [(0, 4), (len(t) - 6, len(t))], "Norfolk"),
        lambda t: OLD["connector"].match(t[4:-6]),
    ),
    Case(
        "bold with no closer (clean_inline)",
        "'**a '",
        10_000,
        lambda n: "**a " * n,
        clean_inline,
        lambda t: OLD["bold"].sub(r"\2", t),
        1_000,
    ),
    Case(
        "italic with no closer (clean_inline)",
        "'*a '",
        10_000,
        lambda n: "*a " * n,
        clean_inline,
        lambda t: OLD["italic"].sub(r"\1", t),
        1_000,
    ),
    Case(
        "strike with no closer (clean_inline)",
        "'~~a '",
        10_000,
        lambda n: "~~a " * n,
        clean_inline,
        lambda t: OLD["strike"].sub(r"\1", t),
        1_000,
    ),
    Case(
        "images with no closer (clean_inline)",
        "'!['",
        10_000,
        lambda n: "![" * n + "](",
        clean_inline,
        lambda t: OLD["link"].sub(r"\1", t),
        1_000,
    ),
    Case(
        "footnote after spaces (clean_inline)",
        "' '",
        40_000,
        lambda n: "<sup>" + " " * n + "x",
        clean_inline,
        lambda t: OLD["footnote"].sub("", t),
        250,
    ),
    Case(
        "heading with a run of spaces (clean_text, md)",
        "' '",
        40_000,
        lambda n: "# a" + " " * n + "b",
        lambda t: clean_text(t, "md"),
        OLD["heading"].match,
        2_500,
    ),
    Case(
        "letters and dots, no '@' (extract_metadata)",
        "'a.'",
        20_000,
        lambda n: HEAD + "a." * n,
        lambda t: extract_metadata(t, "txt", "kent.txt"),
        OLD["email"].findall,
        1_000,
    ),
    Case(
        "empty HTML comments at the start of a .txt (detect_type)",
        "'<!---->'",
        2,
        lambda n: b"<!---->" * n + b"x",
        lambda b: detect_type(b, "notes.txt"),
        OLD["comments"].match,
    ),
    Case(
        "blank lines in a passage (has_figure)",
        "'\\n'",
        40_000,
        lambda n: "\n" * n + "x",
        has_figure,
        lambda t: OLD["paragraph"].sub(" ", t),
        2_500,
    ),
    Case(
        "digits and commas (has_money)",
        "',1'",
        10_000,
        lambda n: "x" + ",1" * n,
        has_money,
        OLD["money"].search,
        500,
    ),
    Case(
        "'is' then spaces in a question (asks_about_grades)",
        "' '",
        125,
        lambda n: "Is Kent good for" + " " * n + "x",
        asks_about_grades,
        OLD["was_it"].search,
    ),
]


class _Cap(Exception):
    pass


def _expired(signum, frame):
    raise _Cap


def timed(fn: Callable[[object], object], value: object, repeat: int, cap: float) -> float:
    """Best of ``repeat`` runs in seconds; ``inf`` when one runs past ``cap``."""
    best = float("inf")
    for _ in range(repeat):
        signal.setitimer(signal.ITIMER_REAL, cap)
        start = time.perf_counter()
        try:
            fn(value)
        except _Cap:
            return float("inf")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        best = min(best, time.perf_counter() - start)
    return best


def _cell(seconds: float, cap: float) -> str:
    if seconds == float("inf"):
        return f">{cap:g} s"
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _ratio(times: list[float]) -> str:
    if float("inf") in times or len(times) < len(SIZES):
        return "–"
    return f"{times[-1] / max(times[0], 1e-7):.0f}"


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cap", type=float, default=5.0, help="seconds before an old run stops")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _expired)
    sizes = " | ".join(f"{k}×" for k in SIZES)
    print(f"| input (unit, 1× = units) | code | {sizes} | 16×/1× |")
    print("|---|---|" + "---|" * len(SIZES) + "---|")
    for case in CASES:
        old_base = case.old_base or case.base
        for code, fn, base in (("now", case.new, case.base), ("before", case.old, old_base)):
            if fn is None:
                continue
            label = f"{case.name}: {case.unit} × {base:,}" if code == "now" else f"× {base:,}"
            times: list[float] = []
            for k in SIZES:
                seconds = timed(fn, case.make(base * k), args.repeat, args.cap)
                times.append(seconds)
                if seconds == float("inf"):
                    break
            cells = [_cell(t, args.cap) for t in times] + [""] * (len(SIZES) - len(times))
            print(f"| {label} | {code} | {' | '.join(cells)} | {_ratio(times)} |", flush=True)


if __name__ == "__main__":
    main()

r"""Static ReDoS check of every regular expression in the packages (run by ``make lint``).

    python tools/redos_check.py assistant ingest vectorstore ui

Patterns are collected twice: from the source (every ``re.<function>(...)`` call with a
literal pattern, and its flags) and from the imported modules (every compiled pattern a
module holds, also inside lists, tuples, dicts and dataclasses: the ones built from a
vocabulary with an f-string). Each is checked by

* regexploit (Doyensec, pinned in the dev extra), which reports star-height and
  overlapping repeats whose worst case is cubic or worse, and
* ``regex_ambiguity`` (beside this file), which finds exponential and polynomial
  ambiguity, as matched and as searched, including the shapes regexploit misses
  (``(?:\s*,\s*)+$``, a searched ``\s+x``).

Prints one line per finding and exits 1; prints the count and exits 0 when all are linear.
Patterns built inside a function at run time (``re.search(rf"...{x}...")``) cannot be
collected; their count is printed so they are looked at by hand.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import importlib
import re
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from regex_ambiguity import analyse  # noqa: E402 - beside this file

_FLAG_POSITION = {
    "compile": 1,
    "search": 2,
    "match": 2,
    "fullmatch": 2,
    "findall": 2,
    "finditer": 2,
    "split": 3,
    "sub": 4,
    "subn": 4,
}

Pattern = tuple[str | bytes, int]


def _flags(node: ast.expr | None) -> int:
    if node is None:
        return 0
    text = ast.unparse(node)
    if not re.fullmatch(r"[\w.| ]*", text):
        return 0
    return int(eval(text, {"re": re}))  # noqa: S307 - only names of re flags and "|"


def from_source(path: Path) -> tuple[dict[Pattern, str], int]:
    """The literal patterns of the ``re.*`` calls in ``path``, and how many are not literal."""
    found: dict[Pattern, str] = {}
    dynamic = 0
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in _FLAG_POSITION
            and node.args
        ):
            continue
        pattern = node.args[0]
        if not (isinstance(pattern, ast.Constant) and isinstance(pattern.value, str | bytes)):
            dynamic += isinstance(pattern, ast.JoinedStr)
            continue
        position = _FLAG_POSITION[node.func.attr]
        flag = node.args[position] if len(node.args) > position else None
        flag = next((k.value for k in node.keywords if k.arg == "flags"), flag)
        found.setdefault((pattern.value, _flags(flag)), f"{path}:{node.lineno}")
    return found, dynamic


def _walk(value, depth: int = 0):
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 4 and isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _walk(item, depth + 1)
    elif depth < 4 and isinstance(value, dict):
        for item in value.values():
            yield from _walk(item, depth + 1)
    elif depth < 4 and dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _walk(getattr(value, f.name), depth + 1)


def from_module(path: Path, root: Path) -> dict[Pattern, str]:
    """The compiled patterns ``path``'s module holds once imported."""
    name = ".".join(path.resolve().relative_to(root).with_suffix("").parts)
    module = importlib.import_module(name.removesuffix(".__init__"))
    found: dict[Pattern, str] = {}
    for attr, value in vars(module).items():
        if attr.startswith("__") or getattr(value, "__module__", name) not in (name, None):
            continue
        for compiled in _walk(value):
            flags = compiled.flags & ~(re.UNICODE if isinstance(compiled.pattern, str) else 0)
            found.setdefault((compiled.pattern, flags), f"{path} ({attr})")
    return found


def regexploit_findings(pattern: str | bytes, flags: int) -> list[str]:
    """Regexploit's reports of cubic-or-worse backtracking (as its command line shows them)."""
    from regexploit.ast.sre import SreOpParser
    from regexploit.redos import find

    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = SreOpParser().parse_sre(text, flags)
        except Exception as exc:  # noqa: BLE001 - a construct it does not know
            return [f"regexploit cannot read it ({type(exc).__name__}); rewrite it plainly"]
    return [
        f"regexploit: starriness {r.starriness}, e.g. {r.example()}"
        for r in find(parsed)
        if r.starriness > 2
    ]


def check(patterns: dict[Pattern, str]) -> list[str]:
    """One line per pattern that may take more than linear time."""
    problems = []
    for (pattern, flags), where in sorted(patterns.items(), key=lambda kv: kv[1]):
        reasons = regexploit_findings(pattern, flags)
        finding = analyse(pattern, flags)
        if finding is not None:
            how = "when searched" if finding.searched else "when matched"
            reasons.append(f"{finding.kind} ambiguity {how}")
        problems += [f"{where}: {reason}: {pattern!r}" for reason in reasons]
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check the packages given; exit status 1 when a pattern may backtrack super-linearly."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("packages", nargs="+", type=Path, help="packages (or .py files)")
    args = parser.parse_args(argv)
    root = Path.cwd().resolve()
    sys.path.insert(0, str(root))
    patterns: dict[Pattern, str] = {}
    dynamic = 0
    for package in args.packages:
        for path in [package] if package.is_file() else sorted(package.rglob("*.py")):
            literal, built = from_source(path)
            dynamic += built
            patterns.update({k: v for k, v in literal.items() if k not in patterns})
            for key, where in from_module(path, root).items():
                patterns.setdefault(key, where)
    problems = check(patterns)
    for line in problems:
        print(line)
    print(
        f"redos: {len(patterns)} patterns checked by regexploit and the ambiguity check; "
        f"{len(problems)} problem(s); {dynamic} built at run time inside functions (by hand)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

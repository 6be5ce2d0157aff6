"""The CLI works through the facade: no command reaches past it to the parts underneath.

Which modules the CLI may import is the import-linter contract ``cli-through-the-facade``
(tested in tests/integration/test_import_contracts.py); this checks what an import
cannot show: a command reading the wired parts off the library it was given.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

CLI = sorted((REPO / "assistant" / "cli").glob("*.py"))
# the Library's attributes that are not use cases: the wired assistant underneath (its
# store, tables and answerers are reached only through it), the locks and the sessions
PAST_THE_FACADE = {"assistant", "lock", "_sessions", "_sessions_lock"}


def _reaches(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.lineno} .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in PAST_THE_FACADE
    ]


@pytest.mark.parametrize("path", CLI, ids=[p.name for p in CLI])
def test_no_cli_command_reads_the_parts_behind_the_facade(path: Path):
    assert _reaches(path) == []


def test_the_check_sees_a_command_reaching_past_the_facade(tmp_path: Path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(library):\n    return library.assistant.store.count_chunks()\n")
    assert _reaches(bad) == ["bad.py:2 .assistant"]

"""The import contracts of pyproject.toml ([tool.importlinter]), run by `lint-imports`.

They hold on the tree as it is, and each kind of upward import, added to a copy of the
packages, breaks the contract that names it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration

PACKAGES = ("core", "assistant", "ingest", "vectorstore", "ui")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# (module file, the import added, what lint-imports must then report)
UPWARD = [
    ("core/errors.py", "import vectorstore.lexical", "core.errors -> vectorstore.lexical"),
    ("ingest/sniff.py", "import assistant.models", "ingest.sniff -> assistant.models"),
    ("vectorstore/lexical.py", "import ingest.loader", "vectorstore.lexical -> ingest.loader"),
    ("ingest/clean.py", "import vectorstore.manifest", "ingest.clean -> vectorstore.manifest"),
    ("assistant/render.py", "import ui.views", "assistant.render -> ui.views"),
    ("assistant/render.py", "import assistant.cli.common", "render -> assistant.cli.common"),
    ("ui/views.py", "import assistant.structured", "ui.views -> assistant.structured"),
    ("ui/style.py", "import vectorstore.store", "ui.style -> vectorstore.store"),
    ("assistant/redact.py", "import chromadb", "assistant.redact -> chromadb"),
    ("assistant/cli/tables.py", "import assistant.cli.app", "No cycles are allowed in"),
    # a CLI command reaching past the facade (assistant.service)
    ("assistant/cli/common.py", "import assistant.app", "assistant.cli.common -> assistant.app"),
    ("assistant/cli/data.py", "import assistant.structured", "data -> assistant.structured"),
    ("assistant/cli/chat.py", "import assistant.conversation", "chat -> assistant.conversation"),
    ("assistant/cli/draft.py", "import assistant.drafting", "draft -> assistant.drafting"),
    ("assistant/cli/evaluate.py", "import assistant.service.evaluating", "service.evaluating"),
    ("assistant/cli/app.py", "import ingest.loader", "assistant.cli.app -> ingest.loader"),
    ("assistant/cli/progress.py", "import vectorstore.store", "progress -> vectorstore.store"),
]


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_hold_on_the_tree():
    run = _lint_imports(REPO)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_each_upward_import_breaks_a_contract(tmp_path):
    for package in PACKAGES:
        shutil.copytree(
            REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    for module, line, _reported in UPWARD:
        path = tmp_path / module
        path.write_text(path.read_text() + f"\n{line}  # noqa\n")

    run = _lint_imports(tmp_path)

    assert run.returncode == 1, run.stdout + run.stderr
    assert "Contracts: 0 kept, 6 broken." in run.stdout
    for _module, _line, reported in UPWARD:
        assert reported in run.stdout, reported

"""The fast tier (``make test-fast``): unit tests on fakes, with the real parts refused.

While the tests of this folder run, importing chromadb, onnxruntime or playwright fails
the test, and so do making a Chroma client or loading the embedding model (if an earlier
test of the session imported them) and starting a Python process: the parse worker, a
model server, ``serve`` or ``chroma run`` (an interpreter or a script whose first line
names one; programs such as ``uname``, which the standard library runs, are allowed). A test
that needs one of these belongs in ``tests/integration``; one that needs the sample index,
a browser or ``serve`` over HTTP in ``tests/e2e``. The refusal is ``pytest.fail``, which no
``except Exception`` in the code under test can swallow.
"""

from __future__ import annotations

import importlib.abc
import os
import shutil
import subprocess
import sys

import pytest

WHERE = "the fast tier (tests/unit) runs on fakes only: use one, or move the test to {home}"

REFUSED_IMPORTS = {  # top-level module: (what it is, where a test using it belongs)
    "chromadb": ("real Chroma", "tests/integration"),
    "onnxruntime": ("the embedding model", "tests/integration"),
    "playwright": ("a browser", "tests/e2e"),
}

REFUSED_CALLS = {  # (module, attribute): (what it is, where a test using it belongs)
    ("chromadb", "PersistentClient"): ("real Chroma", "tests/integration"),
    ("chromadb", "HttpClient"): ("real Chroma", "tests/integration"),
    ("chromadb", "EphemeralClient"): ("real Chroma", "tests/integration"),
    ("chromadb", "Client"): ("real Chroma", "tests/integration"),
    ("onnxruntime", "InferenceSession"): ("the embedding model", "tests/integration"),
}


def refuse(action: str, what: str, home: str):
    pytest.fail(f"{action} ({what}); " + WHERE.format(home=home), pytrace=True)


class RefuseImports(importlib.abc.MetaPathFinder):
    """Fails a test that imports a real part not yet imported in this session."""

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top in REFUSED_IMPORTS:
            refuse(f"imports {fullname}", *REFUSED_IMPORTS[top])
        return None


def runs_python(args) -> bool:
    """Whether a process of ``args`` would run Python: an interpreter or a Python script."""
    program = args if isinstance(args, (str, bytes, os.PathLike)) else (args or [""])[0]
    program = os.fsdecode(program).split()[0] if program else ""
    found = os.path.realpath(shutil.which(program) or program)
    if found == os.path.realpath(sys.executable) or os.path.basename(found).startswith("python"):
        return True
    try:
        with open(found, "rb") as fh:
            head = fh.readline(200)
    except OSError:
        return False
    return head.startswith(b"#!") and b"python" in head  # ofsted-assistant, chroma, …


def refusing(action: str, what: str, home: str):
    def call(*args, **kwargs):
        refuse(action, what, home)

    return call


@pytest.fixture(scope="package", autouse=True)
def _fakes_only():
    """For the whole folder (before any module-scoped fixture): real parts refused."""
    finder = RefuseImports()
    sys.meta_path.insert(0, finder)
    try:
        with pytest.MonkeyPatch.context() as mp:
            for (module, name), (what, home) in REFUSED_CALLS.items():
                if module in sys.modules and hasattr(sys.modules[module], name):
                    mp.setattr(
                        sys.modules[module], name, refusing(f"calls {module}.{name}", what, home)
                    )
            child = ("a Python process", "tests/integration")
            start = subprocess.Popen.__init__

            def popen(self, args, *rest, **kwargs):
                if runs_python(kwargs.get("executable") or args):
                    self._child_created = False  # for Popen.__del__
                    shown = args if isinstance(args, str) else " ".join(map(str, args[:2]))
                    refuse(f"starts {shown[:60]} …", *child)
                start(self, args, *rest, **kwargs)

            mp.setattr(subprocess.Popen, "__init__", popen)
            mp.setattr(os, "fork", refusing("forks", *child))
            yield
    finally:
        sys.meta_path.remove(finder)

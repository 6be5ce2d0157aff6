"""One real index of data/sample per test session (real model, real Chroma, real parsing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import build_assistant
from core.settings import Settings
from tests.conftest import SAMPLE


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory) -> Path:
    from ingest.loader import iter_files

    data_dir = tmp_path_factory.mktemp("sample-index")
    assistant = build_assistant(Settings(data_dir=data_dir))
    report = assistant.ingest(iter_files([SAMPLE]))
    failed = [(o.source, o.reason) for o in report.outcomes if o.status == "failed"]
    assert not failed, failed
    return data_dir


@pytest.fixture(scope="session")
def sample_assistant(sample_data_dir):
    return build_assistant(Settings(data_dir=sample_data_dir))


def load_bench(name: str):
    """A script of ``bench/`` as a module (the concurrency bench starts `serve` for tests too)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    return load_bench("concurrency").free_port()


def start_app(data_dir: Path, *, env: dict[str, str] | None = None, args: tuple[str, ...] = ()):
    """`ofsted-assistant serve` in a subprocess on a free loopback port: (process, url)."""
    return load_bench("concurrency").start(data_dir, env=env, args=args)


def stop_app(proc) -> str:
    import subprocess

    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


@pytest.fixture(scope="session")
def app_url(sample_data_dir, tmp_path_factory):
    """A running app over a copy of the sample index (tests may add and delete documents)."""
    import shutil

    data_dir = tmp_path_factory.mktemp("app") / "data"
    shutil.copytree(sample_data_dir, data_dir)
    proc, url = start_app(data_dir)
    yield url
    log = stop_app(proc)
    assert "Traceback" not in log, log


# Ofsted names every download "children's services inspection - <date>.pdf": these two
# councils' reports (in the development data) share one name.
SAME_NAME = "children's services inspection - 01 february 2022.pdf"
SAME_NAME_FROM = {"Sutton": "80515_sutton", "Newcastle upon Tyne": "80525_newcastle upon tyne"}


@pytest.fixture(scope="session")
def same_name_reports(shared_dir, tmp_path_factory) -> dict[str, Path]:
    """Two councils' real reports, each in its own folder under one file name.

    Also ``"Sutton, earlier"``: Sutton's report without its last two pages, the same
    report (authority, kind, inspection date) with other content, as a first version.
    """
    import shutil

    from pypdf import PdfReader, PdfWriter

    root = tmp_path_factory.mktemp("same-name")
    out: dict[str, Path] = {}
    for authority, folder in SAME_NAME_FROM.items():
        target = root / folder / SAME_NAME
        target.parent.mkdir()
        shutil.copyfile(shared_dir / "ilacs" / folder / SAME_NAME, target)
        out[authority] = target
    earlier = root / "sutton-earlier" / SAME_NAME
    earlier.parent.mkdir()
    writer = PdfWriter()
    for page in PdfReader(out["Sutton"]).pages[:-2]:
        writer.add_page(page)
    writer.write(earlier)
    out["Sutton, earlier"] = earlier
    return out

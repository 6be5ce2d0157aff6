"""One real index of data/sample per test session (real model, real Chroma, real parsing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import build_assistant
from assistant.settings import Settings
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

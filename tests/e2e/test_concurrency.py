"""20 chat sessions and 3 uploaders at once against a running `serve` for 60 s (issue 8)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import load_bench

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_twenty_sessions_and_three_uploaders_for_a_minute(sample_data_dir):
    figures = load_bench("concurrency").run(sample_data_dir, sessions=20, uploads=3, seconds=60)
    print(figures)
    traces = "\n\n".join(figures["tracebacks"][:3])  # the server's, for the failure message
    assert figures["errors"] == [], traces
    assert figures["wrong"] == [], traces
    assert figures["server_tracebacks"] == 0, traces
    assert figures["answers"] >= 40  # every session got answers, not one or two
    assert figures["uploads"] >= 3

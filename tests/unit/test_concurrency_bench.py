"""The concurrency bench keeps the server's tracebacks (not just their count)."""

from __future__ import annotations

from tests.e2e.conftest import load_bench

LOG = """\
INFO ui.app: window ready
ERROR ui.errors: unexpected error in the window
Traceback (most recent call last):
  File "/x/ui/app.py", line 10, in upload
    store.compact()
  File "/x/vectorstore/compaction.py", line 5, in vacuum
    db.execute("VACUUM")
sqlite3.DatabaseError: database disk image is malformed
INFO ui.app: next request
"""


def test_tracebacks_are_kept_whole_with_the_line_before():
    traces = load_bench("concurrency").tracebacks(LOG)
    assert traces == [
        "\n".join(LOG.splitlines()[1:8]),
    ]
    assert traces[0].endswith("sqlite3.DatabaseError: database disk image is malformed")


def test_a_chained_traceback_is_one_entry():
    chained = LOG.replace(
        "INFO ui.app: next request",
        "\nThe above exception was the direct cause of the following exception:\n\n"
        'Traceback (most recent call last):\n  File "x", line 1, in y\n'
        "core.errors.StoreError: the vector store failed\nINFO ui.app: next request",
    )
    traces = load_bench("concurrency").tracebacks(chained)
    assert len(traces) == 1
    assert traces[0].startswith("ERROR ui.errors") and "database disk image" in traces[0]
    assert traces[0].endswith("core.errors.StoreError: the vector store failed")
    assert "INFO ui.app: next request" not in traces[0]

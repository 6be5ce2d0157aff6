"""Chroma calls: a read that met a record deleted under it is asked again, a write is not."""

from __future__ import annotations

import pytest

from core.errors import StoreError
from vectorstore.chroma import READ_ATTEMPTS, ChromaBase, FileGate

# what embedded Chroma raises when a paged read's plan meets a record just deleted
RACED = "Error executing plan: Internal error: Error finding id"


def _base() -> ChromaBase:
    base = ChromaBase.__new__(ChromaBase)  # no client: only the calling path is tested
    base.gate = FileGate()
    return base


class _Flaky:
    """A Chroma collection method (by name) that fails ``failures`` times, then answers."""

    def __init__(self, name: str, failures: int, message: str = RACED) -> None:
        self.__name__ = name
        self.failures = failures
        self.message = message
        self.calls = 0

    def __call__(self, **kwargs):
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(self.message)
        return {"ids": ["c1"], "kwargs": kwargs}


def test_a_read_that_raced_a_delete_is_asked_again():
    get = _Flaky("get", failures=READ_ATTEMPTS - 1)
    got = _base()._call(get, limit=10, offset=0)
    assert got == {"ids": ["c1"], "kwargs": {"limit": 10, "offset": 0}}
    assert get.calls == READ_ATTEMPTS


def test_a_read_failing_every_time_is_a_store_error():
    get = _Flaky("get", failures=READ_ATTEMPTS)
    with pytest.raises(StoreError, match="the vector store failed: .*Error finding id"):
        _base()._call(get)
    assert get.calls == READ_ATTEMPTS


@pytest.mark.parametrize(
    "name, message",
    [("delete", RACED), ("upsert", RACED), ("get", "no such collection")],
    ids=["a-write", "another-write", "another-error"],
)
def test_writes_and_other_errors_are_not_asked_again(name, message):
    fn = _Flaky(name, failures=1, message=message)
    with pytest.raises(StoreError):
        _base()._call(fn)
    assert fn.calls == 1

"""Test isolation: data under tmp_path, no API keys, no outbound network (loopback only)."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "data" / "sample"

# the files that take a minute or more (bench/RESULTS.md, the suite's durations): run first,
# so that `make test`'s workers (pytest-xdist, a file each at a time) do not end on them
LONGEST_FILES = ("test_crash_safety.py", "test_concurrency.py")


def pytest_collection_modifyitems(config, items):
    """The longest files first; every file's tests stay together and in their order."""
    items.sort(key=lambda item: item.path.name not in LONGEST_FILES)


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # unix socket path
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(real):
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            raise ConnectionRefusedError(f"tests may not reach the network: {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(scope="session", autouse=True)
def _no_network():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", _guarded(_real_connect))
        mp.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))
        mp.setenv("ANONYMIZED_TELEMETRY", "False")
        mp.setenv("HF_HUB_OFFLINE", "1")
        yield


@pytest.fixture(autouse=True)
def _isolate(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("OFSTED_ASSISTANT_") or name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OFSTED_ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    yield


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"development data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE

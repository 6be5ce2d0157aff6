"""A llama.cpp server (from the ``xllamacpp`` wheel) in a subprocess, for the local mode.

``LocalServer(gguf_path, host, port, ctx)`` starts ``python -m assistant.local_server``,
which loads the GGUF file into ``xllamacpp.Server`` (an OpenAI-compatible HTTP
server on ``host``), prints the address it listens on and serves until its stdin
closes or it is terminated, so it never outlives the process that started it.
The parent waits for ``/health`` and reads the model name from ``/v1/models``.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from core.errors import ConfigError, ProviderError

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'ofsted-assistant[local]'"
_READY_PREFIX = "LISTENING "


class LocalServer:
    """A llama.cpp server for one GGUF model on this machine; a context manager."""

    def __init__(
        self,
        gguf_path: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        ctx: int = 4096,
        *,
        startup_timeout: float = 120.0,
        log_path: Path | None = None,
    ) -> None:
        """Describe the server; nothing starts until :meth:`start` (or ``with``)."""
        self.gguf_path = Path(gguf_path)
        self.host = host
        self.port = port
        self.ctx = ctx
        self.startup_timeout = startup_timeout
        self.log_path = log_path
        self.process: subprocess.Popen[str] | None = None
        self._address: str | None = None
        self._model: str | None = None
        self._lock = threading.Lock()
        self._registered = False

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible endpoint, ``http://host:port/v1`` (starts the server)."""
        self.start()
        assert self._address is not None
        return f"{self._address}/v1"

    @property
    def model(self) -> str:
        """The model name the server reports in ``/v1/models`` (starts the server)."""
        self.start()
        assert self._model is not None
        return self._model

    @property
    def running(self) -> bool:
        """True while the server process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self) -> LocalServer:
        """Start the server and wait until it answers (no-op when it runs already)."""
        with self._lock:
            if self.running and self._model:
                return self
            self._start()
            return self

    def _start(self) -> None:
        if not self.gguf_path.is_file():
            raise ConfigError(f"GGUF model file not found: {self.gguf_path}")
        try:
            import xllamacpp  # noqa: F401
        except ImportError as exc:
            raise ConfigError(f"the local mode needs xllamacpp: {INSTALL_HINT}") from exc
        cmd = [
            sys.executable,
            "-m",
            "assistant.local_server",
            str(self.gguf_path),
            self.host,
            str(self.port),
            str(self.ctx),
        ]
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "a") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        finally:
            if self.log_path:
                log.close()  # type: ignore[union-attr]
        if not self._registered:
            atexit.register(self.stop)
            self._registered = True
        deadline = time.monotonic() + self.startup_timeout
        self._address = self._read_address(deadline)
        self._wait_healthy(deadline)
        self._model = self._read_model()
        logger.info("local model server on %s (%s)", self._address, self._model)

    def _read_address(self, deadline: float) -> str:
        assert self.process is not None and self.process.stdout is not None
        found: list[str] = []

        def read() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                if line.startswith(_READY_PREFIX):
                    found.append(line[len(_READY_PREFIX) :].strip())
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(max(0.0, deadline - time.monotonic()))
        if not found:
            code = self.process.poll()
            self.stop()
            why = f"exited with code {code}" if code is not None else "did not start in time"
            raise ProviderError(f"the local model server for {self.gguf_path.name} {why}")
        return found[0]

    def _wait_healthy(self, deadline: float) -> None:
        while True:
            try:
                with urllib.request.urlopen(f"{self._address}/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            if not self.running or time.monotonic() > deadline:
                self.stop()
                raise ProviderError(f"the local model server at {self._address} is not healthy")
            time.sleep(0.1)

    def _read_model(self) -> str:
        try:
            with urllib.request.urlopen(f"{self._address}/v1/models", timeout=5) as resp:
                data: dict[str, Any] = json.load(resp)
            return str(data["data"][0]["id"])
        except (OSError, KeyError, IndexError, ValueError) as exc:
            self.stop()
            raise ProviderError(f"the local model server lists no model: {exc}") from exc

    def stop(self) -> None:
        """Stop the server (terminate, then kill after 10 s)."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        self._model = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _serve(gguf_path: str, host: str, port: int, ctx: int) -> None:
    """Run the server in this process until stdin closes."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = gguf_path
    params.n_ctx = ctx
    params.port = port
    params.hostnames = [host]
    params.warmup = False
    params.model_alias = {Path(gguf_path).stem}
    server = xllamacpp.Server(params)
    print(f"{_READY_PREFIX}{server.listening_address}", flush=True)
    sys.stdin.read()  # returns when the parent closes the pipe or exits
    os._exit(0)


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))

"""Start the real service for a test: ``cramp-triage serve`` in a subprocess on a free loopback
port, waited for (bounded), and always stopped. Its log goes to a file the test may read."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
START_SECONDS = 60


@dataclass
class Server:
    base: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_server(*args: str) -> Iterator[Server]:
    """A running ``cramp-triage serve`` with ``args``, on 127.0.0.1; stopped on exit."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="cramp-serve-") as folder:
        log_path = Path(folder) / "server.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen([str(BIN / "cramp-triage"), "serve", "--port", str(port), *args],
                                       stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            server = Server(f"http://127.0.0.1:{port}", log_path)
            try:
                _wait_until_up(process, server)
                yield server
            finally:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=15)


def _wait_until_up(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {server.log_text()}")
        try:
            if httpx.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start within {START_SECONDS} s: {server.log_text()}")

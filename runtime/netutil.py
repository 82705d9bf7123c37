"""Starting a local HTTP server and waiting for it: a free port, and polling until the server answers.

Used by the benchmarks (bench/servers.py, for Ardh and the peers) and by the tests that start the real server
(tests/test_serve.py). It lives with the product, not in bench/ or tests/, so neither of those imports the
other; it is the standard library only and runs nothing on import.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import time

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_until_up(port: int, path: str, proc: subprocess.Popen | None = None, *, headers: dict | None = None,
                  timeout: float = 120) -> None:
    """Poll ``path`` until it answers below 500; fail early if ``proc`` exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server for port {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", path, headers=headers or {})
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server on port {port} did not answer {path}")

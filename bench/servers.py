# ruff: noqa: S603 - commands are fixed argument lists built here, never user input
"""Servers the benchmarks start: Ardh exactly as `make demo` serves it (``python -m config.serve``), and
readiness polling shared with the peers (pygeoapi, TiPg)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def start_ardh(port: int, env: dict | None = None) -> subprocess.Popen:
    """Ardh served by config/serve.py (the demo's server and settings), ready when /healthz answers."""
    environ = {**os.environ, "ARDH_DEBUG": "false", "DJANGO_SETTINGS_MODULE": "config.settings.dev", **(env or {})}
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "config.serve", "--host", HOST, "--port", str(port)],
        cwd=ROOT, env=environ, stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port, "/healthz", proc)
    except RuntimeError:
        proc.kill()
        raise
    return proc

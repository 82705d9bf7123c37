# ruff: noqa: S603 - commands are fixed argument lists built here, never user input
"""Servers the benchmarks start: Ardh exactly as `make demo` serves it (``python -m runtime.serve``), the
reference peer bench/bare_server.py on the same server, and the readiness polling used for the peers too
(pygeoapi, TiPg), from runtime/netutil.py.

A benchmark stops its servers in ``finally`` blocks. Those run on an exception or Ctrl-C, but not on
``kill <pid>``: Python's default for SIGTERM is to die on the spot, leaving Granian, TiPg and pygeoapi running.
:func:`exit_on_sigterm` (installed by :func:`start_ardh`, so by every benchmark before its first server)
turns SIGTERM into ``SystemExit``, so the ``finally`` blocks run. Against ``kill -9``, where no Python code
runs at all, every server is started with a parent-death signal (:func:`popen_tied`: Ardh and the peers): the
kernel sends it SIGTERM when the benchmark dies.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import threading
from pathlib import Path

from runtime.netutil import HOST, free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
__all__ = ["HOST", "ROOT", "exit_on_sigterm", "free_port", "peer_db_host", "popen_tied", "start_ardh", "start_bare",
           "stop", "tipg_database_url", "wait_until_up"]


def _exit_for_signal(signum, frame):
    signal.signal(signum, signal.SIG_IGN)  # a second kill must not interrupt the cleanup it started
    raise SystemExit(128 + signum)


def exit_on_sigterm() -> None:
    """SIGTERM raises SystemExit in the main thread, so ``finally`` blocks stop the servers (idempotent)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_for_signal)


_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent(parent: int):
    """preexec_fn: the child gets SIGTERM when the thread that started it ends, even by kill -9 (Linux's
    parent-death signal, kept across exec). So start servers from the main thread."""
    def arrange() -> None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the prctl
            os._exit(1)
    return arrange


def popen_tied(argv: list[str], **kwargs) -> subprocess.Popen:
    """``subprocess.Popen`` for a server a benchmark starts (Ardh or a peer): it is sent SIGTERM when the
    benchmark dies however it dies, and a SIGTERM to the benchmark runs its ``finally`` blocks. The server
    leads a process group of its own, so :func:`stop` can end its workers too."""
    exit_on_sigterm()
    return subprocess.Popen(argv, preexec_fn=_die_with_parent(os.getpid()), process_group=0, **kwargs)


def stop(*procs: subprocess.Popen, grace_s: float = 15) -> None:
    """SIGTERM to each server, then SIGKILL to the process group of any still running after ``grace_s``.
    Granian can miss a SIGTERM that arrives while a worker is still starting (the worker never learns of the
    shutdown and the main process waits for it for ever): seen with bench/bare_server.py stopped right after
    it answered for the first time."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def start_ardh(port: int, env: dict | None = None) -> subprocess.Popen:
    """Ardh served by runtime/serve.py (the demo's server and settings), ready when /healthz answers."""
    # runtime.serve execs granian: the same process keeps the parent-death signal
    argv = [str(ROOT / ".venv" / "bin" / "python"), "-m", "runtime.serve", "--host", HOST, "--port", str(port)]
    return _serve(argv, port, _environ(env))


def start_bare(port: int, env: dict | None = None) -> subprocess.Popen:
    """The reference peer bench/bare_server.py on Ardh's own server command line (runtime.serve.command)."""
    from runtime.serve import command

    environ = _environ(env)
    argv = command(host=HOST, port=port, application="bench.bare_server:application", environ=environ)
    return _serve(argv, port, environ)


def _environ(env: dict | None) -> dict:
    return {**os.environ, "ARDH_DEBUG": "false", "DJANGO_SETTINGS_MODULE": "config.settings.dev", **(env or {})}


def _serve(argv: list[str], port: int, environ: dict) -> subprocess.Popen:
    proc = popen_tied(argv, cwd=ROOT, env=environ, stdout=subprocess.DEVNULL)
    try:
        wait_until_up(port, "/healthz", proc)
    except RuntimeError:
        proc.kill()
        raise
    return proc


def peer_db_host() -> str:
    """Where the peers connect: where Ardh does (the project cluster's Unix socket by default)."""
    from django.conf import settings

    return settings.DATABASES["default"]["HOST"]


def tipg_database_url() -> str:
    """TiPg's DATABASE_URL. Its settings take no socket directory as a host, so it connects over TCP to the
    cluster's address (scripts/pg.sh listens on 127.0.0.1 as well) when Ardh uses the socket."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    host = HOST if db["HOST"].startswith("/") else db["HOST"]
    return f"postgresql://{db['USER']}@{host}:{db['PORT']}/{db['NAME']}"

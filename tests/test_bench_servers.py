"""Benchmarks do not leave servers behind when they are killed (bench/servers.py).

A small script starts the real server with ``bench.servers.start_ardh`` on the test database and stops it in a
``finally`` block, as the benchmarks do; the test kills the script as a person would.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import sys, time
sys.path.insert(0, {root!r})
from bench.servers import free_port, start_ardh
port = free_port()
proc = start_ardh(port, {{"ARDH_DB_NAME": {db!r}, "ARDH_WORKERS": "1", "ARDH_THREADS": "1"}})
try:
    print(proc.pid, port, flush=True)  # inside the try: the test kills the script as soon as it reads this
    time.sleep(600)
finally:
    proc.terminate()
    proc.wait(timeout=30)
    print("servers stopped", flush=True)
"""


@pytest.fixture
def bench_script(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        code = SCRIPT.format(root=str(ROOT), db=connection.settings_dict["NAME"])
    script = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    server_pid = None
    try:
        server_pid, port = (int(v) for v in script.stdout.readline().split())
        yield script, server_pid, port
    finally:
        script.kill()
        script.wait()
        if server_pid and not gone(server_pid):  # the test failed: do not leave the server behind either
            os.kill(server_pid, signal.SIGTERM)


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in state  # exited, not yet reaped by its new parent


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_sigterm_runs_the_benchmarks_finally_and_stops_the_server(bench_script):
    script, server_pid, port = bench_script
    assert listening(port) and not gone(server_pid)
    os.kill(script.pid, signal.SIGTERM)
    assert script.wait(timeout=60) == 128 + signal.SIGTERM
    assert script.stdout.read().strip() == "servers stopped"
    assert wait_for(lambda: gone(server_pid) and not listening(port))


def test_kill_9_of_the_benchmark_still_stops_the_server(bench_script):
    script, server_pid, port = bench_script
    assert listening(port)
    os.kill(script.pid, signal.SIGKILL)
    script.wait(timeout=10)
    assert wait_for(lambda: gone(server_pid) and not listening(port))


def test_the_peers_connect_where_ardh_does_and_tipg_over_tcp(settings):
    from bench.servers import peer_db_host, tipg_database_url

    db = settings.DATABASES["default"]
    settings.DATABASES = {"default": {**db, "HOST": "/srv/ardh/.data/run", "PORT": 5999, "NAME": "x", "USER": "u"}}
    assert peer_db_host() == "/srv/ardh/.data/run"
    assert tipg_database_url() == "postgresql://u@127.0.0.1:5999/x"  # TiPg takes no socket directory
    settings.DATABASES = {"default": {**db, "HOST": "db.internal", "PORT": 5432, "NAME": "x", "USER": "u"}}
    assert peer_db_host() == "db.internal"
    assert tipg_database_url() == "postgresql://u@db.internal:5432/x"

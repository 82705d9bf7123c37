"""scripts/system-deps.sh waits (bounded) for another apt or dpkg process that holds apt's lock.

The script runs as it is, with ``apt-get`` and ``dpkg-query`` stand-ins first on PATH (the machine's real apt lock
is shared with everything else on it, so the test holds a lock file of its own): the stand-in ``apt-get`` takes
that file's lock as apt takes its own (``fcntl``) and fails with apt's own message when another process holds
it; ``dpkg-query`` reports every package missing.
"""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FAKE_APT = textwrap.dedent("""\
    #!{python}
    import fcntl, os, sys
    lock = open(os.environ["FAKE_APT_LOCK"], "a")
    try:
        fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print("E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)")
        print("E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?")
        sys.exit(100)
    with open(os.environ["FAKE_APT_LOG"], "a") as log:
        log.write(" ".join(sys.argv[1:]) + "\\n")
""")


@pytest.fixture
def fake_apt(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text(FAKE_APT.format(python=sys.executable))
    (bin_dir / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")  # nothing is installed
    for exe in bin_dir.iterdir():
        exe.chmod(0o755)
    lock, log = tmp_path / "lock-frontend", tmp_path / "apt.log"
    lock.touch()
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_APT_LOCK": str(lock),
           "FAKE_APT_LOG": str(log), "SUDO": ""}
    return env, lock, log


def _run(env, **extra):
    if os.geteuid() != 0:
        pytest.skip("system-deps.sh installs as root (or through sudo)")
    return subprocess.run(["bash", str(ROOT / "scripts" / "system-deps.sh")], env={**env, **extra},
                          capture_output=True, text=True, timeout=120)


def _hold(lock: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the lock for ``seconds`` (as an apt-get would)."""
    code = ("import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.lockf(f, fcntl.LOCK_EX); "
            "print('held', flush=True); time.sleep(float(sys.argv[2]))")
    holder = subprocess.Popen([sys.executable, "-c", code, str(lock), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_installs_once_another_apt_process_lets_go_of_the_lock(fake_apt):
    env, lock, log = fake_apt
    holder = _hold(lock, 4)
    started = time.monotonic()
    try:
        done = _run(env, ARDH_APT_LOCK_WAIT_S="60")
    finally:
        holder.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 3, "it ran before the lock was released"
    assert "waiting" in done.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "update -qq" and calls[1].startswith("install -y")
    assert "python3-qgis" in calls[1] and "nginx" in calls[1]


def test_the_wait_is_bounded(fake_apt):
    env, lock, log = fake_apt
    holder = _hold(lock, 30)
    started = time.monotonic()
    try:
        done = _run(env, ARDH_APT_LOCK_WAIT_S="3")
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert done.returncode == 100
    assert 3 <= time.monotonic() - started < 20
    assert "still held after 3 s" in done.stderr
    assert not log.exists()

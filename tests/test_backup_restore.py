"""Backups proven by restoring (scripts/backup.sh, scripts/archive-wal.sh, decision 037), on a cluster of the test's
own made by scripts/pg.sh: rows written before a base backup, after it and before a target time, and after the
target; the restore to the target has exactly the first two, and the documents written by then and no later.
A disk that fills during a backup leaves no backup that looks complete."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
PGBIN = Path("/usr/lib/postgresql/15/bin")


def run(*args, env, check=True) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], env=env, cwd=ROOT, capture_output=True, text=True, check=check,
                          timeout=600)


def sql(env, query: str, *, port=None, run_dir=None) -> str:
    out = run(PGBIN / "psql", "-X", "-At", "-h", run_dir or env["ARDH_PG_RUN"], "-p", port or env["ARDH_DB_PORT"],
              "-U", "ardh", "-d", "ardh", "-c", query, env=env)
    return out.stdout.strip()


@pytest.fixture
def cluster():
    base = Path(tempfile.mkdtemp(prefix="ardh-backup-test-"))
    base.chmod(0o755)  # the server runs as 'postgres'
    env = {**os.environ, "ARDH_PG_DATA": str(base / "pg"), "ARDH_PG_RUN": str(base / "run"),
           "ARDH_PG_LOG": str(base / "pg.log"), "ARDH_DB_PORT": str(free_port()),
           "ARDH_BACKUP_DIR": str(base / "backup"), "ARDH_MEDIA_ROOT": str(base / "media"),
           "ARDH_RESTORE_PORT": str(free_port()), "ARDH_DB_NAME": "ardh"}
    (base / "media").mkdir()
    run("bash", "scripts/pg.sh", "start", env=env)
    try:
        yield base, env
    finally:
        for data in (base / "pg", base / "restore" / "pg"):
            if (data / "postmaster.pid").exists():
                run("runuser", "-u", "postgres", "--", PGBIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop",
                    env=env, check=False)
        shutil.rmtree(base, ignore_errors=True)


def archived(env, segment_query="SELECT pg_walfile_name(pg_current_wal_lsn())") -> None:
    """Switch to a new WAL segment and wait until the one just finished is in the archive."""
    current = sql(env, segment_query)
    sql(env, "SELECT pg_switch_wal()")
    deadline = time.monotonic() + 60
    while sql(env, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < current:
        assert time.monotonic() < deadline, "the WAL segment was not archived"
        time.sleep(0.2)


def test_restore_to_a_point_in_time_has_exactly_what_was_there(cluster):
    base, env = cluster
    media = base / "media"
    sql(env, "CREATE TABLE ledger (id int PRIMARY KEY, note text)")
    sql(env, "INSERT INTO ledger VALUES (1, 'before the backup')")
    (media / "a.pdf").write_bytes(b"first")
    backed = run("bash", "scripts/backup.sh", "base", env=env).stdout
    assert "base backup" in backed
    sql(env, "INSERT INTO ledger VALUES (2, 'after the backup, before the target')")
    (media / "cases").mkdir()
    (media / "cases" / "b.pdf").write_bytes(b"second")
    time.sleep(1.2)
    target = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")
    time.sleep(1.2)
    sql(env, "INSERT INTO ledger VALUES (3, 'after the target')")
    sql(env, "UPDATE ledger SET note = 'changed after the target' WHERE id = 1")
    (media / "c.pdf").write_bytes(b"third")
    run("bash", "scripts/backup.sh", "base", env=env)  # a later base backup copies the later documents too
    archived(env)

    t0 = time.monotonic()
    out = run("bash", "scripts/backup.sh", "restore", target, str(base / "restore"), env=env).stdout
    seconds = time.monotonic() - t0
    port, run_dir = env["ARDH_RESTORE_PORT"], str(base / "restore" / "run")
    rows = sql(env, "SELECT id, note FROM ledger ORDER BY id", port=port, run_dir=run_dir)
    assert rows.splitlines() == ["1|before the backup", "2|after the backup, before the target"], out
    assert sql(env, "SELECT pg_is_in_recovery()", port=port, run_dir=run_dir) == "f"  # promoted: writable
    restored = sorted(str(p.relative_to(base / "restore" / "media")) for p in (base / "restore" / "media").rglob("*")
                      if p.is_file())
    assert restored == ["a.pdf", "cases/b.pdf"]
    # The primary is untouched.
    assert sql(env, "SELECT count(*) FROM ledger") == "3"
    print(f"\n{backed.strip()}\nrestore to a point in time: {seconds:.1f} s; {out.strip()}")


def test_a_backup_that_fills_the_disk_leaves_no_backup(cluster):
    base, env = cluster
    small = base / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(small)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        result = run("bash", "scripts/backup.sh", "base", env={**env, "ARDH_BACKUP_DIR": str(small)}, check=False)
        assert result.returncode != 0 and "the base backup failed (nothing kept)" in result.stderr
        assert [p.name for p in (small / "base").iterdir()] == []  # nothing half-written looks like a backup
        listing = run("bash", "scripts/backup.sh", "list", env={**env, "ARDH_BACKUP_DIR": str(small)}).stdout
        assert listing.splitlines()[0].startswith("WAL segments archived")
    finally:
        subprocess.run(["umount", str(small)], check=False)
    # The database is unharmed and a backup to a disk with room works.
    sql(env, "SELECT 1")
    assert "base backup" in run("bash", "scripts/backup.sh", "base", env=env).stdout


def test_restore_refuses_a_time_before_any_backup(cluster):
    base, env = cluster
    result = run("bash", "scripts/backup.sh", "restore", "2001-01-01 00:00:00+00", str(base / "r"), env=env,
                 check=False)
    assert result.returncode != 0 and "no base backup finished before" in result.stderr

"""The job queue (runtime/jobs.py) with its real worker: periodic jobs run, sweeps give lost rows their job
again, a name that is no task is refused when queued (not when a worker meets it), and a job queued by a job is
part of that job's transaction (run after its commit, never after its rollback)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from procrastinate.exceptions import TaskNotFound

from imports.jobs import job_create
from imports.models import ImportJob
from runtime.jobs import defer_after_commit
from tests.imports.helpers import frame, write
from tests.worker import clear_queue, wait_for


def _statuses(task: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE task_name = %s", [task])
        return [row[0] for row in cursor.fetchall()]


def test_the_worker_runs_the_periodic_jobs(worker):
    wait_for(lambda: "succeeded" in _statuses("jobs.retry_stalled"), what="the stalled-jobs sweep", worker=worker)
    for task in ("imports.resume", "tiles.resume_packages", "notifications.resume"):
        wait_for(lambda t=task: "succeeded" in _statuses(t), what=task, worker=worker)


def test_an_import_that_lost_its_job_is_resumed_by_the_sweep(transactional_db, settings, tmp_path, plan):
    """A row queued before the queue existed (or whose job was given up): the sweep queues it again."""
    from imports.tasks import resume
    from tests.worker import Worker

    settings.ARDH_IMPORT_DIR = tmp_path / "jobs"
    path = write(frame(plan.number, 3), tmp_path / "p.gpkg")
    job = job_create(municipality=plan.municipality, actor=None,
                     upload=SimpleUploadedFile("p.gpkg", path.read_bytes()), options={})
    clear_queue()  # its job is lost
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=6))
    resume(timestamp=0)
    resume(timestamp=0)  # twice: one job (queueing lock)
    assert _statuses("imports.run") == ["todo"]
    w = Worker().start()
    try:
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "ready", what="the import", worker=w)
    finally:
        w.stop()


@pytest.mark.django_db
def test_an_unknown_task_is_refused_when_queued():
    with pytest.raises(TaskNotFound):
        defer_after_commit("imports.rnu", job_id=1)


def test_a_job_queued_by_a_job_runs_after_that_jobs_commit(worker, tmp_path):
    path = tmp_path / "chain.log"
    with transaction.atomic():
        defer_after_commit("scratch.chain", path=str(path), fail=False, sleep_s=2.0)
    wait_for(lambda: "done child" in (path.read_text() if path.exists() else ""), what="the child job",
             worker=worker)
    lines = [line.rsplit(" ", 1)[0] for line in path.read_text().splitlines()]
    assert lines == ["committed parent", "started child", "done child"]


def test_a_job_queued_by_a_job_that_fails_is_never_queued(worker, tmp_path):
    path = tmp_path / "chain.log"
    with transaction.atomic():
        defer_after_commit("scratch.chain", path=str(path), fail=True)
    wait_for(lambda: _statuses("scratch.chain") == ["failed"], what="the parent failing", worker=worker)
    assert _statuses("scratch.mark") == [] and not path.exists()

"""Import jobs: an upload is checked (dry run) in the background, then committed on confirmation.

A job row is the record; a queue job (``imports.run``, imports/tasks.py) is deferred with it in the same
transaction and runs it on the worker. ``run_job`` claims the row with SELECT ... FOR UPDATE SKIP LOCKED and an
advisory lock (runtime/background.py), so queue workers and ``run_import_worker`` never run one job twice.
"""

from __future__ import annotations

import logging
import re
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from imports.errors import ImportRefused
from imports.models import ImportJob
from imports.services import ImportOptions, import_parcels
from runtime.background import claim_row, release
from runtime.jobs import defer_after_commit

S = ImportJob.Status

logger = logging.getLogger(__name__)


def _store(upload) -> Path:
    folder = Path(settings.ARDH_IMPORT_DIR) / uuid.uuid4().hex
    folder.mkdir(parents=True)
    # Only the extension of the client's name matters (it picks the reader); the rest is not trusted.
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(upload.name or "upload").name)[-100:] or "upload"
    path = folder / name
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


@transaction.atomic
def job_create(*, municipality, actor, upload, options: dict) -> ImportJob:
    """``actor`` is the person, or a label naming the API key (see api.access.caller_actor)."""
    label = actor if isinstance(actor, str) else ""
    job = ImportJob.objects.create(
        municipality=municipality, created_by=None if label else actor, created_by_label=label[:128],
        file_path=str(_store(upload)), original_name=upload.name[:255], options=options,
    )
    queue_run(job.pk)
    return job


@transaction.atomic
def job_request_commit(*, job: ImportJob) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != S.READY:
        raise ImportRefused(_("Only a checked import can be committed (this one is %(s)s).")
                            % {"s": job.get_status_display()}, code="not_ready")
    if job.report.get("errors"):
        raise ImportRefused(_("The import has %(n)d errors; fix the file and upload it again.")
                            % {"n": job.report["errors"]}, code="has_errors")
    job.status = S.COMMIT_QUEUED
    job.save(update_fields=["status", "updated_at"])
    queue_run(job.pk)
    return job


def queue_run(job_id: int) -> None:
    """The worker runs the job once this transaction commits (imports/tasks.py)."""
    defer_after_commit("imports.run", queueing_lock=f"imports.run:{job_id}", job_id=job_id)


LOCKS = 1  # advisory-lock namespace of import workers (runtime.background)


def _claim(job_id: int | None) -> ImportJob | None:
    """Mark a waiting job (or one whose worker died mid-check or mid-commit) as ours, holding its lock.

    A killed commit rolled back with its transaction, so running it again is the same all-or-nothing import.
    """
    with transaction.atomic():
        rows = ImportJob.objects.select_for_update(skip_locked=True)
        job = claim_row(rows.filter(pk=job_id) if job_id is not None else rows, namespace=LOCKS,
                        waiting={"status__in": [S.QUEUED, S.COMMIT_QUEUED]},
                        orphaned={"status__in": [S.RUNNING, S.COMMITTING]})
        if job is None:
            return None
        job.status = S.RUNNING if job.status in (S.QUEUED, S.RUNNING) else S.COMMITTING
        job.save(update_fields=["status", "updated_at"])
        return job


def run_job(job_id: int | None = None) -> ImportJob | None:
    """Run one waiting job (``job_id`` or the oldest); return it, or None when there was nothing to do."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        return _run(job)
    finally:
        release(LOCKS, job.pk)


def _run(job: ImportJob) -> ImportJob:
    commit = job.status == S.COMMITTING
    try:
        report = import_parcels(path=Path(job.file_path), municipality=job.municipality,
                                options=ImportOptions.from_dict(job.options),
                                actor=job.created_by or job.created_by_label or None, commit=commit)
    except ImportRefused as exc:
        job.status, job.error_code, job.error, job.error_details = S.FAILED, exc.code, exc.messages[0], exc.details
    except Exception:
        # Not the caller's input (that is reported per feature or refused above): logged in full for the
        # operators; the caller gets no server paths or internals, and nothing was written (one transaction).
        logger.exception("import job %s failed", job.pk)
        job.status, job.error_code = S.FAILED, "internal"
        job.error = _("The import failed on an internal error; nothing was written. The operators were told.")
    else:
        job.report = report
        job.status = S.COMMITTED if report["committed"] else (S.FAILED if commit else S.READY)
        if commit and not report["committed"]:
            job.error_code, job.error = "has_errors", report.get("refused", "")
    job.save()
    if job.status in (S.COMMITTED, S.FAILED):
        shutil.rmtree(Path(job.file_path).parent, ignore_errors=True)  # nothing more will read it
    return job


def run_pending(*, limit: int | None = None) -> int:
    done = 0
    while limit is None or done < limit:
        if run_job() is None:
            break
        done += 1
    return done

"""Offline packages through the API: request -> background build -> status -> download.

A package row is its own job: ``package_request`` stores it (scoped to the caller's
municipality) and queues ``tiles.build_package`` (tiles/tasks.py) in the same transaction; ``run_package``
claims it with SELECT ... FOR UPDATE SKIP LOCKED (so queue workers and ``manage.py export_offline --pending``
never build the same package twice), builds it with ``tiles.offline.export`` (which
writes to a temporary file and renames it when complete) and records progress and size.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from runtime.background import claim_row, release
from runtime.jobs import defer_after_commit
from tiles.grid import MAX_ZOOM
from tiles.models import OfflinePackage
from tiles.offline import ExportError, export, plan

S = OfflinePackage.Status
MAX_UNFINISHED_PER_MUNICIPALITY = 3
PROGRESS_EVERY = 200  # tiles between progress writes


class PackageRefused(ValueError):
    """A request that cannot be served; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def package_dir(package: OfflinePackage) -> Path:
    return Path(settings.ARDH_OFFLINE_DIR) / connection.settings_dict["NAME"] / str(package.pk)


@transaction.atomic
def package_request(
    *, municipality, district, minzoom: int, maxzoom: int, user=None, label: str = ""
) -> OfflinePackage:
    """Queue a package of ``district`` (of ``municipality``) for zooms ``minzoom``-``maxzoom``."""
    if district.municipality_id != municipality.pk:
        raise PackageRefused(_("No such district."), status=404)
    if not 0 <= minzoom <= maxzoom <= MAX_ZOOM:
        raise PackageRefused(_("Zooms must satisfy 0 <= minzoom <= maxzoom <= %(max)d.") % {"max": MAX_ZOOM})
    try:
        total = len(plan(district.geom.extent, minzoom, maxzoom))
    except ExportError:
        raise PackageRefused(_("That zoom range holds too many tiles for one package: narrow it.")) from None
    # One municipality at a time (row lock) so two requests cannot both pass the limit.
    type(municipality).objects.select_for_update().filter(pk=municipality.pk).values_list("pk", flat=True).first()
    unfinished = OfflinePackage.objects.filter(municipality=municipality, status__in=[S.QUEUED, S.RUNNING]).count()
    if unfinished >= MAX_UNFINISHED_PER_MUNICIPALITY:
        message = _("%(n)d packages are already being built for your municipality; wait for one to finish.")
        raise PackageRefused(message % {"n": unfinished}, status=429)
    package = OfflinePackage.objects.create(
        municipality=municipality, district=district, minzoom=minzoom, maxzoom=maxzoom, tiles_total=total,
        requested_by=user if user is not None and user.is_authenticated else None, requested_by_label=label[:200],
    )
    queue_build(package.pk)
    return package


def queue_build(package_id: int) -> None:
    """The worker builds the package once this transaction commits (tiles/tasks.py)."""
    defer_after_commit("tiles.build_package", queueing_lock=f"tiles.build_package:{package_id}",
                       package_id=package_id)


LOCKS = 2  # advisory-lock namespace of package builders (runtime.background)


def _claim(package_id: int | None) -> OfflinePackage | None:
    """Mark a queued package (or a running one whose builder died) as ours, holding its builder lock."""
    with transaction.atomic():
        rows = OfflinePackage.objects.select_for_update(skip_locked=True).select_related("district")
        package = claim_row(rows.filter(pk=package_id) if package_id is not None else rows, namespace=LOCKS,
                            waiting={"status": S.QUEUED}, orphaned={"status": S.RUNNING})
        if package is None:
            return None
        package.status, package.tiles_done = S.RUNNING, 0
        package.save(update_fields=["status", "tiles_done", "updated_at"])
        return package


def run_package(package_id: int | None = None) -> OfflinePackage | None:
    """Build one queued package (``package_id`` or the oldest); None when there was nothing to do."""
    package = _claim(package_id)
    if package is None:
        return None
    try:
        return _build(package)
    finally:
        release(LOCKS, package.pk)


def _build(package: OfflinePackage) -> OfflinePackage:
    district, folder = package.district, package_dir(package)
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if done % PROGRESS_EVERY == 0:
            OfflinePackage.objects.filter(pk=package.pk).update(tiles_done=done)

    try:
        built = export(
            name=f"{district.name_ar} / {district.name_en}", bbox=district.geom.extent, minzoom=package.minzoom,
            maxzoom=package.maxzoom, target=folder / f"{district.code}.mbtiles", progress=progress,
            municipality_id=package.municipality_id,
        )
    except Exception as exc:  # recorded on the package: the caller sees why, the thread never dies silently
        shutil.rmtree(folder, ignore_errors=True)
        package.status, package.error = S.FAILED, _("The package could not be built: %(e)s") % {"e": exc}
        package.save(update_fields=["status", "error", "updated_at"])
        return package
    _add_day_parts(package, built.vector)
    package.status, package.tiles_done, package.size_bytes = S.READY, built.tiles, built.bytes
    package.vector_path, package.ortho_path = str(built.vector), str(built.ortho or "")
    package.save()
    return package


def _add_day_parts(package: OfflinePackage, path) -> None:
    """The processes' parts of the requester's day (``geo.offline``: licensing's visits and checklists) in the
    package's metadata (``ardh:day``, JSON), so a GIS client's package carries them too."""
    import json
    import sqlite3

    from django.utils import timezone

    from tiles.offline_day import day_parts

    user = package.requested_by
    if user is None:
        return
    parts = day_parts(user=user, municipality=package.municipality, day=timezone.localdate())
    if not parts:
        return
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO metadata VALUES (?, ?)", ("ardh:day", json.dumps(parts, default=str)))


def run_pending() -> int:
    done = 0
    while run_package() is not None:
        done += 1
    return done

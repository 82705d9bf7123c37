"""Tiles cached on disk: ``<root>/<database>/<layer>/<filter key>/<z>/<x>/<y>.mvt``.

Why disk rather than Redis/memcached: tiles are immutable blobs read far more than
written, the OS page cache serves hot ones from memory for free, disk is large enough
for a whole city at every zoom, nothing else has to run, and an offline package or a
MapProxy seed can read the same tree. The database name is part of the path, so the
test database and a benchmark database never see the demo's tiles.

Never serving a stale tile: an edit invalidates (after commit) every cached tile its
old and new bbox touch at every zoom. A render that *started* before an invalidation
may have read the old rows and must not survive it, so a writer writes its file and
then checks the invalidation stamp: if an invalidation began after the render began,
the writer removes its own file. The invalidator moves the stamp before deleting, so
whichever order the two interleave in, the stale file is gone.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from tiles.grid import Tile, tile_range

STAMP = ".invalidated"
DIRECT_LIMIT = 64  # above this many candidate tiles in one zoom, scan the cache instead of probing each


def root() -> Path:
    return Path(settings.ARDH_TILE_CACHE_DIR) / connection.settings_dict["NAME"]


def enabled() -> bool:
    return settings.ARDH_TILE_CACHE_ENABLED


def tile_path(layer: str, key: str, tile: Tile, ext: str = "mvt") -> Path:
    return root() / layer / key / str(tile.z) / str(tile.x) / f"{tile.y}.{ext}"


def get(layer: str, key: str, tile: Tile, ext: str = "mvt") -> bytes | None:
    try:
        return tile_path(layer, key, tile, ext).read_bytes()
    except FileNotFoundError:
        return None


def _stamp_ns() -> int:
    try:
        return (root() / STAMP).stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def render_started() -> int:
    """Call before reading the database for a tile; pass the result to :func:`put`."""
    return time.time_ns()


def put(layer: str, key: str, tile: Tile, data: bytes, *, started_ns: int, ext: str = "mvt") -> bool:
    """Store a rendered tile unless an invalidation began after its render did; True if kept."""
    path = tile_path(layer, key, tile, ext)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # readers see the whole old file, no file, or the whole new one
    if _stamp_ns() >= started_ns:
        path.unlink(missing_ok=True)
        return False
    return True


def _touch_stamp() -> None:
    stamp = root() / STAMP
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    now = time.time_ns()
    os.utime(stamp, ns=(now, now))


def _int_entries(directory: Path, lo: int, hi: int, suffix: str = ""):
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return
    for entry in entries:
        name = entry.name[: -len(suffix)] if suffix and entry.name.endswith(suffix) else entry.name
        if name.isdigit() and lo <= int(name) <= hi:
            yield Path(entry.path)


def _candidates(zdir: Path, x0: int, x1: int, y0: int, y1: int, ext: str):
    """Paths that may hold a cached tile in the range: probed one by one when few, else found by listing."""
    if (x1 - x0 + 1) * (y1 - y0 + 1) <= DIRECT_LIMIT:
        return (zdir / str(x) / f"{y}.{ext}" for x in range(x0, x1 + 1) for y in range(y0, y1 + 1))
    return (f for xd in _int_entries(zdir, x0, x1) for f in _int_entries(xd, y0, y1, f".{ext}"))


def invalidate(layers: list[str], bboxes, zooms: range, ext: str = "mvt") -> int:
    """Delete the cached tiles of these layers (every filter variant) touched by any bbox; return how many."""
    _touch_stamp()
    removed = 0
    for layer in layers:
        try:
            keys = [Path(e.path) for e in os.scandir(root() / layer) if e.is_dir()]
        except FileNotFoundError:
            continue
        for key_dir in keys:
            for z in zooms:
                zdir = key_dir / str(z)
                if not zdir.is_dir():
                    continue
                for bbox in bboxes:
                    for path in _candidates(zdir, *tile_range(bbox, z), ext):
                        try:
                            path.unlink()
                            removed += 1
                        except FileNotFoundError:
                            pass
    return removed

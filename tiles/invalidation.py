"""Drop the cached tiles an edit touched (registered with geo.changes in TilesConfig.ready)."""

from __future__ import annotations

import logging

from geo.changes import GeometryChange
from geo.layers import all_layers
from tiles import cache

logger = logging.getLogger(__name__)

BASE = "base"  # the multi-layer base map
BASEMAP = "basemap"  # the same, painted as PNG tiles (tiles/raster_views.py)


def invalidate_change(change: GeometryChange) -> int:
    layers = [layer for layer in all_layers() if layer.model is change.model]
    if not layers or not change.bboxes:
        return 0
    removed = 0
    for layer in layers:
        zooms = range(layer.min_zoom, layer.max_zoom + 1)
        removed += cache.invalidate([layer.name, BASE], change.bboxes, zooms)
        removed += cache.invalidate([BASEMAP], change.bboxes, zooms, ext="png")
    logger.debug("tile cache: %d tiles removed after a %s change", removed, change.model.__name__)
    return removed

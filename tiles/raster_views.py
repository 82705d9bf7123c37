"""Raster XYZ tiles: the orthophoto (cut from its COG) and the rendered base map (painted from PostGIS)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tiles import cache
from tiles.grid import TileError, parse_tile
from tiles.ortho import TILE_PX, png, read_tile
from tiles.paint import paint

ORTHO, BASEMAP = "ortho", "basemap"
RASTERS = (ORTHO, BASEMAP)
BASEMAP_MIN_ZOOM = 10  # below this the city is a few pixels: transparent tiles


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def _render(name: str, t) -> bytes | None:
    if name == ORTHO:
        return read_tile(t)
    if t.z < BASEMAP_MIN_ZOOM:
        return None
    return png(paint(t.bounds_3857(), TILE_PX, TILE_PX, zoom=t.z))


@require_GET
def raster_tile(request, name: str, z: str, x: str, y: str):
    if name not in RASTERS:
        return _error(404, _("Unknown raster %(name)r; rasters: %(known)s.") % {"name": name[:64],
                                                                                 "known": ", ".join(RASTERS)})
    try:
        t = parse_tile(z, x, y)
    except TileError as exc:
        return _error(400, str(exc))
    if request.GET:
        return _error(400, _("Raster tiles take no query parameters."))
    data = cache.get(name, "_", t, "png") if cache.enabled() else None
    status = "HIT"
    if data is None:
        status = "MISS"
        started = cache.render_started()
        data = _render(name, t) or b""
        if cache.enabled():
            cache.put(name, "_", t, data, started_ns=started, ext="png")
    if not data:
        response = HttpResponse(status=204)  # no imagery here: clients draw nothing
    else:
        response = HttpResponse(data, content_type="image/png")
        response["ETag"] = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
    response["Cache-Control"] = settings.ARDH_TILE_CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Tile-Cache"] = status
    return response

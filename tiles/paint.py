"""Paint the registers into an RGBA image of a web-mercator box (raster base map, demo orthophoto).

One painter serves both: base-map PNG tiles (flat colours) and the demo orthophoto
(the same scene with "photographic" texture, since the demo city has no aerial
survey). Features come from the layer registry's querysets, in EPSG:3857.
"""

from __future__ import annotations

import math

import numpy as np
from django.contrib.gis.db.models.functions import Transform
from django.contrib.gis.geos import Polygon
from django.db.models import Q
from rasterio.features import rasterize
from rasterio.transform import from_bounds
from shapely import wkb

from geo.layers import UnknownLayer, get_layer
from parcels.layers import LAND_USE_COLOURS
from tiles.grid import WORLD

GROUND = (216, 195, 160)  # desert sand
BLOCK = (226, 214, 190)
ASPHALT = (96, 96, 100)
OUTLINE = (120, 110, 95)
ROOF = {"built": (190, 186, 178), "under_construction": (205, 180, 140)}


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _features(layer_name: str, bounds: tuple[float, float, float, float], *fields: str, zoom: int | None = None):
    try:
        layer = get_layer(layer_name)
    except UnknownLayer:
        return []
    if zoom is not None and not layer.min_zoom <= zoom <= layer.max_zoom:
        return []  # the registry's zoom range keeps low-zoom tiles cheap, as for vector tiles
    env = Polygon.from_bbox(bounds)
    env.srid = 3857
    env.transform(4326)
    qs = (
        layer.queryset()
        .filter(Q(**{f"{layer.geom_field}__bboverlaps": env}))
        .order_by()
        .annotate(g3857=Transform(layer.geom_field, 3857))
        .values_list("g3857", *fields)
    )
    return [(wkb.loads(bytes(row[0].wkb)), *row[1:]) for row in qs]


def paint(bounds: tuple[float, float, float, float], width: int, height: int, *, photo: bool = False,
          seed: int = 0, zoom: int | None = None) -> np.ndarray:
    """An RGBA uint8 array (height, width, 4) of the registers inside a 3857 bbox."""
    transform = from_bounds(*bounds, width, height)
    rgb = np.empty((height, width, 3), dtype=np.uint8)
    rgb[:] = GROUND

    def burn(shapes_colours, *, all_touched=False):
        for colour, shapes in shapes_colours.items():
            if shapes:
                mask = rasterize(shapes, out_shape=(height, width), transform=transform, fill=0,
                                 default_value=1, all_touched=all_touched, dtype="uint8").astype(bool)
                rgb[mask] = colour

    burn({BLOCK: [g for g, *_ in _features("blocks", bounds, zoom=zoom)]})
    by_colour: dict[tuple, list] = {}
    for geom, land_use, status in _features("parcels", bounds, "land_use", "status", zoom=zoom):
        colour = ROOF.get(status) if photo else None
        colour = colour or _hex(LAND_USE_COLOURS.get(land_use, "#eeeeee"))
        by_colour.setdefault(colour, []).append(geom)
    burn(by_colour)
    outlines = [g.boundary for gs in by_colour.values() for g in gs]
    if not photo:
        burn({OUTLINE: outlines}, all_touched=True)
    # Streets: centrelines widened to their right-of-way (3857 metres stretch by 1/cos(latitude)).
    lat = math.degrees(2 * math.atan(math.exp((bounds[1] + bounds[3]) / 2 / WORLD * math.pi)) - math.pi / 2)
    stretch = 1 / math.cos(math.radians(lat))
    streets = [
        g.buffer(float(w or 10) / 2 * stretch, cap_style="flat")
        for g, w in _features("streets", bounds, "width_m", zoom=zoom)
    ]
    burn({ASPHALT: streets}, all_touched=True)
    if photo:
        noise = np.random.default_rng(seed).normal(0, 9, size=(height, width, 1))
        rgb = np.clip(rgb.astype(np.int16) + noise.astype(np.int16), 0, 255).astype(np.uint8)
    alpha = np.full((height, width, 1), 255, dtype=np.uint8)
    return np.concatenate([rgb, alpha], axis=2)

"""Offline packages for field inspectors: MBTiles of one district for a zoom range.

Two files, because MBTiles holds one tile format: ``<name>.mbtiles`` with the vector
base map (every register layer, each in its zoom range, as served at /tiles/base/)
and ``<name>-ortho.mbtiles`` with the orthophoto as PNG. Both follow the MBTiles 1.3
spec (TMS row order, gzip-compressed vector tiles, ``json`` metadata listing the
vector layers), which GDAL, QGIS and mobile field apps open directly.
A package is written to a temporary file and renamed when complete: a failed or
interrupted export leaves nothing behind.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q

from tiles.grid import Tile, tiles_touching
from tiles.ortho import read_tile
from tiles.sql import render
from tiles.tilejson import vector_layer
from tiles.views import base_layers

MAX_TILES = 250_000


class ExportError(ValueError):
    pass


@dataclass
class Package:
    vector: Path
    ortho: Path | None
    tiles: int
    bytes: int


def plan(bbox, minzoom: int, maxzoom: int) -> list[Tile]:
    tiles = [t for z in range(minzoom, maxzoom + 1) for t in tiles_touching(bbox, z, buffer=0)]
    if len(tiles) > MAX_TILES:
        raise ExportError(f"{len(tiles):,} tiles is more than {MAX_TILES:,}: narrow the zoom range.")
    return tiles


def _open(path: Path, metadata: dict) -> sqlite3.Connection:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
    )
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [(k, str(v)) for k, v in metadata.items()])
    return db


def _put(db: sqlite3.Connection, t: Tile, data: bytes) -> None:
    db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (t.z, t.x, (1 << t.z) - 1 - t.y, data))  # TMS rows


def _scope(layer, municipality_id: int | None) -> Q:
    if municipality_id is None:
        return Q()
    return Q(**{layer.tenant_field or "pk": municipality_id})


def export(*, name: str, bbox, minzoom: int, maxzoom: int, target: Path,
           progress: Callable[[int], None] | None = None, municipality_id: int | None = None) -> Package:
    """Write the package. ``municipality_id``: only that municipality's rows (the API's packages)."""
    tiles = plan(bbox, minzoom, maxzoom)
    layers = [lyr for lyr in base_layers() if lyr.min_zoom <= maxzoom and lyr.max_zoom >= minzoom]
    common = {
        "name": name, "minzoom": minzoom, "maxzoom": maxzoom, "type": "overlay", "version": "1.0",
        "bounds": ",".join(f"{v:.6f}" for v in bbox),
        "center": f"{(bbox[0] + bbox[2]) / 2:.6f},{(bbox[1] + bbox[3]) / 2:.6f},{minzoom}",
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    ortho_target = target.with_name(f"{target.stem}-ortho.mbtiles")
    tmp_vector = target.with_name(f".{target.name}.part")
    tmp_ortho = ortho_target.with_name(f".{ortho_target.name}.part")
    try:
        vector = _open(tmp_vector, {**common, "format": "pbf",
                                    "json": json.dumps({"vector_layers": [vector_layer(lyr) for lyr in layers]})})
        ortho = _open(tmp_ortho, {**common, "format": "png"})
        with vector, ortho:
            for t in tiles:
                data = render([(lyr, _scope(lyr, municipality_id)) for lyr in base_layers(t.z)], t)
                if data:
                    _put(vector, t, gzip.compress(data))
                png = read_tile(t)
                if png:
                    _put(ortho, t, png)
                if progress:
                    progress(1)
        has_ortho = ortho.execute("SELECT count(*) FROM tiles").fetchone()[0] > 0
        vector.close()
        ortho.close()
        tmp_vector.replace(target)
        if has_ortho:
            tmp_ortho.replace(ortho_target)
        else:
            tmp_ortho.unlink()
    except BaseException:
        tmp_vector.unlink(missing_ok=True)
        tmp_ortho.unlink(missing_ok=True)
        raise
    size = target.stat().st_size + (ortho_target.stat().st_size if has_ortho else 0)
    return Package(vector=target, ortho=ortho_target if has_ortho else None, tiles=len(tiles), bytes=size)

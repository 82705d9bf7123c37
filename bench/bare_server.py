"""A reference peer for the benchmarks: the least a Python WSGI application can do to answer their requests.

It runs on Ardh's HTTP server (Granian, the same command line, workers and threads: ``runtime.serve.command``)
and only reads the address, runs the very statement Ardh's endpoint runs (built by the same functions; a tile
prepared on the server, as the endpoint and the floor prepare it; a page of items streamed as its rows come, by
the function the endpoint streams it with) on the database connection of its thread, and returns the bytes.
No Django request, middleware, authentication, throttle, parameter check, cache, ETag or paging links: none
of what an endpoint owes its callers.

So each benchmark reads as two gaps: floor -> bare is what HTTP itself costs on this machine (the server and the
load generator share the cores with PostgreSQL), bare -> Ardh is what Ardh's request handling costs. A goal
relative to the floor that bare does not reach is out of reach of any application on this server.

    GET /tiles/{series}/{z}/{x}/{y}.mvt   series: "parcels" or "base" (bench/tiles_bench.py)
    GET /items?bbox=x0,y0,x1,y1&limit=n  a page of the current parcels of BARE_MUNICIPALITY (bench/api_bench.py)
    GET /healthz

Not part of the product: bench/servers.py starts it for the benchmarks only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from geo.layers import get_layer  # noqa: E402
from ogc.params import bbox as parse_bbox  # noqa: E402
from ogc.sql import items_sql, page_body  # noqa: E402
from tiles.grid import Tile  # noqa: E402
from tiles.sql import tile_sql  # noqa: E402
from tiles.views import public_selection  # noqa: E402


def _connection() -> psycopg.Connection:
    """This thread's psycopg connection, as the floors use it: opened by Django's backend (its geometry
    adapters; statements bound on the client unless a cursor says otherwise), in autocommit, and then left
    alone (no request signals here)."""
    connection.ensure_connection()
    return connection.connection


def tile(path: str) -> bytes:
    _, _, series, z, x, y = path.split("/")
    t = Tile(int(z), int(x), int(y.removesuffix(".mvt")))
    layers, _cache_key = public_selection(series, t)  # what the endpoint selects for this public tile
    with psycopg.Cursor(_connection()) as cursor:  # bound on the server and prepared, as tiles.sql does
        cursor.execute(*tile_sql(layers, t), prepare=True)
        return cursor.fetchone()[0]


def items(query: str):
    """The page's pieces as they come (``ogc.sql.page_body``, as Ardh streams them), without links."""
    params = {k: v[0] for k, v in parse_qs(query).items()}
    limit = int(params["limit"])
    sql, args = items_sql(get_layer("parcels"), municipality_id=int(os.environ["BARE_MUNICIPALITY"]), filters={},
                          box=parse_bbox(params), srid=4326, lat_first=False, limit=limit, offset=0)
    return page_body(sql, args, limit=limit, offset=0, links=[], last_links=[])


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/items":
        start_response("200 OK", [("Content-Type", "application/geo+json")])  # streamed: no Content-Length
        return items(environ["QUERY_STRING"])
    if path.startswith("/tiles/"):
        body, kind = tile(path), "application/vnd.mapbox-vector-tile"
    else:
        body, kind = b"ok", "text/plain"
    start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]

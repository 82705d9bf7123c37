"""The shortest path for the most frequent request: a public tile without parameters.

``runtime.lean.Dispatcher`` calls :func:`serve` for ``GET /tiles/{layer}/{z}/{x}/{y}.mvt`` with no
query string. It answers only when the address is valid and the layer public (the base map, or a
public layer with its public fields), using the same functions as ``tiles.views.tile`` (tile
parsing, the registry, the disk cache, the renderer, the ETag/cache policy) and the same
connection management (``request_started``/``request_finished``); the security headers are the
ones Django's middleware would add. Everything else (filters, restricted fields, tenant layers,
errors with their translated reasons) returns None and goes to Django. No Django request object,
URL resolver or middleware runs here: for a cached or small tile they cost as much as the tile.
"""

from __future__ import annotations

import re

from runtime.lean import as_request, plain_http, security_headers
from tiles.grid import TileError, parse_tile
from tiles.views import MVT, cached_render, public_selection, tile_answer

TILE_PATH = re.compile(r"^/tiles/([^/]+)/([^/]+)/([^/]+)/([^/]+)\.mvt$")


def serve(environ, start_response):
    """The response body (a list) for a public tile; None to let Django answer."""
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
        return None
    if not plain_http(environ):
        return None  # HSTS and redirects are the middleware's business
    match = TILE_PATH.match(environ.get("PATH_INFO", ""))
    if match is None:
        return None
    layer, z, x, y = match.groups()
    try:
        t = parse_tile(z, x, y)
    except TileError:
        return None
    found = public_selection(layer, t)
    if found is None:
        return None
    selection, key = found
    rendered = as_request(environ, lambda: cached_render(layer, key, t, selection))
    if rendered is None:
        return None  # failed: Django renders it again
    data, cache_status = rendered
    status, headers = tile_answer(data, cache_status, environ.get("HTTP_IF_NONE_MATCH", ""), private=False)
    body = data if status == 200 else b""
    response_headers = [("Content-Type", MVT), ("Content-Length", str(len(body))), *headers.items(),
                        *security_headers()]
    start_response("200 OK" if status == 200 else "304 Not Modified", response_headers)
    return [body]

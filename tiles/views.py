"""HTTP endpoints of the vector tiles: thin; the work is in sql.py, cache.py, tilejson.py."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geo.layers import Layer, UnknownLayer, all_layers, get_layer
from tiles import cache, tilejson
from tiles.access import TileRefused, tile_caller
from tiles.filters import FilterError, parse_filters
from tiles.grid import TileError, parse_tile
from tiles.invalidation import BASE
from tiles.raster_views import RASTERS
from tiles.sql import render

MVT = "application/vnd.mapbox-vector-tile"


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def _layer_or_error(name: str) -> Layer | JsonResponse:
    try:
        return get_layer(name)
    except UnknownLayer:
        known = ", ".join(sorted([BASE, *(lyr.name for lyr in all_layers())]))
        return _error(404, _("Unknown layer %(name)r; layers: %(known)s.") % {"name": name[:64], "known": known})


def base_layers(z: int | None = None) -> list[Layer]:
    """The base map: every public layer, each within its own zoom range."""
    return [lyr for lyr in all_layers() if lyr.is_public and (z is None or lyr.min_zoom <= z <= lyr.max_zoom)]


def _url(request, path: str) -> str:
    return request.build_absolute_uri(path)


@require_GET
def index(request):
    layers = [
        {
            "name": lyr.name,
            "title_ar": lyr.title_ar,
            "title_en": lyr.title_en,
            "minzoom": lyr.min_zoom,
            "maxzoom": lyr.max_zoom,
            "fields": list(lyr.public_fields),
            "filter_fields": list(lyr.filter_fields),
            # "tenant": tiles only for a session or API key of a municipality, with only its rows.
            "permission": lyr.permission,
            # Added with ?fields=... for a session or API key of a municipality, on its rows only.
            "restricted_fields": list(lyr.restricted_fields),
            "tiles": _url(request, f"/tiles/{lyr.name}/") + "{z}/{x}/{y}.mvt",
            "tilejson": _url(request, f"/tiles/{lyr.name}/tilejson.json"),
        }
        for lyr in all_layers()
    ]
    return JsonResponse(
        {
            "layers": layers,
            "base": {
                "tiles": _url(request, f"/tiles/{BASE}/") + "{z}/{x}/{y}.mvt",
                "tilejson": _url(request, f"/tiles/{BASE}/tilejson.json"),
            },
            "style": _url(request, "/tiles/style.json"),
            "rasters": {
                name: _url(request, f"/tiles/{name}/") + "{z}/{x}/{y}.png" for name in RASTERS
            },
            "wms": _url(request, "/mapproxy/service?SERVICE=WMS&REQUEST=GetCapabilities"),
            "wmts": _url(request, "/mapproxy/wmts/1.0.0/WMTSCapabilities.xml"),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def layer_tilejson(request, layer: str):
    if layer == BASE:
        doc = tilejson.document(
            name=_("Base map"), description=_("All register layers, each in its zoom range"),
            tiles_url=_url(request, f"/tiles/{BASE}/") + "{z}/{x}/{y}.mvt", layers=base_layers(),
        )
    else:
        found = _layer_or_error(layer)
        if isinstance(found, JsonResponse):
            return found
        doc = tilejson.document(
            name=tilejson.title(found), description=f"{found.title_ar} / {found.title_en}",
            tiles_url=_url(request, f"/tiles/{found.name}/") + "{z}/{x}/{y}.mvt", layers=[found],
        )
    return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})


@require_GET
def tile(request, layer: str, z: str, x: str, y: str):
    try:
        t = parse_tile(z, x, y)
    except TileError as exc:
        return _error(400, str(exc))
    params = {k: request.GET.getlist(k) for k in request.GET}
    wanted = params.pop("fields", None)
    private = False
    if layer == BASE:
        if params or wanted:
            return _error(400, _("The base map takes no filters; filter a single layer instead."))
        selection, key = [(lyr, Q()) for lyr in base_layers(t.z)], "_"
    else:
        found = _layer_or_error(layer)
        if isinstance(found, JsonResponse):
            return found
        try:
            extra = parse_restricted_fields(found, wanted)
            private = not found.is_public or bool(extra)
            who = tile_caller(request) if private else None
            where, key = parse_filters(found, params)
        except FilterError as exc:
            return _error(400, str(exc))
        except TileRefused as exc:
            return _refused(exc)
        fields = None
        if private:
            # Only the caller's municipality's rows; the cache key keeps each tenant's tiles apart.
            where &= Q(**{found.tenant_field or "pk": who.municipality_id})
            fields = tuple(f for f in found.fields if f in found.public_fields or f in extra)
            key = f"m{who.municipality_id}-{'-'.join(extra) or '_'}-{key}"
        selection = [(found, where, fields)] if found.min_zoom <= t.z <= found.max_zoom else []
    data, cache_status = cached_render(layer, key, t, selection)
    status, headers = tile_answer(data, cache_status, request.headers.get("If-None-Match", ""), private=private)
    response = HttpResponse(status=status) if status == 304 else HttpResponse(data, content_type=MVT)
    for name, value in headers.items():
        response[name] = value
    if private:
        patch_vary_headers(response, ("Cookie", "Authorization"))
    return response


def public_selection(layer: str, t) -> tuple[list, str] | None:
    """(selection, cache key) of a public tile without parameters; None when the layer is unknown or not public."""
    if layer == BASE:
        return [(lyr, Q()) for lyr in base_layers(t.z)], "_"
    try:
        found = get_layer(layer)
    except UnknownLayer:
        return None
    if not found.is_public:
        return None
    return ([(found, Q())] if found.min_zoom <= t.z <= found.max_zoom else []), "_"


def tile_answer(data: bytes, cache_status: str, if_none_match: str, *, private: bool) -> tuple[int, dict]:
    """Status (200 or 304) and headers of a rendered tile: content ETag, cache and CORS policy."""
    etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
    status = 304 if etag in [tag.strip() for tag in if_none_match.split(",")] else 200
    headers = {"ETag": etag, "X-Tile-Cache": cache_status}
    if private:
        headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    else:
        headers["Cache-Control"] = settings.ARDH_TILE_CACHE_CONTROL
        headers["Access-Control-Allow-Origin"] = "*"
    return status, headers


def parse_restricted_fields(layer: Layer, wanted: list[str] | None) -> tuple[str, ...]:
    """``?fields=a,b``: restricted fields of the layer to add to its public ones (FilterError otherwise)."""
    if wanted is None:
        return ()
    names = {name for raw in wanted for name in raw.split(",") if name}
    for name in sorted(names):
        if name not in layer.restricted_fields:
            allowed = ", ".join(layer.restricted_fields) or _("none")
            raise FilterError(
                _("Layer %(layer)s has no restricted field %(field)r; restricted fields: %(allowed)s.")
                % {"layer": layer.name, "field": name[:64], "allowed": allowed}
            )
    if not names:
        raise FilterError(_("fields needs at least one field name."))
    return tuple(f for f in layer.restricted_fields if f in names)


def _refused(exc: TileRefused) -> JsonResponse:
    response = _error(exc.status, exc.detail)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Api-Key realm="ardh"'
    patch_vary_headers(response, ("Cookie", "Authorization"))
    response["Cache-Control"] = "private, no-store"
    return response


def cached_render(layer: str, key: str, t, selection) -> tuple[bytes, str]:
    if not selection:
        return b"", "EMPTY"  # outside every layer's zoom range: nothing to cache
    if not cache.enabled():
        return render(selection, t), "OFF"
    data = cache.get(layer, key, t)
    if data is not None:
        return data, "HIT"
    started = cache.render_started()
    data = render(selection, t)
    cache.put(layer, key, t, data, started_ns=started)
    return data, "MISS"


@require_GET
def style_json(request):
    from tiles.style import style

    return JsonResponse(style(absolute=lambda p: _url(request, p)), json_dumps_params={"ensure_ascii": False})


@require_GET
def glyphs(request, fontstack: str, range_: str):
    from tiles.glyphs import GlyphError, glyph_range

    try:
        data = glyph_range(fontstack, range_)
    except GlyphError as exc:
        return _error(404, str(exc))
    response = HttpResponse(data, content_type="application/x-protobuf")
    response["Cache-Control"] = "public, max-age=86400"
    response["Access-Control-Allow-Origin"] = "*"
    return response

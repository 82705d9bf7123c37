"""OGC API Features (Part 1 core + GeoJSON + HTML + OpenAPI 3.0; Part 2 CRS) over the layer registry.

Every registry layer is a collection. A page of items is one SQL statement, its features streamed as the
database makes them (see ``ogc.sql``); JSON is the default, HTML with ``f=html`` or a browser's Accept header.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from geo.layers import UnknownLayer, all_layers, get_layer
from ogc import access, counts, openapi
from ogc import crs as ogc_crs
from ogc import params as p
from ogc.sql import feature_collection_sql, feature_rows_sql, items_sql, page_body, run

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"


def wants_html(request) -> bool:
    f = request.GET.get("f")
    if f:
        return f == "html"
    accept = request.META.get("HTTP_ACCEPT", "")
    return "text/html" in accept and "json" not in accept


def format_error(request):
    f = request.GET.get("f")
    if f not in (None, "", "json", "html", "geojson"):
        return access.bad_request(_("f must be json or html."))
    return None


@lru_cache(maxsize=256)
def _path(name: str, args: tuple, script_prefix: str) -> str:
    """``reverse`` for a view and its arguments under a script prefix: the same path every time, and
    reversing cost a few hundredths of a millisecond per link."""
    return reverse(f"ogc:{name}", args=args)


def _url(request, name: str, *args, f: str | None = None) -> str:
    url = request.build_absolute_uri(_path(name, args, get_script_prefix()))
    return f"{url}?f={f}" if f else url


def _link(href, rel, type_, title=""):
    return {"href": href, "rel": rel, "type": type_, "title": title}


def _respond(request, doc: dict, template: str, content_type: str = JSON):
    if wants_html(request):
        return render(request, f"ogc/{template}", {"doc": doc, "raw": json.dumps(doc, ensure_ascii=False, indent=1)})
    return JsonResponse(doc, content_type=content_type, json_dumps_params={"ensure_ascii": False})


def _guard(view=None, *, public: bool = False):
    """Format check, caller (401/403/429), parameter errors as 400. ``public``: no caller needed
    (the API definition and conformance say nothing about any municipality's data)."""
    if view is None:
        return lambda v: _guard(v, public=public)

    def wrapped(request, *args, **kwargs):
        bad = format_error(request)
        if bad is not None:
            return bad
        try:
            who = None if public else access.caller(request)
        except access.Refused as refused:
            return refused.response
        try:
            return view(request, who, *args, **kwargs)
        except p.ParamError as exc:
            return access.bad_request(str(exc))
        except UnknownLayer:
            return access.not_found(_("No such collection."))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    # Read-only views: another method is a 405 (with Allow), not CSRF's HTML refusal (a key has no CSRF token).
    return csrf_exempt(require_GET(wrapped))


@_guard
def landing(request, who):
    doc = {
        "title": "Ardh — OGC API Features",
        "description": _("Land registers of %(m)s") % {"m": who.municipality.name_ar},
        "links": [
            _link(_url(request, "landing"), "self", JSON, "this document"),
            _link(_url(request, "landing", f="html"), "alternate", HTML, "this document as HTML"),
            _link(_url(request, "openapi"), "service-desc", "application/vnd.oai.openapi+json;version=3.0", "API"),
            _link(_url(request, "openapi", f="html"), "service-doc", HTML, "API documentation"),
            _link(_url(request, "conformance"), "conformance", JSON, "conformance classes"),
            _link(_url(request, "collections"), "data", JSON, "collections"),
        ],
    }
    return _respond(request, doc, "landing.html")


@_guard(public=True)
def conformance(request, who):
    return _respond(request, {"conformsTo": CONFORMANCE}, "conformance.html")


@_guard(public=True)
def api_definition(request, who):
    if wants_html(request):
        return render(request, "ogc/api.html", {"spec": openapi.spec(request)})
    return JsonResponse(openapi.spec(request), content_type="application/vnd.oai.openapi+json;version=3.0")


def _collection(request, layer, extent) -> dict:
    doc = {
        "id": layer.name,
        "title": layer.title_en,
        "description": layer.title_ar,
        "itemType": "feature",
        "crs": ogc_crs.supported(),
        "storageCrs": ogc_crs.CRS84,
        "extent": {"spatial": {"bbox": [list(extent)], "crs": ogc_crs.CRS84}},
        "links": [
            _link(_url(request, "collection", layer.name), "self", JSON, layer.title_en),
            _link(_url(request, "collection", layer.name, f="html"), "alternate", HTML, layer.title_en),
            _link(_url(request, "items", layer.name), "items", GEOJSON, layer.title_en),
            _link(_url(request, "items", layer.name, f="html"), "items", HTML, layer.title_en),
        ],
    }
    if layer.time_fields:
        doc["extent"]["temporal"] = {"interval": [[None, None]]}
    return doc


@_guard
def collections(request, who):
    extent = who.municipality.boundary.extent
    doc = {
        "links": [
            _link(_url(request, "collections"), "self", JSON, "collections"),
            _link(_url(request, "collections", f="html"), "alternate", HTML, "collections"),
        ],
        "collections": [_collection(request, layer, extent) for layer in all_layers()],
        "crs": ogc_crs.supported(),
    }
    return _respond(request, doc, "collections.html")


@_guard
def collection(request, who, collection_id):
    layer = get_layer(collection_id)
    return _respond(request, _collection(request, layer, who.municipality.boundary.extent), "collection.html")


def _filters(layer, query) -> dict[str, str]:
    filters = {name: query[name][:200] for name in layer.filter_fields if name in query}
    if any("\x00" in v for v in filters.values()):
        raise p.ParamError(_("Filter values cannot contain NUL characters."))
    for name, value in filters.items():  # a filter on a number or a yes/no field: a value of its kind
        try:
            filters[name] = layer.filter_value(name, value)
        except ValueError:
            raise p.ParamError(_("Filter %(field)s: %(value)r is not a value of this field.")
                               % {"field": name, "value": value[:64]}) from None
    return filters


def _temporal_queryset(layer, municipality_id: int, filters: dict[str, str], interval):
    """Records valid at some time in ``interval`` (history included), for layers with a validity period."""
    qs = layer.model._default_manager.filter(**{layer.tenant_field: municipality_id})
    start_field, end_field = layer.time_fields
    start, stop = interval
    if stop is not None:
        qs = qs.filter(**{f"{start_field}__lte": stop})
    if start is not None:
        qs = qs.filter(Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gt": start}))
    return qs.filter(**filters)


class ItemsQuery(NamedTuple):
    """The checked parameters of an items request."""

    limit: int
    offset: int
    srid: int
    lat_first: bool
    crs_uri: str
    box: object  # a Polygon in the storage SRID, or None
    interval: tuple | None
    filters: dict[str, str]


def items_query(request, layer) -> ItemsQuery:
    """The parameters of an items request, checked (ParamError names the first wrong one). Reads nothing from
    the database, so a request can be refused before anything is counted (``ogc.fast``)."""
    query = request.GET
    p.check_known(query, layer)
    limit = p.integer(query, "limit", p.DEFAULT_HTML_LIMIT if wants_html(request) else p.DEFAULT_LIMIT, 1, p.MAX_LIMIT)
    offset = p.integer(query, "offset", 0, 0)
    srid, lat_first, crs_uri = p.output_crs(query)
    box = p.bbox(query)
    interval = p.datetime_interval(query) if "datetime" in query else None  # validated for every layer
    return ItemsQuery(limit, offset, srid, lat_first, crs_uri, box, interval, _filters(layer, query))


@_guard
def items(request, who, collection_id):
    layer = get_layer(collection_id)
    return items_response(request, who, layer, items_query(request, layer))


def items_response(request, who, layer, q: ItemsQuery) -> HttpResponse:
    """A page of items: one statement makes its features, streamed into the FeatureCollection (``ogc.sql``)."""
    links = _item_links(request, layer, q.limit, q.offset)
    # A "next" link only when this page is full.
    last = [link for link in links if link["rel"] != "next"]
    if q.interval is not None and layer.time_fields:
        qs = _temporal_queryset(layer, who.municipality_id, q.filters, q.interval)
        if q.box is not None:
            qs = qs.filter(**{f"{layer.geom_field}__bboverlaps": q.box, f"{layer.geom_field}__intersects": q.box})
        sql, args = feature_rows_sql(qs.order_by("pk"), layer, srid=q.srid, lat_first=q.lat_first,
                                     page=(q.limit, q.offset))
    else:
        sql, args = items_sql(layer, municipality_id=who.municipality_id, filters=q.filters, box=q.box,
                              srid=q.srid, lat_first=q.lat_first, limit=q.limit, offset=q.offset)
    # The whole layer (what a GIS client opening it asks for): its count is kept, so numberMatched is given.
    whole = q.box is None and not q.filters and (q.interval is None or not layer.time_fields)
    matched = counts.matched(layer, who.municipality_id) if whole else None
    body = page_body(sql, args, limit=q.limit, offset=q.offset, links=links, last_links=last, number_matched=matched)
    if wants_html(request):
        doc = json.loads(b"".join(body))
        return render(request, "ogc/items.html", {"doc": doc, "layer": layer})
    response = StreamingHttpResponse(body, content_type=GEOJSON)
    response["Content-Crs"] = f"<{q.crs_uri}>"
    return response


def next_limit(limit: int) -> int:
    """The page size of the "next" link: twice this page's, up to the default page size (never smaller than this
    page's). A client that pages through a layer with small pages and follows "next" (GDAL 3.6's OAPIF driver
    always asks for limit=10: 100,000 requests for a 1M-parcel layer, which spent a key's budget in a minute)
    reaches pages of ``DEFAULT_LIMIT`` after ten requests: 210 requests for that layer (docs/api.md)."""
    return max(limit, min(2 * limit, p.DEFAULT_LIMIT))


def _item_links(request, layer, limit, offset):
    # Each of the caller's parameters is encoded once and the links put together from the pieces: encoding
    # the whole query per link (copying QueryDicts before that) cost a tenth of a millisecond per page.
    encoded = {key: "&".join(urlencode([(key, value)]) for value in values)
               for key, values in request.GET.lists() if key != "f"}
    base = _url(request, "items", layer.name)

    def page(off, size=limit):
        pieces = encoded | {"offset": f"offset={off}", "limit": f"limit={size}"}
        return f"{base}?{'&'.join(pieces.values())}"

    links = [
        _link(f"{base}?{'&'.join(encoded.values())}" if encoded else base, "self", GEOJSON, "this page"),
        _link(page(offset) + "&f=html", "alternate", HTML, "this page as HTML"),
        _link(_url(request, "collection", layer.name), "collection", JSON, layer.title_en),
        _link(page(offset + limit, next_limit(limit)), "next", GEOJSON, "next page"),
    ]
    if offset > 0:
        links.append(_link(page(max(offset - limit, 0)), "prev", GEOJSON, "previous page"))
    return links


@_guard
def item(request, who, collection_id, feature_id):
    layer = get_layer(collection_id)
    query = request.GET
    unknown = sorted(set(query) - {"crs", "f"})
    if unknown:
        raise p.ParamError(_("Unknown query parameter: %(p)s") % {"p": unknown[0][:40]})
    if not p.is_decimal_digits(feature_id, max_len=18):
        return access.not_found(_("No such feature."))
    srid, lat_first, crs_uri = p.output_crs(query)
    base = layer.model._default_manager.filter(**{layer.tenant_field or "pk": who.municipality_id})
    sql, args = feature_collection_sql(base.filter(pk=int(feature_id)), layer, srid=srid, lat_first=lat_first)
    features = json.loads(run(sql, args))["features"]
    if not features:
        return access.not_found(_("No such feature."))
    doc = features[0]
    doc["links"] = [
        _link(_url(request, "item", layer.name, feature_id), "self", GEOJSON, "this feature"),
        _link(_url(request, "item", layer.name, feature_id, f="html"), "alternate", HTML, "this feature as HTML"),
        _link(_url(request, "collection", layer.name), "collection", JSON, layer.title_en),
    ]
    if wants_html(request):
        return render(request, "ogc/item.html", {"doc": doc, "layer": layer})
    response = HttpResponse(json.dumps(doc, ensure_ascii=False), content_type=GEOJSON)
    response["Content-Crs"] = f"<{crs_uri}>"
    return response

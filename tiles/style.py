"""The planner map's MapLibre style (style spec v8), built from the layer registry.

Layers the registry declares but this module has no paint rule for are still drawn
with a neutral outline, so adding a layer never requires editing tiles/.
Labels use glyphs served by Ardh (tiles/glyphs.py) and the right-to-left text
plugin served from /static/vendor (no CDN): Arabic needs both.
"""

from __future__ import annotations

from django.templatetags.static import static

from geo.layers import Layer, all_layers

LAND_USE_COLOURS = {
    "residential": "#f3e3b5",
    "commercial": "#f2a07b",
    "mixed_use": "#e7b98f",
    "government": "#b7b2d9",
    "mosque": "#9fd3c7",
    "education": "#a8c8ec",
    "health": "#f4b6c2",
    "park": "#b5dba0",
    "utility": "#cccccc",
    "industrial": "#c9a9a6",
    "agricultural": "#d9e8a6",
}
FONT = ["DejaVu Sans"]
LABEL = ["coalesce", ["get", "name_ar"], ["get", "name_en"], ["get", "number"]]


def _zoom(layer: Layer) -> dict:
    return {"minzoom": layer.min_zoom, "maxzoom": layer.max_zoom + 1}


def _common(layer: Layer, suffix: str, kind: str) -> dict:
    return {"id": f"{layer.name}-{suffix}", "type": kind, "source": "ardh", "source-layer": layer.name, **_zoom(layer)}


def _line_colour(layer: Layer) -> str:
    return {"districts": "#7a5c99", "plans": "#c0392b", "blocks": "#8d8d8d", "zones": "#2e86c1"}.get(
        layer.name, "#555555"
    )


def style_layers(layer: Layer) -> list[dict]:
    geometry = layer.model._meta.get_field(layer.geom_field).geom_type.upper()
    out: list[dict] = []
    if "LINE" in geometry:
        metres = ["to-number", ["get", "width_m"], 10]
        width = ["interpolate", ["linear"], ["zoom"], 12, 0.5, 17, ["max", 1, ["/", metres, 2]]]
        out.append({**_common(layer, "line", "line"), "paint": {"line-color": "#ffffff", "line-width": width}})
        out.append({**_common(layer, "label", "symbol"), "layout": {
            "symbol-placement": "line", "text-field": LABEL, "text-font": FONT, "text-size": 12,
        }, "paint": {"text-color": "#333333", "text-halo-color": "#ffffff", "text-halo-width": 1}})
        return out
    if layer.name == "parcels":
        colour = ["match", ["get", "land_use"], *[v for pair in LAND_USE_COLOURS.items() for v in pair], "#eeeeee"]
        out.append({**_common(layer, "fill", "fill"), "paint": {"fill-color": colour, "fill-opacity": 0.8}})
    elif layer.name == "zones":
        out.append({**_common(layer, "fill", "fill"), "paint": {"fill-color": "#2e86c1", "fill-opacity": 0.08}})
    out.append({**_common(layer, "outline", "line"), "paint": {"line-color": _line_colour(layer), "line-width": 1}})
    if "number" in layer.public_fields or "name_ar" in layer.public_fields:
        label_zoom = max(layer.min_zoom, 17 if layer.name == "parcels" else layer.min_zoom)
        out.append({**_common(layer, "label", "symbol"), "minzoom": label_zoom, "layout": {
            "text-field": LABEL, "text-font": FONT, "text-size": 11 if layer.name == "parcels" else 13,
        }, "paint": {"text-color": "#222222", "text-halo-color": "#ffffff", "text-halo-width": 1}})
    return out


# Draw order: areas first, small parcels over them, lines and labels on top.
ORDER = ["municipalities", "districts", "zones", "plans", "blocks", "parcels", "streets"]


def style(*, absolute) -> dict:
    """``absolute(path)`` turns a site path into a URL for this request."""
    public = [lyr for lyr in all_layers() if lyr.is_public]  # tenant layers are never in the shared map
    layers = sorted(public, key=lambda lyr: ORDER.index(lyr.name) if lyr.name in ORDER else len(ORDER))
    body = [{"id": "background", "type": "background", "paint": {"background-color": "#f8f4ec"}}]
    for layer in layers:
        body.extend(style_layers(layer))
    # Symbols last so labels are never under fills.
    body.sort(key=lambda item: item["type"] == "symbol")
    return {
        "version": 8,
        "name": "Ardh",
        "metadata": {"ardh:rtl-text-plugin": absolute(static("vendor/rtl-text/mapbox-gl-rtl-text.js"))},
        "sources": {"ardh": {"type": "vector", "url": absolute("/tiles/base/tilejson.json")}},
        "glyphs": absolute("/tiles/fonts/") + "{fontstack}/{range}.pbf",
        "layers": body,
    }

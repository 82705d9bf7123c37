"""The planner map's MapLibre style (style spec v8), built from the layer registry.

Each layer is drawn as its registry entry declares (``geo.layers.Style``: fill, line, label), in its
``order``; a layer that declares nothing gets a neutral outline. Adding a layer never edits tiles/.
Labels use glyphs served by Ardh (tiles/glyphs.py) and the right-to-left text
plugin served from /static/vendor (no CDN): Arabic needs both.
"""

from __future__ import annotations

from django.templatetags.static import static

from geo.layers import Layer, all_layers

FONT = ["DejaVu Sans"]
LABEL = ["coalesce", ["get", "name_ar"], ["get", "name_en"], ["get", "number"]]


def _zoom(layer: Layer) -> dict:
    return {"minzoom": layer.min_zoom, "maxzoom": layer.max_zoom + 1}


def _common(layer: Layer, suffix: str, kind: str) -> dict:
    return {"id": f"{layer.name}-{suffix}", "type": kind, "source": "ardh", "source-layer": layer.name, **_zoom(layer)}


def style_layers(layer: Layer) -> list[dict]:
    """The MapLibre layers drawing ``layer`` as its registry entry declares (``geo.layers.Style``)."""
    look = layer.style
    geometry = layer.model._meta.get_field(layer.geom_field).geom_type.upper()
    out: list[dict] = []
    if "LINE" in geometry:
        width = look.line_width
        if look.width_field:
            metres = ["to-number", ["get", look.width_field], 10]
            width = ["interpolate", ["linear"], ["zoom"], 12, 0.5, 17, ["max", 1, ["/", metres, 2]]]
        out.append({**_common(layer, "line", "line"), "paint": {"line-color": look.line_colour, "line-width": width}})
        out.append({**_common(layer, "label", "symbol"), "layout": {
            "symbol-placement": "line", "text-field": LABEL, "text-font": FONT, "text-size": 12,
        }, "paint": {"text-color": "#333333", "text-halo-color": "#ffffff", "text-halo-width": 1}})
        return out
    if "POINT" in geometry:  # a site drawn as a dot (premises, say), coloured as the layer declares its fill
        colour = look.fill if look.fill is not None else look.line_colour
        dots = {**_common(layer, "point", "circle"), "paint": {
            "circle-color": colour, "circle-radius": 5, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1,
        }}
        if look.heatmap_below_zoom is not None:  # many points (violations): their density at low zoom
            out.append({**_common(layer, "heat", "heatmap"), "maxzoom": look.heatmap_below_zoom, "paint": {
                "heatmap-radius": 18, "heatmap-opacity": 0.75}})
            dots["minzoom"] = max(layer.min_zoom, look.heatmap_below_zoom)
        out.append(dots)
        return out
    if look.fill is not None:
        out.append({**_common(layer, "fill", "fill"),
                    "paint": {"fill-color": look.fill, "fill-opacity": look.fill_opacity}})
    out.append({**_common(layer, "outline", "line"),
                "paint": {"line-color": look.line_colour, "line-width": look.line_width}})
    if "number" in layer.public_fields or "name_ar" in layer.public_fields:
        label_zoom = max(layer.min_zoom, look.label_min_zoom if look.label_min_zoom is not None else layer.min_zoom)
        out.append({**_common(layer, "label", "symbol"), "minzoom": label_zoom, "layout": {
            "text-field": LABEL, "text-font": FONT, "text-size": look.label_size,
        }, "paint": {"text-color": "#222222", "text-halo-color": "#ffffff", "text-halo-width": 1}})
    return out


def style(*, absolute) -> dict:
    """``absolute(path)`` turns a site path into a URL for this request."""
    public = [lyr for lyr in all_layers() if lyr.is_public]  # tenant layers are never in the shared map
    layers = sorted(public, key=lambda lyr: lyr.order)  # areas first, parcels over them, lines on top
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

"""The building check: a pure function of (parcel, adjoining streets, overlays, rule set, proposal) — no
database — with a JSON contract (docs/permits-check.md, decision 023).

``run_check(payload)`` → every rule's result with its figures, explanation (Arabic and English) and the
geometry of its violation; ``describe_site(payload)`` → the parcel's edges, frontage and buildable envelope
(what the drawing page and the prefill show). ``batch.buildable_areas`` gives many parcels' envelope areas at
once, by the same edge logic, for the what-if."""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import MultiPolygon, mapping

from permits.check import rules as checks
from permits.check.contract import Site, read_floors, read_site, reproject, transformers
from permits.check.edges import classify, edges_of, facing_street
from permits.check.envelope import envelope_of
from permits.check.errors import CheckInputError

__all__ = ["CheckInputError", "describe_site", "run_check"]


def _geo(site: Site):
    _to, back = transformers(site.srid)

    def geo(geom):
        if geom is None or geom.is_empty:
            return None
        if geom.geom_type == "GeometryCollection":  # keep the areas of a mixed result
            polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
            geom = MultiPolygon([p for g in polys for p in getattr(g, "geoms", [g])])
            if geom.is_empty:
                return None
        return _rounded(mapping(reproject(back, geom)))
    return geo


def _rounded(value):
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


@dataclass
class Context:
    site: Site
    edges: list
    strips: dict
    envelope: object
    frontage: float
    corner: bool
    floors: list | None = None
    attrs: dict | None = None
    building: object = None

    def __post_init__(self):
        self.geo = _geo(self.site)
        self.parcel, self.rules, self.source, self.overlays = (self.site.parcel, self.site.rules, self.site.source,
                                                               self.site.overlays)


def _context(site: Site) -> Context:
    edges = edges_of(site.parcel)
    facing = [facing_street(e, site.streets, site.tolerance) for e in edges]
    shape = classify(edges, facing, site.rules)
    envelope, strips = envelope_of(site.parcel, edges, site.overlays)
    frontage = shape["main"].length if shape["main"] is not None else 0.0
    return Context(site=site, edges=edges, strips=strips, envelope=envelope, frontage=frontage,
                   corner=shape["corner"])


def _site_out(ctx: Context) -> dict:
    geo = ctx.geo
    return {
        "metric_srid": ctx.site.srid,
        "parcel": {"id": ctx.site.parcel_id, "number": ctx.site.parcel_number, "area_m2": round(ctx.parcel.area, 2)},
        "edges": [{"index": e.index, "kind": e.kind, "length_m": round(e.length, 2),
                   "street": e.street[0] if e.street else None, "street_name": e.street[1] if e.street else None,
                   "street_width_m": e.street[2] if e.street else None, "setback_m": round(e.setback, 2),
                   "geometry": geo(e.line)} for e in ctx.edges],
        "frontage_m": round(ctx.frontage, 2), "corner": ctx.corner,
        "envelope": geo(ctx.envelope), "envelope_area_m2": round(ctx.envelope.area, 2),
        "setback_strips": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"kind": e.kind, "edge": e.index, "setback_m": round(e.setback, 2)},
             "geometry": geo(ctx.parcel.intersection(e.line.buffer(e.setback, quad_segs=4)))}
            for e in ctx.edges if e.setback > 0]},
    }


def describe_site(payload: dict) -> dict:
    """The parcel's edges (front/side/rear, streets, setbacks), frontage and buildable envelope."""
    return _site_out(_context(read_site(payload)))


def run_check(payload: dict) -> dict:
    """Check the proposal of ``payload`` against its rules (docs/permits-check.md)."""
    site = read_site(payload)
    ctx = _context(site)
    ctx.floors, ctx.attrs = read_floors(site, payload.get("proposal"))
    ctx.building = checks.building_of(ctx.floors)
    results = checks.all_results(ctx)
    out = _site_out(ctx)
    out["passed"] = all(r["passed"] for r in results)
    out["proposal"] = {
        "floors": sum(1 for f in ctx.floors if f.kind in ("ground", "upper")),
        "floor_area_m2": round(sum(f.area for f in ctx.floors), 2),
        "ground_area_m2": round(sum(f.area for f in ctx.floors if f.kind == "ground"), 2),
        "height_m": ctx.attrs["height_m"],
    }
    out["results"] = results
    return {"passed": out.pop("passed"), **out}

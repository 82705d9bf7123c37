"""The building permit's certificate: what it prints (the permit, its parties, the rule results) and its site
plan — the parcel, the setback strips, the buildable envelope and the approved building — drawn as an inline SVG
in metres (no tiles, no network: WeasyPrint renders it as it is)."""

from __future__ import annotations

from html import escape

from pyproj import Transformer
from shapely.geometry import Polygon, shape
from shapely.ops import unary_union

from cases.models import CaseParty, PartyRole
from permits.check.contract import reproject

WIDTH, HEIGHT, PAD = 640.0, 360.0, 24.0  # SVG user units (the page scales it to the column's width)
PARTY_ROLES = (PartyRole.OWNER, PartyRole.DESIGNER_OFFICE, PartyRole.SUPERVISING_OFFICE, PartyRole.CONTRACTOR)


def _path(geom, to_svg) -> str:
    polys = [geom] if isinstance(geom, Polygon) else list(getattr(geom, "geoms", []))
    out = []
    for poly in polys:
        if not isinstance(poly, Polygon) or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            pts = [to_svg(x, y) for x, y in ring.coords]
            out.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + " Z")
    return " ".join(out)


def site_plan_svg(*, parcel: dict, check: dict, floors: list[dict]) -> str:
    """The site plan of a checked proposal (``parcel``: its GeoJSON in lon/lat; ``check``: the check's output;
    ``floors``: the proposal's)."""
    srid = int(check.get("metric_srid") or 4326)
    project = Transformer.from_crs(4326, srid, always_xy=True).transform
    footprint = reproject(project, unary_union([shape(f["footprint"]) for f in floors]))
    envelope = reproject(project, shape(check["envelope"])) if check.get("envelope") else None
    strips = [(f.get("properties", {}).get("kind", ""), reproject(project, shape(f["geometry"])))
              for f in (check.get("setback_strips") or {}).get("features", []) if f.get("geometry")]
    edges = [(e, reproject(project, shape(e["geometry"]))) for e in check.get("edges", []) if e.get("geometry")]
    parcel = reproject(project, shape(parcel))
    minx, miny, maxx, maxy = parcel.bounds
    scale = min((WIDTH - 2 * PAD) / max(maxx - minx, 1e-6), (HEIGHT - 2 * PAD) / max(maxy - miny, 1e-6))
    ox = (WIDTH - (maxx - minx) * scale) / 2
    oy = (HEIGHT - (maxy - miny) * scale) / 2

    def to_svg(x, y):
        return ox + (x - minx) * scale, HEIGHT - (oy + (y - miny) * scale)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" '
             f'width="100%" style="border:1px solid #bbb">']
    colours = {"front": "#f4b183", "side": "#ffe699", "rear": "#c9c9c9"}
    for kind, strip in strips:
        parts.append(f'<path d="{_path(strip, to_svg)}" fill="{colours.get(kind, "#eee")}" fill-opacity="0.7" '
                     f'stroke="none"/>')
    if envelope is not None:
        parts.append(f'<path d="{_path(envelope, to_svg)}" fill="none" stroke="#2e7d32" stroke-width="1.5" '
                     f'stroke-dasharray="6 4"/>')
    parts.append(f'<path d="{_path(parcel, to_svg)}" fill="none" stroke="#111" stroke-width="2"/>')
    parts.append(f'<path d="{_path(footprint, to_svg)}" fill="#1a4f8b" fill-opacity="0.55" stroke="#1a4f8b" '
                 f'stroke-width="1.5"/>')
    for edge, line in edges:
        mid = line.interpolate(0.5, normalized=True)
        x, y = to_svg(mid.x, mid.y)
        label = f"{edge.get('kind', '')} {edge.get('setback_m', '')} m"
        if edge.get("street_name"):
            label += f" · {edge['street_name']} ({edge.get('street_width_m')} m)"
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" text-anchor="middle" fill="#333">'
                     f'{escape(label)}</text>')
    # A north arrow and a scale bar of 10 m.
    parts.append(f'<text x="{WIDTH - 14:.0f}" y="18" font-size="14" text-anchor="middle">N</text>'
                 f'<path d="M{WIDTH - 14:.0f},22 l-5,14 l5,-4 l5,4 Z" fill="#111"/>')
    bar = 10 * scale
    parts.append(f'<path d="M10,{HEIGHT - 10:.0f} h{bar:.1f}" stroke="#111" stroke-width="3"/>'
                 f'<text x="{10 + bar / 2:.1f}" y="{HEIGHT - 14:.0f}" font-size="10" text-anchor="middle">10 m</text>')
    parts.append("</svg>")
    return "".join(parts)


def parties_of(case) -> list[tuple[str, str]]:
    """(role label, Arabic name) of the owner, the designer and supervising offices and the contractor."""
    rows = CaseParty.objects.filter(case=case, role__in=PARTY_ROLES).select_related("party").order_by("role")
    labels = dict(PartyRole.choices)
    return [(str(labels[cp.role]), cp.party.name_ar) for cp in rows]

"""A proposed building read from a drawing (docs/permits.md): a DXF with the agreed layers or a GeoJSON, in any
CRS Ardh knows, turned into the check's floors (GeoJSON in lon/lat); the drawing's plot boundary compared with
the registered parcel."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer
from shapely import wkb
from shapely.geometry import Polygon, mapping, shape
from shapely.ops import unary_union

from common.errors import RegisterError
from geo.crs import KNOWN_CRS, srid_from_name
from imports.crs_guess import candidates
from imports.dxf import dxf_frame
from permits.check.contract import reproject

PLOT_LAYER = "PLOT_BOUNDARY"
GROUND_LAYER = "BLDG_FOOTPRINT"
UPPER_LAYER = re.compile(r"^FLOOR_(\d+)$")
ANNEX_LAYER = "ROOF_ANNEX"
PLOT_SHIFT_TOLERANCE_M = 1.0


class ProposalRefused(RegisterError):
    """A drawing that cannot become a proposal (unreadable, without the agreed layers, off its parcel)."""


@dataclass
class ReadProposal:
    floors: list[dict]
    plot_shift_m: float | None = None
    notes: list[str] = field(default_factory=list)


def _polygons(geom) -> list[Polygon]:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]


def _dxf_layers(content: bytes) -> dict[str, list[Polygon]]:
    try:
        df = dxf_frame(content, columns=["Layer"])
    except Exception:
        raise ProposalRefused(_("The drawing cannot be read as DXF."), code="drawing_unreadable") from None
    layers: dict[str, list[Polygon]] = {}
    for name, geom in zip(df["Layer"].fillna("").astype(str), df.geometry.values, strict=True):
        layers.setdefault(name.strip().upper(), []).extend(_polygons(shapely.force_2d(geom) if geom else None))
    return layers


def _geojson_layers(content: bytes) -> tuple[dict[str, list[Polygon]], int | None]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProposalRefused(_("The GeoJSON cannot be read: %(e)s") % {"e": str(exc)[:120]},
                              code="drawing_unreadable") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ProposalRefused(_("The GeoJSON must be a FeatureCollection, one feature per floor with "
                                "properties.floor (ground, upper or annex)."), code="drawing_layers")
    declared = None
    crs = data.get("crs")
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        declared = srid_from_name(name)
        if declared is None:
            raise ProposalRefused(_("The GeoJSON names a CRS Ardh does not know: %(n)s.") % {"n": str(name)[:80]},
                                  code="drawing_crs")
    layers: dict[str, list[Polygon]] = {}
    for i, feature in enumerate(data.get("features") or []):
        props = (feature or {}).get("properties") or {}
        floor = str(props.get("floor") or "").strip().lower()
        level = props.get("level")
        name = {"plot": PLOT_LAYER, "ground": GROUND_LAYER, "annex": ANNEX_LAYER}.get(floor)
        if floor == "upper":
            name = f"FLOOR_{int(level) if str(level).isdigit() else 1}"
        if name is None:
            raise ProposalRefused(_("Feature %(i)d has properties.floor “%(f)s”: use plot, ground, upper or annex.")
                                  % {"i": i, "f": floor[:20]}, code="drawing_layers")
        try:
            geom = shape(feature.get("geometry"))
        except Exception:
            raise ProposalRefused(_("Feature %(i)d's geometry is malformed.") % {"i": i},
                                  code="drawing_unreadable") from None
        layers.setdefault(name, []).extend(_polygons(geom))
    return layers, declared


def _srid(layers, given: int | None, declared: int | None, *, geojson: bool) -> int:
    if given is not None and given not in KNOWN_CRS:
        raise ProposalRefused(_("EPSG:%(s)s is not a CRS Ardh knows.") % {"s": given}, code="drawing_crs")
    if given and declared and given != declared:
        raise ProposalRefused(_("The file says it is in EPSG:%(f)s but the application says EPSG:%(a)s.")
                              % {"f": declared, "a": given}, code="drawing_crs")
    srid = given or declared or (4326 if geojson else None)
    if srid is None:
        everything = unary_union([p for ps in layers.values() for p in ps])
        fitting, _swapped = candidates(everything.bounds if not everything.is_empty else None)
        if len(fitting) != 1:
            raise ProposalRefused(_("Say which CRS the drawing's coordinates are in (they fit %(n)d CRSs).")
                                  % {"n": len(fitting)}, code="drawing_crs")
        srid = fitting[0]
    return srid


def read_proposal(*, content: bytes, content_type: str, srid: int | None, parcel) -> ReadProposal:
    """The floors of a drawing of a building on ``parcel``; ``ProposalRefused`` saying what and where."""
    geojson = content_type in ("application/geo+json", "application/json")
    if geojson:
        layers, declared = _geojson_layers(content)
    elif content_type == "image/vnd.dxf":
        layers, declared = _dxf_layers(content), None
    else:
        raise ProposalRefused(_("A drawing is a DXF with the agreed layers or a GeoJSON."), code="drawing_type")
    if GROUND_LAYER not in layers or not layers[GROUND_LAYER]:
        found = ", ".join(sorted(k for k in layers if k)) or _("none")
        raise ProposalRefused(
            _("The drawing has no layer %(g)s (the ground floor's footprint). Agreed layers: %(plot)s, %(g)s, "
              "FLOOR_1, FLOOR_2…, %(annex)s; the drawing has: %(found)s.")
            % {"g": GROUND_LAYER, "plot": PLOT_LAYER, "annex": ANNEX_LAYER, "found": found}, code="drawing_layers")
    srid = _srid(layers, srid, declared, geojson=geojson)
    to_ll = Transformer.from_crs(srid, 4326, always_xy=True).transform
    parcel_ll = wkb.loads(bytes(parcel.geom.wkb))
    metric = Transformer.from_crs(4326, 32600 + int((parcel_ll.centroid.x + 180) // 6) + 1, always_xy=True).transform
    out = ReadProposal(floors=[])
    plot = layers.get(PLOT_LAYER) or []
    if plot:
        drawn = reproject(metric, reproject(to_ll, max(plot, key=lambda p: p.area)))
        registered = reproject(metric, parcel_ll)
        out.plot_shift_m = round(drawn.hausdorff_distance(registered), 2)
        if out.plot_shift_m > PLOT_SHIFT_TOLERANCE_M:
            raise ProposalRefused(
                _("The drawing's plot boundary (layer %(l)s) lies up to %(m)s m from parcel %(n)s in the register; "
                  "at most %(t)s m is accepted. Is it the right parcel and the right CRS (EPSG:%(s)s)?")
                % {"l": PLOT_LAYER, "m": out.plot_shift_m, "n": parcel.number, "t": PLOT_SHIFT_TOLERANCE_M,
                   "s": srid}, code="plot_shift")
    else:
        out.notes.append(_("The drawing has no %(l)s layer: its plot was not compared with the register.")
                         % {"l": PLOT_LAYER})

    def floor(kind: str, level: int, polys: list[Polygon]) -> dict:
        geom = unary_union(polys) if len(polys) > 1 else polys[0]
        return {"kind": kind, "level": level, "footprint": mapping(reproject(to_ll, geom))}
    out.floors.append(floor("ground", 0, layers[GROUND_LAYER]))
    uppers = sorted((int(m.group(1)), name) for name in layers if (m := UPPER_LAYER.match(name)))
    for n, name in uppers:
        if layers[name]:
            out.floors.append(floor("upper", n, layers[name]))
    if layers.get(ANNEX_LAYER):
        out.floors.append(floor("annex", (uppers[-1][0] if uppers else 0) + 1, layers[ANNEX_LAYER]))
    return out

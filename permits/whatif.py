"""What-if across a district (docs/permits-whatif.md, decision 025): before adopting a draft version of a zoning
code's building rules, what would it change within a district?

(a) **Permits that would no longer comply**: each issued permit (issued, under construction, completed) on a
parcel of that zoning code in the district, its approved proposal re-checked against the draft
(``permits.check.run_check``): a permit counts when a rule its approved check passed now fails; those rules are
listed with the check's figures and explanations.
(b) **Buildable area of the vacant parcels**: each vacant parcel's envelope area under the adopted rules in force
and under the draft (``permits.check.batch.buildable_areas``, all parcels at once), and the change.

A parcel belongs to the district and to the zoning code by its point on surface (the point the map labels
it at), so a parcel on a boundary counts once. A read: nothing is written.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB, PointOnSurface
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping

from accounts.models import Municipality
from common.errors import RegisterError
from parcels.models import District, Parcel, Street, Zone
from permits.check import CheckInputError, run_check
from permits.check.batch import buildable_areas
from permits.inputs import rules_payload
from permits.models import Overlay, Permit, PermitStatus, RuleSet
from permits.selectors import STREET_SEARCH_M, degrees, in_force, rule_set_in_force

STANDING = (PermitStatus.ISSUED, PermitStatus.UNDER_CONSTRUCTION, PermitStatus.COMPLETED)
OVERLAY_SEARCH_M = 50.0
UNCHANGED_M2 = 0.01  # a change of buildable area smaller than this is rounding, not a change


def parcels_in(*, district: District, regulation_id: int):
    """The current parcels of ``district`` in a zone of ``regulation_id`` (by their point on surface)."""
    zoned = Zone.objects.filter(municipality_id=district.municipality_id, regulation_id=regulation_id,
                                geom__intersects=OuterRef("pos"))
    return (Parcel.objects.filter(municipality_id=district.municipality_id, valid_to__isnull=True,
                                  geom__intersects=district.geom)
            .annotate(pos=PointOnSurface("geom")).filter(pos__intersects=district.geom)
            .filter(Exists(zoned)))


def _streets(district: District) -> list[tuple]:
    rows = (Street.objects.filter(municipality_id=district.municipality_id,
                                  geom__dwithin=(district.geom, degrees(STREET_SEARCH_M)))
            .annotate(wkb=AsWKB("geom")).values_list("id", "name_ar", "name_en", "width_m", "kind", "wkb"))
    rows = list(rows)
    lines = shapely.from_wkb([bytes(r[5]) for r in rows]) if rows else []
    return [(r[0], r[1] or r[2], float(r[3]), r[4], line) for r, line in zip(rows, lines, strict=True)]


def _overlays(district: District, on: date) -> list[dict]:
    rows = Overlay.objects.filter(in_force(on), municipality_id=district.municipality_id,
                                  geom__dwithin=(district.geom, degrees(OVERLAY_SEARCH_M)))
    return [{"id": o.pk, "kind": o.kind, "name_ar": o.name_ar, "name_en": o.name_en, "prohibited": o.prohibited,
             "extra_setback_m": float(o.extra_setback_m),
             "max_height_m": None if o.max_height_m is None else float(o.max_height_m),
             "geometry": shapely.from_wkb(bytes(o.geom.wkb))} for o in rows]


def _source(rule_set: RuleSet) -> dict:
    return {"id": rule_set.pk, "code": rule_set.regulation.code, "version": rule_set.number,
            "status": rule_set.status, "valid_from": rule_set.valid_from.isoformat()}


def _recheck(permits, *, streets, overlays, draft_rules: dict, srid: int) -> tuple[list, list]:
    """Each permit's approved proposal against the draft: (no longer complying, could not be checked)."""
    failing, unchecked = [], []
    street_tree = shapely.STRtree(np.array([s[4] for s in streets], dtype=object)) if streets else None
    overlay_tree = (shapely.STRtree(np.array([o["geometry"] for o in overlays], dtype=object)) if overlays else None)
    for permit in permits:
        proposal = permit.proposal
        parcel_shape = shapely.from_wkb(bytes(permit.parcel.geom.wkb))
        near = street_tree.query(parcel_shape, predicate="dwithin", distance=degrees(STREET_SEARCH_M)) \
            if street_tree is not None else []
        touching = overlay_tree.query(parcel_shape, predicate="dwithin", distance=degrees(OVERLAY_SEARCH_M)) \
            if overlay_tree is not None else []
        payload = {
            "metric_srid": srid,
            "parcel": {"id": permit.parcel_id, "number": permit.parcel.number,
                       "geometry": json.loads(permit.parcel.geom.geojson)},
            "streets": [{"id": streets[i][0], "name": streets[i][1], "width_m": streets[i][2], "kind": streets[i][3],
                         "geometry": mapping(streets[i][4])} for i in sorted(near)],
            "overlays": [{**{k: v for k, v in overlays[i].items() if k != "geometry"},
                          "geometry": mapping(overlays[i]["geometry"])} for i in sorted(touching)],
            "rules": draft_rules,
            "proposal": {"use": proposal.use, "units": proposal.units, "parking_spaces": proposal.parking_spaces,
                         "height_m": float(proposal.height_m), "floors": proposal.floors},
        }
        base = {"id": permit.pk, "number": permit.number, "status": permit.status, "parcel": permit.parcel.number,
                "parcel_id": permit.parcel_id, "geometry": json.loads(permit.geom.geojson)}
        try:
            out = run_check(payload)
        except CheckInputError as exc:
            unchecked.append({**base, "error": str(exc), "code": exc.code, "where": exc.where})
            continue
        passed_before = {r["rule"] for r in (proposal.check_result or {}).get("results", []) if r["passed"]}
        known_before = {r["rule"] for r in (proposal.check_result or {}).get("results", [])}
        newly = [{k: r[k] for k in ("rule", "measured", "limit", "unit", "explain_ar", "explain_en", "violation")}
                 for r in out["results"]
                 if not r["passed"] and (r["rule"] in passed_before or r["rule"] not in known_before)]
        if newly:
            failing.append({**base, "failing": newly})
    return failing, unchecked


def whatif(*, draft: RuleSet, district: District, on: date | None = None, with_geometry: bool = False) -> dict:
    """What adopting ``draft`` would change in ``district`` compared with the adopted rules in force on ``on``
    (today by default). ``with_geometry``: each vacant parcel's outline (GeoJSON) for the map.

    RegisterError ``other_municipality`` when the draft and the district are not of one municipality,
    ``no_rules`` when the zoning code has no adopted rules in force that day."""
    if draft.municipality_id != district.municipality_id:
        raise RegisterError(_("The rule set and the district belong to different municipalities."),
                            code="other_municipality")
    on = on or timezone.localdate()
    adopted = rule_set_in_force(regulation_id=draft.regulation_id, on=on)
    srid = Municipality.objects.filter(pk=district.municipality_id).values_list("metric_srid", flat=True).first()
    streets = _streets(district)
    overlays = _overlays(district, on)
    in_zone = parcels_in(district=district, regulation_id=draft.regulation_id)

    vacant = list(in_zone.filter(status="vacant").annotate(wkb=AsWKB("geom")).order_by("id")
                  .values_list("id", "number", "wkb"))
    shapes = shapely.from_wkb([bytes(v[2]) for v in vacant]) if vacant else np.array([], dtype=object)
    parcels = list(zip([v[0] for v in vacant], shapes, strict=True))
    batch_streets = [(s[0], s[4], s[2]) for s in streets]
    before = buildable_areas(parcels=parcels, streets=batch_streets, overlays=overlays,
                             rules=rules_payload(adopted), metric_srid=srid)
    after = buildable_areas(parcels=parcels, streets=batch_streets, overlays=overlays,
                            rules=rules_payload(draft), metric_srid=srid)
    outlines = shapely.to_geojson(shapes) if with_geometry and len(vacant) else [None] * len(vacant)
    rows = []
    for (pid, number, _wkb), outline in zip(vacant, outlines, strict=True):
        if pid not in before or pid not in after:
            continue
        row = {"id": pid, "number": number, "before_m2": round(before[pid], 2), "after_m2": round(after[pid], 2),
               "change_m2": round(after[pid] - before[pid], 2)}
        if with_geometry:
            row["geometry"] = json.loads(outline)
        rows.append(row)

    permits = (Permit.objects.filter(municipality_id=district.municipality_id, status__in=STANDING,
                                     parcel__in=in_zone.values("pk"))
               .select_related("proposal", "parcel").order_by("number"))
    checked = list(permits)
    failing, unchecked = _recheck(checked, streets=streets, overlays=overlays,
                                  draft_rules=rules_payload(draft), srid=srid)
    changes = [r["change_m2"] for r in rows]
    return {
        "on": on.isoformat(),
        "draft": _source(draft),
        "adopted": _source(adopted),
        "district": {"id": district.pk, "code": district.code, "name_ar": district.name_ar,
                     "name_en": district.name_en},
        "permits": failing,
        "unchecked": unchecked,
        "parcels": rows,
        "totals": {
            "permits_checked": len(checked),
            "permits_failing": len(failing),
            "permits_unchecked": len(unchecked),
            "vacant": len(rows),
            "before_m2": round(sum(r["before_m2"] for r in rows), 2),
            "after_m2": round(sum(r["after_m2"] for r in rows), 2),
            "change_m2": round(sum(changes), 2),
            "losing": sum(1 for c in changes if c < -UNCHANGED_M2),
            "gaining": sum(1 for c in changes if c > UNCHANGED_M2),
            "unchanged": sum(1 for c in changes if abs(c) <= UNCHANGED_M2),
        },
    }

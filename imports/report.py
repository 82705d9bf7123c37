"""The validation report: what is wrong, where, and what a commit would change."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

MAX_LISTED = 1000  # issues listed one by one; counts always cover all
_SHOWN = 200  # characters of an attribute value shown in the report

def _field_label(name: str) -> str:
    labels = {"plan_number": _("plan number"), "number": _("number"), "land_use": _("land use"),
              "status": _("status"), "deed_number": _("deed number")}
    return str(labels.get(name, name))


_MESSAGES = {
    "null_geometry": lambda d: _("The feature has no geometry."),
    "empty_geometry": lambda d: _("The geometry is empty."),
    "not_finite": lambda d: _("The geometry has NaN or infinite coordinates."),
    "too_many_vertices": lambda d: d["detail"],
    "too_few_points": lambda d: d["detail"],
    "unclosed_ring": lambda d: d["detail"],
    "unreadable_geometry": lambda d: d["detail"],
    "unknown_crs": lambda d: d["detail"],
    "z_dropped": lambda d: _("The geometry had heights (Z); they were dropped: the registers are 2D."),
    "crs_transformed": lambda d: _("The geometry's “crs” member names EPSG:%(srid)s; its coordinates were "
                                   "transformed from it.") % {"srid": d["detail"]},
    "too_long": lambda d: _("The %(field)s is %(n)d characters long; at most %(max)s fit.")
    % {"field": _field_label(d["detail"]), "n": d["value"], "max": d["other"]},
    "wrong_type": lambda d: d["detail"],
    "invalid": lambda d: _("The geometry is not valid: %(r)s.") % {"r": d["detail"]},
    "repaired": lambda d: _("The geometry was not valid (%(r)s) and was repaired with ST_MakeValid.")
    % {"r": d["detail"]},
    "repair_failed": lambda d: _("Repairing the geometry left nothing polygonal."),
    "missing_number": lambda d: _("The parcel number is missing."),
    "missing_plan": lambda d: _("The plan number is missing."),
    "unknown_plan": lambda d: _("Plan %(p)s does not exist in this municipality.") % {"p": d["detail"]},
    "missing_land_use": lambda d: _("A new parcel needs a land use."),
    "bad_land_use": lambda d: _("Unknown land use %(v)s.") % {"v": d["detail"]},
    "bad_status": lambda d: _("Unknown status %(v)s.") % {"v": d["detail"]},
    "duplicate_number": lambda d: _("Parcel number %(n)s appears more than once in the plan.") % {"n": d["detail"]},
    "outside": lambda d: _("%(a).1f m² of the parcel lie outside the municipality.") % {"a": d["value"]},
    "overlap_incoming": lambda d: _("Overlaps incoming parcel %(o)s by %(a).2f m².")
    % {"o": d["other"], "a": d["value"]},
    "overlap_existing": lambda d: _("Overlaps existing parcel %(o)s by %(a).2f m².")
    % {"o": d["other"], "a": d["value"]},
    "sliver": lambda d: _("A sliver overlap of %(a).3f m² with parcel %(o)s (within tolerance).")
    % {"o": d["other"], "a": d["value"]},
    "gap": lambda d: _("A gap of %(w).2f m to parcel %(o)s (narrower than the tolerance).")
    % {"o": d["other"], "w": d["value"]},
}


def issues() -> tuple[list[dict], dict, dict]:
    """(listed issues, counts by code, counts by severity)."""
    with connection.cursor() as cur:
        cur.execute("""
            SELECT i.idx, i.code, i.severity, i.detail, i.lon, i.lat, i.other, i.value, s.plan_number, s.number
            FROM imp_issue i LEFT JOIN imp_stage s USING (idx)
            ORDER BY CASE i.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, i.idx, i.code
            LIMIT %s
        """, [MAX_LISTED])
        cols = [c.name for c in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        cur.execute("SELECT code, count(*) FROM imp_issue GROUP BY code ORDER BY code")
        by_code = dict(cur.fetchall())
        cur.execute("SELECT severity, count(*) FROM imp_issue GROUP BY severity")
        by_severity = dict(cur.fetchall())
    listed = []
    for r in rows:
        # A 100,000-character attribute is reported, not repeated: values are cut to what a person can read.
        r = {k: v[:_SHOWN] + "…" if isinstance(v, str) and len(v) > _SHOWN else v for k, v in r.items()}
        item = {
            "feature": r["idx"], "plan_number": r["plan_number"], "number": r["number"], "code": r["code"],
            "severity": r["severity"],
            "message": str(_MESSAGES[r["code"]](r)) if r["code"] in _MESSAGES else (r["detail"] or r["code"]),
        }
        if r["lon"] is not None:
            item["location"] = [round(r["lon"], 7), round(r["lat"], 7)]
        listed.append(item)
    return listed, by_code, by_severity


def invalid_feature_count() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(DISTINCT idx) FROM imp_issue WHERE severity = 'error'")
        return cur.fetchone()[0]

"""Set-based validation of the staged features, in PostGIS.

Every check is one SQL statement over the whole staging table (GiST-indexed), so
the cost grows with the data, not with round trips. Findings go to ``imp_issue``:
(feature index, code, severity, detail, location lon/lat, other feature, value).
Metric work (areas, gaps) uses the municipality's UTM zone.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import connection

from imports import topology
from imports.crs_guess import KSA
from parcels.models import LandUse, ParcelStatus
from parcels.services.topology import OVERLAP_TOLERANCE_M2

ERROR, WARNING, INFO = "error", "warning", "info"


def gap_tolerance_m() -> float:
    return getattr(settings, "ARDH_IMPORT_GAP_TOLERANCE_M", 0.5)


def _run(sql: str, params: dict | None = None) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def metric_srid(municipality) -> int:
    """The metric CRS for areas and distances: the municipality's UTM zone; for a municipality
    outside the Kingdom (reference data from elsewhere) the WGS 84 UTM zone of its centre."""
    c = municipality.boundary.centroid
    if KSA[0] <= c.x <= KSA[2] and KSA[1] <= c.y <= KSA[3]:
        return municipality.metric_srid
    zone = int((c.x + 180) // 6) + 1
    return (32600 if c.y >= 0 else 32700) + zone


def build_stage(*, municipality, target, metric: int, srid: int, swap_axes: bool, deed_mapped: bool,
                repair: bool) -> None:
    """The staged features in storage and metric CRS, matched to their plan and current parcel, validity and
    the diff against that parcel computed in the same pass (one write of the staging table, no UPDATE after)."""
    geom = "ST_GeomFromWKB(r.wkb)"
    geom = f"ST_FlipCoordinates({geom})" if swap_axes else geom
    geom = f"ST_Multi(ST_SetSRID({geom}, %(srid)s))"
    if srid != 4326:
        geom = f"ST_Transform({geom}, 4326)"
    # The only interpolation is fixed expressions and target's constants (values are parameters).
    # A geometry is unchanged when no vertex moved by more than ~1 mm (1e-8°): ring order or start
    # point (Shapefile rewinds rings) and float noise of a CRS round trip are not changes.
    _run(f"""
        CREATE TEMP TABLE imp_stage ON COMMIT DROP AS
        SELECT t.*, CASE WHEN t.record_id IS NULL THEN 'new' WHEN t.geom_changed OR t.attrs_changed THEN 'changed'
                         ELSE 'unchanged' END AS action
        FROM (SELECT s.*,
               COALESCE(NOT (s.old_geom = s.geom OR ST_HausdorffDistance(s.old_geom, s.geom) <= 1e-8), false)
                   AS geom_changed,
               COALESCE((s.land_use IS NOT NULL AND s.land_use IS DISTINCT FROM s.old_land_use)
                     OR (s.status IS NOT NULL AND s.status IS DISTINCT FROM s.old_status)
                     OR (s.deed_number IS NOT NULL AND s.deed_number IS DISTINCT FROM s.old_deed), false)
                   AS attrs_changed
        FROM (
            SELECT r.idx, r.plan_number, r.number, NULLIF(r.land_use, '') AS land_use,
                   NULLIF(r.status, '') AS status, CASE WHEN %(deed)s THEN r.deed_number END AS deed_number,
                   r.err, r.err_detail, pl.id AS plan_id, g.geom, ST_Transform(g.geom, %(metric)s) AS geom_m,
                   (r.err IS NULL AND ST_IsValid(g.geom)) AS valid,
                   p.id AS record_id, (r.err IS NULL) AS ok, false AS repaired,
                   p.geom AS old_geom, a.old_land_use, a.old_status, a.old_deed
            FROM imp_raw r
            LEFT JOIN parcels_subdivisionplan pl ON pl.municipality_id = %(muni)s AND pl.number = r.plan_number
            -- The stable key: (plan, parcel number) among current parcels.
            LEFT JOIN {target.table} p ON p.plan_id = pl.id AND p.number = r.number AND {target.current}
            CROSS JOIN LATERAL (SELECT {target.old_attrs}) a (old_land_use, old_status, old_deed)
            CROSS JOIN LATERAL (SELECT CASE WHEN r.err IS NULL THEN {geom} END AS geom) g
            OFFSET 0
        ) s) t
    """, {"deed": deed_mapped, "metric": metric, "muni": municipality.pk, "srid": srid})  # noqa: S608
    _run("""CREATE TEMP TABLE imp_issue (idx integer, code text, severity text, detail text, lon float8,
            lat float8, other text, value float8) ON COMMIT DROP""")
    # What could not be staged (from the reader and the pre-checks, with a location where there is one), and
    # what was changed on the way in (heights dropped): each feature's own line in the report.
    _run("""INSERT INTO imp_issue (idx, code, severity, detail, lon, lat)
            SELECT idx, err, 'error', err_detail, err_lon, err_lat FROM imp_raw WHERE err IS NOT NULL
            UNION ALL
            SELECT idx, split_part(n, ':', 1), CASE WHEN n = 'z_dropped' THEN 'warning' ELSE 'info' END,
                   NULLIF(split_part(n, ':', 2), ''), NULL, NULL
            FROM imp_raw, unnest(string_to_array(note, ',')) n WHERE note IS NOT NULL""")
    _check_validity(repair=repair, metric=metric)
    _run("CREATE INDEX ON imp_stage USING gist (geom_m)")
    _run("CREATE INDEX ON imp_stage (idx)")
    # Statistics for what the later plans join and filter on (not geom_m and old_geom: geometry
    # statistics are the costly part of ANALYZE, and only the GiST probes of geom_m use them).
    _run("ANALYZE imp_stage (idx, plan_number, number, plan_id, record_id, ok, action, land_use, status, geom)")


def _check_validity(*, repair: bool, metric: int) -> None:
    _run("""
        INSERT INTO imp_issue (idx, code, severity, detail, lon, lat)
        SELECT idx, %(code)s, %(sev)s, (d).reason, ST_X((d).location), ST_Y((d).location)
        FROM (SELECT idx, ST_IsValidDetail(geom) AS d FROM imp_stage WHERE ok AND NOT valid) v
    """, {"code": "repaired" if repair else "invalid", "sev": INFO if repair else ERROR})
    if repair:
        # Keep only the polygonal part of what ST_MakeValid returns (it may add lines or points).
        _run(f"""
            UPDATE imp_stage s SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(s.geom), 3)),
                   repaired = true
            FROM imp_issue i WHERE i.idx = s.idx AND i.code = 'repaired';
            UPDATE imp_stage SET geom_m = ST_Transform(geom, {int(metric)}),
                geom_changed = COALESCE(NOT (old_geom = geom OR ST_HausdorffDistance(old_geom, geom) <= 1e-8), false)
                WHERE repaired;
            UPDATE imp_stage SET action = 'changed' WHERE repaired AND action = 'unchanged' AND geom_changed;
            INSERT INTO imp_issue (idx, code, severity) SELECT idx, 'repair_failed', 'error' FROM imp_stage
                WHERE repaired AND ST_IsEmpty(geom);
            UPDATE imp_stage SET ok = false WHERE repaired AND ST_IsEmpty(geom);
        """)  # noqa: S608 (an integer SRID)
    else:
        _run("UPDATE imp_stage s SET ok = false FROM imp_issue i WHERE i.idx = s.idx AND i.code = 'invalid'")


def field_lengths(target) -> dict[str, int]:
    """The longest text each mapped field may hold in the register (the model's max_length), so a dry run
    refuses what the commit's INSERT would (a 100,000-digit number passed the dry run and failed the commit)."""
    model = apps.get_model(target.entity)
    plan_model = model._meta.get_field("plan").related_model
    lengths = {"plan_number": plan_model._meta.get_field("number").max_length}
    for name in target.fields:
        if name != "plan_number":
            lengths[name] = model._meta.get_field(name).max_length
    return lengths


def check_attributes(*, target) -> None:
    lengths = field_lengths(target)
    # Column names come from the target's own fields (fixed identifiers); names and lengths are parameters.
    too_long = " UNION ALL ".join(
        f"SELECT idx, 'too_long', 'error', %(f_{c})s, char_length({c}), %(n_{c})s::text FROM imp_stage "  # noqa: S608
        f"WHERE char_length({c}) > %(n_{c})s" for c in lengths)
    _run(f"INSERT INTO imp_issue (idx, code, severity, detail, value, other) {too_long}",
         {f"n_{c}": n for c, n in lengths.items()} | {f"f_{c}": c for c in lengths})
    _run("""
        INSERT INTO imp_issue (idx, code, severity, detail)
        SELECT idx, 'missing_number', 'error', NULL FROM imp_stage WHERE number = ''
        UNION ALL SELECT idx, 'missing_plan', 'error', NULL FROM imp_stage WHERE plan_number = ''
        UNION ALL SELECT idx, 'unknown_plan', 'error', plan_number FROM imp_stage
            WHERE plan_number <> '' AND plan_id IS NULL
        UNION ALL SELECT idx, 'missing_land_use', 'error', NULL FROM imp_stage
            WHERE land_use IS NULL AND record_id IS NULL AND %(needs_use)s
        UNION ALL SELECT idx, 'bad_land_use', 'error', land_use FROM imp_stage
            WHERE land_use IS NOT NULL AND NOT land_use = ANY(%(uses)s)
        UNION ALL SELECT idx, 'bad_status', 'error', status FROM imp_stage
            WHERE status IS NOT NULL AND NOT status = ANY(%(statuses)s)
        UNION ALL SELECT s.idx, 'duplicate_number', 'error', s.number FROM imp_stage s
            JOIN (SELECT plan_number, number FROM imp_stage WHERE number <> ''
                  GROUP BY 1, 2 HAVING count(*) > 1) d USING (plan_number, number)
    """, {"uses": [c.value for c in LandUse], "statuses": [c.value for c in ParcelStatus],
          "needs_use": "land_use" in target.fields})


def check_outside(*, municipality, metric: int) -> None:
    # Covers in lon/lat with the stored boundary first: PostGIS 3.3 prepares the boundary once for all
    # rows in ST_Covers(boundary, g) (2.6x faster than ST_CoveredBy(g, boundary) on a 5-vertex boundary,
    # more on a real one); only the few rows outside are measured in metres, to ignore rounding along it.
    _run("""
        WITH m AS (SELECT boundary AS b FROM parcels_municipality WHERE id = %(muni)s),
        o AS (SELECT s.idx, ST_Transform(ST_Difference(s.geom, m.b), %(metric)s) AS d FROM imp_stage s, m
              WHERE s.ok AND NOT ST_Covers(m.b, s.geom))
        INSERT INTO imp_issue (idx, code, severity, lon, lat, value)
        SELECT idx, 'outside', 'error', ST_X(p), ST_Y(p), ST_Area(d)
        FROM (SELECT idx, d, ST_Transform(ST_PointOnSurface(d), 4326) AS p FROM o WHERE ST_Area(d) > %(tol)s) x
    """, {"metric": metric, "muni": municipality.pk, "tol": OVERLAP_TOLERANCE_M2})


def check_incoming_topology() -> None:
    """Overlaps (area beyond survey rounding) and gaps narrower than the tolerance between incoming parcels."""
    # Which pairs: imports.topology (tiles, shapely); how much and where: here, for those few pairs only.
    topology.stage_pairs(topology.find_pairs(gap=gap_tolerance_m()))
    _run("""
        WITH c AS (
            SELECT p.kind, a.idx AS ai, b.idx AS bi, a.number AS an, b.number AS bn, a.geom_m AS ag, b.geom_m AS bg
            FROM imp_pair p JOIN imp_stage a ON a.idx = p.ai JOIN imp_stage b ON b.idx = p.bi
        ), found AS (
            SELECT ai, bi, an, bn, CASE WHEN ST_Area(x) > %(tol)s THEN 'overlap_incoming' ELSE 'sliver' END AS code,
                   ST_Area(x) AS v, ST_Transform(ST_PointOnSurface(x), 4326) AS p
            FROM (SELECT ai, bi, an, bn, ST_Intersection(ag, bg) AS x FROM c WHERE kind = 'o') o
            UNION ALL
            SELECT ai, bi, an, bn, 'gap', ST_Length(l), ST_Transform(ST_LineInterpolatePoint(l, 0.5), 4326)
            FROM (SELECT ai, bi, an, bn, ST_ShortestLine(ag, bg) AS l FROM c WHERE kind = 'g') g
        )
        INSERT INTO imp_issue (idx, code, severity, lon, lat, other, value)
        SELECT ai, code, CASE WHEN code = 'overlap_incoming' THEN 'error' ELSE 'warning' END, ST_X(p), ST_Y(p),
               bn, v FROM found
        UNION ALL
        SELECT bi, code, CASE WHEN code = 'overlap_incoming' THEN 'error' ELSE 'warning' END, ST_X(p), ST_Y(p),
               an, v FROM found WHERE code = 'overlap_incoming'
    """, {"tol": OVERLAP_TOLERANCE_M2})


def check_existing_overlaps(*, municipality, target, metric: int, retire_missing: bool) -> None:
    """Overlaps with current parcels that stay: not the parcel being replaced, nor (when the file is
    authoritative for its plans) any parcel of a plan the file covers."""
    # NOT EXISTS plans as a (hashed) anti-join; NOT IN over a million staged rows becomes a subplan
    # scanned per candidate row when it does not fit work_mem (minutes on a municipality with neighbours).
    keep_rule = (
        "NOT EXISTS (SELECT 1 FROM imp_stage k WHERE k.plan_id = p.plan_id)" if retire_missing and target.retires
        else "NOT EXISTS (SELECT 1 FROM imp_stage k WHERE k.record_id = p.id)"
    )
    _run(f"""
        WITH c AS (
            SELECT s.idx, pl.number || ' / ' || p.number AS label, s.geom_m AS sg,
                   ST_Transform(p.geom, %(metric)s) AS pg
            FROM imp_stage s
            JOIN {target.table} p ON p.municipality_id = %(muni)s AND {target.current} AND p.geom && s.geom
            JOIN parcels_subdivisionplan pl ON pl.id = p.plan_id
            WHERE s.ok AND {keep_rule}
        ), o AS (
            SELECT idx, label, ST_Intersection(sg, pg) AS x FROM c WHERE ST_Relate(sg, pg, '2********')
        )
        INSERT INTO imp_issue (idx, code, severity, lon, lat, other, value)
        SELECT idx, 'overlap_existing', 'error', ST_X(p), ST_Y(p), label, a
        FROM (SELECT idx, label, ST_Area(x) AS a, ST_Transform(ST_PointOnSurface(x), 4326) AS p FROM o) y
        WHERE a > %(tol)s
    """, {"metric": metric, "muni": municipality.pk, "tol": OVERLAP_TOLERANCE_M2})  # noqa: S608 (fixed clause)

"""Writing a checked import: set-based, inside the caller's transaction, history included.

New records are inserted in PostGIS's geometry order (``ORDER BY geom``: a Hilbert curve over the
bounding boxes), whatever order the file has: neighbours on the map are written one after another, into
the same GiST and table pages, so index maintenance touches far fewer pages (1M parcels with history, rolled-back
writes: shuffled rows took 47 s in file order, 39 s sorted; an already clustered file costs the same
either way — decision 008).

History rows go straight into audit_changerecord with INSERT ... SELECT in the same
statement as the change they describe: audit.services.change_records_bulk builds one
ORM object per row and carries no per-row changes, which a million-parcel import
cannot afford. The rows are the same ChangeRecord rows the services write.
"""

from __future__ import annotations

from django.contrib.gis.geos import Polygon
from django.db import connection

from geo.changes import geometry_changed
from parcels.models import Block, Parcel


def _actor(actor) -> tuple[int | None, str]:
    if actor is None or isinstance(actor, str):
        return None, actor or "import"
    return actor.pk, ""


def _touched_extent(cur, table: str = "parcels_parcel") -> tuple[float, float, float, float] | None:
    """Where the import changes the map: new and changed geometry, old geometry of changed and retired parcels."""
    cur.execute(f"""
        SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(g) AS e FROM (
            SELECT geom AS g FROM imp_stage WHERE action IN ('new', 'changed')
            UNION ALL SELECT p.geom FROM {table} p JOIN imp_stage s ON p.id = s.record_id
                WHERE s.action = 'changed'
            UNION ALL SELECT p.geom FROM {table} p JOIN imp_retire r ON p.id = r.id) q) x
    """)  # noqa: S608 (a table name from imports.targets)
    row = cur.fetchone()
    return None if row is None or row[0] is None else tuple(row)


ANALYZE_AFTER_ROWS = 10_000


def apply(*, municipality, actor, note: str, lap=None) -> None:
    """``lap(name)`` (optional) is called after each step, for the report's timings."""
    lap = lap or (lambda name: None)
    actor_id, label = _actor(actor)
    p = {"muni": municipality.pk, "actor": actor_id, "label": label, "note": note}
    with connection.cursor() as cur:
        extent = _touched_extent(cur)
        if extent is not None:  # refresh the map tiles there once the import commits
            geometry_changed(model=Parcel, new=Polygon.from_bbox(extent))
        cur.execute("""
            WITH upd AS (
                UPDATE parcels_parcel p SET
                    geom = s.geom, land_use = COALESCE(s.land_use, p.land_use), status = COALESCE(s.status, p.status),
                    deed_number = COALESCE(s.deed_number, p.deed_number), version = p.version + 1, updated_at = now()
                FROM imp_stage s, parcels_parcel o
                WHERE s.action = 'changed' AND p.id = s.record_id AND o.id = p.id
                RETURNING p.id, jsonb_strip_nulls(jsonb_build_object(
                    'geom', CASE WHEN s.geom_changed
                        THEN jsonb_build_array(ST_AsGeoJSON(o.geom)::jsonb, ST_AsGeoJSON(s.geom)::jsonb) END,
                    'land_use', CASE WHEN s.land_use IS DISTINCT FROM o.land_use AND s.land_use IS NOT NULL
                        THEN jsonb_build_array(o.land_use, s.land_use) END,
                    'status', CASE WHEN s.status IS DISTINCT FROM o.status AND s.status IS NOT NULL
                        THEN jsonb_build_array(o.status, s.status) END,
                    'deed_number', CASE WHEN s.deed_number IS DISTINCT FROM o.deed_number AND s.deed_number IS NOT NULL
                        THEN jsonb_build_array(o.deed_number, s.deed_number) END,
                    'version', jsonb_build_array(o.version, o.version + 1))) AS changes
            )
            INSERT INTO audit_changerecord (municipality_id, entity, object_id, action, actor_id, actor_label, at,
                                            changes, note)
            SELECT %(muni)s, 'parcels.parcel', id, 'update', %(actor)s, %(label)s, now(), changes, %(note)s FROM upd
        """, p)
        lap("write_changed")
        cur.execute("""
            WITH ins AS (
                INSERT INTO parcels_parcel (created_at, updated_at, version, valid_from, municipality_id, plan_id,
                                            number, land_use, status, deed_number, geom)
                SELECT now(), now(), 1, now(), %(muni)s, plan_id, number, land_use, COALESCE(status, 'vacant'),
                       COALESCE(deed_number, ''), geom
                FROM imp_stage WHERE action = 'new' ORDER BY geom
                RETURNING id, plan_id, number, land_use, status, deed_number
            )
            INSERT INTO audit_changerecord (municipality_id, entity, object_id, action, actor_id, actor_label, at,
                                            changes, note)
            SELECT %(muni)s, 'parcels.parcel', id, 'create', %(actor)s, %(label)s, now(),
                   jsonb_build_object('plan_id', jsonb_build_array(NULL, plan_id),
                                      'number', jsonb_build_array(NULL, number),
                                      'land_use', jsonb_build_array(NULL, land_use),
                                      'status', jsonb_build_array(NULL, status),
                                      'deed_number', jsonb_build_array(NULL, deed_number)), %(note)s
            FROM ins
        """, p)
        lap("write_new")
        cur.execute("""
            WITH ret AS (
                UPDATE parcels_parcel p SET valid_to = now(), version = p.version + 1, updated_at = now()
                FROM imp_retire r WHERE p.id = r.id
                RETURNING p.id, p.version
            )
            INSERT INTO audit_changerecord (municipality_id, entity, object_id, action, actor_id, actor_label, at,
                                            changes, note)
            SELECT %(muni)s, 'parcels.parcel', id, 'retire', %(actor)s, %(label)s, now(),
                   jsonb_build_object('version', jsonb_build_array(version - 1, version)), %(note)s
            FROM ret
        """, p)
        lap("write_retired")
        written = cur.rowcount
        cur.execute("SELECT count(*) FROM imp_stage WHERE action IN ('new', 'changed')")
        written += cur.fetchone()[0]
        if written >= ANALYZE_AFTER_ROWS:
            # Fresh planner statistics with the data: a dry run right after a big commit would otherwise
            # plan the overlap check for the parcels the table had before (an empty municipality: a
            # nested loop over a million rows each way). ANALYZE samples a fixed number of rows, ~1 s.
            cur.execute("ANALYZE parcels_parcel")
            lap("analyze")


def apply_blocks(*, municipality, actor, note: str) -> None:
    """Blocks: reshape the changed, create the new; history rows in the same statements."""
    actor_id, label = _actor(actor)
    p = {"muni": municipality.pk, "actor": actor_id, "label": label, "note": note}
    with connection.cursor() as cur:
        extent = _touched_extent(cur, "parcels_block")
        if extent is not None:
            geometry_changed(model=Block, new=Polygon.from_bbox(extent))
        cur.execute("""
            WITH upd AS (
                UPDATE parcels_block p SET geom = s.geom, version = p.version + 1, updated_at = now()
                FROM imp_stage s, parcels_block o
                WHERE s.action = 'changed' AND p.id = s.record_id AND o.id = p.id
                RETURNING p.id, jsonb_build_object(
                    'geom', jsonb_build_array(ST_AsGeoJSON(o.geom)::jsonb, ST_AsGeoJSON(s.geom)::jsonb),
                    'version', jsonb_build_array(o.version, o.version + 1)) AS changes
            )
            INSERT INTO audit_changerecord (municipality_id, entity, object_id, action, actor_id, actor_label, at,
                                            changes, note)
            SELECT %(muni)s, 'parcels.block', id, 'update', %(actor)s, %(label)s, now(), changes, %(note)s FROM upd
        """, p)
        cur.execute("""
            WITH ins AS (
                INSERT INTO parcels_block (created_at, updated_at, version, municipality_id, plan_id, number, geom)
                SELECT now(), now(), 1, %(muni)s, plan_id, number, geom
                FROM imp_stage WHERE action = 'new' ORDER BY geom
                RETURNING id, plan_id, number
            )
            INSERT INTO audit_changerecord (municipality_id, entity, object_id, action, actor_id, actor_label, at,
                                            changes, note)
            SELECT %(muni)s, 'parcels.block', id, 'create', %(actor)s, %(label)s, now(),
                   jsonb_build_object('plan_id', jsonb_build_array(NULL, plan_id),
                                      'number', jsonb_build_array(NULL, number)), %(note)s
            FROM ins
        """, p)

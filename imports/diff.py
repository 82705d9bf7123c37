"""What a commit would change: new, changed (geometry / attributes), unchanged, to retire.

The stable key of a parcel is (plan, parcel number) among current parcels.
"""

from __future__ import annotations

from django.db import connection


def _run(sql: str, params: dict | None = None) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


def classify(*, retire_missing: bool) -> dict:
    # A geometry is unchanged when no vertex moved by more than ~1 mm (1e-8°): ring order or start
    # point (Shapefile rewinds rings) and float noise of a CRS round trip are not changes.
    _run("""
        ALTER TABLE imp_stage ADD COLUMN geom_changed boolean NOT NULL DEFAULT false,
                              ADD COLUMN attrs_changed boolean NOT NULL DEFAULT false;
        UPDATE imp_stage s SET geom_changed = d.g, attrs_changed = d.a,
            action = CASE WHEN s.parcel_id IS NULL THEN 'new' WHEN d.g OR d.a THEN 'changed' ELSE 'unchanged' END
        FROM (
            SELECT s.idx,
                   COALESCE(NOT (p.geom = s.geom OR ST_HausdorffDistance(p.geom, s.geom) <= 1e-8), false) AS g,
                   COALESCE((s.land_use IS NOT NULL AND s.land_use IS DISTINCT FROM p.land_use)
                         OR (s.status IS NOT NULL AND s.status IS DISTINCT FROM p.status)
                         OR (s.deed_number IS NOT NULL AND s.deed_number IS DISTINCT FROM p.deed_number), false) AS a
            FROM imp_stage s LEFT JOIN parcels_parcel p ON p.id = s.parcel_id
        ) d
        WHERE d.idx = s.idx;
        CREATE TEMP TABLE imp_retire (id bigint PRIMARY KEY) ON COMMIT DROP;
    """)
    if retire_missing:
        _run("""
            INSERT INTO imp_retire SELECT p.id FROM parcels_parcel p
            WHERE p.valid_to IS NULL AND p.plan_id IN (SELECT DISTINCT plan_id FROM imp_stage WHERE plan_id IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM imp_stage s WHERE s.parcel_id = p.id)
        """)
    with connection.cursor() as cur:
        cur.execute("""
            SELECT count(*) FILTER (WHERE action = 'new'),
                   count(*) FILTER (WHERE action = 'changed'),
                   count(*) FILTER (WHERE action = 'changed' AND geom_changed),
                   count(*) FILTER (WHERE action = 'changed' AND attrs_changed),
                   count(*) FILTER (WHERE action = 'unchanged'),
                   (SELECT count(*) FROM imp_retire)
            FROM imp_stage
        """)
        new, changed, geom, attrs, unchanged, retire = cur.fetchone()
    return {"new": new, "changed": changed, "changed_geometry": geom, "changed_attributes": attrs,
            "unchanged": unchanged, "retire": retire}

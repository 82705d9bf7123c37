"""What a commit would change: new, changed (geometry / attributes), unchanged, to retire.

The stable key of a parcel is (plan, parcel number) among current parcels.
"""

from __future__ import annotations

from django.db import connection


def _run(sql: str, params: dict | None = None) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


def classify(*, retire_missing: bool) -> dict:
    """``retire_missing``: current parcels of the plans the file covers that it does not hold retire."""
    # new / changed / unchanged and what changed are decided while staging (checks.build_stage).
    _run("CREATE TEMP TABLE imp_retire (id bigint PRIMARY KEY) ON COMMIT DROP")
    if retire_missing:
        _run("""
            INSERT INTO imp_retire SELECT p.id FROM parcels_parcel p
            WHERE p.valid_to IS NULL AND p.plan_id IN (SELECT DISTINCT plan_id FROM imp_stage WHERE plan_id IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM imp_stage s WHERE s.record_id = p.id)
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

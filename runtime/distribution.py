"""Is every table ready to be distributed by municipality (Citus, docs/decisions/036)? Read from the database's own
catalogue, so it says what the schema is, not what the models meant:

- **distributed** tables hold one municipality's rows: they have the tenant key ``municipality_id``. *Ready* when
  the key is NOT NULL, their primary key and every unique constraint include it (Citus enforces uniqueness per
  shard only), and every foreign key to another distributed table includes it on both sides (a row and the
  row it names live on the same shard — no cross-tenant key). Foreign keys to reference tables are fine.
- **reference** tables are national (roles, the activity catalogue, the penalty table, people and
  organisations, the municipalities themselves): copied to every node.
- **local** tables stay on the coordinator (Django's own, the job queue's, PostGIS's, throttle windows).
- A table in none of these is **unclassified**: a new table without a tenant key that nobody declared. That, and
  a distributed table that loses readiness it had (``BASELINE_READY``), fail ``make test``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

TENANT = "municipality_id"

REFERENCE = {
    "parcels_municipality": "the tenants themselves",
    "accounts_party": "people and organisations are national",
    "accounts_person": "people are national",
    "accounts_organisation": "organisations are national",
    "accounts_representation": "who acts for whom, national",
    "accounts_role": "roles",
    "accounts_membership": "who works where: read before the municipality is known (sign-in, the API's caller)",
    "accounts_membership_roles": "the roles of a membership, read with it",
    "licensing_activity": "the national activity catalogue",
    "licensing_activity_requirements": "the national activity catalogue",
    "licensing_requirement": "the national requirements",
    "licensing_checklistitem": "the national checklists",
    "licensing_penalty": "the national penalty table",
    "complaints_category": "the national complaint categories",
}
LOCAL = {
    "spatial_ref_sys": "PostGIS", "django_migrations": "Django", "django_content_type": "Django",
    "django_session": "Django", "django_admin_log": "Django", "auth_user": "Django (people sign in nationally)",
    "auth_group": "Django", "auth_group_permissions": "Django", "auth_permission": "Django",
    "auth_user_groups": "Django", "auth_user_user_permissions": "Django",
    "procrastinate_jobs": "the job queue", "procrastinate_events": "the job queue",
    "procrastinate_periodic_defers": "the job queue", "procrastinate_workers": "the job queue",
    "api_throttle_window": "rate windows (per node)", "ogc_layer_count": "a count cache (per node)",
    "ogc_layer_edit": "a count cache (per node)",
    "runtime_recent_write": "read-your-writes marks (the primary's)",
}
# Tables known to lack the tenant key today, each with the change that distributes it (the gap, kept visible).
GAP = {
    "cases_caseparty": "add municipality_id from its case",
    "cases_caseparcel": "add municipality_id from its case",
    "cases_caselink": "add municipality_id; a link across municipalities (a grant transfer) becomes two rows",
    "cases_timelineentry": "add municipality_id from its case",
    "parcels_parcel_parents": "add municipality_id from its parcels",
    "payments_billline": "add municipality_id from its bill",
    "payments_reconciliationline": "add municipality_id from its run",
    "investment_pendingshare": "add municipality_id from its opportunity",
}
# Distributed tables ready today: none may lose it.
BASELINE_READY: set[str] = set()


@dataclass
class Table:
    name: str
    kind: str  # distributed | reference | local | gap | unclassified
    why: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.kind in ("reference", "local") or (self.kind == "distributed" and not self.problems)


CATALOGUE = """
SELECT c.relname,
       (SELECT a.attnum FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = %s AND NOT a.attisdropped),
       (SELECT a.attnotnull FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = %s AND NOT a.attisdropped)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname
"""
CONSTRAINTS = """
SELECT c.relname, k.conname, k.contype, k.conkey, t.relname,
       (SELECT a.attnum FROM pg_attribute a WHERE a.attrelid = k.confrelid AND a.attname = %s), k.confkey
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class t ON t.oid = k.confrelid
WHERE n.nspname = 'public' AND k.contype IN ('p', 'u', 'f')
UNION ALL
SELECT c.relname, i.relname, 'i', x.indkey::int2[], NULL, NULL, NULL
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND x.indisunique AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
"""


def readiness() -> list[Table]:
    with connection.cursor() as cur:
        cur.execute(CATALOGUE, [TENANT, TENANT])
        tables = cur.fetchall()
        cur.execute(CONSTRAINTS, [TENANT])
        constraints = cur.fetchall()
    key_of = {name: attnum for name, attnum, _nn in tables}
    out: dict[str, Table] = {}
    for name, attnum, notnull in tables:
        if name in REFERENCE:
            out[name] = Table(name, "reference", REFERENCE[name])
        elif name in LOCAL:
            out[name] = Table(name, "local", LOCAL[name])
        elif attnum is None:
            out[name] = Table(name, "gap", GAP[name]) if name in GAP else Table(name, "unclassified")
        else:
            out[name] = Table(name, "distributed", problems=[] if notnull else [f"{TENANT} may be NULL"])
    for table, con, kind, cols, target, target_key, target_cols in constraints:
        t = out.get(table)
        if t is None or t.kind != "distributed":
            continue
        mine = key_of[table]
        if kind in ("p", "u", "i") and mine not in (cols or []):
            label = {"p": "primary key", "u": "unique constraint", "i": "unique index"}[kind]
            t.problems.append(f"{label} {con} lacks {TENANT}")
        elif kind == "f" and target in out and out[target].kind in ("distributed", "gap", "unclassified"):
            pairs = list(zip(cols or [], target_cols or [], strict=False))
            if (mine, target_key) not in pairs:
                t.problems.append(f"foreign key {con} to {target} is not on ({TENANT}, …)")
    return list(out.values())


def verdict(tables: list[Table]) -> list[str]:
    """What fails the check: unclassified tables, a declared gap that got its key (move it), lost readiness."""
    failures = [f"{t.name}: no {TENANT} and not declared reference, local or a known gap "
                f"(runtime/distribution.py)" for t in tables if t.kind == "unclassified"]
    failures += [f"{name}: was ready to distribute, no longer: {'; '.join(t.problems)}"
                 for t in tables for name in [t.name] if name in BASELINE_READY and not t.ready]
    return failures

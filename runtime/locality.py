"""Does a statement read one municipality only? Asked of PostgreSQL's own plan (EXPLAIN ANALYZE, JSON).

Distributed by municipality (Citus, decision 036), a statement is served by one node when every tenant table it
reads is narrowed to one municipality. Each scan of a tenant table in the plan is therefore read as one of:

- **tenant key**: its index condition or filter names ``municipality_id = N`` — and N must be the municipality
  asked about (another number is a leak);
- **outer row**: an index lookup keyed by a row already read (the inner side of a nested loop, a subplan's
  parameter), i.e. a row the first municipality's rows lead to (a co-located join);
- **place** / **index**: an index condition on the geometry (a tile's envelope, a point) or another column (a
  person's cases); allowed when the rows it read are no more than the municipality's own rows in that table
  (a tile over one city reads that city's parcels, never the kingdom's);
- **every municipality**: a scan with none of these — a violation, unless it read no row at all (an empty
  table, which the planner reads whole whatever the query says).

``scans`` reads one plan; ``statement_scans`` runs EXPLAIN (ANALYZE) of a read-only statement;
``violations`` lists what breaks the rule. Used by tests/test_kingdom.py and bench/kingdom.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from django.db import connections

from runtime.distribution import TENANT, readiness

_KEY = re.compile(r"\bmunicipality_id\)?\s*=\s*\(?'?(\d+)")
_OUTER = re.compile(r"(?<![\w'])[a-z_][a-z0-9_]*\.[a-z_\"]|\$\d+", re.I)
_SPATIAL = re.compile(r"&&|~|\s@\s|st_(intersects|contains|within|dwithin|covers)", re.I)
_SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Tid Scan", "Sample Scan"}
_CONDITIONS = ("Index Cond", "Recheck Cond", "Filter", "TID Cond")


@dataclass
class Scan:
    table: str
    node: str
    how: str  # tenant key | outer row | place | index | every municipality
    conditions: str
    rows_read: int
    keys: frozenset[int] = frozenset()

    def __str__(self) -> str:
        return f"{self.table} ({self.node}, {self.how}, {self.rows_read} rows read)"


@cache
def tenant_tables() -> frozenset[str]:
    """Tables holding one municipality's rows: with the tenant key, or a child known to lack it (the gap)."""
    return frozenset(t.name for t in readiness() if t.kind in ("distributed", "gap"))


@cache
def keyed_tables() -> frozenset[str]:
    return frozenset(t.name for t in readiness() if t.kind == "distributed")


def _conditions(node: dict) -> str:
    parts = [node[k] for k in _CONDITIONS if k in node]
    for child in node.get("Plans", []):  # a bitmap heap scan's index conditions sit in its bitmap children
        if child.get("Node Type", "").startswith("Bitmap") or child.get("Node Type") in ("BitmapAnd", "BitmapOr"):
            parts.append(_conditions(child))
    return " AND ".join(p for p in parts if p)


def _rows_read(node: dict) -> int:
    per_loop = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
                + node.get("Rows Removed by Index Recheck", 0))
    return int(per_loop * max(1, node.get("Actual Loops", 1)))


def scans(plan: dict, *, tables: frozenset[str] | None = None) -> list[Scan]:
    """Every scan of a tenant table in the plan (EXPLAIN's JSON ``Plan``), read as described above."""
    tables = tenant_tables() if tables is None else tables
    out: list[Scan] = []

    def walk(node: dict, inner: bool) -> None:
        kind = node.get("Node Type", "")
        if kind in _SCANS and node.get("Relation Name") in tables:
            cond = _conditions(node)
            keys = frozenset(int(k) for k in _KEY.findall(cond))
            index_cond = " ".join(str(node.get(k, "")) for k in ("Index Cond", "Recheck Cond", "TID Cond"))
            index_cond += "".join(" " + _conditions(c) for c in node.get("Plans", []))
            if keys:
                how = "tenant key"
            elif kind != "Seq Scan" and _OUTER.search(index_cond) and (inner or "$" in index_cond):
                how = "outer row"
            elif kind != "Seq Scan" and _SPATIAL.search(index_cond):
                how = "place"
            elif kind != "Seq Scan" and index_cond.strip():
                how = "index"
            else:
                how = "every municipality"
            out.append(Scan(node["Relation Name"], kind, how, cond, _rows_read(node), keys))
        children = node.get("Plans", [])
        for i, child in enumerate(children):
            # the inner side of a nested loop (its second child) runs once per outer row, keyed by it
            walk(child, inner or (kind == "Nested Loop" and i == 1) or child.get("Parent Relationship") == "SubPlan")

    walk(plan, False)
    return out


def statement_scans(sql: str, params=(), *, using: str = "default", as_at_scale: bool = False) -> list[Scan]:
    """EXPLAIN (ANALYZE, FORMAT JSON) of a read-only statement (``sql`` with ``%s`` placeholders, or literal).

    ``as_at_scale``: plan as PostgreSQL does when the tables are large (``enable_seqscan`` off for this
    statement): on a test's small tables the planner reads a whole table where a kingdom's would take the index.
    A statement with no index to narrow it still scans — and is still caught."""
    head = sql.lstrip().split(None, 1)[0].upper()
    if head not in ("SELECT", "WITH", "("):
        raise ValueError(f"only read-only statements are explained here, not {head}")
    with connections[using].cursor() as cur:
        if as_at_scale:
            cur.execute("SET enable_seqscan = off")
        try:
            cur.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params or None)
            doc = cur.fetchone()[0]
        finally:
            if as_at_scale:
                cur.execute("RESET enable_seqscan")
    doc = json.loads(doc) if isinstance(doc, str) else doc
    return scans(doc[0]["Plan"])


def own_rows(table: str, municipality_id: int, *, using: str = "default") -> int:
    with connections[using].cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {connections[using].ops.quote_name(table)} "  # noqa: S608 (catalogue name)
                    f"WHERE {TENANT} = %s", [municipality_id])
        return cur.fetchone()[0]


def violations(found: list[Scan], municipality_id: int, *, using: str = "default") -> list[str]:
    """What reads beyond municipality ``municipality_id``: another municipality's key, a scan of every
    municipality that read rows, a place or index scan that read more rows than the municipality has in that
    table."""
    out = []
    for s in found:
        if s.how == "every municipality" and s.rows_read == 0:
            continue  # an empty table (read whole, as the planner does there) touched no municipality
        if s.how == "every municipality":
            out.append(f"{s}: reads every municipality ({s.conditions or 'no condition'})")
        elif s.how == "tenant key" and s.keys != {municipality_id}:
            out.append(f"{s}: names municipality {sorted(s.keys)}, not {municipality_id}")
        elif s.how in ("place", "index") and s.table in keyed_tables():
            mine = own_rows(s.table, municipality_id, using=using)
            if s.rows_read > mine:
                out.append(f"{s}: read {s.rows_read} rows, the municipality has {mine} ({s.conditions})")
    return out

"""Build a municipality's routable street network from its street centrelines (docs/decisions/027).

Streets as drawn rarely share vertices where they meet: a local street ends ON an arterial (a T-junction) a few
millimetres off its line, and two arterials cross between their vertices. The build, in SQL in the
municipality's metric CRS:

1. snap each street to the endpoints of the OTHER streets within ``snap_m`` (``ST_Snap`` moves the street's
   vertices onto them and inserts them into its segments: the T-junction gets its shared vertex);
2. ``ST_Node`` the whole collection: crossings become vertices of both lines, duplicates dissolve;
3. dump the noded pieces; each piece belongs to the street nearest to its midpoint (the street's kind gives the
   speed, ``parcels.models.network.SPEED_KMH``);
4. nodes are the pieces' distinct endpoints on a 1 cm grid; nodes and edges are written back in lon/lat.

The rebuild replaces the municipality's nodes and edges in one transaction, so routing never sees half a network.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from accounts.models import Municipality
from audit.models import ChangeRecord
from audit.services import change_record
from parcels.models.network import SPEED_KMH

SNAP_M = 1.0  # a street ending this close to another street meets it
GRID_M = 0.01  # endpoints closer than this are one node


@dataclass(frozen=True)
class NetworkSummary:
    streets: int
    nodes: int
    edges: int
    components: int
    dead_ends: int
    length_m: float


# pgRouting's edges query of one municipality, completed in SQL with format(EDGES_SQL, municipality_id); the streets
# are two-way: reverse_cost = cost.
EDGES_SQL = ("SELECT id, source_id AS source, target_id AS target, cost_s AS cost, cost_s AS reverse_cost "
             "FROM parcels_streetedge WHERE municipality_id = %s")


def network_components(*, municipality_id: int) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(DISTINCT component) FROM pgr_connectedComponents(format(%s, %s::bigint))",
                    [EDGES_SQL, municipality_id])
        return cur.fetchone()[0]


def network_dead_ends(*, municipality_id: int) -> int:
    """Nodes with one edge: the dead ends (in a well-joined grid, none; a missed junction leaves one)."""
    with connection.cursor() as cur:
        cur.execute("""
            SELECT count(*) FROM (
                SELECT n FROM (SELECT source_id AS n FROM parcels_streetedge WHERE municipality_id = %(m)s
                               UNION ALL SELECT target_id FROM parcels_streetedge WHERE municipality_id = %(m)s) e
                GROUP BY n HAVING count(*) = 1
            ) d
        """, {"m": municipality_id})
        return cur.fetchone()[0]


_DROP_WORK = "DROP TABLE IF EXISTS _net_src, _net_ends, _net_snapped, _net_seg, _net_node"


@transaction.atomic
def street_network_build(*, municipality: Municipality, snap_m: float = SNAP_M, actor=None) -> NetworkSummary:
    """Replace the municipality's nodes and edges with a fresh build from its streets (``snap_m=0`` skips the
    snapping step: the raw noding, for diagnosis)."""
    mid, srid = municipality.pk, int(municipality.metric_srid)
    params = {"m": mid, "srid": srid, "tol": float(snap_m), "grid": GRID_M,
              "kinds": list(SPEED_KMH), "mps": [kmh / 3.6 for kmh in SPEED_KMH.values()],
              "local_mps": SPEED_KMH["local"] / 3.6}
    with connection.cursor() as cur:
        # The work tables go at commit; dropped here as well, for two builds in one transaction (a test, a load).
        cur.execute(_DROP_WORK)
        cur.execute("DELETE FROM parcels_streetedge WHERE municipality_id = %s", [mid])
        cur.execute("DELETE FROM parcels_streetnode WHERE municipality_id = %s", [mid])
        # The streets' parts in metres, and their endpoints (both indexed: the snapping looks up neighbours).
        cur.execute("""
            CREATE TEMP TABLE _net_src ON COMMIT DROP AS
            SELECT s.id, s.kind, d.geom AS g
            FROM parcels_street s, ST_Dump(ST_Transform(s.geom, %(srid)s)) d
            WHERE s.municipality_id = %(m)s AND NOT ST_IsEmpty(d.geom) AND ST_Length(d.geom) > 0
        """, params)
        streets = cur.rowcount
        cur.execute("CREATE INDEX ON _net_src USING gist (g)")
        cur.execute("""
            CREATE TEMP TABLE _net_ends ON COMMIT DROP AS
            SELECT id, ST_StartPoint(g) AS p FROM _net_src UNION ALL SELECT id, ST_EndPoint(g) FROM _net_src
        """)
        cur.execute("CREATE INDEX ON _net_ends USING gist (p)")
        cur.execute("ANALYZE _net_src; ANALYZE _net_ends")
        # 1. Snap each street to the other streets' endpoints near it (T-junctions get their shared vertex).
        cur.execute("""
            CREATE TEMP TABLE _net_snapped ON COMMIT DROP AS
            SELECT s.id, s.kind, CASE WHEN %(tol)s > 0 THEN coalesce((
                       SELECT ST_Snap(s.g, ST_Collect(e.p), %(tol)s) FROM _net_ends e
                       WHERE e.id <> s.id AND ST_DWithin(e.p, s.g, %(tol)s)), s.g) ELSE s.g END AS g
            FROM _net_src s
        """, params)
        cur.execute("CREATE INDEX ON _net_snapped USING gist (g)")
        cur.execute("ANALYZE _net_snapped")
        # 2.-3. Node the collection, dump the pieces; each piece goes to the street nearest its midpoint.
        cur.execute("""
            CREATE TEMP TABLE _net_seg ON COMMIT DROP AS
            WITH pieces AS (
                SELECT d.geom AS g FROM (SELECT ST_Node(ST_Collect(g)) AS n FROM _net_snapped) x, ST_Dump(x.n) d
            )
            SELECT p.g, st.id AS street_id, ST_Length(p.g) AS length_m,
                   ST_Length(p.g) / coalesce(sp.mps, %(local_mps)s) AS cost_s,
                   ST_SnapToGrid(ST_StartPoint(p.g), %(grid)s) AS a, ST_SnapToGrid(ST_EndPoint(p.g), %(grid)s) AS b
            FROM pieces p
            CROSS JOIN LATERAL (
                SELECT n.id, n.kind FROM _net_snapped n
                ORDER BY n.g <-> ST_LineInterpolatePoint(p.g, 0.5) LIMIT 1
            ) st
            LEFT JOIN unnest(%(kinds)s::text[], %(mps)s::float8[]) AS sp(kind, mps) ON sp.kind = st.kind
            WHERE ST_Length(p.g) > 0
        """, params)
        # 4. Nodes: the distinct endpoints (ids drawn first, so the edges find theirs by coordinates); edges between
        # them (a piece shorter than the grid is dropped).
        cur.execute("""
            CREATE TEMP TABLE _net_node ON COMMIT DROP AS
            SELECT nextval(pg_get_serial_sequence('parcels_streetnode', 'id')) AS id, x, y FROM (
                SELECT ST_X(a) AS x, ST_Y(a) AS y FROM _net_seg WHERE NOT ST_Equals(a, b)
                UNION SELECT ST_X(b), ST_Y(b) FROM _net_seg WHERE NOT ST_Equals(a, b)
            ) u
        """)
        nodes = cur.rowcount
        cur.execute("CREATE INDEX ON _net_node (x, y)")
        cur.execute("ANALYZE _net_node")
        cur.execute("""
            INSERT INTO parcels_streetnode (id, created_at, updated_at, version, municipality_id, geom)
            SELECT id, now(), now(), 1, %(m)s, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), %(srid)s), 4326)
            FROM _net_node
        """, params)
        cur.execute("""
            INSERT INTO parcels_streetedge (created_at, updated_at, version, municipality_id, street_id, source_id,
                                            target_id, length_m, cost_s, geom)
            SELECT now(), now(), 1, %(m)s, s.street_id, na.id, nb.id, s.length_m, s.cost_s, ST_Transform(s.g, 4326)
            FROM _net_seg s
            JOIN _net_node na ON na.x = ST_X(s.a) AND na.y = ST_Y(s.a)
            JOIN _net_node nb ON nb.x = ST_X(s.b) AND nb.y = ST_Y(s.b)
            WHERE na.id <> nb.id
        """, params)
        edges = cur.rowcount
        cur.execute("SELECT coalesce(sum(length_m), 0) FROM parcels_streetedge WHERE municipality_id = %s", [mid])
        length_m = float(cur.fetchone()[0])
        cur.execute(_DROP_WORK)
    components = network_components(municipality_id=mid) if edges else 0
    dead_ends = network_dead_ends(municipality_id=mid)
    summary = NetworkSummary(streets=streets, nodes=nodes, edges=edges, components=components, dead_ends=dead_ends,
                             length_m=round(length_m, 1))
    change_record(instance=municipality, action=ChangeRecord.Action.UPDATE, actor=actor or "street_network_build",
                  changes={"street_network": {"streets": streets, "nodes": nodes, "edges": edges,
                                              "components": components, "dead_ends": dead_ends,
                                              "snap_m": snap_m}},
                  note=f"street network built: {nodes} nodes, {edges} edges, {components} component(s)")
    return summary

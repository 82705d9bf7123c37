"""The inspector's day: which visits, in what order, at what time, along which streets (issue 20, §2).

Plain data in (``Start`` per inspector, ``Stop`` per visit), plain data out (``RoutePlan``); the caller ties them to
its records. On the municipality's street network (``parcels.services.network.street_network_build``):

1. every point snaps to its nearest street node (one KNN query); a stop farther than ``MAX_SNAP_M`` is left out;
2. ONE ``pgr_dijkstraCostMatrix`` over the snapped nodes gives the travel times (seconds, the streets two-way);
3. OR-Tools orders the visits (``licensing.routing_solver``): one vehicle per inspector, the visits' opening hours as
   time windows, a visit that cannot fit is dropped and reported rather than failing the plan;
4. ONE ``pgr_dijkstra`` over the legs (combinations SQL) gives each route's streets and length; the naive order
   (always the nearest next visit) is measured the same way, for comparison.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time
from dataclasses import dataclass, field

from django.contrib.gis.geos import GEOSGeometry, LineString, MultiLineString
from django.db import connection
from django.utils.translation import gettext as _

from accounts.models import Municipality
from common.errors import RegisterError
from licensing import routing_solver as solver
from parcels.selectors import nearest_nodes, network_required
from parcels.services.network import EDGES_SQL

MAX_SNAP_M = 500.0  # a stop farther than this from the street network cannot be driven to
FAIR_SHARE = 1.25  # no inspector gets more than this times the average number of visits (unless told otherwise)


@dataclass(frozen=True)
class Stop:
    key: str
    point: GEOSGeometry | tuple[float, float]  # a 4326 point or (lon, lat)
    opens: dt.time | None = None
    closes: dt.time | None = None
    service_min: int = 15


@dataclass(frozen=True)
class Start:
    key: str  # the inspector
    point: GEOSGeometry | tuple[float, float]
    day_start: dt.time = dt.time(8, 0)
    day_end: dt.time = dt.time(14, 0)
    returns: bool = True  # the day ends back at the start
    max_visits: int | None = None  # None: a fair share, a quarter above the average (FAIR_SHARE)


@dataclass
class PlannedRoute:
    start_key: str
    stops: list[dict] = field(default_factory=list)  # {"key", "arrive": time, "leave": time, "order": 1..}
    length_m: float = 0.0
    drive_s: int = 0
    naive_length_m: float = 0.0  # the same visits in nearest-next order from the same start, on the same network
    naive_drive_s: int = 0
    end: dt.time | None = None  # back at the start (or done, for a route that does not return)
    geom: MultiLineString | None = None  # the legs on the streets, 4326


@dataclass(frozen=True)
class Unassigned:
    key: str
    reason: str  # "far_from_streets" | "unreachable" | "hours" | "no_time"
    message: str


@dataclass
class RoutePlan:
    routes: list[PlannedRoute]
    unassigned: list[Unassigned]
    matrix_s: float  # seconds spent on snapping and the travel-time matrix
    solve_s: float  # seconds in the solver
    legs_s: float = 0.0  # seconds spent on the routes' streets
    status: str = ""


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _clock(seconds: int) -> dt.time:
    seconds = max(0, min(int(seconds), 24 * 3600 - 1))
    return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


def travel_matrix(*, municipality_id: int, nodes: list[int]) -> dict[tuple[int, int], float]:
    """Seconds between every two of ``nodes`` on the network (one pgr_dijkstraCostMatrix, undirected); pairs the
    network does not join are absent."""
    distinct = sorted(set(nodes))
    if len(distinct) < 2:
        return {}
    with connection.cursor() as cur:
        cur.execute("SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCostMatrix(format(%s, %s::bigint), "
                    "%s::bigint[], directed => false)", [EDGES_SQL, municipality_id, distinct])
        return {(a, b): cost for a, b, cost in cur.fetchall()}


def legs(*, municipality_id: int, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[float, list]]:
    """For each (from node, to node): the length in metres and the edges' lines of the quickest path (one
    pgr_dijkstra with a combinations query)."""
    pairs = {(a, b) for a, b in pairs if a != b}
    if not pairs:
        return {}
    sources, targets = zip(*sorted(pairs), strict=True)
    with connection.cursor() as cur:
        cur.execute("""
            SELECT r.start_vid, r.end_vid, sum(e.length_m),
                   ST_AsEWKB(ST_LineMerge(ST_Collect(e.geom ORDER BY r.path_seq)))
            FROM pgr_dijkstra(
                format(%s, %s::bigint),
                format('SELECT unnest(%%L::bigint[]) AS source, unnest(%%L::bigint[]) AS target', %s::bigint[],
                       %s::bigint[]),
                directed => false) r
            JOIN parcels_streetedge e ON e.id = r.edge
            GROUP BY r.start_vid, r.end_vid
        """, [EDGES_SQL, municipality_id, list(sources), list(targets)])
        out = {}
        for a, b, length, wkb in cur.fetchall():
            g = GEOSGeometry(memoryview(bytes(wkb)))
            out[(a, b)] = (float(length), [g] if g.geom_type == "LineString" else list(g))
        return out


def plan_routes(*, municipality: Municipality, starts: list[Start], stops: list[Stop],
                time_limit_s: float | None = None) -> RoutePlan:
    network_required(municipality=municipality)
    began = time.perf_counter()
    snapped = nearest_nodes(municipality=municipality, points=[s.point for s in starts] + [s.point for s in stops])
    start_nodes, stop_nodes = snapped[:len(starts)], snapped[len(starts):]
    unassigned: list[Unassigned] = []
    for start, (node, dist) in zip(starts, start_nodes, strict=True):
        if node is None or dist > MAX_SNAP_M:
            raise RegisterError(_("The start of %(key)s is %(d).0f m from the nearest street (at most %(max).0f m)."
                                  ) % {"key": start.key, "d": dist or 0, "max": MAX_SNAP_M}, code="start_off_network")

    usable: list[int] = []  # indexes into stops that go to the solver
    for i, (stop, (node, dist)) in enumerate(zip(stops, stop_nodes, strict=True)):
        if node is None or dist > MAX_SNAP_M:
            unassigned.append(Unassigned(stop.key, "far_from_streets", _(
                "%(key)s is %(d).0f m from the nearest street (at most %(max).0f m): it cannot be driven to."
            ) % {"key": stop.key, "d": dist or 0, "max": MAX_SNAP_M}))
            continue
        opens = _seconds(stop.opens) if stop.opens else 0
        closes = _seconds(stop.closes) if stop.closes else 24 * 3600
        latest = closes - stop.service_min * 60
        if latest < opens or all(latest < _seconds(s.day_start) or opens > _seconds(s.day_end) for s in starts):
            unassigned.append(Unassigned(stop.key, "hours", _(
                "%(key)s is not open long enough for a visit of %(min)d minutes within the inspectors' day."
            ) % {"key": stop.key, "min": stop.service_min}))
            continue
        usable.append(i)

    nodes = [n for n, _d in start_nodes] + [stop_nodes[i][0] for i in usable]
    seconds = travel_matrix(municipality_id=municipality.pk, nodes=nodes)

    def travel(a: int, b: int) -> int:
        if a == b:
            return 0
        cost = seconds.get((a, b), seconds.get((b, a)))
        return solver.UNREACHABLE_S if cost is None else round(cost)

    # Locations: the usable stops, then the starts.
    location_nodes = [stop_nodes[i][0] for i in usable] + [n for n, _d in start_nodes]
    reachable = []
    for k, i in enumerate(usable):
        if all(travel(location_nodes[len(usable) + v], location_nodes[k]) >= solver.UNREACHABLE_S
               for v in range(len(starts))):
            unassigned.append(Unassigned(stops[i].key, "unreachable", _(
                "%(key)s cannot be reached by street from any inspector's start.") % {"key": stops[i].key}))
        else:
            reachable.append(i)
    usable = reachable
    location_nodes = [stop_nodes[i][0] for i in usable] + [n for n, _d in start_nodes]
    matrix = [[travel(a, b) for b in location_nodes] for a in location_nodes]
    matrix_s = time.perf_counter() - began

    def window(stop: Stop) -> tuple[int, int]:
        opens = _seconds(stop.opens) if stop.opens else 0
        closes = _seconds(stop.closes) if stop.closes else 24 * 3600
        return opens, closes - stop.service_min * 60

    problem = solver.Problem(
        travel_s=matrix, service_s=[stops[i].service_min * 60 for i in usable],
        windows=[window(stops[i]) for i in usable],
        days=[(_seconds(s.day_start), _seconds(s.day_end)) for s in starts], returns=[s.returns for s in starts],
        max_visits=[s.max_visits if s.max_visits is not None else math.ceil(FAIR_SHARE * len(usable) / len(starts))
                    for s in starts],
    )
    limit = time_limit_s if time_limit_s is not None else solver.default_time_limit(
        inspectors=len(starts), stops=len(usable))
    solution = solver.solve(problem, time_limit_s=limit)
    for k in solution.dropped:
        key = stops[usable[k]].key
        unassigned.append(Unassigned(key, "no_time", _(
            "%(key)s does not fit in any inspector's day with its opening hours; plan it for another day."
        ) % {"key": key}))

    # The streets of each route and of its naive order: one pgr_dijkstra for all the legs.
    legs_began = time.perf_counter()
    n_stops = len(usable)
    orders, naive_orders = [], []
    for v, start in enumerate(starts):
        order = [visit.stop for visit in solution.routes[v]]
        naive, naive_s = solver.nearest_next(matrix, start=n_stops + v, stops=order, returns=start.returns)
        orders.append(order)
        naive_orders.append((naive, naive_s))

    def path(v: int, order: list[int]) -> list[tuple[int, int]]:
        seq = [location_nodes[n_stops + v]] + [location_nodes[k] for k in order]
        if starts[v].returns and order:
            seq.append(location_nodes[n_stops + v])
        return list(itertools.pairwise(seq))

    wanted = set()
    for v in range(len(starts)):
        wanted.update(path(v, orders[v]))
        wanted.update(path(v, naive_orders[v][0]))
    streets = legs(municipality_id=municipality.pk, pairs=wanted)

    routes = []
    for v, start in enumerate(starts):
        lines = [line for pair in path(v, orders[v]) for line in streets.get(pair, (0.0, []))[1]]
        routes.append(PlannedRoute(
            start_key=start.key,
            stops=[{"key": stops[usable[visit.stop]].key, "arrive": _clock(visit.arrive_s),
                    "leave": _clock(visit.leave_s), "order": n} for n, visit in enumerate(solution.routes[v], 1)],
            length_m=round(sum(streets.get(p, (0.0, []))[0] for p in path(v, orders[v])), 1),
            drive_s=solution.drive_s[v],
            naive_length_m=round(sum(streets.get(p, (0.0, []))[0] for p in path(v, naive_orders[v][0])), 1),
            naive_drive_s=naive_orders[v][1],
            end=_clock(solution.end_s[v]) if orders[v] else None,
            geom=MultiLineString([LineString(line.coords, srid=4326) for line in lines], srid=4326)
            if lines else None,
        ))
    return RoutePlan(routes=routes, unassigned=unassigned, matrix_s=round(matrix_s, 3),
                     solve_s=round(solution.solve_s, 3), legs_s=round(time.perf_counter() - legs_began, 3),
                     status=solution.status)

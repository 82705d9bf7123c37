"""The order of the day's visits: a vehicle routing problem with time windows, solved by OR-Tools.

Pure data in and out (seconds since midnight, a travel-time matrix over "locations"), no Django: ``licensing.routing``
builds the matrix on the street network and turns the answer into times and geometry (docs/decisions/027).

Locations: the stops 0..S-1, then one start per inspector S..S+V-1 (and, for an inspector who does not return,
a free end S+V+v reached from anywhere at no cost).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

UNREACHABLE_S = 10_000_000  # the travel time between locations not joined by the network (beyond any day)
DROP_PENALTY = 100_000_000  # dropping a visit costs more than any route: only what cannot fit is dropped
DAY_S = 24 * 3600


@dataclass(frozen=True)
class Problem:
    travel_s: list[list[int]]  # (S + V) x (S + V), seconds by road between locations
    service_s: list[int]  # per stop: how long the visit takes
    windows: list[tuple[int, int]]  # per stop: earliest and latest start of the visit (seconds since midnight)
    days: list[tuple[int, int]]  # per inspector: leaves the start no earlier than, is back (or done) by
    returns: list[bool]  # per inspector: the day ends back at the start
    max_visits: list[int] | None = None  # per inspector: at most this many visits (a fair share of the day's work)


@dataclass(frozen=True)
class Visit:
    stop: int
    arrive_s: int  # the visit starts (after waiting for the opening, if any)
    leave_s: int


@dataclass
class Solution:
    routes: list[list[Visit]]  # per inspector, in order
    drive_s: list[int]  # per inspector: seconds driving (the return leg included when the inspector returns)
    end_s: list[int]  # per inspector: when the day's last leg ends
    dropped: list[int]  # stops left out (no room in any inspector's day)
    solve_s: float
    status: str


def default_time_limit(*, inspectors: int, stops: int) -> float:
    """~1 s for one inspector, up to 6 s for ten or more; a handful of stops needs little."""
    if stops <= 10:
        return 0.3
    return min(6.0, 0.45 + 0.55 * max(1, inspectors))


def _full_matrix(p: Problem) -> list[list[int]]:
    stops, vehicles = len(p.service_s), len(p.days)
    n = stops + vehicles
    free_ends = [v for v in range(vehicles) if not p.returns[v]]
    size = n + len(free_ends)
    rows = [list(r[:n]) + [0] * len(free_ends) for r in p.travel_s[:n]]
    rows += [[UNREACHABLE_S] * size for _ in free_ends]  # nothing leaves a free end
    for k in range(len(free_ends)):
        rows[n + k][n + k] = 0
    return rows


def solve(p: Problem, *, time_limit_s: float) -> Solution:
    stops, vehicles = len(p.service_s), len(p.days)
    n = stops + vehicles
    matrix = _full_matrix(p)
    free_end_of = {}
    for v in range(vehicles):
        if not p.returns[v]:
            free_end_of[v] = n + len(free_end_of)
    starts = [stops + v for v in range(vehicles)]
    ends = [free_end_of.get(v, stops + v) for v in range(vehicles)]
    manager = pywrapcp.RoutingIndexManager(len(matrix), vehicles, starts, ends)
    routing = pywrapcp.RoutingModel(manager)

    travel = routing.RegisterTransitMatrix(matrix)
    routing.SetArcCostEvaluatorOfAllVehicles(travel)
    # The time dimension: a visit's service, then the drive; waiting (slack) allowed up to a whole day.
    service = [p.service_s[i] if i < stops else 0 for i in range(len(matrix))]
    timed = routing.RegisterTransitMatrix([[min(UNREACHABLE_S, matrix[i][j] + service[i]) for j in range(len(matrix))]
                                           for i in range(len(matrix))])
    routing.AddDimension(timed, DAY_S, DAY_S, False, "time")
    clock = routing.GetDimensionOrDie("time")
    for i in range(stops):
        index = manager.NodeToIndex(i)
        opens, latest = p.windows[i]
        clock.CumulVar(index).SetRange(opens, latest)
        routing.AddDisjunction([index], DROP_PENALTY)
    for v, (day_start, day_end) in enumerate(p.days):
        clock.CumulVar(routing.Start(v)).SetRange(day_start, day_end)
        clock.CumulVar(routing.End(v)).SetRange(day_start, day_end)
    for v in range(vehicles):  # be done as early as possible, then leave as late as that allows (no idle start)
        routing.AddVariableMinimizedByFinalizer(clock.CumulVar(routing.End(v)))
    for v in range(vehicles):
        routing.AddVariableMaximizedByFinalizer(clock.CumulVar(routing.Start(v)))

    if p.max_visits is not None:
        ones = routing.RegisterUnaryTransitVector([1 if i < stops else 0 for i in range(len(matrix))])
        routing.AddDimensionWithVehicleCapacity(ones, 0, [int(m) for m in p.max_visits], True, "visits")

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(50, int(time_limit_s * 1000)))
    began = time.perf_counter()
    found = routing.SolveWithParameters(params)
    solve_s = time.perf_counter() - began
    status = routing.status()
    status_name = {v: k for k, v in vars(routing_enums_pb2.RoutingSearchStatus).items()
                   if isinstance(v, int)}.get(status, str(status))
    if found is None:
        return Solution(routes=[[] for _ in range(vehicles)], drive_s=[0] * vehicles, end_s=[d[0] for d in p.days],
                        dropped=list(range(stops)), solve_s=solve_s, status=str(status_name))

    routes, drive, end = [], [], []
    visited = set()
    for v in range(vehicles):
        index, visits, driven, previous = routing.Start(v), [], 0, starts[v]
        while not routing.IsEnd(index):
            index = found.Value(routing.NextVar(index))
            node = manager.IndexToNode(index)
            driven += matrix[previous][node]
            previous = node
            if node < stops:
                arrive = found.Min(clock.CumulVar(index))
                visits.append(Visit(stop=node, arrive_s=arrive, leave_s=arrive + p.service_s[node]))
                visited.add(node)
        routes.append(visits)
        drive.append(driven)
        end.append(found.Min(clock.CumulVar(routing.End(v))))
    dropped = [i for i in range(stops) if i not in visited]
    return Solution(routes=routes, drive_s=drive, end_s=end, dropped=dropped, solve_s=solve_s,
                    status=str(status_name))


def nearest_next(travel_s: list[list[int]], *, start: int, stops: list[int], returns: bool) -> tuple[list[int], int]:
    """The naive order: from the start, always the nearest stop not yet visited (ties: the first listed). Returns
    the order and its driving seconds (with the way back when the inspector returns)."""
    left, here, order, driven = list(stops), start, [], 0
    while left:
        nxt = min(left, key=lambda s: travel_s[here][s])
        driven += travel_s[here][nxt]
        left.remove(nxt)
        order.append(nxt)
        here = nxt
    if returns and order:
        driven += travel_s[here][start]
    return order, driven

"""The inspector's day on a small synthetic network (licensing.routing; docs/decisions/027). Distances are local
metres (tests.shapes); the streets are local (30 km/h: 120 s per km)."""

import datetime as dt

import pytest
from django.contrib.gis.geos import MultiLineString

from common.errors import RegisterError
from licensing.routing import Start, Stop, plan_routes
from parcels.models import Street
from parcels.services.network import street_network_build
from tests.factories import MunicipalityFactory
from tests.shapes import line, lonlat

QUICK = 0.2  # seconds of search: a handful of stops needs no more


def street(muni, *points, kind="local"):
    Street.objects.create(municipality=muni, kind=kind, width_m=15, geom=MultiLineString(line(*points), srid=4326))


@pytest.fixture
def avenue(db):
    """An avenue 2 km long (x 0..2000, y 0) drawn as 100 m blocks (a node every 100 m: the visits snap to the
    nodes), and an island street 3 km north that joins nothing."""
    muni = MunicipalityFactory()
    for x in range(0, 2000, 100):
        street(muni, (x, 0), (x + 100, 0))
    street(muni, (0, 3000), (400, 3000))
    street_network_build(municipality=muni)
    return muni


def at(x, y=8):
    """A parcel's centroid beside the avenue (8 m off its centreline)."""
    return lonlat(x, y)


def keys(route):
    return [s["key"] for s in route.stops]


def test_stops_on_a_line_are_visited_in_line_order(avenue):
    stops = [Stop(key=f"x{x}", point=at(x), service_min=10) for x in (1400, 600, 1800, 200)]
    plan = plan_routes(municipality=avenue, starts=[Start("insp", at(0), returns=False)], stops=stops,
                       time_limit_s=QUICK)
    route = plan.routes[0]
    assert keys(route) == ["x200", "x600", "x1400", "x1800"] and plan.unassigned == []
    assert [s["order"] for s in route.stops] == [1, 2, 3, 4]
    assert route.length_m == pytest.approx(1800, abs=2)
    assert route.drive_s == pytest.approx(1800 / (30 / 3.6), abs=3)
    # Times: leave at 08:00, 200 m = 24 s to the first; each visit 10 minutes, then 48 s to the next.
    assert route.stops[0]["arrive"] == dt.time(8, 0, 24) and route.stops[0]["leave"] == dt.time(8, 10, 24)
    assert route.stops[1]["arrive"] == dt.time(8, 11, 12)
    assert route.naive_length_m >= route.length_m
    assert route.geom.transform(9358, clone=True).length == pytest.approx(route.length_m, abs=2)


def test_the_optimal_order_beats_the_nearest_next(avenue):
    # From x=1000: the nearest (1100) first sends the naive order back west (800) and then far east (1600):
    # 100 + 300 + 800 = 1200 m; going west first: 200 + 300 + 500 = 1000 m.
    stops = [Stop(key=f"x{x}", point=at(x), service_min=5) for x in (1100, 800, 1600)]
    plan = plan_routes(municipality=avenue, starts=[Start("insp", at(1000), returns=False)], stops=stops,
                       time_limit_s=QUICK)
    route = plan.routes[0]
    assert keys(route) == ["x800", "x1100", "x1600"]
    assert route.length_m == pytest.approx(1000, abs=2)
    assert route.naive_length_m == pytest.approx(1200, abs=2)
    assert route.naive_drive_s > route.drive_s


def test_a_return_trip_comes_back_to_the_start(avenue):
    stops = [Stop(key=f"x{x}", point=at(x), service_min=5) for x in (500, 1500)]
    plan = plan_routes(municipality=avenue, starts=[Start("insp", at(1000))], stops=stops, time_limit_s=QUICK)
    route = plan.routes[0]
    assert route.length_m == pytest.approx(2000, abs=2)  # 500 west, 1000 east, 500 back
    assert route.end > route.stops[-1]["leave"]


def test_opening_hours_force_a_later_visit(avenue):
    # The nearest stop (200) opens at 10:00; the farthest (1800) closes at 09:00: 1800 first, then back to 200.
    stops = [Stop(key="x200", point=at(200), opens=dt.time(10), closes=dt.time(12), service_min=15),
             Stop(key="x1000", point=at(1000), service_min=15),
             Stop(key="x1800", point=at(1800), opens=dt.time(8), closes=dt.time(9), service_min=15)]
    plan = plan_routes(municipality=avenue, starts=[Start("insp", at(0), returns=False)], stops=stops,
                       time_limit_s=QUICK)
    route = plan.routes[0]
    order = keys(route)
    assert order.index("x1800") < order.index("x200")
    visits = {s["key"]: s for s in route.stops}
    assert visits["x1800"]["leave"] <= dt.time(9) and visits["x200"]["arrive"] >= dt.time(10)
    assert plan.unassigned == []


def test_what_cannot_be_visited_is_reported_not_failed(avenue):
    stops = [
        Stop(key="ok", point=at(300), service_min=10),
        Stop(key="evening", point=at(400), opens=dt.time(16), closes=dt.time(20), service_min=10),  # after 14:00
        Stop(key="brief", point=at(500), opens=dt.time(9), closes=dt.time(9, 10), service_min=15),  # too short
        Stop(key="desert", point=lonlat(900, 1200), service_min=10),  # 1.2 km from any street
        Stop(key="island", point=lonlat(200, 3005), service_min=10),  # a street no road leads to
        Stop(key="long-a", point=at(1200), service_min=200),  # 3 h 20 each: only one fits in 08:00-14:00
        Stop(key="long-b", point=at(1300), service_min=200),
    ]
    plan = plan_routes(municipality=avenue, starts=[Start("insp", at(0))], stops=stops, time_limit_s=QUICK)
    reasons = {u.key: u.reason for u in plan.unassigned}
    assert reasons.pop("evening") == "hours" and reasons.pop("brief") == "hours"
    assert reasons.pop("desert") == "far_from_streets" and reasons.pop("island") == "unreachable"
    assert list(reasons.values()) == ["no_time"] and set(reasons) < {"long-a", "long-b"}
    visited = keys(plan.routes[0])
    assert "ok" in visited and len(visited) == 2
    assert all(u.message for u in plan.unassigned)
    assert plan.routes[0].end <= dt.time(14)


def test_two_inspectors_share_the_avenue(avenue):
    stops = [Stop(key=f"x{x}", point=at(x), service_min=60) for x in (100, 300, 500, 1500, 1700, 1900)]
    starts = [Start("west", at(0), returns=False), Start("east", at(2000), returns=False)]
    plan = plan_routes(municipality=avenue, starts=starts, stops=stops, time_limit_s=QUICK)
    west, east = plan.routes
    assert set(keys(west)) == {"x100", "x300", "x500"} and set(keys(east)) == {"x1500", "x1700", "x1900"}
    assert keys(east) == ["x1900", "x1700", "x1500"]


def test_an_empty_network_is_a_clear_error(db):
    muni = MunicipalityFactory()
    street(muni, (0, 0), (100, 0))  # streets, but the network was never built
    with pytest.raises(RegisterError) as err:
        plan_routes(municipality=muni, starts=[Start("insp", at(0))], stops=[Stop("a", at(50))])
    assert err.value.code == "no_street_network" and "build_street_network" in str(err.value)


def test_the_work_is_shared_fairly(avenue):
    # Both start at the west end; alone, one inspector would take every visit. A fair share: at most
    # ceil(1.25 x 6 / 2) = 4 each, unless a Start says otherwise.
    stops = [Stop(key=f"x{x}", point=at(x), service_min=5) for x in (100, 200, 300, 400, 500, 600)]
    starts = [Start("a", at(0), returns=False), Start("b", at(0), returns=False)]
    plan = plan_routes(municipality=avenue, starts=starts, stops=stops, time_limit_s=QUICK)
    assert sorted(len(r.stops) for r in plan.routes) in ([2, 4], [3, 3]) and plan.unassigned == []
    starts = [Start("a", at(0), returns=False, max_visits=6), Start("b", at(0), returns=False, max_visits=0)]
    plan = plan_routes(municipality=avenue, starts=starts, stops=stops, time_limit_s=QUICK)
    assert [len(r.stops) for r in plan.routes] == [6, 0]

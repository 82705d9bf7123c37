"""The shared spatial questions, checked against answers computed independently (pyproj geodesics)."""

import pytest
import shapely
from django.contrib.gis.geos import Point
from pyproj import Geod

from geo import selectors
from geo.layers import UnknownLayer
from parcels.models import Parcel
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.shapes import lonlat, rect

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")


@pytest.fixture
def grid(plan):
    """A 5 x 5 grid of 30 m parcels on a 40 m pitch (10 m streets between them)."""
    return {
        (i, j): ParcelFactory(plan=plan, number=f"{i}-{j}", geom=rect(40 * i, 40 * j, 40 * i + 30, 40 * j + 30))
        for i in range(5)
        for j in range(5)
    }


def _geodesic_distance_m(parcel, point) -> float:
    """Brute force: shortest geodesic distance from the point to the parcel's boundary (0 if inside)."""
    poly = shapely.from_wkb(bytes(parcel.geom.wkb))
    pt = shapely.Point(point.x, point.y)
    if poly.contains(pt):
        return 0.0
    ring = shapely.segmentize(poly.boundary, 1e-6)  # ~0.1 m steps
    xs, ys = shapely.get_coordinates(ring).T
    _, _, d = GEOD.inv([pt.x] * len(xs), [pt.y] * len(xs), xs, ys)
    return float(min(d))


def test_at_point(grid):
    lon, lat = lonlat(40 * 2 + 15, 40 * 3 + 15)
    assert [p.number for p in selectors.at_point(layer="parcels", lon=lon, lat=lat)] == ["2-3"]
    street = lonlat(40 * 2 + 35, 40 * 3 + 15)  # in the 10 m gap east of 2-3
    assert not selectors.at_point(layer="parcels", lon=street[0], lat=street[1]).exists()


def test_at_point_layers_and_tenant(grid, plan):
    lon, lat = lonlat(15, 15)
    assert list(selectors.at_point(layer="plans", lon=lon, lat=lat)) == [plan]
    assert list(selectors.at_point(layer="municipalities", lon=lon, lat=lat)) == [plan.municipality]
    other = MunicipalityFactory()
    assert not selectors.at_point(layer="parcels", lon=lon, lat=lat, municipality=other).exists()
    assert selectors.at_point(layer="parcels", lon=lon, lat=lat, municipality=plan.municipality).count() == 1
    with pytest.raises(UnknownLayer):
        selectors.at_point(layer="nope", lon=lon, lat=lat)


def test_retired_parcels_are_not_on_the_map(grid):
    from django.utils import timezone

    Parcel.objects.filter(pk=grid[(0, 0)].pk).update(valid_to=timezone.now())
    lon, lat = lonlat(15, 15)
    assert not selectors.at_point(layer="parcels", lon=lon, lat=lat).exists()


def test_intersecting_excludes_mere_touching(grid):
    area = rect(40, 40, 110, 110)  # exactly covers parcels 1-1, 1-2, 2-1, 2-2
    got = sorted(p.number for p in selectors.intersecting(layer="parcels", geometry=area))
    assert got == ["1-1", "1-2", "2-1", "2-2"]
    # A query polygon that only shares an edge with parcel 0-0 does not "intersect" it...
    edge = rect(30, 0, 38, 30)
    assert not selectors.intersecting(layer="parcels", geometry=edge).exists()
    # ...unless asked for boundary contacts too.
    assert [p.number for p in selectors.intersecting(layer="parcels", geometry=edge, boundary_only=True)] == ["0-0"]


def test_within_distance_in_metres(grid):
    lon, lat = lonlat(-25, 15)  # 25 m west of column 0
    point = Point(lon, lat, srid=4326)
    got = {p.number: p.distance_m for p in selectors.within_distance(layer="parcels", geometry=point, metres=60)}
    expected = {
        p.number: d for p in grid.values() if (d := _geodesic_distance_m(p, point)) <= 60
    }
    assert set(got) == set(expected) == {"0-0", "0-1"}  # 0-1 at 35.4 m; 1-0 at 65 m
    for number, d in got.items():
        assert d == pytest.approx(expected[number], abs=0.05)
    assert got["0-0"] == pytest.approx(25, abs=0.05)


def test_nearest_is_ordered_in_metres_not_degrees(grid):
    lon, lat = lonlat(200 + 60, 40 * 2 + 15)  # east of the grid, level with row 2
    point = Point(lon, lat, srid=4326)
    got = list(selectors.nearest(layer="parcels", point=point, k=3))
    brute = sorted(grid.values(), key=lambda p: _geodesic_distance_m(p, point))[:3]
    assert [p.number for p in got] == [p.number for p in brute]
    assert got[0].number == "4-2"
    assert got[0].distance_m == pytest.approx(70, abs=0.05)
    assert [p.distance_m for p in got] == sorted(p.distance_m for p in got)


def test_nearest_with_latitude_distortion():
    """At 60°N a degree of longitude is half a degree of latitude: degree order would be wrong."""
    north = (10.0, 60.0)
    muni = MunicipalityFactory(boundary=_box(9.9, 59.95, 10.1, 60.05))
    plan = PlanFactory(municipality=muni, geom=_box(9.9, 59.95, 10.1, 60.05))
    # East: 0.0008° lon ≈ 44.6 m. North: 0.0005° lat ≈ 55.8 m. Degrees say north is nearer; metres say east.
    east = ParcelFactory(plan=plan, number="E", geom=_box(north[0] + 0.0008, 59.9999, north[0] + 0.0009, 60.0001))
    ParcelFactory(plan=plan, number="N", geom=_box(9.9999, north[1] + 0.0005, 10.0001, north[1] + 0.0006))
    got = list(selectors.nearest(layer="parcels", point=Point(*north, srid=4326), k=1, municipality=muni))
    assert got == [east]


def _box(x0, y0, x1, y1):
    from django.contrib.gis.geos import MultiPolygon, Polygon

    return MultiPolygon(Polygon.from_bbox((x0, y0, x1, y1)), srid=4326)


def test_bad_arguments():
    point = Point(43.5, 25.8, srid=4326)
    with pytest.raises(ValueError):
        selectors.within_distance(layer="parcels", geometry=point, metres=-1)
    with pytest.raises(ValueError):
        selectors.nearest(layer="parcels", point=point, k=0)
    assert list(selectors.nearest(layer="parcels", point=point, k=2)) == []


def test_municipality_layer_scoped_by_instance_or_id(plan):
    lon, lat = lonlat(15, 15)
    for key in (plan.municipality, plan.municipality.pk):
        got = selectors.at_point(layer="municipalities", lon=lon, lat=lat, municipality=key)
        assert list(got) == [plan.municipality]

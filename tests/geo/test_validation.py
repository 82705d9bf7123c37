"""Bad geometry is refused with a message that says what and where."""

import math

import pytest
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiPolygon, Point, Polygon

from geo.validation import GeometryError, validate_geometry
from tests.shapes import bowtie, lonlat, rect


def test_self_intersection_names_reason_and_location():
    with pytest.raises(GeometryError) as exc:
        validate_geometry(bowtie(0, 0, 30), kind="MultiPolygon")
    assert exc.value.code == "invalid"
    assert "Self-intersection" in exc.value.messages[0]
    # The crossing of a 30 m bowtie is at its centre.
    lon, lat = exc.value.location
    cx, cy = lonlat(15, 15)
    assert lon == pytest.approx(cx, abs=1e-6) and lat == pytest.approx(cy, abs=1e-6)
    assert f"{lon:.7f}" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("geom", "code"),
    [
        (None, "missing"),
        (GEOSGeometry("MULTIPOLYGON EMPTY", srid=4326), "empty"),
        (GEOSGeometry("POLYGON((43.5 25.8, 43.6 25.8, 43.6 25.9, 43.5 25.8))"), "no_crs"),
        (GEOSGeometry("POLYGON((43.5 25.8, 43.6 25.8, 43.6 25.9, 43.5 25.8))", srid=2154), "unknown_crs"),
        (LineString((43.5, 25.8), (43.6, 25.9), srid=4326), "wrong_type"),
        (Point(43.5, 25.8, srid=4326), "wrong_type"),
    ],
)
def test_refusals_have_codes(geom, code):
    with pytest.raises(GeometryError) as exc:
        validate_geometry(geom, kind="MultiPolygon")
    assert exc.value.code == code
    assert exc.value.messages[0]


def test_nan_coordinates_are_refused():
    poly = Polygon(((43.5, 25.8), (43.6, 25.8), (43.6, math.nan), (43.5, 25.8)), srid=4326)
    with pytest.raises(GeometryError) as exc:
        validate_geometry(poly, kind="MultiPolygon")
    assert exc.value.code == "not_finite"


def test_utm_coordinates_declared_as_lonlat_are_out_of_range():
    poly = Polygon(((349700, 2862100), (349800, 2862100), (349800, 2862200), (349700, 2862100)), srid=4326)
    with pytest.raises(GeometryError) as exc:
        validate_geometry(poly, kind="MultiPolygon")
    assert exc.value.code == "out_of_range"


def test_polygon_is_promoted_and_projected_input_transformed():
    utm = Polygon(((349700, 2862100), (349730, 2862100), (349730, 2862130), (349700, 2862100)), srid=9358)
    out = validate_geometry(utm, kind="MultiPolygon")
    assert isinstance(out, MultiPolygon) and out.srid == 4326
    x, y = out[0].exterior_ring[0]
    assert 43.4 < x < 43.6 and 25.8 < y < 25.9


def test_outside_the_municipality_says_where():
    area = rect(0, 0, 1000, 1000)
    inside = rect(100, 100, 200, 200)
    assert validate_geometry(inside, kind="MultiPolygon", within=area) is not None
    with pytest.raises(GeometryError) as exc:
        validate_geometry(rect(950, 100, 1100, 200), kind="MultiPolygon", within=area, within_name="الرس")
    assert exc.value.code == "outside"
    assert "الرس" in exc.value.messages[0]
    lon, _ = exc.value.location
    assert lon > lonlat(1000, 150)[0]  # the reported point is in the part that sticks out


def test_points_and_lines_outside_the_municipality_are_refused():
    area = rect(0, 0, 1000, 1000)
    assert validate_geometry(Point(*lonlat(500, 500), srid=4326), kind="Point", within=area) is not None
    assert validate_geometry(Point(*lonlat(1000, 500), srid=4326), kind="Point", within=area) is not None  # on the edge
    with pytest.raises(GeometryError) as exc:
        validate_geometry(Point(*lonlat(1500, 500), srid=4326), kind="Point", within=area)
    assert exc.value.code == "outside"
    assert exc.value.location == pytest.approx(lonlat(1500, 500))
    with pytest.raises(GeometryError) as exc:
        validate_geometry(LineString(lonlat(500, 500), lonlat(1200, 500), srid=4326), kind="LineString", within=area)
    assert exc.value.code == "outside"


def test_vertex_limit(settings):
    settings.ARDH_MAX_VERTICES = 50
    ring = [lonlat(10 * math.cos(a / 40 * math.pi), 10 * math.sin(a / 40 * math.pi)) for a in range(80)]
    ring.append(ring[0])
    with pytest.raises(GeometryError) as exc:
        validate_geometry(Polygon(ring, srid=4326), kind="MultiPolygon")
    assert exc.value.code == "too_many_vertices"


@pytest.mark.django_db
def test_a_3d_geometry_reaching_a_service_is_refused_not_a_database_error(plan):
    from parcels.services import parcel_create

    ring = [(*lonlat(x, y), 600.0) for x, y in [(0, 0), (30, 0), (30, 30), (0, 30), (0, 0)]]
    with pytest.raises(GeometryError) as exc:
        parcel_create(municipality=plan.municipality, plan=plan, number="Z1", land_use="residential",
                      geom=MultiPolygon(Polygon(ring), srid=4326), actor=None)
    assert exc.value.code == "has_z"

"""Areas are in square metres, computed on the ellipsoid: they agree with a UTM calculation to < 0.5 %."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from parcels.models import Parcel
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _utm_rect(srid, x0, y0, w, h):
    return MultiPolygon(Polygon(((x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0))), srid=srid)


@pytest.mark.parametrize(
    ("place", "srid", "x0", "y0", "w", "h"),
    [
        ("Al-Rass, 38N", 9358, 349_000, 2_862_000, 20, 30),  # a villa plot
        ("Al-Rass, 38N", 9358, 349_000, 2_863_000, 1000, 1000),  # a whole plan
        ("Jeddah, 37N", 9357, 540_000, 2_380_000, 25, 35),
        ("Dammam, 39N", 9359, 400_000, 2_920_000, 30, 40),
        ("Tabuk, 36N", 9356, 680_000, 3_140_000, 500, 200),
    ],
)
def test_area_matches_utm(place, srid, x0, y0, w, h):
    geom = _utm_rect(srid, x0, y0, w, h)
    lonlat = geom.transform(4326, clone=True)
    boundary = lonlat.buffer(0.05)
    muni = MunicipalityFactory(metric_srid=srid, boundary=MultiPolygon(boundary, srid=4326))
    parcel = ParcelFactory(plan=PlanFactory(municipality=muni, geom=MultiPolygon(boundary, srid=4326)), geom=lonlat)
    stored = Parcel.objects.get(pk=parcel.pk).area_m2
    assert stored == pytest.approx(w * h, rel=0.005), place
    # Never degrees: a square-degree "area" would be ~1e-8 for a villa.
    assert stored > 100


def test_demo_parcels_areas_match_utm():
    from fixtures.generator import build_city
    from fixtures.loader import load_city

    city = build_city(seed=7, parcels=300)
    load_city(city)
    rows = Parcel.objects.order_by("pk")[:300:37]
    for p in rows:
        utm = p.geom.transform(9358, clone=True).area
        assert p.area_m2 == pytest.approx(utm, rel=0.005)

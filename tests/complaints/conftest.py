"""A town (10 km square) with two districts side by side (west D1, east D2, the edge at x = 0), the national
categories, a handler per district for potholes, a citizen who signs in."""

import pytest
from django.contrib.gis.geos import Point

from accounts.models import Person
from accounts.services import membership_grant
from complaints.models import Category, Routing
from complaints.reference import categories_sync
from parcels.models import District
from tests.factories import MunicipalityFactory
from tests.shapes import lonlat, rect


def at(x: float, y: float) -> Point:
    return Point(*lonlat(x, y), srid=4326)


@pytest.fixture
def town(db):
    categories_sync()
    muni = MunicipalityFactory(short_code="RAS")
    District.objects.create(municipality=muni, code="D1", name_ar="حي الغرب", name_en="West",
                            geom=rect(-5000, -5000, 0, 5000))
    District.objects.create(municipality=muni, code="D2", name_ar="حي الشرق", name_en="East",
                            geom=rect(0, -5000, 5000, 5000))
    return muni


@pytest.fixture
def handlers(town, django_user_model):
    out = {}
    for code in ("D1", "D2"):
        user = django_user_model.objects.create_user(f"handler-{code}", password="x")
        membership_grant(user=user, municipality=town, roles=["complaints_handler"])
        Routing.objects.create(municipality=town, district=District.objects.get(municipality=town, code=code),
                               category=Category.objects.get(code="pothole"), handler=user)
        out[code] = user
    return out


@pytest.fixture
def citizen(db, django_user_model):
    user = django_user_model.objects.create_user("citizen-x")
    return Person.objects.create(kind="person", name_ar="هيا المطيري", name_en="Haya", national_id="1000000304",
                                 mobile="+966500000304", user=user)

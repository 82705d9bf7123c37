"""A small commercial street for licensing (local metres around tests.shapes.ORIGIN): a C1 zone over y -100..100
and R1 beyond, a collector street along y = -10, built shop parcels S-1 (x 0..20), S-2 (30..50) and S-4
(170..190), a vacant S-3 (60..80), a school at x 120..160, a house H-1 in R1; and the people: the owner
(applicant), a licensing officer, two health inspectors and a supervisor.

Known distances from a shop's point (x, 12) to the school: S-1 110 m, S-2 (x 40) 80 m, S-4 (x 180) 20 m."""

from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiLineString, Point

from licensing.models import InspectorArea
from licensing.reference_data import reference_ensure
from parcels.models import District, Street, Zone
from payments.fees.national import national_schedule_ensure
from payments.models import Biller
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory, RegulationFactory
from tests.permits.conftest import staff
from tests.shapes import line, lonlat, rect
from tests.surveys.conftest import owner, pay_in_process  # noqa: F401 (fixtures and the payment helper)


def at(x: float, y: float) -> Point:
    return Point(*lonlat(x, y), srid=4326)


@pytest.fixture
def town(db):
    municipality = MunicipalityFactory(short_code="RAS", fee_category=3, metric_srid=9358)
    Biller.objects.create(municipality=municipality, code="091", name_ar="بلدية الرس", name_en="Al-Rass")
    national_schedule_ensure()
    reference_ensure()
    return municipality


@pytest.fixture
def district(town):
    return District.objects.create(municipality=town, code="D001", name_ar="حي الصناعية", name_en="Sinaiyah",
                                   geom=rect(-300, -300, 600, 600))


@pytest.fixture
def street(town, district):
    c1 = RegulationFactory(municipality=town, code="C1", name_ar="تجاري", name_en="Commercial")
    r1 = RegulationFactory(municipality=town, code="R1", name_ar="سكني", name_en="Residential")
    Zone.objects.create(municipality=town, regulation=c1, geom=rect(-200, -100, 400, 100))
    Zone.objects.create(municipality=town, regulation=r1, geom=rect(-200, 100, 400, 400))
    return Street.objects.create(municipality=town, name_ar="شارع الملك فهد", name_en="King Fahd St",
                                 kind="collector", width_m=30,
                                 geom=MultiLineString(line((-200, -10), (400, -10)), srid=4326))


@pytest.fixture
def shops(town, street):
    plan = PlanFactory(municipality=town)
    made = {}
    for n, x in (("S-1", 0), ("S-2", 30)):
        made[n] = ParcelFactory(plan=plan, geom=rect(x, 0, x + 20, 25), number=n, land_use="commercial",
                                status="built")
    made["S-3"] = ParcelFactory(plan=plan, geom=rect(60, 0, 80, 25), number="S-3", land_use="commercial",
                                status="vacant")
    made["school"] = ParcelFactory(plan=plan, geom=rect(120, 0, 160, 40), number="SCH", land_use="education",
                                   status="government")
    made["S-4"] = ParcelFactory(plan=plan, geom=rect(170, 0, 190, 25), number="S-4", land_use="commercial",
                                status="built")
    made["house"] = ParcelFactory(plan=plan, geom=rect(0, 150, 20, 175), number="H-1", land_use="residential",
                                  status="built")
    return made


@pytest.fixture
def officer(town, django_user_model):
    return staff(django_user_model, town, "officer", ["licensing_officer"])


@pytest.fixture
def inspector(town, district, django_user_model):
    user = staff(django_user_model, town, "healthinspector", ["health_inspector"])
    InspectorArea.objects.create(municipality=town, inspector=user, district=district)
    return user


@pytest.fixture
def other_inspector(town, django_user_model):
    return staff(django_user_model, town, "otherinspector", ["health_inspector"])


@pytest.fixture
def supervisor(town, django_user_model):
    return staff(django_user_model, town, "inspsupervisor", ["inspection_supervisor"])


def application(activity="G01", cr="4031000001", name="بقالة النور", size="small", area=Decimal("60"), **more):
    return {"activity": activity, "cr_number": cr, "trade_name": name, "size_class": size, "area_m2": area,
            "opens": "08:00", "closes": "23:00", **more}


def shop_point(parcel_x: float = 10) -> Point:
    return at(parcel_x, 12)


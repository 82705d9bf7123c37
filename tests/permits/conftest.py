"""A small town for the permit's workflow: one R1 villa plot of 20 x 30 m (local metres (0, 0)-(20, 30))
fronting a 20 m street whose centreline runs 10 m south of it, rules version 1 in force since 2020, and the
people of a permit: the owner, the engineering office's employee who acts for him, a reviewer, an approver,
an inspector.

Known answers (rules v1): front setback max(2, 20 x 0.2) = 4 m, side and rear 2 m → the buildable envelope is
x 2..18, y 4..28: 16 x 24 = 384 m² of the plot's 600 m²."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiLineString

from accounts.models import Person, Representation
from accounts.services import membership_grant
from parcels.models import Street, Zone
from payments.fees.national import national_schedule_ensure
from payments.models import Biller
from permits.models import RuleSet
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory, RegulationFactory
from tests.shapes import line as street_line
from tests.shapes import lonlat, rect
from tests.surveys.conftest import office, owner  # noqa: F401 (fixtures: the owner, the office)

RULES_V1 = dict(
    number=1, status="adopted", valid_from=date(2020, 1, 1), coverage_ground_pct=75, coverage_upper_pct=75,
    coverage_annex_pct=70, max_floors=2, max_height_m=12, far=Decimal("1.5"), front_setback_m=2,
    front_setback_street_fraction=Decimal("0.2"), front_setback_max_m=6, side_setback_m=2, rear_setback_m=2,
    corner_secondary_front="front", min_frontage_m=12, parking_plot_threshold_m2=400, parking_small_plot=1,
    parking_large_plot=2, parking_per_unit=1, parking_per_100m2=0, allowed_uses=["residential"],
)


def polygon(x0, y0, x1, y1) -> dict:
    """A rectangle in local metres as the GeoJSON a drawn footprint is."""
    ring = [lonlat(x0, y0), lonlat(x1, y0), lonlat(x1, y1), lonlat(x0, y1), lonlat(x0, y0)]
    return {"type": "Polygon", "coordinates": [ring]}


def villa(ground=(3, 5, 17, 27), annex=(6, 10, 14, 20), **attrs) -> dict:
    """Ground and upper floor on ``ground``, a roof annex on ``annex`` (local metres)."""
    return {"use": "residential", "units": 1, "parking_spaces": 2, "height_m": "9.5", **attrs,
            "floors": [{"kind": "ground", "level": 0, "footprint": polygon(*ground)},
                       {"kind": "upper", "level": 1, "footprint": polygon(*ground)},
                       {"kind": "annex", "level": 2, "footprint": polygon(*annex)}]}


@pytest.fixture
def town(db):
    municipality = MunicipalityFactory(short_code="RAS", fee_category=3, metric_srid=9358)
    Biller.objects.create(municipality=municipality, code="091", name_ar="بلدية الرس", name_en="Al-Rass")
    national_schedule_ensure()
    return municipality


@pytest.fixture
def r1(town):
    regulation = RegulationFactory(municipality=town, code="R1", name_ar="سكني فلل", name_en="Villas")
    Zone.objects.create(municipality=town, regulation=regulation, geom=rect(-100, -100, 100, 100))
    Street.objects.create(municipality=town, name_ar="شارع الأمير", name_en="Prince St", kind="local", width_m=20,
                          geom=MultiLineString(street_line((-60, -10), (80, -10)), srid=4326))
    return RuleSet.objects.create(municipality=town, regulation=regulation, **RULES_V1)


@pytest.fixture
def plot(town, r1):
    plan = PlanFactory(municipality=town)
    return ParcelFactory(plan=plan, geom=rect(0, 0, 20, 30), number="7", land_use="residential", status="vacant",
                         deed_number="310115000888")


@pytest.fixture
def designer(office, owner, django_user_model):  # noqa: F811 (pytest fixtures by name)
    """The office's employee; the office is engaged by the owner."""
    user = django_user_model.objects.create_user("designer", password="x")
    person = Person.objects.create(kind="person", name_ar="سارة", name_en="Sara", national_id="1098765432",
                                   mobile="+966500000002", user=user)
    Representation.objects.create(agent=person, principal=office, kind="employee", valid_from=date(2020, 1, 1))
    Representation.objects.create(agent=office, principal=owner, kind="office", valid_from=date(2020, 1, 1))
    return user


def staff(django_user_model, town, name, roles):
    user = django_user_model.objects.create_user(name, password="x", first_name=name.title())
    Person.objects.create(kind="person", name_ar=f"موظف {name}", name_en=name, user=user,
                          national_id=str(1090000000 + len(name) * 7 + sum(map(ord, name))))
    membership_grant(user=user, municipality=town, roles=roles)
    return user


@pytest.fixture
def engineer(town, django_user_model):
    return staff(django_user_model, town, "engineer", ["permit_reviewer"])


@pytest.fixture
def approver(town, django_user_model):
    return staff(django_user_model, town, "approver", ["permit_approver"])


@pytest.fixture
def inspector(town, django_user_model):
    return staff(django_user_model, town, "inspector", ["building_inspector"])


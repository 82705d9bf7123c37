import pytest
from django.contrib.gis.geos import Point
from rest_framework.test import APIClient

from accounts.models import Person
from accounts.services import membership_grant
from cases import services
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.scratch_app.case_types import CODE
from tests.shapes import lonlat


@pytest.fixture
def town(db):
    return MunicipalityFactory(short_code="RAS")


@pytest.fixture
def other_town(db):
    return MunicipalityFactory(short_code="BUR")


def staff(django_user_model, municipality, name, roles):
    user = django_user_model.objects.create_user(name, password="x")
    membership_grant(user=user, municipality=municipality, roles=roles)
    return user


@pytest.fixture
def reviewer(town, django_user_model):
    return staff(django_user_model, town, "reviewer", ["permit_reviewer"])


@pytest.fixture
def approver(town, django_user_model):
    return staff(django_user_model, town, "approver", ["permit_approver"])


@pytest.fixture
def reader(town, django_user_model):
    return staff(django_user_model, town, "reader", ["reader"])


@pytest.fixture
def supervisor(town, django_user_model):
    return staff(django_user_model, town, "supervisor", ["department_supervisor"])


@pytest.fixture
def applicant(db):
    return Person.objects.create(kind="person", name_ar="محمد", name_en="Mohammed", national_id="1012345678")


@pytest.fixture
def parcel(town):
    return ParcelFactory(plan=PlanFactory(municipality=town), deed_number="310115000123")


def open_case(*, town, actor, applicant, area_m2=20, **kwargs):
    kwargs.setdefault("point", Point(*lonlat(10, 10), srid=4326))
    return services.case_create(
        municipality=town, case_type=CODE, actor=actor, data={"activity": "food", "area_m2": area_m2},
        parties=[(applicant, "applicant")], **kwargs,
    )


@pytest.fixture
def case(town, reviewer, applicant):
    return open_case(town=town, actor=reviewer, applicant=applicant)


def person_client(user, language="en") -> APIClient:
    client = APIClient()
    client.force_login(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE=language)
    return client

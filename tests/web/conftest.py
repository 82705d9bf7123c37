"""Fixtures of the web pages' tests: the cases tests' town, staff and kiosk permits; an engineering office."""

from datetime import date

import pytest

from accounts.models import Organisation, Person, Representation
from tests.cases.conftest import (  # noqa: F401 (fixtures)
    applicant,
    approver,
    case,
    other_town,
    parcel,
    reader,
    reviewer,
    supervisor,
    town,
)


@pytest.fixture
def office(db):
    return Organisation.objects.create(kind="organisation", name_ar="مكتب الهندسة", name_en="Engineering office",
                                       cr_number="4030000001", org_kind="engineering_office")


@pytest.fixture
def engineer(office, applicant, django_user_model):  # noqa: F811
    """An office's employee; the office is engaged by ``applicant``."""
    user = django_user_model.objects.create_user("engineer", password="x")
    person = Person.objects.create(kind="person", name_ar="سارة", name_en="Sara", national_id="1098765432", user=user)
    Representation.objects.create(agent=person, principal=office, kind="employee", valid_from=date(2020, 1, 1))
    Representation.objects.create(agent=office, principal=applicant, kind="office", valid_from=date(2020, 1, 1))
    return user


def signed_in(client, user):
    client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()

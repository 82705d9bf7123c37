"""The applicant side of a case: people apply for themselves or for whom they validly represent (an office's
employee for the owner who engaged the office) and take the steps a type gives to ``applicant``."""

from datetime import date, timedelta

import pytest

from accounts.models import Organisation, Person, Representation
from accounts.selectors import acting_parties
from cases import services
from cases.models import Case
from common.errors import NotPermitted
from tests.cases.conftest import open_case


@pytest.fixture
def office(db):
    return Organisation.objects.create(kind="organisation", name_ar="مكتب الهندسة", name_en="Engineering office",
                                       cr_number="4030000001", org_kind="engineering_office")


@pytest.fixture
def engineer(office, django_user_model):
    user = django_user_model.objects.create_user("engineer", password="x")
    person = Person.objects.create(kind="person", name_ar="سارة", name_en="Sara", national_id="1098765432", user=user)
    Representation.objects.create(agent=person, principal=office, kind="employee", valid_from=date(2020, 1, 1))
    return user


def engage(office, owner, **period):
    period.setdefault("valid_from", date(2020, 1, 1))
    return Representation.objects.create(agent=office, principal=owner, kind="office", **period)


def test_an_office_employee_acts_for_the_owners_who_engaged_the_office(office, engineer, applicant):
    assert applicant.pk not in acting_parties(engineer)
    engage(office, applicant)
    assert {engineer.person.pk, office.pk, applicant.pk} <= acting_parties(engineer)


def test_an_expired_engagement_gives_nothing(office, engineer, applicant):
    engage(office, applicant, valid_from=date(2020, 1, 1), valid_until=date.today() - timedelta(days=1))
    assert applicant.pk not in acting_parties(engineer)


def test_applying_for_an_owner_needs_a_valid_engagement(town, office, engineer, applicant):
    with pytest.raises(NotPermitted):
        open_case(town=town, actor=engineer, applicant=applicant)
    assert not Case.objects.exists()
    engage(office, applicant)
    case = open_case(town=town, actor=engineer, applicant=applicant)
    assert case.created_by == engineer


def test_the_applicant_takes_only_the_applicants_steps(town, office, engineer, applicant, reviewer):
    engage(office, applicant)
    case = open_case(town=town, actor=engineer, applicant=applicant)
    assert services.allowed_transitions(case=case, actor=engineer) == []
    with pytest.raises(NotPermitted):
        services.case_transition(case=case, transition="start_review", actor=engineer, expected_version=case.version)
    case = services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=1)
    case = services.case_transition(case=case, transition="return", actor=reviewer, expected_version=case.version)
    assert services.allowed_transitions(case=case, actor=engineer) == ["resubmit"]
    case = services.case_transition(case=case, transition="resubmit", actor=engineer, expected_version=case.version)
    assert case.status == "submitted"


def test_someone_else_is_not_the_applicant(town, reviewer, applicant, django_user_model):
    case = open_case(town=town, actor=reviewer, applicant=applicant)
    stranger = django_user_model.objects.create_user("stranger", password="x")
    Person.objects.create(kind="person", name_ar="خالد", name_en="Khalid", national_id="1011111111", user=stranger)
    assert services.allowed_transitions(case=case, actor=stranger) == []
    with pytest.raises(NotPermitted):
        open_case(town=town, actor=stranger, applicant=applicant)

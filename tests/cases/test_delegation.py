"""Delegation while away (cases/delegation.py): the assignment moves, roles stay strict."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import ChangeRecord
from cases import deadlines, selectors, services
from cases.delegation import cases_delegate
from cases.models import Case, Delegation
from common.errors import DuplicateError, NotPermitted, RegisterError
from tests.cases.conftest import open_case, person_client, staff

TODAY = timezone.localdate


@pytest.fixture
def colleague(town, django_user_model):
    return staff(django_user_model, town, "colleague", ["permit_reviewer"])


def _assigned(town, reviewer, applicant, n=2):
    out = []
    for _ in range(n):
        case = open_case(town=town, actor=reviewer, applicant=applicant)
        out.append(services.case_assign(case=case, actor=reviewer, assignee=reviewer, expected_version=1))
    return out


def test_a_reviewer_on_leave_hands_their_cases_to_a_colleague(town, reviewer, colleague, applicant):
    cases = _assigned(town, reviewer, applicant)
    closed = open_case(town=town, actor=reviewer, applicant=applicant)
    Case.objects.filter(pk=closed.pk).update(assignee=reviewer, closed_at=timezone.now())
    d = cases_delegate(from_user=reviewer, to_user=colleague, municipality=town, start=TODAY(),
                       end=TODAY() + timedelta(days=10), actor=reviewer, reason="annual leave")
    assert d.applied_at is not None and d.cases_moved == 2
    for case in cases:
        case.refresh_from_db()
        assert case.assignee == colleague and case.version == 3
        entry = case.timeline.get(kind="delegation")
        assert entry.data["from"] == "reviewer" and entry.data["to"] == "colleague" and entry.body == "annual leave"
        assert ChangeRecord.objects.filter(entity="cases.case", object_id=case.pk, note__contains="delegation").exists()
    closed.refresh_from_db()
    assert closed.assignee == reviewer  # closed cases stay
    # a case given to the absent reviewer later shows in the delegate's inbox too
    later = open_case(town=town, actor=reviewer, applicant=applicant)
    Case.objects.filter(pk=later.pk).update(assignee=reviewer, queue_role=None)
    assert later.pk in set(selectors.inbox(user=colleague, municipality=town).values_list("pk", flat=True))


def test_delegation_to_someone_without_the_role_is_refused(town, reviewer, applicant, django_user_model):
    _assigned(town, reviewer, applicant, 1)
    planner = staff(django_user_model, town, "planner", ["planner"])
    with pytest.raises(RegisterError, match="permit_reviewer"):
        cases_delegate(from_user=reviewer, to_user=planner, municipality=town, start=TODAY(), end=TODAY(),
                       actor=reviewer, reason="leave")
    assert not Delegation.objects.exists() and not Case.objects.filter(assignee=planner).exists()


def test_who_may_delegate_and_bad_periods(town, reviewer, colleague, supervisor, applicant, django_user_model):
    other = staff(django_user_model, town, "other", ["permit_reviewer"])
    with pytest.raises(NotPermitted):
        cases_delegate(from_user=reviewer, to_user=colleague, municipality=town, start=TODAY(), end=TODAY(),
                       actor=other, reason="leave")
    with pytest.raises(RegisterError, match="on or after"):
        cases_delegate(from_user=reviewer, to_user=colleague, municipality=town, start=TODAY(),
                       end=TODAY() - timedelta(days=1), actor=reviewer, reason="leave")
    with pytest.raises(RegisterError, match="themselves"):
        cases_delegate(from_user=reviewer, to_user=reviewer, municipality=town, start=TODAY(), end=TODAY(),
                       actor=reviewer, reason="leave")
    stranger = django_user_model.objects.create_user("stranger")
    with pytest.raises(RegisterError, match="does not work"):
        cases_delegate(from_user=reviewer, to_user=stranger, municipality=town, start=TODAY(), end=TODAY(),
                       actor=reviewer, reason="leave")
    cases_delegate(from_user=reviewer, to_user=colleague, municipality=town, start=TODAY(),
                   end=TODAY() + timedelta(days=3), actor=supervisor, reason="training")
    with pytest.raises(DuplicateError):
        cases_delegate(from_user=reviewer, to_user=other, municipality=town, start=TODAY() + timedelta(days=2),
                       end=TODAY() + timedelta(days=5), actor=reviewer, reason="leave")


def test_a_future_delegation_is_applied_by_the_sweep_on_its_first_day(town, reviewer, colleague, applicant):
    cases = _assigned(town, reviewer, applicant)
    start = TODAY() + timedelta(days=3)
    d = cases_delegate(from_user=reviewer, to_user=colleague, municipality=town, start=start,
                       end=start + timedelta(days=7), actor=reviewer, reason="leave")
    assert d.applied_at is None and all(Case.objects.get(pk=c.pk).assignee == reviewer for c in cases)
    assert deadlines.sla_sweep(today=TODAY())["delegations"] == 0
    assert deadlines.sla_sweep(today=start)["delegations"] == 2
    assert deadlines.sla_sweep(today=start)["delegations"] == 0  # once
    assert all(Case.objects.get(pk=c.pk).assignee == colleague for c in cases)


def test_the_api_delegates_and_refuses_a_delegate_without_the_role(town, reviewer, colleague, applicant,
                                                                   django_user_model):
    _assigned(town, reviewer, applicant, 1)
    planner = staff(django_user_model, town, "planner", ["planner"])
    api = person_client(reviewer)
    body = {"to_user": planner.pk, "starts_on": TODAY().isoformat(), "ends_on": TODAY().isoformat(),
            "reason": "leave"}
    refused = api.post("/api/v1/cases/delegations/", body, format="json")
    assert refused.status_code == 422 and refused.json()["code"] == "missing_role"
    made = api.post("/api/v1/cases/delegations/", body | {"to_user": colleague.pk}, format="json")
    assert made.status_code == 201 and made.json()["cases_moved"] == 1
    assert api.post("/api/v1/cases/delegations/", body | {"to_user": 10**9}, format="json").status_code == 400

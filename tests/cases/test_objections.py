"""Objections: a linked case of the backbone's own type, within the objected type's period (calendar days),
one per decision; upholding it reopens the case objected to (cases/objections.py)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Person
from audit.models import ChangeRecord
from cases import objections, services
from cases.models import Case, CaseLink, Holiday, Objection, TimelineEntry
from common.errors import DuplicateError, NotPermitted, RegisterError, TooLate
from tests.cases.conftest import open_case, person_client


@pytest.fixture
def owner_user(applicant, django_user_model):
    user = django_user_model.objects.create_user("owner", password="x")
    Person.objects.filter(pk=applicant.pk).update(user=user)
    return user


def rejected(town, reviewer, approver, applicant):
    case = open_case(town=town, actor=reviewer, applicant=applicant)
    case = services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=1)
    return services.case_transition(case=case, transition="reject", actor=approver, expected_version=case.version)


def test_the_period_is_calendar_days_and_a_last_day_off_moves_to_the_next_working_day(town):
    # 2026-12-01 is a Tuesday; 30 days later, 2026-12-31, a Thursday: a working day.
    assert objections.period_end(municipality_id=town.pk, decided_on=date(2026, 12, 1), days=30) == date(2026, 12, 31)
    # 2026-12-03 + 30 = 2027-01-02, a Saturday → Sunday 2027-01-03; a holiday that Sunday → Monday.
    assert objections.period_end(municipality_id=town.pk, decided_on=date(2026, 12, 3), days=30) == date(2027, 1, 3)
    Holiday.objects.create(day=date(2027, 1, 3), name_ar="عطلة")
    assert objections.period_end(municipality_id=town.pk, decided_on=date(2026, 12, 3), days=30) == date(2027, 1, 4)


def test_the_applicant_objects_and_an_upheld_objection_reopens_the_case(
        town, reviewer, approver, supervisor, applicant, owner_user):
    case = rejected(town, reviewer, approver, applicant)
    assert case.closed_at is not None
    objection = objections.objection_file(case=case, actor=owner_user, grounds="The kiosk is 20 m², not 60.")
    ocase = objection.case
    assert ocase.case_type == "objection" and ocase.status == "submitted"
    assert ocase.queue_role.code == "department_supervisor" and ocase.data == {"grounds": "The kiosk is 20 m², not 60."}
    assert CaseLink.objects.filter(from_case=ocase, to_case=case, kind="objection").exists()
    assert objection.transition == "reject" and objection.decision.data["transition"] == "reject"
    assert case.timeline.filter(kind="objection", visible_to_applicant=True).exists()
    assert ocase.case_parties.get().party_id == applicant.pk
    # only the supervisor decides; the applicant may withdraw
    with pytest.raises(NotPermitted):
        services.case_transition(case=ocase, transition="start_review", actor=reviewer, expected_version=1)
    assert services.allowed_transitions(case=ocase, actor=owner_user) == ["withdraw"]
    ocase = services.case_transition(case=ocase, transition="start_review", actor=supervisor, expected_version=1)
    ocase = services.case_transition(case=ocase, transition="uphold", actor=supervisor, expected_version=ocase.version)
    assert ocase.status == "upheld" and ocase.closed_at is not None
    case.refresh_from_db()
    # back to the status the rejection left, in its queue, with a new due date
    assert case.status == "in_review" and case.closed_at is None and case.queue_role.code == "permit_reviewer"
    assert case.due_date is not None
    reopened = case.timeline.get(kind="reopened")
    assert reopened.from_status == "rejected" and reopened.to_status == "in_review"
    assert reopened.data == {"objection": ocase.number} and reopened.actor == supervisor
    assert ChangeRecord.objects.filter(entity="cases.case", object_id=case.pk, note__contains="upheld").exists()


def test_a_dismissed_objection_leaves_the_case_closed_and_cannot_be_filed_again(
        town, reviewer, approver, supervisor, applicant, owner_user):
    case = rejected(town, reviewer, approver, applicant)
    ocase = objections.objection_file(case=case, actor=reviewer, grounds="on behalf of the owner").case
    ocase = services.case_transition(case=ocase, transition="start_review", actor=supervisor, expected_version=1)
    services.case_transition(case=ocase, transition="dismiss", actor=supervisor, expected_version=ocase.version)
    case.refresh_from_db()
    assert case.status == "rejected" and case.closed_at is not None
    with pytest.raises(DuplicateError, match=ocase.number):
        objections.objection_file(case=case, actor=owner_user, grounds="again")


def test_a_second_open_objection_to_the_same_decision_is_refused(town, reviewer, approver, applicant, owner_user):
    case = rejected(town, reviewer, approver, applicant)
    first = objections.objection_file(case=case, actor=owner_user, grounds="first")
    with pytest.raises(DuplicateError) as refused:
        objections.objection_file(case=case, actor=owner_user, grounds="second")
    assert refused.value.existing == first.case.number
    assert Objection.objects.count() == 1 and Case.objects.filter(case_type="objection").count() == 1


def test_a_withdrawn_objection_may_be_filed_again_within_the_period(
        town, reviewer, approver, applicant, owner_user):
    case = rejected(town, reviewer, approver, applicant)
    ocase = objections.objection_file(case=case, actor=owner_user, grounds="first").case
    services.case_transition(case=ocase, transition="withdraw", actor=owner_user, expected_version=1)
    assert objections.objection_file(case=case, actor=owner_user, grounds="better grounds").case != ocase


def test_a_late_objection_is_refused_with_the_day_the_period_ended(town, reviewer, approver, applicant, owner_user):
    case = rejected(town, reviewer, approver, applicant)
    decided = timezone.localdate() - timedelta(days=40)
    TimelineEntry.objects.filter(case=case, kind="transition", data__transition="reject").update(
        at=timezone.now() - timedelta(days=40))
    ends = objections.period_end(municipality_id=town.pk, decided_on=decided, days=30)
    with pytest.raises(TooLate) as refused:
        objections.objection_file(case=case, actor=owner_user, grounds="late")
    assert refused.value.ended == ends.isoformat() and ends.isoformat() in str(refused.value.messages[0])
    assert not Objection.objects.exists() and not Case.objects.filter(case_type="objection").exists()


def test_nothing_to_object_to_and_strangers_are_refused(town, reviewer, approver, applicant, django_user_model):
    case = open_case(town=town, actor=reviewer, applicant=applicant)
    with pytest.raises(RegisterError, match="no decision"):
        objections.objection_file(case=case, actor=reviewer, grounds="x")
    case = rejected(town, reviewer, approver, applicant)
    stranger = django_user_model.objects.create_user("stranger", password="x")
    with pytest.raises(NotPermitted):
        objections.objection_file(case=case, actor=stranger, grounds="x")
    with pytest.raises(RegisterError, match="grounds"):
        objections.objection_file(case=case, actor=reviewer, grounds="  ")


def test_an_objection_case_is_not_opened_through_the_generic_door(town, reviewer, applicant):
    with pytest.raises(RegisterError, match="objection"):
        services.case_create(municipality=town, case_type="objection", actor="portal", data={"grounds": "x"},
                             parties=[(applicant, "applicant")], point=None, parcels=[])


def _post(client, url, body):
    return client.post(url, body, format="json")


def test_the_api_files_objections_and_refuses_late_and_duplicate_ones(
        town, reviewer, approver, applicant, owner_user):
    case = rejected(town, reviewer, approver, applicant)
    staff_api = person_client(reviewer)
    response = _post(staff_api, f"/api/v1/cases/{case.pk}/objections/", {"grounds": "on behalf of the owner"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case_type"] == "objection" and body["links"] == [{"kind": "objection", "to": case.number}]
    linked = staff_api.get(f"/api/v1/cases/{case.pk}/").json()["linked_from"]
    assert linked == [{"kind": "objection", "from": body["number"], "id": body["id"], "status": "submitted"}]
    again = _post(person_client(owner_user), f"/api/v1/my/cases/{case.pk}/objections/", {"grounds": "me too"})
    assert again.status_code == 409 and again.json()["existing"] == body["number"]
    other = rejected(town, reviewer, approver, applicant)
    TimelineEntry.objects.filter(case=other, data__transition="reject").update(at=timezone.now() - timedelta(days=90))
    late = _post(person_client(owner_user, "ar"), f"/api/v1/my/cases/{other.pk}/objections/", {"grounds": "late"})
    assert late.status_code == 422 and late.json()["code"] == "too_late"
    assert late.json()["ended"] in late.json()["detail"]
    assert "انتهت" in late.json()["detail"]
    missing = _post(staff_api, f"/api/v1/cases/{case.pk}/objections/", {})
    assert missing.status_code == 400 and "grounds" in missing.json()


def test_another_system_files_an_objection_with_the_write_scope_only(town, reviewer, approver, applicant):
    from tests.api.conftest import key_client

    case = rejected(town, reviewer, approver, applicant)
    url = f"/api/v1/cases/{case.pk}/objections/"
    assert key_client(town, ["read"]).post(url, {"grounds": "x"}, format="json").status_code == 403
    made = key_client(town, ["read", "write"]).post(url, {"grounds": "from the portal"}, format="json")
    assert made.status_code == 201 and made.json()["timeline"][0]["by"].startswith("api-key")

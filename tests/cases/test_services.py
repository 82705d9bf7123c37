"""The backbone's services on the test-only kiosk permit (tests/scratch_app/case_types.py)."""

import threading
from datetime import date

import pytest
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Person
from accounts.roles import roles_sync
from audit.models import ChangeRecord
from cases import numbering, selectors, services
from cases.models import Case, CaseCounter, Holiday, PersonalDataLookup, TimelineEntry
from common.errors import ConflictError, GuardError, NotPermitted, RegisterError, TransitionError
from parcels.models import District
from tests.cases.conftest import open_case, staff
from tests.factories import MunicipalityFactory
from tests.scratch_app.case_types import EFFECTS, KIOSK_PERMIT
from tests.shapes import lonlat


def _audit(case):
    return list(ChangeRecord.objects.filter(entity="cases.case", object_id=case.pk).order_by("id"))


# --- numbers -----------------------------------------------------------------------------------------


def test_numbers_per_municipality_and_hijri_year(town, other_town, reviewer, applicant, django_user_model):
    year = numbering.hijri_year(timezone.localdate())
    first = open_case(town=town, actor=reviewer, applicant=applicant)
    second = open_case(town=town, actor=reviewer, applicant=applicant)
    assert first.number == f"RAS-{year}-000001" and second.number == f"RAS-{year}-000002"
    elsewhere = staff(django_user_model, other_town, "bur-reviewer", ["permit_reviewer"])
    assert open_case(town=other_town, actor=elsewhere, applicant=applicant).number == f"BUR-{year}-000001"


def test_the_hijri_year_is_known():
    assert numbering.hijri_year(date(2026, 12, 4)) == 1448
    assert numbering.hijri_year(date(2026, 6, 15)) == 1447  # 1448 begins mid-June 2026


def test_a_municipality_without_short_code_is_refused_with_a_reason(reviewer, applicant):
    muni = MunicipalityFactory(short_code=None)
    with pytest.raises(RegisterError, match="short code"):
        numbering.next_number(municipality=muni, day=date(2026, 12, 4))


def test_a_rolled_back_creation_gives_its_number_back(town, reviewer, applicant):
    with pytest.raises(RuntimeError), transaction.atomic():
        open_case(town=town, actor=reviewer, applicant=applicant)
        raise RuntimeError
    assert open_case(town=town, actor=reviewer, applicant=applicant).number.endswith("-000001")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creations_get_two_numbers():
    roles_sync()
    town = MunicipalityFactory(short_code="RAS")
    person = Person.objects.create(kind="person", name_ar="أ", national_id="1000000001")
    first_has_number, numbers, errors = threading.Event(), {}, []

    def first():
        try:
            with transaction.atomic():
                numbers["first"] = open_case(town=town, actor="portal", applicant=person).number
                first_has_number.set()
                threading.Event().wait(0.5)  # hold the counter row while the second asks for a number
        except Exception as exc:
            errors.append(exc)
            first_has_number.set()
        finally:
            connection.close()

    def second():
        try:
            first_has_number.wait(5)
            numbers["second"] = open_case(town=town, actor="portal", applicant=person).number
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert not errors
    year = numbering.hijri_year(timezone.localdate())
    assert numbers == {"first": f"RAS-{year}-000001", "second": f"RAS-{year}-000002"}
    assert CaseCounter.objects.get(municipality=town).last == 2


# --- creating ----------------------------------------------------------------------------------------


def test_create_writes_parties_location_queue_due_date_timeline_and_audit(town, reviewer, applicant, parcel):
    case = open_case(town=town, actor=reviewer, applicant=applicant, parcels=[parcel], point=None)
    assert case.status == "submitted" and case.queue_role.code == "permit_reviewer"
    assert case.location.intersects(parcel.geom)  # a point on the parcel
    assert [(p.party_id, p.role) for p in case.case_parties.all()] == [(applicant.pk, "applicant")]
    assert list(case.parcels.all()) == [parcel]
    assert case.due_date is not None and case.data == {"activity": "food", "area_m2": 20.0}
    [entry] = case.timeline.all()
    assert entry.kind == "created" and entry.actor == reviewer and entry.visible_to_applicant
    [record] = _audit(case)
    assert record.action == "create" and record.actor == reviewer and record.changes["number"] == [None, case.number]


def test_create_refuses_bad_applications_saying_what(town, reviewer, applicant, django_user_model):
    with pytest.raises(RegisterError, match="area_m2"):
        open_case(town=town, actor=reviewer, applicant=applicant, area_m2=500)
    with pytest.raises(RegisterError, match="applicant"):
        services.case_create(municipality=town, case_type="kiosk_permit", actor=reviewer,
                             data={"activity": "food", "area_m2": 3}, parties=[(applicant, "owner")],
                             point=Point(*lonlat(1, 1), srid=4326))
    with pytest.raises(RegisterError, match="location"):
        open_case(town=town, actor=reviewer, applicant=applicant, point=None)
    with pytest.raises(RegisterError, match="Unknown type"):
        services.case_create(municipality=town, case_type="nope", actor=reviewer, parties=[(applicant, "applicant")])
    with pytest.raises(NotPermitted):  # a reader may not open this type
        open_case(town=town, actor=staff(django_user_model, town, "r2", ["reader"]), applicant=applicant)
    assert not Case.objects.exists()


# --- the workflow ------------------------------------------------------------------------------------


@pytest.mark.parametrize("step", [t.name for t in KIOSK_PERMIT.transitions])
@pytest.mark.parametrize("who", ["reviewer", "approver", "reader"])
def test_role_by_transition_matrix(step, who, request, case):
    actor = request.getfixturevalue(who)
    transition = KIOSK_PERMIT.transition(step)
    Case.objects.filter(pk=case.pk).update(status=transition.sources[0])
    case.refresh_from_db()
    role = {"reviewer": "permit_reviewer", "approver": "permit_approver", "reader": "reader"}[who]
    if role in transition.roles:
        done = services.case_transition(case=case, transition=step, actor=actor, expected_version=case.version)
        assert done.status == transition.target and done.version == case.version + 1
    else:
        with pytest.raises(NotPermitted) as refused:
            services.case_transition(case=case, transition=step, actor=actor, expected_version=case.version)
        assert refused.value.needed == list(transition.roles)
        case.refresh_from_db()
        assert case.status == transition.sources[0]


def test_an_illegal_transition_lists_what_is_allowed(case, approver):
    with pytest.raises(TransitionError) as refused:
        services.case_transition(case=case, transition="approve", actor=approver, expected_version=case.version)
    assert refused.value.allowed == ["start_review"]
    assert "submitted" in str(refused.value.message)


def test_a_stale_version_is_refused(case, reviewer):
    with pytest.raises(ConflictError):
        services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=case.version - 1
                                 if case.version > 1 else 99)


def test_a_failing_guard_writes_nothing_and_says_why(town, reviewer, approver, applicant):
    case = open_case(town=town, actor=reviewer, applicant=applicant, area_m2=80)
    case = services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=1)
    entries, records = case.timeline.count(), len(_audit(case))
    with pytest.raises(GuardError) as refused:
        services.case_transition(case=case, transition="approve", actor=approver, expected_version=case.version)
    assert [str(r) for r in refused.value.reasons] == ["A kiosk may not be larger than 50 m²."]
    case.refresh_from_db()
    assert (case.status, case.version, case.timeline.count(), len(_audit(case))) == ("in_review", 2, entries, records)


def test_nothing_half_written_when_a_write_inside_fails(case, reviewer, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "change_record", broken)
    with pytest.raises(RuntimeError):
        services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=1)
    case.refresh_from_db()
    assert (case.status, case.version, case.timeline.count()) == ("submitted", 1, 1)


def test_transition_moves_queue_due_date_timeline_audit_and_runs_effects_after_commit(
        case, reviewer, approver, django_capture_on_commit_callbacks):
    EFFECTS.clear()
    case = services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=1,
                                    note="looks complete")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = services.case_transition(case=case, transition="approve", actor=approver, expected_version=2)
    assert EFFECTS == [] and len(callbacks) == 1  # queued, not run, before commit
    callbacks[0]()
    assert EFFECTS == [("approved", case.pk)]
    assert case.status == "approved" and case.closed_at and case.due_date is None and case.queue_role is None
    kinds = [(e.kind, e.from_status, e.to_status, e.visible_to_applicant) for e in case.timeline.all()]
    assert kinds == [("created", "", "submitted", True), ("transition", "submitted", "in_review", True),
                     ("comment", "", "", False), ("transition", "in_review", "approved", True)]
    assert [r.note for r in _audit(case)][1:] == ["transition start_review: looks complete", "transition approve"]
    assert _audit(case)[-1].changes["status"] == ["in_review", "approved"]


def test_a_user_of_another_municipality_has_no_role_here(case, other_town, django_user_model):
    stranger = staff(django_user_model, other_town, "stranger", ["permit_reviewer"])
    with pytest.raises(NotPermitted):
        services.case_transition(case=case, transition="start_review", actor=stranger, expected_version=1)


# --- SLA, hold, assignment, comments -----------------------------------------------------------------


def test_due_dates_skip_weekends_and_holidays_and_stop_on_hold(town, reviewer, applicant, monkeypatch):
    today = {"day": date(2026, 12, 10)}  # a Thursday
    monkeypatch.setattr(services, "_today", lambda: today["day"])
    Holiday.objects.create(day=date(2026, 12, 14), name_ar="عطلة", name_en="Holiday")  # national, a Monday
    case = open_case(town=town, actor=reviewer, applicant=applicant)
    # 3 working days after Thursday: Sunday 13th, (Monday 14th off), Tuesday 15th, Wednesday 16th
    assert case.due_date == date(2026, 12, 16)
    today["day"] = date(2026, 12, 13)
    case = services.case_hold(case=case, actor=reviewer, reason="site plan missing", expected_version=1)
    assert case.on_hold and case.held_since == date(2026, 12, 13)
    assert not selectors.case_list(municipality=town, overdue=True).exists()
    with pytest.raises(RegisterError, match="on hold"):
        services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=2)
    today["day"] = date(2026, 12, 15)
    case = services.case_resume(case=case, actor=reviewer, expected_version=2)
    # waited Sunday (Monday was a holiday): one working day given back
    assert case.due_date == date(2026, 12, 17) and not case.on_hold
    assert [e.kind for e in case.timeline.all()] == ["created", "hold", "resume"]
    assert [r.note for r in _audit(case)] == ["", "hold: site plan missing", "resume"]


def test_a_municipality_holiday_counts_only_there(town, other_town, reviewer, applicant, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: date(2026, 12, 10))
    Holiday.objects.create(municipality=other_town, day=date(2026, 12, 13), name_ar="عطلة")
    assert open_case(town=town, actor=reviewer, applicant=applicant).due_date == date(2026, 12, 15)
    Holiday.objects.create(municipality=town, day=date(2026, 12, 13), name_ar="عطلة")
    assert open_case(town=town, actor=reviewer, applicant=applicant).due_date == date(2026, 12, 16)


def test_overdue_cases_in_my_queue(town, case, reviewer, approver):
    Case.objects.filter(pk=case.pk).update(due_date=date(2020, 1, 1))
    assert list(selectors.inbox(user=reviewer, municipality=town, overdue=True)) == [case]
    assert list(selectors.inbox(user=approver, municipality=town)) == []


def test_assignment_within_the_queue_and_moving_queues(case, reviewer, approver, supervisor, reader):
    case = services.case_assign(case=case, actor=reviewer, assignee=reviewer, expected_version=1)
    assert case.assignee == reviewer and case.version == 2
    with pytest.raises(NotPermitted):
        services.case_assign(case=case, actor=reader, assignee=reader, expected_version=2)
    with pytest.raises(NotPermitted, match="supervise"):
        services.case_assign(case=case, actor=reviewer, queue_role="permit_approver", expected_version=2)
    case = services.case_assign(case=case, actor=supervisor, queue_role="permit_approver", assignee=approver,
                                expected_version=2)
    assert case.queue_role.code == "permit_approver" and case.assignee == approver
    assert list(selectors.inbox(user=approver, municipality=case.municipality)) == [case]
    assert [e.kind for e in case.timeline.all()] == ["created", "assignment", "assignment"]


def test_comments_internal_or_for_the_applicant(case, reviewer, other_town, django_user_model):
    services.case_comment(case=case, actor=reviewer, body="check the setback")
    services.case_comment(case=case, actor=reviewer, body="please upload the plan", visible_to_applicant=True)
    assert [(e.body, e.visible_to_applicant) for e in TimelineEntry.objects.filter(case=case, kind="comment")] == [
        ("check the setback", False), ("please upload the plan", True)]
    assert [e.kind for e in selectors.timeline(case=case, for_applicant=True)] == ["created", "comment"]
    assert [e.body for e in selectors.timeline(case=case, for_applicant=True)][-1] == "please upload the plan"
    case.refresh_from_db()
    assert case.version == 1  # a comment does not make others' copies stale
    assert len(_audit(case)) == 3


# --- finding -----------------------------------------------------------------------------------------


def test_find_by_number_national_id_parcel_and_deed(town, reviewer, applicant, parcel, other_town):
    case = open_case(town=town, actor=reviewer, applicant=applicant, parcels=[parcel])
    assert list(selectors.find_by_number(municipality=town, number=case.number.lower())) == [case]
    assert list(selectors.find_by_number(municipality=other_town, number=case.number)) == []
    assert list(selectors.find_by_parcel(municipality=town, parcel_id=parcel.pk)) == [case]
    assert list(selectors.find_by_deed(municipality=town, deed_number="310115000123")) == [case]
    found = selectors.find_by_national_id(municipality=town, national_id="1012345678", actor=reviewer,
                                          purpose="counter enquiry")
    assert list(found) == [case]
    [log] = PersonalDataLookup.objects.all()
    assert (log.actor, log.masked_national_id, log.case_numbers) == (reviewer, "1******678", [case.number])


def test_a_membership_limited_to_districts_sees_its_queue_there_only(town, reviewer, applicant, django_user_model):
    from accounts.services import membership_grant
    from tests.factories import DistrictFactory
    from tests.shapes import rect

    DistrictFactory(municipality=town, code="NORTH", geom=rect(0, 0, 500, 500))
    DistrictFactory(municipality=town, code="SOUTH", geom=rect(0, -500, 500, -1))
    north = open_case(town=town, actor=reviewer, applicant=applicant, point=Point(*lonlat(100, 100), srid=4326))
    south = open_case(town=town, actor=reviewer, applicant=applicant, point=Point(*lonlat(100, -100), srid=4326))
    inspector = staff(django_user_model, town, "north-only", ["permit_reviewer"])
    membership_grant(user=inspector, municipality=town, roles=["permit_reviewer"], district_codes=["NORTH"])
    assert list(selectors.inbox(user=inspector, municipality=town)) == [north]
    services.case_assign(case=south, actor=reviewer, assignee=inspector, expected_version=1)
    assert {c.pk for c in selectors.inbox(user=inspector, municipality=town)} == {north.pk, south.pk}
    assert {c.pk for c in selectors.inbox(user=reviewer, municipality=town)} == {north.pk, south.pk}
    assert list(selectors.inbox(user=reviewer, municipality=town, district=District.objects.get(code="SOUTH"))) == [
        south]

"""Handling a report on the backbone: accepted, worked on, resolved with a note the reporter reads, rated and
closed by the reporter (or reopened); the reporter and those who joined are told at each step; a hygiene report
asks licensing for an inspection visit of the premises at its place."""

import pytest
from django.contrib.gis.geos import Point

from cases import services
from cases.services import case_apply
from common.errors import RegisterError
from complaints.models import Complaint
from complaints.services import complaint_join, complaint_rate
from notifications.models import Delivery
from tests.complaints.conftest import at


def file(town, citizen, point, category="pothole"):
    case = case_apply(municipality=town, case_type="complaint", actor=citizen.user,
                      data={"category": category, "recipient": "municipality", "description": "حفرة عميقة"},
                      parties=[(citizen, "applicant")], point=point)
    return Complaint.objects.get(case=case)


def sent(template: str) -> list[str]:
    return list(Delivery.objects.filter(notification__template=template).values_list("address", flat=True))


def test_the_reporter_is_told_at_each_step_and_rates_the_resolution(town, handlers, citizen,
                                                                     django_capture_on_commit_callbacks,
                                                                     django_user_model):
    from accounts.models import Person

    with django_capture_on_commit_callbacks(execute=True):
        complaint = file(town, citizen, at(2000, 100))
    other = Person.objects.create(kind="person", name_ar="جار", national_id="1000000998", mobile="+966500000998")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_join(complaint=complaint, party=other, actor="test")
    handler = handlers["D2"]
    case = complaint.case
    with django_capture_on_commit_callbacks(execute=True):
        for step in ("accept", "start"):
            case = services.case_transition(case=case, transition=step, actor=handler, expected_version=None)
        case = services.case_transition(case=case, transition="resolve", actor=handler, expected_version=None,
                                        note="رُدمت الحفرة وأعيد السفلتة")
    assert case.status == "resolved"
    assert citizen.mobile in sent("complaint_status") and other.mobile in sent("complaint_status")
    resolved = Delivery.objects.filter(notification__template="complaint_resolved", address=citizen.mobile).get()
    assert "رُدمت الحفرة" in resolved.body and other.mobile in sent("complaint_resolved")
    assert other.mobile in sent("complaint_joined")
    with pytest.raises(RegisterError):
        complaint_rate(complaint=complaint, rating=6)
    complaint_rate(complaint=complaint, rating=4, note="جيد")
    case = services.case_transition(case=case, transition="close", actor=citizen.user, expected_version=None)
    assert case.status == "closed" and Complaint.objects.get(pk=complaint.pk).rating == 4


def test_the_reporter_may_reopen_an_unresolved_report(town, handlers, citizen):
    complaint = file(town, citizen, at(2000, 100))
    handler, case = handlers["D2"], complaint.case
    case = services.case_transition(case=case, transition="accept", actor=handler, expected_version=None)
    case = services.case_transition(case=case, transition="resolve", actor=handler, expected_version=None,
                                    note="تم")
    case = services.case_transition(case=case, transition="reopen", actor=citizen.user, expected_version=None,
                                    note="الحفرة ما زالت موجودة")
    assert case.status == "in_progress"


def test_a_hygiene_report_asks_licensing_for_a_visit_of_the_premises_there(town, citizen, django_user_model):
    from accounts.services import membership_grant
    from licensing import models as lic
    from licensing.models import Visit
    from tests.factories import ParcelFactory, PlanFactory
    from tests.shapes import rect

    parcel = ParcelFactory(plan=PlanFactory(municipality=town), geom=rect(1990, 90, 2030, 130))
    owner = citizen
    establishment = lic.Establishment.objects.create(municipality=town, cr_number="7000000001", name_ar="مطعم",
                                                     owner=owner)
    premises = lic.Premises.objects.create(municipality=town, establishment=establishment, name_ar="مطعم الواحة",
                                           parcel=parcel, area_m2=80, geom=at(2010, 110))
    inspector = django_user_model.objects.create_user("health-x")
    membership_grant(user=inspector, municipality=town, roles=["health_inspector"])
    complaint = file(town, citizen, at(2012, 112), category="shop_hygiene")
    case = services.case_transition(case=complaint.case, transition="request_visit", actor=inspector,
                                    expected_version=None)
    visit = Visit.objects.get(premises=premises)
    assert visit.kind == "complaint" and visit.origin_case_id == case.pk and case.status == "in_progress"
    assert "مطعم الواحة" in case.timeline.filter(kind="link").get().body
    # A pothole asks no visit; a hygiene report with no premises near says so, and nothing changes.
    far = file(town, citizen, at(-3000, 0), category="shop_hygiene")
    with pytest.raises(RegisterError, match="premises"):
        services.case_transition(case=far.case, transition="request_visit", actor=inspector, expected_version=None)
    assert Complaint.objects.get(pk=far.pk).case.status == "submitted"


def test_the_point_must_be_in_the_municipality_when_filed_by_any_channel(town, citizen):
    with pytest.raises(RegisterError, match="outside"):
        file(town, citizen, Point(46.7, 24.7, srid=4326))
    assert not Complaint.objects.exists()


def test_a_building_violation_report_opens_an_inspection_in_permits(town, citizen, django_user_model):
    from accounts.models import Person
    from accounts.services import membership_grant
    from cases.models import Case, CaseLink
    from parcels.services.ownership import ownership_record
    from tests.factories import ParcelFactory, PlanFactory
    from tests.shapes import rect

    parcel = ParcelFactory(plan=PlanFactory(municipality=town), geom=rect(-2030, 90, -1990, 130))
    owner = Person.objects.create(kind="person", name_ar="مالك", national_id="1000000777", mobile="+966500000777")
    inspector = django_user_model.objects.create_user("building-x")
    membership_grant(user=inspector, municipality=town, roles=["building_inspector"])
    complaint = file(town, citizen, at(-2010, 110), category="building_violation")
    with pytest.raises(RegisterError, match="not recorded"):  # no owner on record: said, nothing opened
        services.case_transition(case=complaint.case, transition="request_visit", actor=inspector,
                                 expected_version=None)
    ownership_record(parcel=parcel, party=owner, actor="test")
    case = services.case_transition(case=complaint.case, transition="request_visit", actor=inspector,
                                    expected_version=None)
    violation = Case.objects.get(case_type="building_violation")
    assert list(violation.parcels.all()) == [parcel] and violation.queue_role.code == "building_inspector"
    assert CaseLink.objects.filter(from_case=violation, to_case=case).exists()
    assert violation.number in case.timeline.filter(kind="link").get().body

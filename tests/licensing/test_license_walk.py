"""A commercial license through its declared workflow on a real PostGIS: eligibility refusals, the immediate
path (billed on application, issued on payment with its certificate), the review path with its pre-opening
visit, renewal in its window (late: surcharged), expiry and cancellation revoking the child permits."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import ChangeRecord
from cases.models import Case
from cases.services import case_apply, case_transition
from common.errors import RegisterError
from licensing.models import ChildPermit, License, Visit
from licensing.schedule import licenses_expire_due
from licensing.services.visits import visit_record
from payments.models import Bill
from tests.licensing.conftest import application, at, pay_in_process, shop_point


def apply(town, owner, data, point, case_type="commercial_license"):
    return case_apply(municipality=town, case_type=case_type, actor=owner.user, data=data,
                      parties=[(owner, "applicant")], point=point)


def step(case, name, actor, note=None):
    return case_transition(case=case, transition=name, actor=actor, expected_version=None, note=note)


def all_yes(license):
    return {i.code: True for i in license.activity.checklist.all()}


def test_an_immediate_activity_is_billed_at_once_and_issued_on_payment(town, shops, owner):
    case = apply(town, owner, application(signboard_m2=Decimal("4"), home_delivery=True), shop_point())
    assert case.status == "awaiting_payment"
    bill = Bill.objects.get(case=case)
    # Category 3: 60 m² x SAR 6 (premises) + SAR 200 issue fee + the signboard 4 m² x SAR 120.
    assert bill.amount == Decimal("360") + Decimal("200") + Decimal("480")
    license = License.objects.get(case=case)
    assert license.status == "applied" and license.premises.parcel == shops["S-1"]
    assert pay_in_process(case) == "issue"
    license.refresh_from_db()
    assert license.status == "active" and license.number.startswith("RAS-CL-")
    assert license.expires_on == license.issued_on.replace(year=license.issued_on.year + 1)
    assert license.next_visit_on == license.issued_on + timedelta(days=365)  # low risk
    assert license.certificate is not None and license.certificate.pdf.size > 3000
    assert set(ChildPermit.objects.filter(license=license, active=True).values_list("kind", flat=True)) == {
        "signboard", "home_delivery"}
    assert ChangeRecord.objects.filter(object_id=str(license.pk), note__isnull=False).exists()


def test_ineligible_places_are_refused_saying_which_rule(town, shops, owner):
    with pytest.raises(RegisterError) as outside:
        apply(town, owner, application(), at(100, 60))  # between parcels
    assert "parcel" in str(outside.value) or "قطعة" in str(outside.value)
    with pytest.raises(RegisterError) as vacant:
        apply(town, owner, application(cr="4031000002"), at(70, 12))
    assert "S-3" in str(vacant.value)
    with pytest.raises(RegisterError) as school:
        apply(town, owner, application(activity="C01", cr="4031000003"), at(180, 12))
    assert "SCH" in str(school.value) and "100" in str(school.value)
    with pytest.raises(RegisterError) as zone:
        apply(town, owner, application(activity="C01", cr="4031000004"), at(10, 160))
    assert "R1" in str(zone.value)
    assert not Case.objects.filter(case_type="commercial_license").exists()
    assert not License.objects.exists()


def test_a_reviewed_activity_needs_its_pre_opening_visit_before_the_bill(town, shops, owner, officer, inspector):
    case = apply(town, owner, application(activity="R01", name="مطعم الواحة"), shop_point(40))
    assert case.status == "submitted" and not Bill.objects.filter(case=case).exists()
    case = step(case, "start_review", officer)
    case = step(case, "request_inspection", officer)
    visit = Visit.objects.get(origin_case=case)
    assert visit.kind == "pre_opening" and visit.inspector == inspector
    license = License.objects.get(case=case)
    answers = all_yes(license) | {"PEST": False}
    visit_record(visit=visit, actor=inspector, answers=answers)
    case.refresh_from_db()
    assert case.status == "in_review"  # a grave "no": failed, back to the officer; no fine before opening
    assert not Bill.objects.filter(case=case).exists() and not license.premises.visits.filter(
        violations__isnull=False).exists()
    case = step(case, "request_inspection", officer)
    second = Visit.objects.get(origin_case=case, status="planned")
    visit_record(visit=second, actor=inspector, answers=all_yes(license))
    case.refresh_from_db()
    assert case.status == "awaiting_payment" and Bill.objects.filter(case=case).count() == 1
    pay_in_process(case)
    license.refresh_from_db()
    assert license.status == "active" and license.next_visit_on == license.issued_on + timedelta(days=90)
    assert license.last_result == "pass"


def expiring(license, on):
    """As if the license had been issued a year before ``on``."""
    License.objects.filter(pk=license.pk).update(expires_on=on, issued_on=on - timedelta(days=365))


def issued(town, owner, **more):
    case = apply(town, owner, application(**more), shop_point())
    pay_in_process(case)
    return License.objects.get(case=case)


def test_renewal_opens_90_days_before_expiry_and_is_surcharged_when_late(town, shops, owner):
    license = issued(town, owner)
    with pytest.raises(RegisterError) as early:
        apply(town, owner, {"license_number": license.number}, None, case_type="license_renewal")
    assert "90" in str(early.value)
    today = timezone.localdate()
    expiring(license, today + timedelta(days=30))
    case = apply(town, owner, {"license_number": license.number}, None, case_type="license_renewal")
    assert case.status == "awaiting_payment"
    assert Bill.objects.get(case=case).amount == Decimal("360")  # 60 m² x SAR 6, no surcharge
    pay_in_process(case)
    license.refresh_from_db()
    assert license.expires_on == (today + timedelta(days=30)).replace(year=today.year + 1 + (
        (today + timedelta(days=30)).year - today.year))
    expiring(license, today - timedelta(days=10))
    assert licenses_expire_due() == 1
    license.refresh_from_db()
    assert license.status == "expired"
    late = apply(town, owner, {"license_number": license.number}, None, case_type="license_renewal")
    assert Bill.objects.get(case=late).amount == Decimal("450")  # + 25 % late surcharge
    pay_in_process(late)
    license.refresh_from_db()
    assert license.status == "active" and license.expires_on == today.replace(year=today.year + 1)


def test_expiry_revokes_the_child_permits_and_renewal_revives_them(town, shops, owner):
    license = issued(town, owner, signboard_m2=Decimal("2"))
    expiring(license, timezone.localdate() - timedelta(days=1))
    licenses_expire_due()
    sign = ChildPermit.objects.get(license=license)
    assert not sign.active and sign.revoked_because == "expired"
    late = apply(town, owner, {"license_number": license.number}, None, case_type="license_renewal")
    pay_in_process(late)
    sign.refresh_from_db()
    assert sign.active


def test_another_owner_cannot_take_a_registered_cr_or_renew_anothers_license(town, shops, owner,
                                                                           django_user_model):
    from accounts.models import Person

    license = issued(town, owner)
    stranger = Person.objects.create(kind="person", name_ar="غريب", name_en="Stranger", national_id="1055555555",
                                     user=django_user_model.objects.create_user("stranger", password="x"))
    with pytest.raises(RegisterError) as cr:
        apply(town, stranger, application(cr=license.premises.establishment.cr_number), shop_point(40))
    assert license.premises.establishment.cr_number in str(cr.value)
    expiring(license, timezone.localdate() + timedelta(days=5))
    with pytest.raises(RegisterError):
        apply(town, stranger, {"license_number": license.number}, None, case_type="license_renewal")


def test_the_owner_is_told_once_when_the_renewal_window_opens(town, shops, owner):
    from licensing.schedule import renewal_reminders_send
    from notifications.models import Notification

    license = issued(town, owner)
    assert renewal_reminders_send() == 0  # a year to go
    expiring(license, timezone.localdate() + timedelta(days=60))
    assert renewal_reminders_send() == 1
    renewal_reminders_send()  # the job again the next day: nothing new
    [sent] = Notification.objects.filter(template="license_renewal_open")
    assert sent.context["license"] == license.number and sent.recipient_name == owner.name_ar

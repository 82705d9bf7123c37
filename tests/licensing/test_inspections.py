"""Inspection visits on a real PostGIS: score and result from the checklist's weights, fines from the penalties
table scaled by category and size and doubled on repeat (a bill on a fine case), grace periods with their
re-inspection, closure for a grave item (suspended, reopened on a passed re-inspection, or cancelled with the
child permits revoked), and the risk-based schedule."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.services import case_transition
from common.errors import RegisterError, TransitionError
from licensing.fines import fine_amount
from licensing.models import ChildPermit, License, Penalty, Violation, Visit
from licensing.schedule import next_visit_after, visits_schedule_due
from licensing.services.visits import visit_record
from payments.models import Bill
from tests.licensing.conftest import application, pay_in_process, shop_point
from tests.licensing.test_license_walk import apply


@pytest.fixture
def restaurant(town, shops, owner, officer, inspector):
    """An active restaurant license (medium size) at S-2 with a 3 m² signboard, and a routine visit planned."""
    case = apply(town, owner, application(activity="R01", name="مطعم", size="medium", signboard_m2=Decimal("3")),
                 shop_point(40))
    for name in ("start_review", "request_inspection"):
        case = case_transition(case=case, transition=name, actor=officer, expected_version=None)
    license = License.objects.get(case=case)
    visit_record(visit=Visit.objects.get(origin_case=case), actor=inspector, answers=yes(license))
    pay_in_process(case)
    license.refresh_from_db()
    visit = Visit.objects.create(municipality=town, premises=license.premises, license=license,
                                 due_on=timezone.localdate(), inspector=inspector, geom=license.geom)
    return license, visit


def yes(license):
    return {i.code: True for i in license.activity.checklist.all()}


def test_the_fine_scales_with_category_and_size_and_doubles_on_repeat():
    penalty = Penalty(code="X", fine_min=Decimal("1000"), fine_max=Decimal("5000"))
    assert fine_amount(penalty=penalty, category=1, size_class="large", repeat=False) == Decimal("5000.00")
    assert fine_amount(penalty=penalty, category=5, size_class="large", repeat=False) == Decimal("1000.00")
    assert fine_amount(penalty=penalty, category=3, size_class="large", repeat=False) == Decimal("3000.00")
    assert fine_amount(penalty=penalty, category=3, size_class="micro", repeat=False) == Decimal("750.00")
    assert fine_amount(penalty=penalty, category=3, size_class="medium", repeat=True) == Decimal("4500.00")


def test_a_no_without_grace_is_fined_at_once_on_a_bill(restaurant, inspector):
    license, visit = restaurant
    outcome = visit_record(visit=visit, actor=inspector, answers=yes(license) | {"STOR": False, "HC": False})
    visit.refresh_from_db()
    assert visit.status == "done" and visit.result == "conditional"
    total = sum(i.weight for i in license.activity.checklist.all())
    assert visit.score == Decimal(100 * (total - 6) / total).quantize(Decimal("0.1"))
    fined = {v.penalty_code: v.amount for v in outcome.violations}
    # Category 3, medium (75 %): STOR 2000..10000 → 6000 x 0.75; HC-EXP 500..1000 → 750 x 0.75.
    assert fined == {"STOR": Decimal("4500.00"), "HC-EXP": Decimal("563.00")}
    bill = Bill.objects.get(case=outcome.fine_case)
    assert bill.amount == Decimal("5063.00") and outcome.fine_case.case_type == "inspection_fine"
    assert set(bill.lines.values_list("kind", flat=True)) == {"fine"}
    assert pay_in_process(outcome.fine_case) == "pay"
    license.refresh_from_db()
    assert license.last_result == "conditional"
    assert license.next_visit_on == timezone.localdate() + timedelta(days=45)  # high risk 90 x 0.5


def test_a_correctable_no_gets_its_grace_period_then_a_fine_if_found_again(restaurant, inspector):
    license, visit = restaurant
    outcome = visit_record(visit=visit, actor=inspector, answers=yes(license) | {"FIRE": False})
    [violation] = outcome.violations
    assert violation.status == "grace" and violation.amount == 0 and outcome.fine_case is None
    assert violation.grace_until == timezone.localdate() + timedelta(days=7)
    again = Visit.objects.get(premises=license.premises, status="planned")
    assert again.kind == "reinspection" and again.due_on == violation.grace_until
    outcome = visit_record(visit=again, actor=inspector, answers=yes(license) | {"FIRE": False})
    [second] = outcome.violations
    assert second.status == "fined" and second.repeat
    assert second.amount == Decimal("3000.00")  # 2000 x 0.75, doubled


def test_a_corrected_item_closes_its_grace(restaurant, inspector):
    license, visit = restaurant
    visit_record(visit=visit, actor=inspector, answers=yes(license) | {"LIC": False})
    again = Visit.objects.get(premises=license.premises, status="planned")
    visit_record(visit=again, actor=inspector, answers=yes(license))
    assert Violation.objects.get(item="LIC").status == "corrected"


def test_a_grave_no_closes_the_premises_until_a_re_inspection_passes(restaurant, inspector):
    license, visit = restaurant
    outcome = visit_record(visit=visit, actor=inspector, answers=yes(license) | {"PEST": False})
    license.refresh_from_db()
    assert license.status == "suspended" and outcome.closure_case.status == "closed"
    assert outcome.visit.result == "fail"
    assert Bill.objects.get(case=outcome.fine_case).amount == Decimal("9375.00")  # 12500 x 0.75
    reinspection = Visit.objects.get(origin_case=outcome.closure_case)
    visit_record(visit=reinspection, actor=inspector, answers=yes(license))
    outcome.closure_case.refresh_from_db()
    license.refresh_from_db()
    assert outcome.closure_case.status == "reopened" and license.status == "active"


def test_cancelling_after_closure_revokes_the_child_permits_and_is_objectionable(restaurant, inspector,
                                                                                  supervisor):
    license, visit = restaurant
    outcome = visit_record(visit=visit, actor=inspector, answers=yes(license) | {"GAS": False})
    case = case_transition(case=outcome.closure_case, transition="cancel_license", actor=supervisor,
                           expected_version=None, note="غاز غير آمن مرة ثانية")
    license.refresh_from_db()
    assert case.status == "cancelled" and license.status == "cancelled"
    sign = ChildPermit.objects.get(license=license)
    assert not sign.active and sign.revoked_because == "cancelled"
    assert not Visit.objects.filter(license=license, status="planned").exists()
    with pytest.raises(Exception):
        case_transition(case=outcome.closure_case, transition="cancel_license", actor=inspector,
                        expected_version=None, note="x")


def test_answers_must_cover_the_checklist_and_a_visit_is_recorded_once(restaurant, inspector):
    license, visit = restaurant
    with pytest.raises(RegisterError) as missing:
        visit_record(visit=visit, actor=inspector, answers={"HYG": True})
    assert "STOR" in str(missing.value)
    with pytest.raises(RegisterError):
        visit_record(visit=visit, actor=inspector, answers=yes(license) | {"NOPE": True})
    visit_record(visit=visit, actor=inspector, answers=yes(license))
    with pytest.raises(TransitionError):
        visit_record(visit=visit, actor=inspector, answers=yes(license))
    assert Violation.objects.count() == 0


def test_the_schedule_follows_risk_and_result_and_plans_due_visits_once(restaurant, town):
    day = timezone.localdate()
    assert next_visit_after(risk="low", result=None, day=day) == day + timedelta(days=365)
    assert next_visit_after(risk="high", result="fail", day=day) == day + timedelta(days=22)
    assert next_visit_after(risk="medium", result="pass", day=day, score=100) == day + timedelta(days=270)
    license, visit = restaurant
    Visit.objects.filter(pk=visit.pk).update(status="cancelled")
    License.objects.filter(pk=license.pk).update(next_visit_on=day)
    assert visits_schedule_due(municipality_id=town.pk) == 1
    assert visits_schedule_due(municipality_id=town.pk) == 0  # one open visit per premises
    assert Visit.objects.get(status="planned").kind == "routine"

"""A fine objected to: the owner objects within 60 days; an upheld objection puts the fine under the inspection
supervisor's review, who waives it (the bill withdrawn, the violations waived and no longer counted as a repeat)
or confirms it (its bill issued again if it lapsed meanwhile); a paid fine is confirmed as paid, or refunded
before it may be waived."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import objections
from cases.events import event_apply
from cases.models import Case
from cases.services import case_transition
from common.errors import GuardError, RegisterError
from licensing.models import Violation, Visit
from licensing.services.visits import visit_record
from payments.models import Bill
from tests.licensing.test_inspections import restaurant, yes  # noqa: F401 (fixture)
from tests.permits.conftest import staff
from tests.surveys.conftest import pay_in_process


@pytest.fixture
def fined(restaurant, inspector):  # noqa: F811
    license, visit = restaurant
    outcome = visit_record(visit=visit, actor=inspector, answers=yes(license) | {"STOR": False})
    return license, outcome.fine_case


@pytest.fixture
def objections_supervisor(town, django_user_model):
    return staff(django_user_model, town, "deptsupervisor", ["department_supervisor"])


def bill_number_of(case) -> str:
    return Bill.objects.get(case=case).bill_number_display


def upheld(case, owner, decider) -> Case:
    ocase = objections.objection_file(case=case, actor=owner.user, grounds="الثلاجة كانت في الصيانة").case
    ocase = case_transition(case=ocase, transition="start_review", actor=decider, expected_version=None)
    case_transition(case=ocase, transition="uphold", actor=decider, expected_version=None)
    case.refresh_from_db()
    return case


def test_a_fine_is_an_objectionable_decision_for_60_days(fined, owner, client):
    _license, case = fined
    assert case.status == "billed"
    [option] = objections.objection_options(case)
    assert option["transition"] == "fine"
    assert option["period_ends"] >= timezone.localdate() + timedelta(days=60)
    late = timezone.localdate() + timedelta(days=75)
    assert objections.objection_options(case, today=late) == []
    # The owner sees the fine on the portal, with its bill and the objection form.
    client.force_login(owner.user)
    page = client.get(f"/portal/transactions/{case.pk}/").content.decode()
    assert 'data-test="object-form" data-transition="fine"' in page and bill_number_of(case) in page


def test_an_upheld_objection_lets_the_supervisor_waive_the_fine(fined, owner, objections_supervisor, supervisor,
                                                                inspector, town):
    license, case = fined
    bill = Bill.objects.get(case=case)
    case = upheld(case, owner, objections_supervisor)
    assert case.status == "review" and case.queue_role.code == "inspection_supervisor"
    with pytest.raises(RegisterError) as no_note:  # a note is required, and it is the applicant's to read
        case_transition(case=case, transition="waive", actor=supervisor, expected_version=None)
    assert no_note.value.code == "note_required"
    case = case_transition(case=case, transition="waive", actor=supervisor, expected_version=None,
                           note="الصيانة موثقة بفاتورة")
    assert case.status == "waived" and case.closed_at is not None
    assert Bill.objects.get(pk=bill.pk).status == "cancelled"
    assert set(Violation.objects.filter(case=case).values_list("status", flat=True)) == {"waived"}
    # The same "no" at the next visit is a first violation again, not a repeat.
    nxt = Visit.objects.create(municipality=town, premises=license.premises, license=license,
                               due_on=timezone.localdate(), inspector=inspector, geom=license.geom)
    again = visit_record(visit=nxt, actor=inspector, answers=yes(license) | {"STOR": False})
    [violation] = again.violations
    assert not violation.repeat and violation.amount == Violation.objects.get(case=case).amount


def test_a_confirmed_fine_whose_bill_lapsed_is_billed_again(fined, owner, objections_supervisor, supervisor):
    _license, case = fined
    bill = Bill.objects.get(case=case)
    case = upheld(case, owner, objections_supervisor)
    Bill.objects.filter(pk=bill.pk).update(status="expired")
    assert event_apply(case_id=case.pk, event="payment.expired") is None  # under review: not sent to collection
    case = case_transition(case=case, transition="confirm", actor=supervisor, expected_version=None,
                           note="المخالفة ثابتة")
    assert case.status == "billed"
    fresh = Bill.objects.filter(case=case).exclude(pk=bill.pk).get()
    assert fresh.amount == bill.amount == Decimal("4500.00") and fresh.status in ("draft", "uploaded", "active")
    assert [(x.rule, x.amount) for x in fresh.lines.all()] == [(x.rule, x.amount) for x in bill.lines.all()]
    assert set(Violation.objects.filter(case=case).values_list("status", flat=True)) == {"fined"}


def test_a_paid_fine_is_confirmed_as_paid_or_refunded_before_a_waiver(fined, owner, objections_supervisor,
                                                                     supervisor):
    _license, case = fined
    pay_in_process(case)
    case.refresh_from_db()
    assert case.status == "paid"
    case = upheld(case, owner, objections_supervisor)
    assert case.status == "review"
    for name in ("waive", "confirm"):
        with pytest.raises(GuardError) as refused:
            case_transition(case=case, transition=name, actor=supervisor, expected_version=None, note="x")
        assert bill_number_of(case) in str(refused.value)  # the paid bill named: refund it first
    case = case_transition(case=case, transition="confirm_paid", actor=supervisor, expected_version=None,
                           note="ثابتة")
    assert case.status == "paid"
    assert Bill.objects.get(case=case).status == "paid"

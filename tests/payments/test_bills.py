"""Bills: issued from lines on a case (numbers with a check digit, exact amounts, dates in order, the case told),
cancelled only while unpaid, expired by the sweep (the case hears it)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from cases.models import TimelineEntry
from common.errors import RegisterError, TransitionError
from payments.models import Bill, Biller, BillLine, BillStatus
from payments.services import bill_cancel, bill_expire_due, bill_issue
from payments.services.bills import luhn_digit
from tests.payments.conftest import fee

pytestmark = pytest.mark.django_db


def luhn_valid(number: str) -> bool:
    return luhn_digit(number[:-1]) == number[-1]


def test_a_bill_is_issued_from_its_lines(bill, case, applicant):
    assert bill.status == BillStatus.DRAFT and str(bill.amount) == "350.50"
    assert len(bill.account_number) == 12 and luhn_valid(bill.account_number)
    assert bill.bill_number == "091" + bill.account_number
    assert bill.issue_date <= bill.due_date <= bill.expiry_date
    assert bill.payer_id == applicant.pk and bill.payer_id_number == applicant.national_id
    assert list(BillLine.objects.filter(bill=bill).values_list("position", "amount")) == [
        (1, Decimal("250.00")), (2, Decimal("100.50"))]
    assert TimelineEntry.objects.filter(case=case, data__bill=bill.pk, visible_to_applicant=True).exists()
    assert ProcrastinateJob.objects.filter(task_name="payments.upload", args__bill_id=bill.pk).count() == 1


def test_account_numbers_differ_and_a_typo_is_caught(case, reviewer):
    numbers = {bill_issue(case=case, actor=reviewer, service_code="x", lines=[fee("1.00")]).account_number
               for _ in range(5)}
    assert len(numbers) == 5 and all(luhn_valid(n) for n in numbers)
    n = next(iter(numbers))
    typo = n[:-2] + str((int(n[-2]) + 1) % 10) + n[-1]
    assert not luhn_valid(typo)


def test_nothing_to_pay_and_no_biller_are_refused(case, reviewer, town):
    with pytest.raises(RegisterError, match=r"more than SAR 0\.00"):
        bill_issue(case=case, actor=reviewer, service_code="x", lines=[])
    exempt = fee("-5.00")
    with pytest.raises(RegisterError, match=r"more than SAR 0\.00"):
        bill_issue(case=case, actor=reviewer, service_code="x", lines=[fee("5.00"), exempt])
    Biller.objects.filter(municipality=town).delete()
    with pytest.raises(RegisterError, match="no SADAD biller"):
        bill_issue(case=case, actor=reviewer, service_code="x", lines=[fee("5.00")])
    assert not Bill.objects.exists()


def test_the_database_refuses_a_bad_bill(bill):
    with pytest.raises(IntegrityError), transaction.atomic():
        Bill.objects.filter(pk=bill.pk).update(amount=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bill.objects.filter(pk=bill.pk).update(due_date=bill.issue_date - timedelta(days=1))


def test_cancel_needs_a_reason_and_an_unpaid_bill(bill, reviewer):
    with pytest.raises(RegisterError, match="reason"):
        bill_cancel(bill=bill, actor=reviewer, reason=" ")
    cancelled = bill_cancel(bill=bill, actor=reviewer, reason="the applicant withdrew")
    assert cancelled.status == BillStatus.CANCELLED
    with pytest.raises(TransitionError, match="only an unpaid bill"):
        bill_cancel(bill=bill, actor=reviewer, reason="again")


def test_the_expiry_sweep_expires_presented_bills_and_tells_the_case(bill):
    Bill.objects.filter(pk=bill.pk).update(status=BillStatus.ACTIVE, uploaded_at=timezone.now())
    assert bill_expire_due(today=bill.expiry_date) == 0  # the last day is still payable
    assert bill_expire_due(today=bill.expiry_date + timedelta(days=1)) == 1
    bill.refresh_from_db()
    assert bill.status == BillStatus.EXPIRED
    assert ProcrastinateJob.objects.filter(task_name="cases.event", args__event="payment.expired",
                                           args__case_id=bill.case_id).count() == 1
    assert bill_expire_due(today=bill.expiry_date + timedelta(days=2)) == 0


def test_an_instalment_plan_is_a_series_of_bills_presented_on_their_dates(case, reviewer):
    from datetime import date

    from payments.services import bills_present_due, plan_issue

    plan = plan_issue(case=case, actor=reviewer, service_code="investment_rent", total=Decimal("100000.00"),
                      instalments=3, first_issue=date(2026, 1, 31), every_months=1, explain_ar="إيجار",
                      explain_en="Rent")
    bills = list(Bill.objects.filter(plan=plan).order_by("instalment_no"))
    assert [b.instalment_no for b in bills] == [1, 2, 3]
    assert [str(b.amount) for b in bills] == ["33333.34", "33333.33", "33333.33"]  # exact to the halala
    assert sum(b.amount for b in bills) == plan.total
    assert [b.issue_date for b in bills] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert "instalment 2 of 3" in bills[1].lines.get().explain_en
    ProcrastinateJob.objects.filter(task_name="payments.upload").delete()
    assert bills_present_due(today=date(2026, 2, 27)) == 1  # the first only; the next on its day
    assert bills_present_due(today=date(2026, 3, 31)) == 3
    with pytest.raises(RegisterError, match="instalments"):
        plan_issue(case=case, actor=reviewer, service_code="x", total=Decimal("1"), instalments=0,
                   first_issue=date(2026, 1, 1), explain_ar="x", explain_en="x")

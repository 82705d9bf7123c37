"""End to end: the day's file fetched from the SADAD simulator over HTTP (a day not closed yet is "waiting"),
a payment the bank took but never notified credited from it, and applied by the real worker like a
notification — the bill paid, then settled, the case told."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.models import TimelineEntry
from payments.models import (
    Bill,
    BillStatus,
    Discrepancy,
    DiscrepancyKind,
    Payment,
    PaymentSource,
    PaymentState,
    ReconciliationRun,
    RunState,
)
from payments.reconciliation import days_to_reconcile, reconcile_all, reconcile_day, yesterday
from payments.tasks import reconcile as periodic_reconcile
from tests.payments.recon.conftest import DAY, at, notified, payable
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_payment_never_notified_is_fetched_credited_and_applied_by_the_worker(town, case, reviewer, settings,
                                                                                  sadad_sim, worker):
    settings.ARDH_SADAD_URL = sadad_sim.url
    matched, silent = payable(case, reviewer, "350.00"), payable(case, reviewer, "99.99")
    sadad_sim.pay(account_number=matched.account_number, amount="350.00", paid_at=at(9), force=True)
    notified(matched, sadad_sim.payments()[-1]["payment_ref"], paid_at=at(9))  # as the endpoint records it
    sadad_sim.faults(skip_notify=True)
    sadad_sim.pay(account_number=silent.account_number, amount="99.99", paid_at=at(11), force=True)

    sadad_sim.close_day(DAY.isoformat())
    run = reconcile_day(municipality=town, biller_code="091", day=DAY)  # fetched from SADAD
    assert run.state == RunState.DONE and run.file_lines == 2
    assert run.summary["matched"]["count"] == 1 and run.summary["not_notified"]["count"] == 1
    assert Bill.objects.get(pk=matched.pk).status == BillStatus.SETTLED
    credited = Payment.objects.get(account_number=silent.account_number)
    assert credited.source == PaymentSource.RECONCILIATION
    assert Discrepancy.objects.filter(payment=credited, kind=DiscrepancyKind.NOT_NOTIFIED).count() == 1

    wait_for(lambda: Bill.objects.get(pk=silent.pk).status == BillStatus.SETTLED, timeout=60,
             what="the credited payment applied by the worker and its bill settled", worker=worker)
    credited.refresh_from_db()
    assert credited.state == PaymentState.APPLIED and credited.bill_id == silent.pk
    assert TimelineEntry.objects.filter(case=case, data__payment=credited.pk).exists()
    assert Payment.objects.filter(bill=silent, state=PaymentState.APPLIED).count() == 1


def test_the_periodic_job_reconciles_yesterday_and_a_day_not_closed_waits(town, settings, sadad_sim):
    settings.ARDH_SADAD_URL = sadad_sim.url
    periodic_reconcile(timestamp=0)
    run = ReconciliationRun.objects.get()
    assert run.day == yesterday() and run.state == RunState.DONE and run.biller_code == "091"
    today = timezone.localdate()  # SADAD closes a day after it ends: today's file is not there yet
    assert reconcile_all(day=today) == {"091": RunState.WAITING}
    assert reconcile_all(day=today) == {"091": RunState.WAITING}
    waiting = ReconciliationRun.objects.get(state=RunState.WAITING)  # noted once
    assert waiting.day == today and not waiting.lines.exists()
    assert today in days_to_reconcile()  # the next tick asks again

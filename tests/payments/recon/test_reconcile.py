"""reconcile_day: each category found in SQL from a file written in SADAD's format, the bills settled and
audited, the strict reader refusing a bad file whole, and re-reading a day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import ChangeRecord
from payments.models import (
    Bill,
    BillStatus,
    Discrepancy,
    DiscrepancyKind,
    LineCategory,
    Payment,
    PaymentSource,
    PaymentState,
    ReconciliationLine,
    ReconciliationRun,
    RunState,
)
from payments.reconciliation import ReconciliationFileError, reconcile_day
from payments.reconciliation_selectors import CATEGORIES
from tests.payments.recon.conftest import DAY, at, expire_before_day, line, notified, queued, recon_file

pytestmark = pytest.mark.django_db


def reconcile(town, content: bytes, day: date = DAY):
    return reconcile_day(municipality=town, biller_code="091", day=day, content=content, actor="test")


def kinds(**filters) -> list[tuple[str, str]]:
    return sorted(Discrepancy.objects.filter(**filters).values_list("payment__payment_ref", "kind"))


def test_matched_payments_are_reconciled_and_their_bills_settled_with_history(town, bills):
    p1, p2 = notified(bills[0], "SDD-1"), notified(bills[1], "SDD-2", paid_at=at(23))
    run = reconcile(town, recon_file([line("SDD-1", bills[0]), line("SDD-2", bills[1], paid_at=at(23))]))
    assert run.state == RunState.DONE and run.file_lines == 2 and run.file_total == Decimal("470.50")
    assert run.summary["matched"] == {"count": 2, "total": "470.50"}
    assert run.summary["missing_from_file"]["count"] == 0 and run.summary["not_notified"]["count"] == 0
    for payment, bill in ((p1, bills[0]), (p2, bills[1])):
        payment.refresh_from_db()
        bill.refresh_from_db()
        assert payment.reconciled_on == DAY
        assert bill.status == BillStatus.SETTLED and bill.settled_at is not None
        assert ChangeRecord.objects.filter(entity="payments.bill", object_id=bill.pk,
                                           changes={"status": ["paid", "settled"]}).count() == 1
    assert not Discrepancy.objects.exists()
    assert list(run.lines.values_list("category", flat=True)) == ["matched", "matched"]
    assert Bill.objects.get(pk=bills[2].pk).status == BillStatus.ACTIVE  # not in the file, not touched
    history = ChangeRecord.objects.get(entity="payments.reconciliationrun", object_id=run.pk)
    assert history.actor_label == "test" and history.changes["matched"] == 2 and "2 lines" in history.note


def test_paid_in_the_file_never_notified_is_credited_flagged_and_queued(town, bills):
    run = reconcile(town, recon_file([line("SDD-NN", bills[2])]))
    payment = Payment.objects.get(payment_ref="SDD-NN")
    assert payment.source == PaymentSource.RECONCILIATION and payment.state == PaymentState.RECEIVED
    assert payment.amount == bills[2].amount and payment.reconciled_on == DAY
    assert payment.municipality_id == town.pk and payment.paid_at.isoformat() == "2026-12-03T07:00:00+00:00"
    assert kinds() == [("SDD-NN", DiscrepancyKind.NOT_NOTIFIED)]
    d = Discrepancy.objects.get()
    assert d.bill_id == bills[2].pk and d.day == DAY and d.details["line"] == 2 and d.owner_id is None
    assert run.summary["not_notified"] == {"count": 1, "total": "99.99"}
    assert queued("payments.reconcile_apply") == [{"run_id": run.pk}]
    assert ReconciliationLine.objects.get(run=run).payment_id == payment.pk


def test_notified_but_missing_from_the_file_is_flagged_for_that_day_only(town, bills):
    notified(bills[0], "SDD-1")
    notified(bills[1], "SDD-GONE", paid_at=at(1))  # 01:00 Riyadh on the day (22:00 UTC the day before)
    notified(bills[2], "SDD-NEXT", paid_at=at(0, DAY + timedelta(days=1)))  # the next day's
    run = reconcile(town, recon_file([line("SDD-1", bills[0])]))
    assert kinds() == [("SDD-GONE", DiscrepancyKind.MISSING_FROM_FILE)]
    assert run.summary["missing_from_file"] == {"count": 1, "total": "120.50"}
    assert Bill.objects.get(pk=bills[1].pk).status == BillStatus.PAID  # not settled: not in the file


def test_an_amount_that_differs_from_the_notification_is_flagged_not_settled(town, bills):
    notified(bills[3], "SDD-AMT")
    run = reconcile(town, recon_file([line("SDD-AMT", bills[3], amount="401.00")]))
    d = Discrepancy.objects.get()
    assert d.kind == DiscrepancyKind.FILE_AMOUNT_MISMATCH and d.payment.payment_ref == "SDD-AMT"
    assert d.details["file_amount"] == "401.00" and d.details["notified_amount"] == "410.00"
    assert run.summary["amount_mismatch"] == {"count": 1, "total": "401.00"}
    assert Bill.objects.get(pk=bills[3].pk).status == BillStatus.PAID
    assert Payment.objects.get(payment_ref="SDD-AMT").reconciled_on is None


def test_a_bill_paid_after_its_expiry_is_flagged_late(town, bills):
    notified(bills[4], "SDD-LATE")  # applied while the bill was current ...
    expire_before_day(bills[4])  # ... the file shows it was paid after the expiry date
    run = reconcile(town, recon_file([line("SDD-LATE", bills[4]), line("SDD-ONTIME", bills[0])]))
    assert ("SDD-LATE", DiscrepancyKind.LATE_PAYMENT) in kinds()
    assert run.summary["late"] == {"count": 1, "total": "75.25"}
    assert list(run.lines.filter(late=True).values_list("payment_ref", flat=True)) == ["SDD-LATE"]


@pytest.mark.parametrize("content, where", [
    (lambda b: recon_file([line("SDD-1", b[0]), line("SDD-2", b[1])], count=3), ("line 4", "TRAILER count")),
    (lambda b: recon_file([line("SDD-1", b[0]), line("SDD-2", b[1])], total="470.51"), ("line 4", "TRAILER sum")),
    (lambda b: recon_file([line("SDD-1", b[0]), line("SDD-2", b[1], amount="120.5")]), ("line 3", "amount")),
    (lambda b: recon_file([line("SDD-1", b[0]), line("sdd-2", b[1])]), ("line 3", "payment_ref")),
    (lambda b: recon_file([line("SDD-1", b[0]), line("SDD-2", "12345", "120.50")]), ("line 3", "account_number")),
    (lambda b: recon_file([line("SDD-1", b[0]), line("SDD-2", b[1], biller="92")]), ("line 3", "biller_code")),
    (lambda b: recon_file([line("SDD-1", b[0]), line("SDD-2", b[1], paid_at="2026-12-03T10:00:00")]),
     ("line 3", "paid_at")),
    (lambda b: recon_file([line("SDD-1", b[0]), line("SDD-2", b[1], paid_at=at(10, DAY - timedelta(days=1)))]),
     ("line 3", "paid_at")),
    (lambda b: recon_file([line("SDD-1", b[0]), line("SDD-1", b[1])]), ("line 3", "payment_ref")),
    (lambda b: recon_file([line("SDD-1", b[0]), line("SDD-2", b[1]).replace(",SAR,", ",USD,")]),
     ("line 3", "currency")),
    (lambda b: recon_file([line("SDD-1", b[0])]).replace(b"payment_ref,", b"ref,"), ("line 1", "header")),
    (lambda b: recon_file([line("SDD-1", b[0])]).rsplit(b"TRAILER", 1)[0], ("line 3", "TRAILER")),
])
def test_a_bad_file_is_refused_whole_naming_the_line_and_field(town, bills, content, where):
    notified(bills[0], "SDD-1")
    notified(bills[2], "SDD-3")  # would be missing from the file: nothing may be flagged
    before = (Payment.objects.count(), list(Bill.objects.order_by("pk").values_list("status", flat=True)))
    with pytest.raises(ReconciliationFileError) as refused:
        reconcile(town, content(bills))
    message = refused.value.message
    assert where[0] in message and f"field {where[1]}" in message, message
    assert "السطر" in message  # and in Arabic
    assert not ReconciliationRun.objects.exists() and not ReconciliationLine.objects.exists()
    assert not Discrepancy.objects.exists() and not queued("payments.reconcile_apply")
    assert (Payment.objects.count(), list(Bill.objects.order_by("pk").values_list("status", flat=True))) == before
    assert not Payment.objects.filter(reconciled_on__isnull=False).exists()


def test_the_same_file_again_is_the_same_run_and_another_file_a_new_one(town, bills):
    notified(bills[0], "SDD-1")
    notified(bills[1], "SDD-GONE")
    notified(bills[3], "SDD-AMT")
    first_file = recon_file([line("SDD-1", bills[0]), line("SDD-NN", bills[2]),
                             line("SDD-AMT", bills[3], amount="400.00")])
    first = reconcile(town, first_file)
    found = kinds()
    assert len(found) == 3
    again = reconcile(town, first_file)
    assert again.pk == first.pk and ReconciliationRun.objects.count() == 1
    assert [again.summary[k] for k in CATEGORIES] == [first.summary[k] for k in CATEGORIES]
    assert again.summary["not_notified"]["count"] == 1  # the payment credited from the file stays "never notified"
    assert kinds() == found and again.summary["flagged_now"] == 0 and again.summary["credited_now"] == 0
    assert ReconciliationLine.objects.count() == 3
    assert ChangeRecord.objects.filter(entity="payments.bill", changes={"status": ["paid", "settled"]}).count() == 1

    corrected = reconcile(town, recon_file([line("SDD-1", bills[0]), line("SDD-NN", bills[2]),
                                            line("SDD-AMT", bills[3]), line("SDD-GONE", bills[1])]))
    assert corrected.pk != first.pk and ReconciliationRun.objects.filter(day=DAY).count() == 2
    assert corrected.summary["matched"]["count"] == 3 and corrected.summary["missing_from_file"]["count"] == 0
    assert kinds() == found  # the first file's findings stay for finance to resolve


def test_the_command_reads_a_file_and_says_what_it_found(town, bills, tmp_path, capsys):
    notified(bills[0], "SDD-1")
    path = tmp_path / "091-2026-12-03.csv"
    path.write_bytes(recon_file([line("SDD-1", bills[0])]))
    call_command("reconcile_payments", "--day", "2026-12-03", "--file", str(path))
    assert "done" in capsys.readouterr().out
    assert ReconciliationRun.objects.get().summary["matched"]["count"] == 1
    path.write_bytes(recon_file([line("SDD-1", bills[0])], count=2))
    with pytest.raises(CommandError, match="TRAILER count"):
        call_command("reconcile_payments", "--day", "2026-12-03", "--file", str(path))
    refused = ReconciliationRun.objects.get(state=RunState.REFUSED)  # noted, with why, beside the good run
    assert "TRAILER count" in refused.error and not refused.lines.exists()
    with pytest.raises(CommandError, match="--day"):
        call_command("reconcile_payments", "--day", "03/12/2026")


def test_lines_are_stored_with_their_category(town, bills):
    notified(bills[0], "SDD-1")
    run = reconcile(town, recon_file([line("SDD-1", bills[0]), line("SDD-NN", bills[2])]))
    rows = list(run.lines.order_by("line_no").values_list("line_no", "payment_ref", "category", "amount"))
    assert rows == [(2, "SDD-1", LineCategory.MATCHED, Decimal("350.00")),
                    (3, "SDD-NN", LineCategory.NOT_NOTIFIED, Decimal("99.99"))]


def test_only_finance_officers_or_the_system_reconcile(town, bills, reviewer, finance):
    from common.errors import NotPermitted

    notified(bills[0], "SDD-1")
    content = recon_file([line("SDD-1", bills[0])])
    with pytest.raises(NotPermitted):
        reconcile_day(municipality=town, biller_code="091", day=DAY, content=content, actor=reviewer)
    assert not ReconciliationRun.objects.exists()
    run = reconcile_day(municipality=town, biller_code="091", day=DAY, content=content, actor=finance)
    assert run.actor == finance and run.summary["matched"]["count"] == 1
    with pytest.raises(Exception, match="biller"):
        reconcile_day(municipality=town, biller_code="092", day=DAY, content=content, actor=finance)

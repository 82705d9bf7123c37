"""The payments' part of the demo (``PaymentsConfig.demo_part``): the demo municipality's SADAD biller (made
before any case is billed: ``fixtures.demo`` calls ``ensure_biller`` first), and some of the approved survey
decisions' bills paid, as SADAD would have told us, so the finance pages show a history from the start."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality
from payments.models import Bill, Biller, BillStatus, Payment, ReconciliationRun
from payments.reconciliation import day_bounds, reconcile_day
from payments.services import payment_apply, payment_record


def ensure_biller(municipality: Municipality) -> Biller:
    biller = Biller.objects.filter(municipality=municipality).first()
    if biller is None:
        code = settings.ARDH_SADAD_BILLER_CODE
        if Biller.objects.filter(code=code).exists():  # another demo municipality has it: the next free code
            code = next(f"{n:03d}" for n in range(900, 1000) if not Biller.objects.filter(code=f"{n:03d}").exists())
        biller = Biller.objects.create(municipality=municipality, code=code, name_ar=municipality.name_ar,
                                       name_en=municipality.name_en)
    return biller


def pay_demo_bill(ctx, bill: Bill, *, paid_at) -> bool:
    payment, created = payment_record(
        municipality=ctx.municipality, biller_code=bill.biller_code, payment_ref=f"DEMO-{bill.account_number}",
        account_number=bill.account_number, amount=bill.amount, currency="SAR", paid_at=paid_at,
        bank_code=ctx.rng.choice(["RJHI", "NCBK", "RIBL", "SABB", "ALBI"]),
        channel=ctx.rng.choice(["ONLINE", "MOBILE", "ATM", "BRANCH"]))
    if created:
        payment_apply(payment_id=payment.pk)
    return created


def pay_case(ctx, case) -> None:
    """A process's demo part: the case's open bills paid as SADAD would tell us, and the case's step on the
    payment taken at once (what the worker would do)."""
    from cases.events import event_apply

    for bill in Bill.objects.filter(case=case, status__in=[BillStatus.DRAFT, BillStatus.UPLOADED, BillStatus.ACTIVE]):
        pay_demo_bill(ctx, bill, paid_at=timezone.now())
    event_apply(case_id=case.pk, event="payment.paid")


@transaction.atomic
def generate(ctx) -> None:
    ensure_biller(ctx.municipality)
    # The bills of the demo's approved survey decisions: all but the last four paid over the past year (the
    # revenue charts need months; their bills dated back), then half of those four paid yesterday, the rest left
    # to pay on the simulator's bank page. Idempotent: only bills never paid (the payment reference is the bill's).
    # Only the survey decisions' bills: the other processes' demo parts pay their own (a second run of the demo must
    # not pay a bill another part left open on purpose, e.g. a permit awaiting payment for the bank page).
    open_bills = list(Bill.objects.filter(municipality=ctx.municipality, service_code="survey_decision",
                                          status__in=[BillStatus.DRAFT, BillStatus.ACTIVE],
                                          payments__isnull=True).order_by("id"))
    past, open_bills = open_bills[:-4], open_bills[-4:]
    for i, bill in enumerate(past):
        issued = timezone.localdate() - timedelta(days=20 + (i * 340) // max(len(past), 1) + ctx.rng.randint(0, 9))
        Bill.objects.filter(pk=bill.pk).update(issue_date=issued, due_date=issued + timedelta(days=14),
                                               expiry_date=issued + timedelta(days=30))
        bill.refresh_from_db()
        day = issued + timedelta(days=ctx.rng.randint(0, 12))
        pay_demo_bill(ctx, bill, paid_at=timezone.make_aware(datetime.combine(day, time(9 + ctx.rng.randint(0, 9)))))
    ctx.log(f"payments: {len(past)} bill(s) of the past year paid")
    # Which half: by the account number's last digit but one, so a second run picks none of those left to pay.
    # Paid yesterday morning: the day the demo's reconciliation shows.
    day = timezone.localdate() - timedelta(days=1)
    morning = timezone.make_aware(datetime.combine(day, time(8, 0)))
    paid = sum(pay_demo_bill(ctx, bill, paid_at=morning + timedelta(minutes=7 * i))
               for i, bill in enumerate(b for b in open_bills if int(b.account_number[-2]) % 2 == 0))
    ctx.log(f"payments: {paid} demo bill(s) paid, {len(open_bills) - paid} left to pay on the SADAD bank page")
    ctx.log(f"payments: reconciliation of {day}: {_reconciled_day(ctx, day)}")


def _reconciled_day(ctx, day) -> str:
    """Yesterday's SADAD file as the demo's bank would send it — every payment of the day, and two that disagree:
    one never notified (a bill of the demo's paid at the bank only), one whose amount differs — reconciled, so the
    reconciliation page shows a day with its categories. Once (not when the day has a run)."""
    if ReconciliationRun.objects.filter(municipality=ctx.municipality, day=day).exists():
        return "already there"
    biller = Biller.objects.get(municipality=ctx.municipality)
    start, end = day_bounds(day)
    payments = list(Payment.objects.filter(biller_code=biller.code, paid_at__gte=start, paid_at__lt=end)
                    .order_by("paid_at"))
    lines = [(p.payment_ref, p.account_number, p.amount, p.paid_at, p.bank_code, p.channel) for p in payments]
    if lines:
        ref, account, amount, paid_at, bank, channel = lines[-1]
        lines[-1] = (ref, account, amount + 1, paid_at, bank, channel)  # the bank's file says one riyal more
    # Never notified: one of the bills still to pay (while two are left for the bank page).
    left = list(Bill.objects.filter(municipality=ctx.municipality, status__in=[BillStatus.DRAFT, BillStatus.ACTIVE],
                                    payments__isnull=True).order_by("id")[:2])
    unpaid = left[0] if len(left) >= 2 else None
    if unpaid is not None:
        lines.append((f"DEMO-FILE-{unpaid.account_number}", unpaid.account_number, unpaid.amount,
                      start + timedelta(hours=13), "RJHI", "ATM"))
    rows = ["payment_ref,biller_code,account_number,amount,currency,paid_at,bank_code,channel"]
    rows += [f"{r},{biller.code},{a},{m:.2f},SAR,{timezone.localtime(t).isoformat()},{b},{c}"
             for r, a, m, t, b, c in lines]
    rows.append(f"TRAILER,{len(lines)},{sum((m for _r, _a, m, *_x in lines), Decimal(0)):.2f}")
    run = reconcile_day(municipality=ctx.municipality, biller_code=biller.code, day=day,
                        content=("\n".join(rows) + "\n").encode(), actor="demo")
    return f"{len(lines)} lines, run {run.pk} ({run.state})"

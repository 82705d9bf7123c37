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
from cases.models import Case
from payments.lines import FeeLine, sar
from payments.models import Bill, Biller, BillStatus
from payments.services import bill_issue, payment_apply, payment_record


def ensure_biller(municipality: Municipality) -> Biller:
    biller = Biller.objects.filter(municipality=municipality).first()
    if biller is None:
        code = settings.ARDH_SADAD_BILLER_CODE
        if Biller.objects.filter(code=code).exists():  # another demo municipality has it: the next free code
            code = next(f"{n:03d}" for n in range(900, 1000) if not Biller.objects.filter(code=f"{n:03d}").exists())
        biller = Biller.objects.create(municipality=municipality, code=code, name_ar=municipality.name_ar,
                                       name_en=municipality.name_en)
    return biller


def _history(ctx) -> int:
    """A year of paid bills on the demo's closed cases (the revenue charts need months): issued in the past and
    paid a few days later. Only once (none when the demo has such bills already)."""
    if Bill.objects.filter(municipality=ctx.municipality, issue_date__lt=timezone.localdate() - timedelta(days=20)
                           ).exists():
        return 0
    cases = list(Case.objects.filter(municipality=ctx.municipality, closed_at__isnull=False).order_by("id")[:60])
    today, made = timezone.localdate(), 0
    for case in cases:
        issued = today - timedelta(days=ctx.rng.randint(25, 360))
        amount = sar(ctx.rng.choice([150, 300, 450, 600, 900, 1200, 2400]) + ctx.rng.randint(0, 99) / 100)
        line = FeeLine(kind="fee", rule=f"{case.case_type}.demo", quantity=Decimal(1), rate=amount, amount=amount,
                       explain_ar=f"رسوم {case.case_type} (بيانات العرض)", explain_en=f"{case.case_type} fee (demo)")
        bill = bill_issue(case=case, actor="demo", service_code=case.case_type, lines=[line], issue_date=issued)
        _pay(ctx, bill, paid_at=timezone.make_aware(datetime.combine(issued + timedelta(days=ctx.rng.randint(0, 12)),
                                                                     time(9 + ctx.rng.randint(0, 10)))))
        made += 1
    return made


def _pay(ctx, bill: Bill, *, paid_at) -> bool:
    payment, created = payment_record(
        municipality=ctx.municipality, biller_code=bill.biller_code, payment_ref=f"DEMO-{bill.account_number}",
        account_number=bill.account_number, amount=bill.amount, currency="SAR", paid_at=paid_at,
        bank_code=ctx.rng.choice(["RJHI", "NCBK", "RIBL", "SABB", "ALBI"]),
        channel=ctx.rng.choice(["ONLINE", "MOBILE", "ATM", "BRANCH"]))
    if created:
        payment_apply(payment_id=payment.pk)
    return created


@transaction.atomic
def generate(ctx) -> None:
    ensure_biller(ctx.municipality)
    ctx.log(f"payments: {_history(ctx)} past bills paid (a year of revenue)")
    # Half of the bills of the demo's approved cases paid at a bank (as if notified), the rest left to pay on the
    # simulator's bank page. Idempotent: only bills never paid, and the payment reference is the bill's.
    open_bills = list(Bill.objects.filter(municipality=ctx.municipality, status__in=[BillStatus.DRAFT,
                                                                                      BillStatus.ACTIVE],
                                          payments__isnull=True).order_by("id"))
    # Which half: by the account number's last digit but one, so a second run picks none of those left to pay.
    paid = sum(_pay(ctx, bill, paid_at=timezone.now() - timedelta(hours=ctx.rng.randint(1, 48)))
               for bill in open_bills if int(bill.account_number[-2]) % 2 == 0)
    ctx.log(f"payments: {paid} demo bill(s) paid, {len(open_bills) - paid} left to pay on the SADAD bank page")

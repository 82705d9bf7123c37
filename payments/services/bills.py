"""Bills: issued on a case from computed lines, presented to SADAD by a job, cancelled, expired."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Party, Person
from audit.models import ChangeRecord
from audit.services import change_record
from cases.events import event_publish
from cases.models import Case, CaseParcel, CaseParty, PartyRole
from cases.services import case_record
from common.errors import RegisterError, TransitionError
from payments import notify
from payments.connector import connector
from payments.layers import unpaid_changed
from payments.lines import HALALA, FeeLine, sar, total_of
from payments.models import Bill, Biller, BillLine, BillStatus, DiscrepancyKind, InstalmentPlan
from payments.models.bills import OPEN_STATUSES
from runtime.jobs import defer_after_commit

logger = logging.getLogger(__name__)
ACCOUNT_SEQUENCE = "payments_account_seq"


def bill_status_set(bill: Bill, status: str, *, actor, note: str = "", **fields) -> Bill:
    """Move a locked bill to ``status`` (with ``fields``, e.g. paid_at): its version, the unpaid map's tiles and
    the history. Inside the caller's transaction."""
    before = bill.status
    bill.status, bill.status_since = status, timezone.now()
    for name, value in fields.items():
        setattr(bill, name, value)
    bill.version += 1
    bill.save(update_fields=["status", "status_since", "version", "updated_at", *fields])
    unpaid_changed(bill)
    change_record(instance=bill, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": [before, status]}, note=note)
    return bill


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of ``digits`` (SADAD account numbers end with one: a mistyped number is refused)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def next_account_number() -> str:
    """A new 12-digit account number: 11 digits of a database sequence and a Luhn check digit."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [ACCOUNT_SEQUENCE])
        body = f"{cursor.fetchone()[0]:011d}"
    return body + luhn_digit(body)


def _payer_of(case: Case, payer: Party | None) -> tuple[Party | None, str]:
    if payer is None:
        cp = CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT).select_related("party").first()
        payer = cp.party if cp else None
    if payer is None:
        return None, ""
    person = Person.objects.filter(pk=payer.pk).only("national_id").first()
    if person is not None:
        return payer, person.national_id
    org = Organisation.objects.filter(pk=payer.pk).only("cr_number").first()
    return payer, org.cr_number if org else ""


def _biller_of(municipality_id: int) -> Biller:
    biller = Biller.objects.filter(municipality_id=municipality_id).first()
    if biller is None:
        raise RegisterError(_("This municipality has no SADAD biller code yet; finance sets it in the admin "
                              "(Payments: SADAD billers)."), code="no_biller")
    return biller


@transaction.atomic
def bill_issue(*, case: Case, actor, service_code: str, lines: Sequence[FeeLine], payer: Party | None = None,
               due_days: int | None = None, expiry_days: int | None = None, plan=None,
               instalment_no: int | None = None, issue_date: date | None = None) -> Bill:
    """A bill of ``lines`` on ``case`` (draft), presented to SADAD by a job once this commits."""
    lines = list(lines)
    total = total_of(lines)
    if not lines or total <= 0:
        raise RegisterError(_("A bill needs lines adding up to more than SAR 0.00 (they add up to %(t)s).")
                            % {"t": total}, code="empty_bill")
    biller = _biller_of(case.municipality_id)
    payer, id_number = _payer_of(case, payer)
    today = issue_date or timezone.localdate()
    due = today + timedelta(days=settings.ARDH_BILL_DUE_DAYS if due_days is None else due_days)
    expiry = max(due, today + timedelta(days=settings.ARDH_BILL_EXPIRY_DAYS if expiry_days is None else expiry_days))
    parcel = CaseParcel.objects.filter(case=case).values_list("parcel_id", flat=True).first()
    bill = Bill.objects.create(
        municipality_id=case.municipality_id, case=case, service_code=service_code[:50], biller_code=biller.code,
        account_number=next_account_number(), status=BillStatus.DRAFT, status_since=timezone.now(), amount=total,
        issue_date=today, due_date=due, expiry_date=expiry, payer=payer, payer_id_number=id_number,
        payer_name=(payer.name_ar if payer else "")[:200], plan=plan, instalment_no=instalment_no,
        parcel_id=parcel, location=case.location,
        created_by=None if actor is None or isinstance(actor, str) else actor,
    )
    BillLine.objects.bulk_create([
        BillLine(bill=bill, position=i, kind=line.kind, rule=line.rule[:100], quantity=line.quantity,
                 rate=line.rate, amount=line.amount, explain_ar=line.explain_ar[:500], explain_en=line.explain_en[:500])
        for i, line in enumerate(lines, start=1)
    ])
    change_record(instance=bill, action=ChangeRecord.Action.CREATE, actor=actor,
                  note=f"bill {bill.bill_number} SAR {total} on {case.number}")
    case_record(case=case, actor=actor, data={"bill": bill.pk, "amount": f"{total:.2f}"},
                body=_("Bill %(number)s of SAR %(amount)s issued, to pay by %(due)s.")
                % {"number": bill.bill_number_display, "amount": f"{total:.2f}", "due": due.isoformat()})
    if today <= timezone.localdate():  # a later instalment is presented on its issue date (bills_present_due)
        defer_after_commit("payments.upload", queueing_lock=f"payments.upload:{bill.pk}", bill_id=bill.pk)
    return bill


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@transaction.atomic
def plan_issue(*, case: Case, actor, service_code: str, total, instalments: int, first_issue: date,
               every_months: int = 12, kind: str = "rent", explain_ar: str, explain_en: str,
               payer: Party | None = None) -> InstalmentPlan:
    """An instalment plan (investment rent): ``total`` in ``instalments`` bills, the first issued on
    ``first_issue`` and each next ``every_months`` later; halalas left by the division go to the first bill. Each
    bill is presented to SADAD on its issue date."""
    total = sar(total)
    if instalments < 1 or instalments > 120 or total <= 0:
        raise RegisterError(_("An instalment plan needs a total above SAR 0.00 and 1 to 120 instalments."),
                            code="plan")
    plan = InstalmentPlan.objects.create(municipality_id=case.municipality_id, case=case, total=total,
                                         instalments=instalments, note=explain_en[:300])
    share = (total / instalments).quantize(HALALA, ROUND_DOWN)
    for n in range(1, instalments + 1):
        amount = share + (total - share * instalments if n == 1 else 0)
        args = {"n": n, "of": instalments}
        line = FeeLine(kind=kind, rule=f"{service_code}.instalment", quantity=Decimal(1), rate=amount, amount=amount,
                       explain_ar=f"{explain_ar} — القسط {n} من {instalments}",
                       explain_en=f"{explain_en} — instalment %(n)s of %(of)s" % args)
        bill_issue(case=case, actor=actor, service_code=service_code, lines=[line], payer=payer, plan=plan,
                   instalment_no=n, issue_date=_add_months(first_issue, every_months * (n - 1)))
    return plan


def bills_present_due(*, today: date | None = None) -> int:
    """Queue the presenting of drafts whose issue date has come (later instalments); how many."""
    today = today or timezone.localdate()
    ids = list(Bill.objects.filter(status=BillStatus.DRAFT, uploaded_at__isnull=True, upload_error="",
                                   issue_date__lte=today).values_list("pk", flat=True)[:5000])
    with transaction.atomic():
        for bill_id in ids:
            defer_after_commit("payments.upload", queueing_lock=f"payments.upload:{bill_id}", bill_id=bill_id)
    return len(ids)


def _upload_message(bill: Bill) -> dict:
    if bill.status == BillStatus.CANCELLED:
        return {"action": "cancel", "account_number": bill.account_number}
    return {"action": "upsert", "account_number": bill.account_number, "amount": f"{bill.amount:.2f}",
            "currency": bill.currency, "issue_date": bill.issue_date.isoformat(),
            "due_date": bill.due_date.isoformat(), "expiry_date": bill.expiry_date.isoformat(),
            "payer_id": bill.payer_id_number, "payer_name": bill.payer_name, "service_code": bill.service_code,
            "reference": bill.case.number, "min_partial": None}


def bill_upload(*, bill_id: int) -> Bill:
    """Present the bill to SADAD (or withdraw a cancelled one) and record SADAD's answer. Idempotent: SADAD
    upserts by account number. The HTTP call is outside any transaction; a failure raises (the job retries)."""
    with transaction.atomic():
        bill = Bill.objects.select_for_update().select_related("case").get(pk=bill_id)
        if bill.status not in (*OPEN_STATUSES, BillStatus.CANCELLED):
            return bill  # paid meanwhile (a payment beat the upload) or expired: nothing to present
        if bill.status == BillStatus.DRAFT:
            bill.status, bill.status_since = BillStatus.UPLOADED, timezone.now()
            bill.save(update_fields=["status", "status_since", "updated_at"])
        message = _upload_message(bill)
    answer = connector().upload(bill.biller_code, [message])
    rejected = [r for r in answer["rejected"] if r.get("account_number") == bill.account_number]
    with transaction.atomic():
        bill = Bill.objects.select_for_update().select_related("case", "municipality").get(pk=bill_id)
        if bill.status == BillStatus.CANCELLED or bill.status not in OPEN_STATUSES:
            return bill
        if rejected:
            from payments.services.discrepancies import discrepancy_open

            reason = "; ".join(f"{r.get('field', '?')}: {r.get('reason', '')}" for r in rejected)[:2000]
            bill.status, bill.status_since, bill.upload_error = BillStatus.DRAFT, timezone.now(), reason
            bill.save(update_fields=["status", "status_since", "upload_error", "updated_at"])
            discrepancy_open(municipality_id=bill.municipality_id, kind=DiscrepancyKind.UPLOAD_REJECTED, bill=bill,
                             details={"rejected": rejected})
            return bill
        if bill.account_number in answer["accepted"] and bill.status != BillStatus.ACTIVE:
            bill.status, bill.status_since, bill.uploaded_at, bill.upload_error = (
                BillStatus.ACTIVE, timezone.now(), timezone.now(), "")
            bill.version += 1
            bill.save(update_fields=["status", "status_since", "uploaded_at", "upload_error", "version",
                                     "updated_at"])
            unpaid_changed(bill)
            notify.tell_payer(bill, "bill_issued")
    return bill


@transaction.atomic
def bill_cancel(*, bill: Bill, actor, reason: str) -> Bill:
    """Withdraw an unpaid bill (from SADAD too, by the upload job): it can no longer be paid."""
    bill = Bill.objects.select_for_update().select_related("case").get(pk=bill.pk)
    reason = (reason or "").strip()
    if not reason:
        raise RegisterError(_("Cancelling a bill needs a reason."), code="reason_required")
    if bill.status not in (*OPEN_STATUSES, BillStatus.EXPIRED):
        raise TransitionError(_("Bill %(number)s is %(status)s; only an unpaid bill can be cancelled.")
                              % {"number": bill.bill_number_display, "status": bill.get_status_display()},
                              allowed=[])
    was_presented = bill.status != BillStatus.DRAFT or bill.uploaded_at is not None
    bill_status_set(bill, BillStatus.CANCELLED, actor=actor, note=f"cancelled: {reason[:500]}")
    case_record(case=bill.case, actor=actor, data={"bill": bill.pk},
                body=_("Bill %(number)s cancelled: %(reason)s") % {"number": bill.bill_number_display,
                                                                   "reason": reason[:500]})
    if was_presented:
        defer_after_commit("payments.upload", queueing_lock=f"payments.upload:{bill.pk}", bill_id=bill.pk)
    return bill


@transaction.atomic
def bill_expire_due(*, today: date | None = None) -> int:
    """Unpaid bills past their expiry date become expired; each case hears ``payment.expired``. How many."""
    today = today or timezone.localdate()
    expired = list(Bill.objects.select_for_update(skip_locked=True)
                   .filter(status__in=OPEN_STATUSES, expiry_date__lt=today).exclude(status=BillStatus.DRAFT,
                                                                                    uploaded_at__isnull=True))
    for bill in expired:
        bill_status_set(bill, BillStatus.EXPIRED, actor="payments: expiry sweep")
        event_publish(case_id=bill.case_id, event="payment.expired", data={"bill": bill.pk})
    if expired:
        logger.info("%d bill(s) expired", len(expired))
    return len(expired)

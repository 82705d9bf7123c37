"""Reconciliation: a day's SADAD file compared with the payments Ardh was notified of (docs/reconciliation.md).

``reconcile_day`` reads the file strictly (every line's fields, the trailer's count and sum: a bad file is
refused whole, naming the line and field, and nothing is written), loads its lines with COPY and classifies
them in SQL — joins on (biller_code, payment_ref) against the payments of the biller — in a handful of
set-based statements (docs/decisions/021-reconciliation-in-sql.md):

- matched (same reference, same amount): the payment is reconciled on the day; its bill, paid, is settled;
- paid in the file but never notified: the payment is recorded from the file (source "reconciliation"), flagged
  NOT_NOTIFIED, and applied by one job for the run (``payments.reconcile_apply``) like a notification;
- notified but missing from the file (payments of that day, Riyadh time, not in it): MISSING_FROM_FILE;
- the file's amount differs from the notification's: FILE_AMOUNT_MISMATCH;
- paid after the bill's expiry date: LATE_PAYMENT.

Discrepancies are found once ((payment, kind) is unique): reading the same file again computes the same run
again and adds nothing; a different file for the same day is a new run with its own differences.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import require_permission
from audit.models import ChangeRecord
from audit.services import change_record
from common.errors import RegisterError
from payments.models import Biller, PaymentSource, ReconciliationRun, RunState
from payments.reconciliation_file import RIYADH, ReconciliationFileError, both, parse_file
from runtime.jobs import defer_after_commit

logger = logging.getLogger(__name__)
ACTOR = "system: reconciliation"
MANAGE = "payments.manage"
CATEGORIES = ("matched", "not_notified", "amount_mismatch", "missing_from_file", "late")


_COPY = ("COPY payments_reconciliationline (run_id, line_no, payment_ref, biller_code, account_number, amount,"
         " currency, paid_at, bank_code, channel, category, late) FROM STDIN")

# Each line: its payment (by biller and reference) and bill (by biller and account), its category and lateness.
# A payment recorded from a file (source reconciliation) stays "never notified" however often the file is read.
_CLASSIFY = """
UPDATE payments_reconciliationline l
SET payment_id = p.id, bill_id = b.id,
    category = CASE WHEN p.id IS NULL OR p.source = 'reconciliation' THEN 'not_notified'
                    WHEN p.amount = l.amount THEN 'matched' ELSE 'amount_mismatch' END,
    late = COALESCE(b.expiry_date < (l.paid_at AT TIME ZONE 'Asia/Riyadh')::date, false)
FROM payments_reconciliationline s
LEFT JOIN payments_payment p ON p.biller_code = s.biller_code AND p.payment_ref = s.payment_ref
LEFT JOIN payments_bill b ON b.biller_code = s.biller_code AND b.account_number = s.account_number
WHERE s.run_id = %(run)s AND l.id = s.id
"""

# Never notified: recorded from the file, set-based — the multi-row form of payment_record's insert-or-nothing.
_CREDIT = """
WITH ins AS (
  INSERT INTO payments_payment (municipality_id, biller_code, payment_ref, account_number, amount, currency,
      paid_at, bank_code, channel, source, state, webhook_id, received_at, reconciled_on, created_at, updated_at,
      version)
  SELECT %(muni)s, l.biller_code, l.payment_ref, l.account_number, l.amount, l.currency, l.paid_at, l.bank_code,
      l.channel, 'reconciliation', 'received', '', now(), %(day)s, now(), now(), 1
  FROM payments_reconciliationline l
  WHERE l.run_id = %(run)s AND l.category = 'not_notified' AND l.payment_id IS NULL
  ORDER BY l.line_no
  ON CONFLICT (biller_code, payment_ref) DO NOTHING
  RETURNING id, payment_ref
)
UPDATE payments_reconciliationline l SET payment_id = ins.id
FROM ins WHERE l.run_id = %(run)s AND l.category = 'not_notified' AND l.payment_id IS NULL
  AND l.payment_ref = ins.payment_ref
"""

# A notification that arrived between the classification and the insert (its insert won): compared as it is.
_RACED = """
UPDATE payments_reconciliationline l
SET payment_id = p.id, category = CASE WHEN p.amount = l.amount THEN 'matched' ELSE 'amount_mismatch' END
FROM payments_payment p
WHERE l.run_id = %(run)s AND l.payment_id IS NULL AND p.biller_code = l.biller_code
  AND p.payment_ref = l.payment_ref
"""

_RECONCILED = """
UPDATE payments_payment p SET reconciled_on = %(day)s, updated_at = now()
FROM payments_reconciliationline l
WHERE l.run_id = %(run)s AND l.category = 'matched' AND p.id = l.payment_id
  AND p.reconciled_on IS DISTINCT FROM %(day)s
"""

# Bills paid by a payment that is in the file: settled, each with its line of history, in one statement.
_SETTLE = """
WITH settled AS (
  UPDATE payments_bill b
  SET status = 'settled', settled_at = now(), status_since = now(), version = b.version + 1, updated_at = now()
  FROM payments_reconciliationline l JOIN payments_payment p ON p.id = l.payment_id
  WHERE l.run_id = %(run)s AND l.category IN ('matched', 'not_notified') AND p.state = 'applied'
    AND p.reconciled_on IS NOT NULL AND p.bill_id = b.id AND b.status = 'paid'
  RETURNING b.id, b.municipality_id
)
INSERT INTO audit_changerecord (municipality_id, entity, object_id, action, actor_id, actor_label, at, changes, note)
SELECT municipality_id, 'payments.bill', id, 'update', NULL, %(actor)s, now(),
       '{"status": ["paid", "settled"]}'::jsonb, %(note)s
FROM settled
"""

_DISCREPANCIES_OF_LINES = """
INSERT INTO payments_discrepancy (municipality_id, kind, bill_id, payment_id, day, details, resolution,
    resolution_note, created_at, updated_at, version)
SELECT %(muni)s, d.kind, l.bill_id, l.payment_id, %(day)s,
       jsonb_build_object('payment_ref', l.payment_ref, 'line', l.line_no, 'file_amount', l.amount::text,
                          'account_number', l.account_number, 'paid_at', l.paid_at, 'run', %(run)s)
         || CASE WHEN d.kind = 'file_amount_mismatch'
                 THEN jsonb_build_object('notified_amount', p.amount::text) ELSE '{}'::jsonb END,
       '', '', now(), now(), 1
FROM payments_reconciliationline l
JOIN LATERAL (VALUES ('not_notified'), ('file_amount_mismatch'), ('late_payment')) d(kind)
  ON (d.kind = 'not_notified' AND l.category = 'not_notified')
  OR (d.kind = 'file_amount_mismatch' AND l.category = 'amount_mismatch')
  OR (d.kind = 'late_payment' AND l.late)
LEFT JOIN payments_payment p ON p.id = l.payment_id
WHERE l.run_id = %(run)s AND l.payment_id IS NOT NULL
  AND (l.category IN ('not_notified', 'amount_mismatch') OR l.late)
ON CONFLICT (payment_id, kind) WHERE payment_id IS NOT NULL DO NOTHING
"""

# Notified payments of the day (Riyadh time) that the file does not have.
_MISSING = """
WITH missing AS (
  SELECT p.id, p.municipality_id, p.bill_id, p.payment_ref, p.amount, p.paid_at
  FROM payments_payment p
  WHERE p.biller_code = %(biller)s AND p.paid_at >= %(start)s AND p.paid_at < %(end)s
    AND NOT EXISTS (SELECT 1 FROM payments_reconciliationline l
                    WHERE l.run_id = %(run)s AND l.payment_ref = p.payment_ref)
), opened AS (
  INSERT INTO payments_discrepancy (municipality_id, kind, bill_id, payment_id, day, details, resolution,
      resolution_note, created_at, updated_at, version)
  SELECT municipality_id, 'missing_from_file', bill_id, id, %(day)s,
         jsonb_build_object('payment_ref', payment_ref, 'amount', amount::text, 'paid_at', paid_at, 'run', %(run)s),
         '', '', now(), now(), 1
  FROM missing
  ON CONFLICT (payment_id, kind) WHERE payment_id IS NOT NULL DO NOTHING
  RETURNING id
)
SELECT count(*), COALESCE(sum(amount), 0), (SELECT count(*) FROM opened) FROM missing
"""

_SUMMARY = """
SELECT category, count(*), COALESCE(sum(amount), 0), count(*) FILTER (WHERE late),
       COALESCE(sum(amount) FILTER (WHERE late), 0)
FROM payments_reconciliationline WHERE run_id = %(run)s GROUP BY category
"""


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day in Riyadh time, as [start, end)."""
    return (datetime.combine(day, dtime.min, RIYADH), datetime.combine(day + timedelta(days=1), dtime.min, RIYADH))


def _copy_lines(cursor, run_id: int, rows: list[tuple]) -> None:
    """COPY the file's lines (text format: every field was checked, none holds a tab, newline or backslash)."""
    buffer = "".join(f"{run_id}\t{n}\t{ref}\t{biller}\t{account}\t{amount}\t{currency}\t{paid_at}\t{bank}\t{channel}"
                     "\t\tf\n"
                     for n, ref, biller, account, amount, currency, paid_at, bank, channel in rows)
    with cursor.copy(_COPY) as copy:
        copy.write(buffer)


def _summary(cursor, run_id: int, missing: tuple) -> dict:
    out = {key: {"count": 0, "total": "0.00"} for key in CATEGORIES}
    late_n, late_sum = 0, Decimal(0)
    cursor.execute(_SUMMARY, {"run": run_id})
    for category, n, total, n_late, sum_late in cursor.fetchall():
        out[category] = {"count": n, "total": f"{total:.2f}"}
        late_n, late_sum = late_n + n_late, late_sum + sum_late
    out["late"] = {"count": late_n, "total": f"{late_sum:.2f}"}
    out["missing_from_file"] = {"count": missing[0], "total": f"{missing[1]:.2f}"}
    return out


def settle_reconciled(*, run_id: int) -> int:
    """Settle the bills paid by the run's payments (matched, or credited from the file once applied); how many."""
    with connection.cursor() as cursor:
        cursor.execute(_SETTLE, {"run": run_id, "actor": ACTOR, "note": f"in SADAD's file (run {run_id})"})
        return cursor.rowcount


def _actor_fields(actor) -> dict:
    if actor is None or isinstance(actor, str):
        return {"actor": None, "actor_label": (actor or ACTOR)[:64]}
    return {"actor": actor, "actor_label": ""}


def _municipality_of(biller_code: str, municipality, actor) -> int:
    """The municipality's id, once the actor may reconcile there (a person: payments.manage; the system passes)
    and ``biller_code`` is its biller."""
    muni_id = getattr(municipality, "pk", municipality)
    require_permission(actor=actor, permission=MANAGE, municipality_id=muni_id)
    if not Biller.objects.filter(code=biller_code, municipality_id=muni_id).exists():
        raise RegisterError(both(_("%(code)s is not this municipality's SADAD biller code."), code=biller_code),
                            code="biller")
    return muni_id


def fetch_file(biller_code: str, day: date) -> bytes | None:
    """The day's file from SADAD through the configured connector; None while the day is not closed."""
    from payments.connector import connector

    return connector().fetch_reconciliation(biller_code, day)


def _waiting(muni_id: int, biller_code: str, day: date, actor) -> ReconciliationRun:
    """The day is not closed yet: one "waiting" run for it (checked again by the next job or "reconcile now")."""
    run, _created = ReconciliationRun.objects.update_or_create(
        biller_code=biller_code, day=day, state=RunState.WAITING,
        defaults={"municipality_id": muni_id, "checked_at": timezone.now(), **_actor_fields(actor)})
    return run


@transaction.atomic
def reconcile_day(*, municipality, biller_code: str, day: date, content: bytes | None = None,
                  actor=None) -> ReconciliationRun:
    """Reconcile ``day`` for ``biller_code``: ``content`` is the file (None: fetched from SADAD, and when SADAD
    has not closed the day yet, a "waiting" run). The same file again recomputes its run; another file for the
    day is a new run. A refused file raises ``ReconciliationFileError`` and writes nothing."""
    muni_id = _municipality_of(biller_code, municipality, actor)
    with connection.cursor() as cursor:  # one reconciliation of a biller's day at a time
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('ardh-reconcile'), %s)",
                       [int(biller_code) * 100000 + (day - date(2000, 1, 1)).days])
    if content is None:
        content = fetch_file(biller_code, day)
        if content is None:
            return _waiting(muni_id, biller_code, day, actor)
    started = time.perf_counter()
    rows, count, halalas = parse_file(content, biller_code=biller_code, day=day)
    parsed = time.perf_counter()
    sha = hashlib.sha256(content).hexdigest()
    run = ReconciliationRun.objects.select_for_update().filter(biller_code=biller_code, day=day,
                                                               state=RunState.DONE, file_sha256=sha).first()
    recomputed = run is not None
    run = (run or ReconciliationRun.objects.select_for_update()
           .filter(biller_code=biller_code, day=day, state=RunState.WAITING).first()
           or ReconciliationRun(municipality_id=muni_id, biller_code=biller_code, day=day))
    run.state, run.file_sha256, run.file_lines, run.file_total = RunState.DONE, sha, count, Decimal(halalas) / 100
    run.error = ""
    for key, value in _actor_fields(actor).items():
        setattr(run, key, value)
    run.save()
    params = {"run": run.pk, "muni": muni_id, "day": day, "biller": biller_code, "actor": ACTOR}
    start, end = day_bounds(day)
    steps, mark = {"parse": round((parsed - started) * 1000)}, time.perf_counter()

    def step(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        steps[name], mark = round((now - mark) * 1000), now

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM payments_reconciliationline WHERE run_id = %s", [run.pk])
        _copy_lines(cursor.cursor, run.pk, rows)
        step("copy")
        # Fresh statistics for the joins' plans (~0.1 s for 100,000 lines). ANALYZE's lock makes two billers'
        # runs take turns here until the first commits: runs are daily, one per biller.
        cursor.execute("ANALYZE payments_reconciliationline")
        step("analyze")
        cursor.execute(_CLASSIFY, params)
        step("classify")
        cursor.execute(_CREDIT, params)
        credited = cursor.rowcount
        cursor.execute(_RACED, params)
        step("credit")
        cursor.execute(_RECONCILED, params)
        step("reconciled_on")
        settled = settle_reconciled(run_id=run.pk)
        step("settle")
        cursor.execute(_DISCREPANCIES_OF_LINES, params)
        flagged = cursor.rowcount
        cursor.execute(_MISSING, {**params, "start": start, "end": end})
        missing = cursor.fetchone()
        step("discrepancies")
        run.summary = _summary(cursor, run.pk, missing)
        step("summary")
    run.summary["credited_now"], run.summary["settled_now"] = credited, settled
    run.summary["flagged_now"] = flagged + missing[2]
    run.summary["steps_ms"] = steps
    run.checked_at = timezone.now()
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    run.version += 1
    run.save(update_fields=["summary", "checked_at", "duration_ms", "version", "updated_at"])
    # The run's own line of history (who read which file, what it found); each settled bill has its own (_SETTLE).
    change_record(instance=run, action=ChangeRecord.Action.UPDATE if recomputed else ChangeRecord.Action.CREATE,
                  actor=actor, changes={key: run.summary[key]["count"] for key in CATEGORIES},
                  note=f"SADAD file {sha[:12]} of {day.isoformat()}: {count} lines")
    if run.summary["not_notified"]["count"]:
        # The file's payments never notified are applied like notifications, by one job for the run (and the
        # payments.apply_pending sweep, should that job be lost).
        defer_after_commit("payments.reconcile_apply", run_id=run.pk, queueing_lock=f"reconcile-apply-{run.pk}")
    logger.info("reconciled %s %s: %s lines in %s ms", biller_code, day, count, run.duration_ms)
    return run


@transaction.atomic
def run_refused(*, municipality, biller_code: str, day: date, content: bytes, error: str,
                actor=None) -> ReconciliationRun:
    """Note a refused file (in its own transaction, after ``reconcile_day`` wrote nothing): the page shows why."""
    return ReconciliationRun.objects.create(
        municipality_id=getattr(municipality, "pk", municipality), biller_code=biller_code, day=day,
        state=RunState.REFUSED, file_sha256=hashlib.sha256(content).hexdigest(), error=error[:5000],
        checked_at=timezone.now(), **_actor_fields(actor))


def reconcile_apply(*, run_id: int) -> int:
    """The job's work: apply the run's payments still waiting (credited from the file), each in its own
    transaction like a notification, then settle their bills; how many were applied."""
    from payments.models import Payment, PaymentState
    from payments.services import payment_apply

    ids = list(Payment.objects.filter(
        state=PaymentState.RECEIVED, source=PaymentSource.RECONCILIATION,
        pk__in=ReconciliationRun.objects.get(pk=run_id).lines.filter(payment_id__isnull=False)
        .values("payment_id")).values_list("pk", flat=True))
    for payment_id in ids:
        payment_apply(payment_id=payment_id)
    with transaction.atomic():
        settle_reconciled(run_id=run_id)
    return len(ids)


def billers_to_reconcile() -> list[tuple[int, str]]:
    """(municipality id, biller code) of every biller."""
    return list(Biller.objects.order_by("code").values_list("municipality_id", "code"))


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def days_to_reconcile(*, back: int = 7) -> list[date]:
    """Yesterday, and the days of the last week whose file SADAD had not closed when last asked."""
    since = yesterday() - timedelta(days=back)
    waiting = set(ReconciliationRun.objects.filter(state=RunState.WAITING, day__gte=since)
                  .values_list("day", flat=True))
    done = set(ReconciliationRun.objects.filter(state=RunState.DONE, day__in=waiting).values_list("day", flat=True))
    return sorted((waiting - done) | {yesterday()})


def reconcile_all(*, day: date, actor=ACTOR) -> dict[str, str]:
    """Every biller's ``day`` (the periodic job and the command): each in its own transaction; a refused file
    is noted as a refused run and the others go on. {biller: state}."""
    results = {}
    for muni_id, code in billers_to_reconcile():
        results[code] = reconcile_one(municipality=muni_id, biller_code=code, day=day, actor=actor).state
    return results


def reconcile_one(*, municipality, biller_code: str, day: date, content: bytes | None = None,
                  actor=ACTOR) -> ReconciliationRun:
    """``reconcile_day``, a refused file noted as a refused run instead of raised (the job, the command, the
    page's "reconcile now")."""
    if content is None:
        content = fetch_file(biller_code, day)
    if content is None:
        with transaction.atomic():
            return _waiting(_municipality_of(biller_code, municipality, actor), biller_code, day, actor)
    try:
        return reconcile_day(municipality=municipality, biller_code=biller_code, day=day, content=content,
                             actor=actor)
    except ReconciliationFileError as exc:
        logger.warning("reconciliation %s %s refused: %s", biller_code, day, exc.message)
        return run_refused(municipality=municipality, biller_code=biller_code, day=day, content=content,
                           error=exc.message, actor=actor)


__all__ = ["ReconciliationFileError", "reconcile_all", "reconcile_apply", "reconcile_day", "reconcile_one",
           "run_refused", "settle_reconciled", "yesterday"]

"""Reconciliation's reads for the finance page and the exports (docs/reconciliation.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, QuerySet

from payments.models import (
    Biller,
    Discrepancy,
    DiscrepancyKind,
    ReconciliationLine,
    ReconciliationRun,
    RunState,
)
from payments.reconciliation import CATEGORIES  # noqa: F401  (the page's order of the categories)

# The discrepancies a reconciliation finds (the page lists these; the others are the payments pages').
RECON_KINDS = (DiscrepancyKind.NOT_NOTIFIED, DiscrepancyKind.MISSING_FROM_FILE, DiscrepancyKind.FILE_AMOUNT_MISMATCH,
               DiscrepancyKind.LATE_PAYMENT)


def biller_of(municipality_id: int) -> Biller | None:
    return Biller.objects.filter(municipality_id=municipality_id).first()


def runs(*, municipality_id: int, limit: int = 60) -> list[dict]:
    """The days with runs, newest first: each day's latest run (the one that counts) and how many runs it had."""
    days: dict[date, dict] = {}
    qs = (ReconciliationRun.objects.filter(municipality_id=municipality_id).order_by("-day", "-id")
          .only("day", "state", "summary", "file_lines", "file_total", "checked_at", "biller_code", "error"))
    for run in qs[:limit * 4]:
        entry = days.setdefault(run.day, {"day": run.day, "all": [], "open": 0})
        entry["all"].append(run)
        if len(days) > limit:
            days.pop(run.day)
            break
    for entry in days.values():
        entry["run"], entry["runs"] = current_run(entry["all"]), len(entry["all"])
    open_by_day = dict(Discrepancy.objects.filter(municipality_id=municipality_id, resolved_at__isnull=True,
                                                  kind__in=RECON_KINDS, day__in=list(days))
                       .values("day").annotate(n=Count("id")).values_list("day", "n"))
    for entry in days.values():
        entry["open"] = open_by_day.get(entry["day"], 0)
    return list(days.values())


def day_runs(*, municipality_id: int, day: date) -> list[ReconciliationRun]:
    return list(ReconciliationRun.objects.filter(municipality_id=municipality_id, day=day).order_by("-id"))


def current_run(day_runs_: list[ReconciliationRun]) -> ReconciliationRun | None:
    """The day's run that counts: the latest reconciled file (else the latest note, waiting or refused)."""
    done = [r for r in day_runs_ if r.state == RunState.DONE]
    return (done or day_runs_ or [None])[0]


def lines(*, run: ReconciliationRun, category: str | None = None, late: bool | None = None,
          limit: int = 200) -> list[ReconciliationLine]:
    qs = ReconciliationLine.objects.filter(run=run)
    if category:
        qs = qs.filter(category=category)
    if late is not None:
        qs = qs.filter(late=late)
    return list(qs.order_by("category", "line_no")[:limit])


def discrepancies(*, municipality_id: int, day: date | None = None, open_only: bool = True,
                  limit: int = 200) -> QuerySet[Discrepancy]:
    qs = Discrepancy.objects.filter(municipality_id=municipality_id, kind__in=RECON_KINDS)
    if day is not None:
        qs = qs.filter(day=day)
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.select_related("owner", "payment", "bill", "resolved_by").order_by("kind", "id")[:limit]


def export_rows(*, run: ReconciliationRun) -> Iterator[tuple]:
    """Every line of the run, then the notified payments missing from its file: (line, ref, account, amount,
    paid_at, bank, channel, category, late, notified amount). Streamed from the database in chunks."""
    from payments.models import Payment

    notified = dict(Discrepancy.objects.filter(day=run.day, kind=DiscrepancyKind.FILE_AMOUNT_MISMATCH,
                                               payment__biller_code=run.biller_code)
                    .values_list("payment_id", "payment__amount"))
    qs = (ReconciliationLine.objects.filter(run=run).order_by("line_no")
          .values_list("line_no", "payment_ref", "account_number", "amount", "paid_at", "bank_code", "channel",
                       "category", "late", "payment_id"))
    for no, ref, account, amount, paid_at, bank, channel, category, late, payment_id in qs.iterator(chunk_size=5000):
        yield no, ref, account, amount, paid_at, bank, channel, category, late, notified.get(payment_id)
    missing = (Payment.objects.filter(discrepancies__kind=DiscrepancyKind.MISSING_FROM_FILE,
                                      discrepancies__day=run.day, biller_code=run.biller_code)
               .order_by("paid_at")
               .values_list("payment_ref", "account_number", "amount", "paid_at", "bank_code", "channel"))
    for ref, account, amount, paid_at, bank, channel in missing.iterator(chunk_size=5000):
        yield None, ref, account, None, paid_at, bank, channel, "missing_from_file", False, amount

"""``manage.py reconcile_payments --day YYYY-MM-DD [--file path] [--biller 091]``: SADAD's reconciliation of a
day, now — fetched from SADAD for every biller, or one biller's file read from disk (a bank's SFTP drop)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from payments.models import Biller, RunState
from payments.reconciliation import reconcile_all, reconcile_one


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--day: {value!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Reconcile a day's SADAD payments (docs/reconciliation.md)."

    def add_arguments(self, parser):
        parser.add_argument("--day", required=True, help="the day, YYYY-MM-DD (Riyadh time)")
        parser.add_argument("--file", help="the day's reconciliation file (default: fetched from SADAD)")
        parser.add_argument("--biller", help="the biller code (default: every biller; with --file: the only one)")

    def handle(self, *args, day: str, file: str | None, biller: str | None, **options):
        the_day = _day(day)
        billers = Biller.objects.order_by("code")
        if biller:
            billers = billers.filter(code=biller)
        if not billers.exists():
            raise CommandError(f"no biller {biller}" if biller else "no SADAD biller is set up")
        if file is None and not biller:
            for code, state in reconcile_all(day=the_day).items():
                self.stdout.write(f"{code} {the_day}: {state}")
            return
        if file is not None and billers.count() > 1:
            raise CommandError("--file: say which biller it is (--biller)")
        path = Path(file) if file else None
        if path is not None and not path.is_file():
            raise CommandError(f"--file: {file} is not a file")
        one = billers.first()
        run = reconcile_one(municipality=one.municipality_id, biller_code=one.code, day=the_day,
                            content=path.read_bytes() if path else None, actor="command: reconcile_payments")
        if run.state == RunState.REFUSED:
            raise CommandError(run.error)
        self.stdout.write(f"{one.code} {the_day}: {run.state} {run.summary} ({run.duration_ms} ms)")

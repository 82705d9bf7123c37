"""``/finance/reconciliation/``: SADAD's daily files as reconciled — the days, a day's lines per category, the
discrepancies with their owner (take one, resolve one), "reconcile now", and a day as CSV or XLSX.

Finance officers only (``payments.manage`` in their working municipality); the services do every write.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views import View

from common.errors import RegisterError
from payments import reconciliation_selectors as selectors
from payments.models import Discrepancy, DiscrepancyKind, LineCategory, Resolution, RunState
from payments.reconciliation_file import both
from payments.services import discrepancy_resolve, discrepancy_take
from runtime.jobs import defer_after_commit
from web.finance import access

CATEGORY_LABELS = {**{c.value: c.label for c in LineCategory},
                   "missing_from_file": DiscrepancyKind.MISSING_FROM_FILE.label,
                   "late": DiscrepancyKind.LATE_PAYMENT.label}
EXPORT_HEADERS = [  # Arabic first, English beside
    ("رقم السطر", "Line"), ("مرجع السداد", "Payment reference"), ("رقم الحساب", "Account number"),
    ("المبلغ في الملف (ريال)", "Amount in the file (SAR)"), ("وقت السداد", "Paid at"), ("البنك", "Bank"),
    ("القناة", "Channel"), ("الفئة", "Category"), ("سداد متأخر", "Paid late"),
    ("المبلغ المُشعَر به (ريال)", "Notified amount (SAR)"),
]


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=Resolution.choices)
    note = forms.CharField(label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Http404(_t("No such day.")) from None


class FinanceView(access.FinanceView, View):
    """Signed in, and holding payments.manage in the working municipality (the finance pages' door)."""


class DaysView(FinanceView):
    def get(self, request):
        return render(request, "finance/reconciliation.html", {
            "viewer": self.viewer, "section": "reconciliation",
            "days": selectors.runs(municipality_id=self.municipality.pk),
            "biller": selectors.biller_of(self.municipality.pk),
            "yesterday": timezone.localdate() - timedelta(days=1),
            "open": selectors.discrepancies(municipality_id=self.municipality.pk, limit=50),
            "labels": CATEGORY_LABELS})


class DayView(FinanceView):
    def get(self, request, day: str, *, forms_by_id=None, error=None, status=200):
        the_day = _day(day)
        runs = selectors.day_runs(municipality_id=self.municipality.pk, day=the_day)
        run = selectors.current_run(runs)
        sections = []
        if run is not None and run.state == RunState.DONE:
            for category in ("not_notified", "amount_mismatch", "matched"):
                sections.append({"code": category, "label": CATEGORY_LABELS[category],
                                 "count": run.summary.get(category, {}).get("count", 0),
                                 "lines": selectors.lines(run=run, category=category)})
            sections.append({"code": "late", "label": CATEGORY_LABELS["late"],
                             "count": run.summary.get("late", {}).get("count", 0),
                             "lines": selectors.lines(run=run, late=True)})
        found = list(selectors.discrepancies(municipality_id=self.municipality.pk, day=the_day, open_only=False))
        forms_by_id = forms_by_id or {}
        for d in found:
            d.form = forms_by_id.get(d.pk) or ResolveForm(prefix=f"d{d.pk}")
        return render(request, "finance/reconciliation_day.html", {
            "viewer": self.viewer, "section": "reconciliation", "day": the_day, "run": run, "runs": runs,
            "sections": sections,
            "missing": [d for d in found if d.kind == DiscrepancyKind.MISSING_FROM_FILE],
            "discrepancies": found, "labels": CATEGORY_LABELS, "error": error,
            "summary": [(code, CATEGORY_LABELS[code], run.summary.get(code, {"count": 0, "total": "0.00"}))
                        for code in selectors.CATEGORIES] if run is not None else [],
            "biller": selectors.biller_of(self.municipality.pk)}, status=status)


class ReconcileNowView(FinanceView):
    def post(self, request, day: str):
        the_day = _day(day)
        biller = selectors.biller_of(self.municipality.pk)
        if biller is None:
            messages.error(request, _t("This municipality has no SADAD biller code yet."))
        elif the_day >= timezone.localdate():
            messages.error(request, _t("Only a past day can be reconciled (SADAD closes a day after it ends)."))
        else:
            with transaction.atomic():
                defer_after_commit("payments.reconcile_day", municipality_id=self.municipality.pk,
                                   biller_code=biller.code, day=the_day.isoformat(), user_id=request.user.pk)
            messages.success(request, _t("Reconciliation of %(day)s queued: this page shows it in a moment.")
                             % {"day": the_day.isoformat()})
        return redirect("reconciliation:day", day=the_day.isoformat())


class DiscrepancyView(FinanceView):
    def discrepancy(self, pk: int) -> Discrepancy:
        return get_object_or_404(Discrepancy, pk=pk, municipality_id=self.municipality.pk,
                                 kind__in=selectors.RECON_KINDS)

    def back(self, d: Discrepancy):
        return redirect("reconciliation:day", day=d.day.isoformat()) if d.day else redirect("reconciliation:days")

    def refused(self, request, d: Discrepancy, exc: RegisterError, form=None):
        if d.day is None:
            messages.error(request, exc.message)
            return self.back(d)
        return DayView.get(self, request, d.day.isoformat(), forms_by_id={d.pk: form} if form else None,
                           error=exc.message, status=403 if exc.code == "forbidden" else 422)


class TakeView(DiscrepancyView):
    def post(self, request, pk: int):
        d = self.discrepancy(pk)
        try:
            discrepancy_take(discrepancy=d, actor=request.user)
        except RegisterError as exc:
            return self.refused(request, d, exc)
        messages.success(request, _t("You own this discrepancy now."))
        return self.back(d)


class ResolveView(DiscrepancyView):
    def post(self, request, pk: int):
        d = self.discrepancy(pk)
        form = ResolveForm(request.POST, prefix=f"d{d.pk}")
        if not form.is_valid():
            return self.refused(request, d, RegisterError(_t("Choose a resolution and write a note."),
                                                          code="invalid"), form)
        try:
            discrepancy_resolve(discrepancy=d, actor=request.user, resolution=form.cleaned_data["resolution"],
                                note=form.cleaned_data["note"])
        except RegisterError as exc:
            form.add_error(None, exc.message)
            return self.refused(request, d, exc, form)
        messages.success(request, _t("Discrepancy resolved."))
        return self.back(d)


# --- exports ---------------------------------------------------------------------------------------------------


def _cells(row: tuple) -> list:
    no, ref, account, amount, paid_at, bank, channel, category, late, notified = row
    label = CATEGORY_LABELS.get(category, category)
    return [no if no is not None else "", ref, account, f"{amount:.2f}" if amount is not None else "",
            timezone.localtime(paid_at).isoformat() if paid_at else "", bank, channel,
            both(label), both(_("yes")) if late else "", f"{notified:.2f}" if notified is not None else ""]


class _Echo:
    def write(self, value):
        return value


class ExportView(FinanceView):
    def get(self, request, day: str, fmt: str):
        the_day = _day(day)
        run = selectors.current_run(selectors.day_runs(municipality_id=self.municipality.pk, day=the_day))
        if run is None or run.state != RunState.DONE:
            raise Http404(_t("This day has no reconciled file yet."))
        name = f"reconciliation-{run.biller_code}-{the_day.isoformat()}"
        headers = [f"{ar} / {en}" for ar, en in EXPORT_HEADERS]
        rows = selectors.export_rows(run=run)
        if fmt == "csv":
            writer = csv.writer(_Echo())

            def stream():
                yield "\ufeff"  # a BOM: spreadsheet programs then read the Arabic as UTF-8
                yield writer.writerow(headers)
                for row in rows:
                    yield writer.writerow(_cells(row))

            response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        return FileResponse(self.xlsx(headers, rows, the_day), as_attachment=True, filename=f"{name}.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @staticmethod
    def xlsx(headers: list[str], rows, the_day: date):
        """Written row by row in xlsxwriter's constant-memory mode (a 100,000-line day stays small in memory)."""
        import xlsxwriter

        out = tempfile.TemporaryFile()
        book = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
        sheet = book.add_worksheet(the_day.isoformat())
        sheet.right_to_left()
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0.00"})
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 9, 22)
        sheet.write_row(0, 0, headers, bold)
        for i, row in enumerate(rows, start=1):
            cells = _cells(row)
            for col, value in enumerate(cells):
                if col in (3, 9) and value != "":
                    sheet.write_number(i, col, float(value), money)
                elif col == 0 and value != "":
                    sheet.write_number(i, col, value)
                else:
                    sheet.write_string(i, col, str(value))
        book.close()
        out.seek(0)
        return out

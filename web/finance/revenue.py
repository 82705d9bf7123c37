"""``/finance/revenue/``: revenue by service and month over the last twelve months (stacked bars) and, for the
bills issued in that time, paid against unpaid by service; each chart's numbers in a table under it."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View

from payments import selectors
from web.finance import present
from web.finance.access import FinanceView
from web.finance.charts import Series, bar_chart

MONTHS = 12
PAID_COLOUR, UNPAID_COLOUR = "#27ae60", "#c0392b"


def month_label(day) -> str:
    return formats.date_format(day, "M Y")


def axis_label(day, *, first: bool) -> str:
    """The month's name, and under it the year in January and at the first month."""
    name = formats.date_format(day, "M")
    return f"{name}\n{day.year}" if first or day.month == 1 else name


class RevenueView(FinanceView, View):
    def get(self, request):
        muni = self.municipality
        today = timezone.localdate()
        rtl = present.arabic()
        revenue = selectors.revenue_by_service_month(municipality=muni, today=today, months=MONTHS)
        months = revenue["months"]
        labels = [month_label(m) for m in months]
        keys = [m.strftime("%Y-%m") for m in months]
        services = [(code, present.service_label(code)) for code in revenue["services"]]
        monthly = bar_chart(
            title=_("Revenue by service and month"),
            desc=_("Amounts of paid and settled bills (SAR) by the month they were paid, %(first)s to %(last)s, "
                   "one stacked bar per month, one colour per service.") % {"first": labels[0], "last": labels[-1]},
            categories=[axis_label(m, first=i == 0) for i, m in enumerate(months)], category_keys=keys,
            stacked=True, rtl=rtl, unit=_("SAR"),
            series=[Series(label=label, key=code, values=tuple(revenue["amounts"][code])) for code, label in services],
        )
        month_totals = [sum((revenue["amounts"][c][i] for c, _label in services), Decimal("0.00"))
                        for i in range(len(months))]
        split = selectors.paid_unpaid_by_service(municipality=muni, since=months[0])
        split_labels = [present.service_label(r["service"]) for r in split]
        paid_unpaid = bar_chart(
            title=_("Paid and unpaid by service"),
            desc=_("For bills issued since %(first)s: the amount paid (paid and settled) and the amount unpaid "
                   "(awaiting payment or expired), in SAR, per service.") % {"first": labels[0]},
            categories=split_labels, category_keys=[r["service"] for r in split], stacked=False, rtl=rtl,
            unit=_("SAR"),
            series=[Series(label=_("paid"), key="paid", colour=PAID_COLOUR, values=tuple(r["paid"] for r in split)),
                    Series(label=_("unpaid"), key="unpaid", colour=UNPAID_COLOUR,
                           values=tuple(r["unpaid"] for r in split))],
        )
        return render(request, "finance/revenue.html", {
            "viewer": self.viewer, "section": "revenue", "monthly": monthly, "paid_unpaid": paid_unpaid,
            "months": list(zip(labels, keys, strict=True)), "month_totals": month_totals,
            "revenue_rows": [{"label": label, "code": code, "amounts": revenue["amounts"][code],
                              "total": sum(revenue["amounts"][code], Decimal("0.00"))} for code, label in services],
            "grand_total": sum(month_totals, Decimal("0.00")),
            "split": [{**r, "label": label} for r, label in zip(split, split_labels, strict=True)],
            "since": months[0],
        })

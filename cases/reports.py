"""The overdue report per department: open cases grouped by the queue they sit in (a role: a department's desk)
and their type — how many are open, on hold, overdue, due this week, and how late the overdue ones are on
average (calendar days). Supervisors read it (``cases.supervise``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Avg, Count, DateField, F, FloatField, Func, IntegerField, Q, Value
from django.utils import timezone

from accounts.selectors import require_permission
from cases.models import Case
from cases.services import SUPERVISE


def overdue_report(*, municipality, actor, today: date | None = None) -> list[dict]:
    """One row per (queue role, case type) of the municipality's open cases, the latest first by overdue count.

    ``overdue``: past the due date and not on hold (the clock runs); ``due_this_week``: not overdue, due within
    the next seven days (today included); ``avg_days_overdue``: of the overdue ones, None when there are none."""
    require_permission(actor=actor, permission=SUPERVISE, municipality_id=municipality.pk)
    today = today or timezone.localdate()
    running = Q(held_since__isnull=True, due_date__isnull=False)
    late = running & Q(due_date__lt=today)
    rows = (
        Case.objects.filter(municipality=municipality, closed_at__isnull=True)
        .values("queue_role__code", "queue_role__name_ar", "queue_role__name_en", "case_type")
        .annotate(
            open=Count("pk"),
            on_hold=Count("pk", filter=Q(held_since__isnull=False)),
            overdue=Count("pk", filter=late),
            due_this_week=Count("pk", filter=running & Q(due_date__gte=today,
                                                         due_date__lte=today + timedelta(days=6))),
            avg_days_overdue=Avg(_days_since(today, "due_date"), filter=late, output_field=FloatField()),
        )
        .order_by("-overdue", "queue_role__code", "case_type")
    )
    return [
        {"queue": r["queue_role__code"], "queue_name_ar": r["queue_role__name_ar"],
         "queue_name_en": r["queue_role__name_en"], "case_type": r["case_type"], "open": r["open"],
         "on_hold": r["on_hold"], "overdue": r["overdue"], "due_this_week": r["due_this_week"],
         "avg_days_overdue": None if r["avg_days_overdue"] is None else round(r["avg_days_overdue"], 1)}
        for r in rows
    ]


def _days_since(today: date, field: str) -> Func:
    """``today - field`` in days (in PostgreSQL a date minus a date is a whole number of days)."""
    return Func(Value(today, output_field=DateField()), F(field), arg_joiner=" - ", template="(%(expressions)s)",
                output_field=IntegerField())

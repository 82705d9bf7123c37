"""Case numbers, issued records' numbers and terms, and deadlines: the counters and the calendar the backbone
and the processes (permits, licenses, contracts, grants) number and date their records by."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.utils.translation import gettext as _
from hijridate import Gregorian

from accounts.models import Municipality
from cases import calendar
from cases.models import CaseCounter
from cases.selectors import holidays
from cases.types import State
from common.errors import RegisterError


def hijri_year(day: date) -> int:
    return Gregorian(day.year, day.month, day.day).to_hijri().year


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (29 February → 28 February): a permit's or a license's term."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def register_number(*, model, municipality: Municipality, code: str, day: date) -> str:
    """The next number of an issued record (``model``: a permit, a license) in the Hijri year of ``day``:
    ``RAS-<code>-1448-00001``. The municipality's row is locked until the transaction ends, so two issues never
    take the same number."""
    prefix = f"{municipality.short_code or code}-{code}-{hijri_year(day)}-"
    Municipality.objects.select_for_update().filter(pk=municipality.pk).values_list("pk").get()
    last = (model.objects.filter(municipality=municipality, number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:05d}"


def next_number(*, municipality: Municipality, day: date) -> str:
    """The next number of the municipality in the Hijri year of ``day``: ``RAS-1448-000123``.

    One statement adds one to the year's counter row (created at the first case of a year) and keeps the row
    locked until the transaction ends: two creations never get the same number, and a creation rolled back
    gives its number back (no gaps)."""
    if not municipality.short_code:
        raise RegisterError(
            _("The municipality %(name)s has no short code for case numbers; an administrator sets it first.")
            % {"name": municipality.name_ar}, code="no_short_code",
        )
    year = hijri_year(day)
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS c (municipality_id, hijri_year, last) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (municipality_id, hijri_year) DO UPDATE SET last = c.last + 1 RETURNING last",
            [municipality.pk, year],
        )
        (last,) = cursor.fetchone()
    return f"{municipality.short_code}-{year}-{last:06d}"


def due_date_for(*, municipality_id: int, state: State, start: date) -> date | None:
    """The deadline of a case entering ``state`` on ``start`` (None for a state without one, or final)."""
    if state.final or state.sla_days is None:
        return None
    # Holidays of a window surely longer than the deadline (a week has five working days).
    off = holidays(municipality_id=municipality_id, start=start, end=start + timedelta(days=state.sla_days * 2 + 60))
    return calendar.add_working_days(start, state.sla_days, off)

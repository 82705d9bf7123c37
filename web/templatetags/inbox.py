"""Template filters of the inbox: dates in Hijri and Gregorian, labels of a case's type and status."""

from datetime import date

from django import template
from django.utils import timezone
from django.utils.translation import get_language
from hijridate import Gregorian

register = template.Library()


@register.filter
def hijri(day: date | None) -> str:
    """``24 جمادى الآخرة 1448`` (or the English month name), the Hijri date of a Gregorian day."""
    if not day:
        return ""
    h = Gregorian(day.year, day.month, day.day).to_hijri()
    lang = "ar" if (get_language() or "ar").startswith("ar") else "en"
    return f"{h.day} {h.month_name(lang)} {h.year}"


@register.filter
def overdue(case) -> bool:
    return bool(case.due_date and case.held_since is None and case.closed_at is None
                and case.due_date < timezone.localdate())

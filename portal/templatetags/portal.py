"""Template helpers of the portal: a name in the reader's language, dates in Hijri beside Gregorian."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from hijridate import Gregorian

register = template.Library()


def _arabic() -> bool:
    return (get_language() or "ar").startswith("ar")


@register.filter
def named(obj, field: str = "name") -> str:
    """``obj.<field>_ar`` or ``obj.<field>_en`` (falling back to Arabic)."""
    if obj is None:
        return ""
    ar = getattr(obj, f"{field}_ar", "") if not isinstance(obj, dict) else obj.get(f"{field}_ar", "")
    en = getattr(obj, f"{field}_en", "") if not isinstance(obj, dict) else obj.get(f"{field}_en", "")
    return ar if _arabic() else (en or ar)


@register.filter
def both_dates(value) -> str:
    """``<time>`` with the Hijri date and the Gregorian one beside it: ``14 جمادى الآخرة 1448 (2026-12-05)``."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        return str(value)
    h = Gregorian(value.year, value.month, value.day).to_hijri()
    hijri = f"{h.day} {h.month_name('ar' if _arabic() else 'en')} {h.year}"
    return format_html('<time datetime="{}">{} <span class="greg" dir="ltr">({})</span></time>', value.isoformat(),
                       hijri, value.isoformat())

"""Issued documents as PDF: dates in both calendars, the QR code of the verification address, HTML to PDF.

WeasyPrint renders the Django template with the machine's fonts (fonts-noto-core has Naskh and Sans Arabic)
and fetches nothing over the network: only ``data:`` URIs (the QR code, the stamp) are read.
"""

from __future__ import annotations

from datetime import date

import segno
from django.conf import settings
from django.urls import reverse
from hijridate import Gregorian

GREGORIAN_MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
                       "نوفمبر", "ديسمبر")
GREGORIAN_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November", "December")


def local_only():
    """WeasyPrint's fetcher of ``data:`` URIs only: http, https, file... are refused (the resource is left
    out, and the tests check that none is asked for)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def hijri(day: date, language: str = "ar") -> str:
    """A day in the Umm al-Qura calendar: ``24 جمادى الآخرة 1448 هـ`` / ``24 Jumada al-Akhirah 1448 AH``."""
    h = Gregorian(day.year, day.month, day.day).to_hijri()
    return f"{h.day} {h.month_name(language)} {h.year} {h.notation(language)}"


def gregorian(day: date, language: str = "ar") -> str:
    months = GREGORIAN_MONTHS_AR if language == "ar" else GREGORIAN_MONTHS_EN
    return f"{day.day} {months[day.month - 1]} {day.year}" + (" م" if language == "ar" else "")


def both_calendars(day: date | None) -> dict | None:
    if day is None:
        return None
    return {"hijri_ar": hijri(day, "ar"), "hijri_en": hijri(day, "en"), "gregorian_ar": gregorian(day, "ar"),
            "gregorian_en": gregorian(day, "en"), "iso": day.isoformat()}


def verification_url(token: str) -> str:
    return settings.ARDH_PUBLIC_URL + reverse("documents-verify", kwargs={"token": token})


def qr_data_uri(payload: str) -> str:
    """The QR code of ``payload`` as an embedded PNG (error correction M: survives a stamp or a fold)."""
    return segno.make(payload, error="m", micro=False).png_data_uri(scale=5, border=4)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported when first used: it costs every process's start otherwise

    return HTML(string=html, base_url=None, url_fetcher=local_only()).write_pdf()

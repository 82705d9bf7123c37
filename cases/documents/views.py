"""The public verification page of an issued document, ``/verify/<token>/``: no sign-in, no personal data.

Anyone holding a printed or digital copy scans its QR code and sees whether the document is valid, expired or
revoked, with what identifies it (kind, serial, municipality, dates) and the SHA-256 of the PDF. The token is
192 random bits: pages cannot be found by trying numbers; an unknown token is a 404 page like any other.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cases.documents import render as dates
from cases.documents.selectors import issued_by_token
from cases.documents.status import status_of


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is in the address: it goes to no other site (same-origin keeps the language switch's POST
    # working: with no-referrer, Chromium sends "Origin: null" and the CSRF check refuses it).
    response["Referrer-Policy"] = "same-origin"
    return response


@require_safe
def verify(request, token: str):
    doc = issued_by_token(token)
    if doc is None:
        return _private(render(request, "documents/verify_unknown.html", status=404))
    today = timezone.localdate()
    return _private(render(request, "documents/verify.html", {
        "doc": doc, "status": status_of(doc, today), "municipality": doc.municipality,
        "issued": dates.both_calendars(timezone.localdate(doc.issued_at)),
        "valid": dates.both_calendars(doc.valid_until),
        "revoked": dates.both_calendars(timezone.localdate(doc.revoked_at)) if doc.revoked_at else None,
    }))

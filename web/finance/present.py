"""How bills read on the finance pages: service and status labels, lines in the page's language, the filters
read from the query string (a bad value is dropped with a note, never a 500)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from parcels.models import District
from payments.models import BillStatus
from payments.selectors import BillFilters
from web.inbox import present as inbox_present

arabic = inbox_present.arabic


def service_label(code: str) -> str:
    """A service is a case type's code: its title in the page's language (the code when unknown)."""
    return inbox_present.type_title(code)


def status_label(code: str) -> str:
    return str(dict(BillStatus.choices).get(code, code))


def line_explanation(line) -> str:
    return line.explain_ar if arabic() else (line.explain_en or line.explain_ar)


def _date(value: str, name: str, notes: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        notes.append(_("“%(value)s” is not a date (YYYY-MM-DD) for %(name)s; that filter is ignored.")
                     % {"value": value[:20], "name": name})
        return None


def read_filters(params, *, municipality) -> tuple[BillFilters, list[str]]:
    """The list's filters from the query string, and notes on what was ignored."""
    notes: list[str] = []
    status = params.get("status") or None
    if status and status not in BillStatus.values:
        notes.append(_("Unknown status “%(value)s”; that filter is ignored.") % {"value": status[:20]})
        status = None
    district = None
    if params.get("district"):
        district = District.objects.filter(municipality=municipality, code=params["district"][:32]).first()
        if district is None:
            notes.append(_("Unknown district “%(value)s”; that filter is ignored.")
                         % {"value": params["district"][:32]})
    issued_from = _date(params.get("from", ""), _("issued from"), notes)
    issued_to = _date(params.get("to", ""), _("issued to"), notes)
    return BillFilters(status=status, service=(params.get("service") or "")[:50] or None, district=district,
                       issued_from=issued_from, issued_to=issued_to,
                       q=(params.get("q") or "").strip()[:32]), notes


def district_choices(municipality) -> list[tuple[str, str]]:
    return [(d.code, inbox_present.name_of(d)) for d in
            District.objects.filter(municipality=municipality).only("code", "name_ar", "name_en").order_by("code")]

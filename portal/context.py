"""The portal's municipality: the one a citizen chose (``?m=<short code>``, kept in the session), else the first
one serving the portal. Everything a citizen does on the portal happens in it; their own transactions are shown
from every municipality."""

from __future__ import annotations

from accounts.models import Municipality

SESSION_KEY = "portal_municipality"


def serving():
    return Municipality.objects.exclude(short_code="").defer("boundary").order_by("pk")


def portal_municipality(request) -> Municipality | None:
    code = (request.GET.get("m") or "").strip().upper()[:8]
    if code:
        chosen = serving().filter(short_code=code).first()
        if chosen is not None:
            request.session[SESSION_KEY] = chosen.pk
            return chosen
    pk = request.session.get(SESSION_KEY)
    if pk:
        found = serving().filter(pk=pk).first()
        if found is not None:
            return found
    return serving().first()

"""Answers checked against what the municipality has on record. An inspector's "yes" to the health-certificate
question while certificates on record had expired by the visit day is not overruled — the inspector may have seen
renewals not yet on record — but it is kept on the visit (``Visit.record_checks``), told to the inspector at sync
and listed for the supervisor. Nothing is silently accepted or silently changed."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from licensing.models import HealthCertificate

HEALTH_CERTIFICATES = "HC"  # the checklist question "Do all workers hold a valid health certificate?"


def against_records(*, establishment_id: int, answers: dict[str, bool], day: date) -> list[dict]:
    """The answers the records contradict, each with the records that do: ``[{"code", "answer", "records"}]``."""
    if answers.get(HEALTH_CERTIFICATES) is not True:
        return []
    expired = (HealthCertificate.objects.filter(establishment_id=establishment_id, expires_on__lt=day)
               .order_by("expires_on", "number"))
    records = [{"number": c.number, "holder": c.holder_name, "expires_on": c.expires_on.isoformat()}
               for c in expired]
    return [{"code": HEALTH_CERTIFICATES, "answer": True, "records": records}] if records else []


def record_checks_text(checks: list[dict]) -> str:
    """What the inspector and the supervisor read about ``checks`` (empty when there are none)."""
    lines = []
    for check in checks:
        if check.get("code") == HEALTH_CERTIFICATES:
            records = check.get("records") or []
            named = ", ".join(f"{r['holder']} ({r['number']}, {r['expires_on']})" for r in records)
            lines.append(ngettext(
                "Answered yes to the health certificates, but %(n)d certificate on record had expired by the visit "
                "day: %(list)s. Flagged for the supervisor.",
                "Answered yes to the health certificates, but %(n)d certificates on record had expired by the "
                "visit day: %(list)s. Flagged for the supervisor.", len(records)) % {"n": len(records),
                                                                                    "list": named})
        else:
            lines.append(_("The answer to %(code)s contradicts the records.") % {"code": check.get("code")})
    return " ".join(lines)

"""The risk-based inspection schedule (docs/inspections.md): how often a licensed premises is visited follows its
risk level and its last result, and who visits it follows its district."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from audit.models import ChangeRecord
from audit.services import change_record
from licensing.models import InspectorArea, License, LicenseStatus, Premises, Visit, VisitKind, VisitStatus

# Days between routine visits by risk level, and the factor the last result applies to it.
INTERVAL_DAYS = {"high": 90, "medium": 180, "low": 365}
RESULT_FACTOR = {"fail": 0.25, "conditional": 0.5, "pass": 1.0, None: 1.0}
EXCELLENT = 95  # a pass with this score or more waits half as long again


def next_visit_after(*, risk: str, result: str | None, day: date, score: float | None = None) -> date:
    days = INTERVAL_DAYS[risk] * RESULT_FACTOR.get(result, 1.0)
    if result == "pass" and score is not None and score >= EXCELLENT:
        days *= 1.5
    return day + timedelta(days=max(7, round(days)))


def inspector_for(premises: Premises):
    """The inspector covering the premises' district (the first by name), or None (the supervisor assigns)."""
    area = (InspectorArea.objects.filter(municipality_id=premises.municipality_id, district_id=premises.district_id)
            .select_related("inspector").order_by("inspector__username").first())
    return area.inspector if area else None


@transaction.atomic
def visits_schedule_due(*, municipality_id: int, today: date | None = None) -> int:
    """A routine visit for each active license whose next visit is due and that has none open (a daily job)."""
    today = today or timezone.localdate()
    due = (License.objects.filter(municipality_id=municipality_id, status=LicenseStatus.ACTIVE,
                                  next_visit_on__lte=today)
           .exclude(premises__visits__status=VisitStatus.PLANNED).select_related("premises"))
    made = [Visit(municipality_id=municipality_id, premises=lic.premises, license=lic, kind=VisitKind.ROUTINE,
                  due_on=lic.next_visit_on, inspector=inspector_for(lic.premises), geom=lic.premises.geom)
            for lic in due]
    Visit.objects.bulk_create(made)
    return len(made)


@transaction.atomic
def licenses_expire_due(*, today: date | None = None) -> int:
    """Active licenses past their expiry: expired, their child permits revoked (a daily job; renewal revives)."""
    from licensing.services.workflow import children_revoke

    today = today or timezone.localdate()
    due = list(License.objects.select_for_update(skip_locked=True).filter(status=LicenseStatus.ACTIVE,
                                                                           expires_on__lt=today))
    for license in due:
        license.status, license.version = LicenseStatus.EXPIRED, license.version + 1
        license.save(update_fields=["status", "version", "updated_at"])
        children_revoke(license=license, because="expired")
        change_record(instance=license, action=ChangeRecord.Action.UPDATE, actor="system: licenses expiry",
                      changes={"status": [LicenseStatus.ACTIVE, LicenseStatus.EXPIRED]})
    return len(due)


@transaction.atomic
def renewal_reminders_send(*, today: date | None = None) -> int:
    """Tell each active license's owner that its renewal window is open (90 days before expiry): once per term,
    however often the daily job runs."""
    from cases.applicant_notify import notify_applicants
    from licensing.services.applications import RENEWAL_WINDOW_DAYS

    today = today or timezone.localdate()
    due = License.objects.filter(status=LicenseStatus.ACTIVE, expires_on__gt=today,
                                 expires_on__lte=today + timedelta(days=RENEWAL_WINDOW_DAYS))
    count = 0
    for license in due:
        notify_applicants(license.case_id, "license_renewal_open", once_for=f"renewal-{license.expires_on}",
                          license=license.number, expires_on=license.expires_on.isoformat())
        count += 1
    return count

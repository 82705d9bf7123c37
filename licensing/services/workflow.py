"""The licenses' steps (``licensing.case_types``): bills, the license and its certificate on payment, renewal,
the pre-opening visit, closure and cancellation — each inside its step's transaction, audited."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from audit.models import ChangeRecord
from audit.services import change_record
from cases.documents.services import Approver, document_issue
from cases.models import Case, EntryKind, TimelineEntry
from cases.numbering import register_number, years_after
from common.errors import RegisterError
from licensing.models import ChildPermit, ChildPermitKind, License, LicenseStatus, Visit, VisitKind, VisitStatus
from licensing.schedule import inspector_for, next_visit_after
from payments.fees import case_fee_lines
from payments.services import bill_issue

TERM_YEARS = 1
PRE_OPENING_DAYS = 2


def license_of(case: Case) -> License:
    return License.objects.select_for_update().select_related("premises", "activity").get(case=case)


def _license_of_renewal(case: Case) -> License:
    return (License.objects.select_for_update().select_related("premises", "activity")
            .get(municipality_id=case.municipality_id, number=case.data["license_number"]))


# --- the application ----------------------------------------------------------------------------------


def immediate_only(case: Case, actor):
    if not License.objects.filter(case=case, activity__immediate=True).exists():
        return _("This activity is not issued on payment alone: it needs a review and a pre-opening inspection.")
    return None


def bill_license(*, case: Case, actor) -> None:
    """The license fee by the premises' area, with the signboard's fee by its area when there is one."""
    license = license_of(case)
    lines = case_fee_lines(case=case, service="commercial_license", measures={"floor_area": license.premises.area_m2})
    sign = license.children.filter(kind=ChildPermitKind.SIGNBOARD).first()
    if sign is not None and sign.area_m2:
        lines += case_fee_lines(case=case, service="signboard", measures={"sign_area": sign.area_m2})
    bill_issue(case=case, actor=actor, service_code=case.case_type, lines=lines)


def _approver(case: Case):
    entry = (TimelineEntry.objects.filter(case=case, kind=EntryKind.TRANSITION, actor__isnull=False)
             .select_related("actor").order_by("-id").first())
    return entry.actor if entry else Approver(name=_("Commercial licensing department"))


def certificate_issue(*, case: Case, license: License, actor) -> None:
    establishment = license.premises.establishment
    doc = document_issue(
        case=case, kind="commercial_license", template="licensing/certificate.html",
        context={"license": license, "premises": license.premises, "establishment": establishment,
                 "activity": license.activity, "parcel": license.premises.parcel,
                 "children": list(license.children.filter(active=True))},
        approver=_approver(case), actor=actor, title_ar="رخصة تجارية", title_en="Commercial license",
        valid_until=license.expires_on)
    license.certificate = doc
    license.save(update_fields=["certificate", "updated_at"])


def license_issue(*, case: Case, actor) -> None:
    """Paid: the license's number and term, its child permits active, its first routine visit due, and the
    certificate with its QR code."""
    license = license_of(case)
    if license.number:
        raise RegisterError(_("Case %(n)s already has its license.") % {"n": case.number}, code="issued")
    municipality = Municipality.objects.get(pk=case.municipality_id)
    today = timezone.localdate()
    license.number = register_number(model=License, municipality=municipality, code="CL",
                                                    day=today)
    license.status, license.issued_on = LicenseStatus.ACTIVE, today
    license.expires_on = years_after(today, TERM_YEARS)
    license.next_visit_on = next_visit_after(risk=license.risk, result=license.last_result or None, day=today)
    license.version += 1
    license.save()
    license.children.update(active=True)
    change_record(instance=license, action=ChangeRecord.Action.UPDATE, actor=actor, changes={
        "number": [None, license.number], "status": [LicenseStatus.APPLIED, LicenseStatus.ACTIVE],
        "expires_on": [None, str(license.expires_on)]})
    certificate_issue(case=case, license=license, actor=actor)


def license_refused(*, case: Case, actor) -> None:
    license = license_of(case)
    license.status, license.version = LicenseStatus.REFUSED, license.version + 1
    license.save(update_fields=["status", "version", "updated_at"])
    Visit.objects.filter(license=license, status=VisitStatus.PLANNED).update(status=VisitStatus.CANCELLED)
    change_record(instance=license, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": [LicenseStatus.APPLIED, LicenseStatus.REFUSED]})


def pre_opening_visit(*, case: Case, actor) -> None:
    """The review asks for the pre-opening inspection: a visit due in two days for the district's inspector."""
    license = license_of(case)
    premises = license.premises
    if Visit.objects.filter(premises=premises, status=VisitStatus.PLANNED).exists():
        Visit.objects.filter(premises=premises, status=VisitStatus.PLANNED).update(
            license=license, kind=VisitKind.PRE_OPENING, origin_case=case)
        return
    Visit.objects.create(municipality_id=case.municipality_id, premises=premises, license=license,
                         kind=VisitKind.PRE_OPENING, due_on=timezone.localdate() + timedelta(days=PRE_OPENING_DAYS),
                         inspector=inspector_for(premises), origin_case=case, geom=premises.geom)


# --- renewal ------------------------------------------------------------------------------------------


def bill_renewal(*, case: Case, actor) -> None:
    license = _license_of_renewal(case)
    flags = {"late_renewal"} if case.data.get("late") else set()
    lines = case_fee_lines(case=case, service="license_renewal", measures={"floor_area": license.premises.area_m2},
                   flags=flags)
    bill_issue(case=case, actor=actor, service_code=case.case_type, lines=lines)


def license_renew(*, case: Case, actor) -> None:
    """Paid: a year more from the old expiry (or from today when it had lapsed); revived child permits."""
    license = _license_of_renewal(case)
    today = timezone.localdate()
    before = (license.status, license.expires_on)
    license.expires_on = years_after(max(license.expires_on, today), TERM_YEARS)
    license.status, license.version = LicenseStatus.ACTIVE, license.version + 1
    license.save(update_fields=["expires_on", "status", "version", "updated_at"])
    license.children.filter(revoked_because="expired").update(active=True, revoked_on=None, revoked_because="")
    change_record(instance=license, action=ChangeRecord.Action.UPDATE, actor=actor, changes={
        "status": [before[0], license.status], "expires_on": [str(before[1]), str(license.expires_on)],
        "renewal": [None, case.number]})
    certificate_issue(case=case, license=license, actor=actor)


# --- closure and cancellation ---------------------------------------------------------------------------


def children_revoke(*, license: License, because: str) -> int:
    return ChildPermit.objects.filter(license=license, active=True).update(
        active=False, revoked_on=timezone.localdate(), revoked_because=because)


def _closure_license(case: Case) -> License:
    return (License.objects.select_for_update().select_related("premises")
            .get(municipality_id=case.municipality_id, number=case.data["license_number"]))


def license_reopen(*, case: Case, actor) -> None:
    """The re-inspection passed: the license is active again."""
    license = _closure_license(case)
    if license.status == LicenseStatus.SUSPENDED:
        license.status, license.version = LicenseStatus.ACTIVE, license.version + 1
        license.save(update_fields=["status", "version", "updated_at"])
        change_record(instance=license, action=ChangeRecord.Action.UPDATE, actor=actor,
                      changes={"status": [LicenseStatus.SUSPENDED, LicenseStatus.ACTIVE], "closure": [case.number,
                                                                                                      None]})


def license_cancel(*, case: Case, actor) -> None:
    """Cancelled (objectionable within 60 days): the license ends, its child permits with it, planned visits off."""
    license = _closure_license(case)
    before = license.status
    license.status, license.version = LicenseStatus.CANCELLED, license.version + 1
    license.save(update_fields=["status", "version", "updated_at"])
    revoked = children_revoke(license=license, because="cancelled")
    Visit.objects.filter(license=license, status=VisitStatus.PLANNED).update(status=VisitStatus.CANCELLED)
    change_record(instance=license, action=ChangeRecord.Action.UPDATE, actor=actor, changes={
        "status": [before, LicenseStatus.CANCELLED], "child_permits_revoked": [0, revoked], "by": [None, case.number]})

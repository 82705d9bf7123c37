"""Applying for a commercial license and renewing one (the case types' ``apply``; inside ``case_apply``'s
transaction): the spatial eligibility is checked first and a refusal says which rule failed and why."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from audit.services import change_record
from cases.documents.services import document_upload
from cases.events import event_apply
from cases.models import Case, PartyRole
from cases.services import case_create
from common.bilingual import in_language
from common.errors import RegisterError
from licensing.eligibility import eligibility_check
from licensing.models import (
    Activity,
    ChildPermit,
    ChildPermitKind,
    Establishment,
    License,
    LicenseStatus,
    Premises,
)
from parcels.models import Parcel

LICENSE = "commercial_license"
RENEWAL = "license_renewal"
RENEWAL_WINDOW_DAYS = 90
LATE_RENEWAL_DAYS = 365  # an expired license may still be renewed (with the surcharge) for a year


def _time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


def _applicant(parties):
    applicant = next((p for p, r in parties if r == PartyRole.APPLICANT), None)
    if applicant is None:
        raise RegisterError(_("The application needs an applicant."), code="no_applicant")
    return applicant


def _point_of(point, parcels) -> Point:
    if point is not None:
        return point
    if parcels:
        return parcels[0].geom.point_on_surface
    raise RegisterError(_("Place the premises on the map (a point inside its parcel)."), code="no_location")


def license_apply(*, municipality, actor, data=None, parties=(), parcels=(), point=None, area=None,
                  files=None) -> Case:
    """A new license: eligibility, then the case, the establishment (by its CR), the premises on the map, the
    license (applied) and its child permits. An immediate activity goes straight to its bill."""
    data, parties, parcels = dict(data or {}), list(parties), list(parcels)
    activity = Activity.objects.filter(code=str(data.get("activity", "")).strip().upper()).first()
    if activity is None:
        raise RegisterError(_("Unknown activity %(a)s: choose one of the catalogue's codes.")
                            % {"a": str(data.get("activity", ""))[:16]}, code="activity")
    point = _point_of(point, parcels)
    result = eligibility_check(municipality_id=municipality.pk, activity=activity, point=point)
    if not result.eligible:
        why = " ".join(in_language(c.why_ar, c.why_en) for c in result.failing())
        raise RegisterError(_("The premises is not eligible for %(a)s here: %(why)s") % {"a": activity.code,
                                                                                       "why": why},
                            code="not_eligible")
    parcel = Parcel.objects.get(pk=result.parcel_id)
    if parcels and parcel.pk not in {p.pk for p in parcels}:
        raise RegisterError(_("The premises' point lies in parcel %(n)s, not in the parcel named.")
                            % {"n": parcel.number}, code="parcel_mismatch")
    applicant = _applicant(parties)
    case = case_create(municipality=municipality, case_type=LICENSE, actor=actor, data=data, parties=parties,
                       parcels=[parcel], point=point)
    data = case.data
    establishment = _establishment(municipality=municipality, owner=applicant, data=data, actor=actor)
    premises = Premises.objects.create(
        municipality=municipality, establishment=establishment, name_ar=data["trade_name"], parcel=parcel,
        street_id=result.street_id, district_id=result.district_id, area_m2=Decimal(str(data["area_m2"])),
        opens=_time(data.get("opens")), closes=_time(data.get("closes")), geom=point)
    license = License.objects.create(municipality=municipality, premises=premises, activity=activity,
                                     activity_code=activity.code, case=case,
                                     risk=activity.risk, geom=point)
    if data.get("signboard_m2"):
        ChildPermit.objects.create(municipality=municipality, license=license, kind=ChildPermitKind.SIGNBOARD,
                                   area_m2=Decimal(str(data["signboard_m2"])))
    if data.get("home_delivery"):
        ChildPermit.objects.create(municipality=municipality, license=license, kind=ChildPermitKind.HOME_DELIVERY)
    change_record(instance=license, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"case": [None, case.number], "activity": [None, activity.code],
                           "premises": [None, premises.pk]})
    for code, upload in dict(files or {}).items():
        document_upload(case=case, code=code, upload=upload, actor=actor)
    if activity.immediate:
        event_apply(case_id=case.pk, event="license.immediate")
        case.refresh_from_db()
    return case


def _establishment(*, municipality, owner, data: dict, actor) -> Establishment:
    cr = data["cr_number"]
    establishment = Establishment.objects.select_for_update().filter(municipality=municipality, cr_number=cr).first()
    if establishment is None:
        establishment = Establishment.objects.create(
            municipality=municipality, cr_number=cr, name_ar=data["trade_name"], owner=owner,
            size_class=data.get("size_class") or "small")
        change_record(instance=establishment, action=ChangeRecord.Action.CREATE, actor=actor,
                      changes={"cr_number": [None, cr]})
    elif establishment.owner_id != owner.pk:
        raise RegisterError(_("Commercial registration %(cr)s belongs to another owner: apply as its owner or "
                              "their representative.") % {"cr": cr}, code="cr_owner")
    return establishment


def renewal_window(license: License, today) -> tuple[bool, bool, str]:
    """(may renew, late, why not)."""
    if license.status not in (LicenseStatus.ACTIVE, LicenseStatus.EXPIRED) or license.expires_on is None:
        return False, False, _("License %(n)s is %(s)s: only an active or expired license is renewed.") % {
            "n": license.number or license.pk, "s": license.get_status_display()}
    opens = license.expires_on - timedelta(days=RENEWAL_WINDOW_DAYS)
    if today < opens:
        return False, False, _("The renewal of license %(n)s opens on %(d)s (90 days before it expires).") % {
            "n": license.number, "d": opens.isoformat()}
    if today > license.expires_on + timedelta(days=LATE_RENEWAL_DAYS):
        return False, True, _("License %(n)s expired more than a year ago: apply for a new license.") % {
            "n": license.number}
    return True, today > license.expires_on, ""


def renewal_apply(*, municipality, actor, data=None, parties=(), parcels=(), point=None, area=None,
                  files=None) -> Case:
    """A renewal of a license in its window (late: surcharged): billed at once, renewed on payment."""
    data = dict(data or {})
    license = (License.objects.select_for_update().select_related("premises__establishment")
               .filter(municipality=municipality, number=str(data.get("license_number", "")).strip()).first())
    if license is None:
        raise RegisterError(_("No license numbered %(n)s in this municipality.")
                            % {"n": str(data.get("license_number", ""))[:32]}, code="license")
    applicant = _applicant(parties)
    if applicant.pk != license.premises.establishment.owner_id:
        raise RegisterError(_("License %(n)s belongs to another establishment's owner.") % {"n": license.number},
                            code="license_owner")
    if Case.objects.filter(case_type=RENEWAL, data__license_number=license.number,
                           status__in=("submitted", "awaiting_payment")).exists():
        raise RegisterError(_("A renewal of license %(n)s is already open.") % {"n": license.number},
                            code="renewal_open")
    ok, late, why = renewal_window(license, timezone.localdate())
    if not ok:
        raise RegisterError(why, code="renewal_window")
    data["late"] = late
    case = case_create(municipality=municipality, case_type=RENEWAL, actor=actor, data=data, parties=parties,
                       parcels=[license.premises.parcel], point=license.geom)
    event_apply(case_id=case.pk, event="license.renewal")
    case.refresh_from_db()
    return case

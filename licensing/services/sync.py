"""Inspectors' devices send the visits they recorded offline (docs/inspections.md, decision 028). Every result is
kept as the device sent it (``VisitSubmission``), whatever becomes of it, so nothing is lost:

- applied: the visit is recorded (score, violations, fines, closure), once — the device's key makes a repeat of
  the same result an answer from the record, never a second application;
- conflict: the premises changed at the office since the download, or the visit was already recorded from
  another device — held for the supervisor, never silently overwritten;
- refused: the visit was cancelled or its license ended meanwhile; the result is kept, not applied;
- invalid: what the device sent cannot be read (a photo that is not an image, answers missing) — not stored,
  the device keeps it and shows why.
"""

from __future__ import annotations

import base64
import binascii
import io
import uuid as uuidlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from accounts.selectors import user_has_permission
from audit.models import ChangeRecord
from audit.services import change_record
from common.errors import NotPermitted, RegisterError, TransitionError
from licensing.models import (
    InspectorArea,
    LicenseStatus,
    SubmissionStatus,
    Violation,
    Visit,
    VisitPhoto,
    VisitStatus,
    VisitSubmission,
)
from licensing.record_checks import record_checks_text
from licensing.services.visits import visit_record
from payments.models import Bill

MAX_RESULTS = 500
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class Invalid(Exception):
    pass


def _image(data_url: str, where: str) -> tuple[bytes, str]:
    if not isinstance(data_url, str) or not data_url.startswith("data:") or "," not in data_url:
        raise Invalid(_("%(where)s is not an image (send a data: URL of a JPEG, PNG or WebP).") % {"where": where})
    try:
        raw = base64.b64decode(data_url.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(_("%(where)s is not valid base64.") % {"where": where}) from None
    if len(raw) > MAX_PHOTO_BYTES:
        raise Invalid(_("%(where)s is %(mb).1f MB: at most 5 MB.") % {"where": where, "mb": len(raw) / 2**20})
    try:
        with Image.open(io.BytesIO(raw)) as img:
            img.verify()
            kind = img.format
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise Invalid(_("%(where)s is not an image (JPEG, PNG or WebP).") % {"where": where}) from None
    if kind not in IMAGE_FORMATS:
        raise Invalid(_("%(where)s is a %(kind)s image: send JPEG, PNG or WebP.") % {"where": where, "kind": kind})
    return raw, IMAGE_FORMATS[kind]


def _read(item) -> dict:
    """The fields of one result, checked; Invalid says what is wrong and where."""
    if not isinstance(item, dict):
        raise Invalid(_("Each result must be an object."))
    try:
        key = uuidlib.UUID(str(item.get("uuid")))
    except ValueError:
        raise Invalid(_("uuid: a result needs the device's key (a UUID).")) from None
    visit, version = item.get("visit"), item.get("premises_version")
    if not isinstance(visit, int) or not isinstance(version, int):
        raise Invalid(_("visit and premises_version must be integers."))
    answers = item.get("answers")
    if not isinstance(answers, dict) or not all(isinstance(v, bool) for v in answers.values()):
        raise Invalid(_("answers must map each checklist question's code to true or false."))
    recorded = parse_datetime(str(item.get("recorded_at") or "")) if item.get("recorded_at") else None
    if item.get("recorded_at") and recorded is None:
        raise Invalid(_("recorded_at must be an ISO 8601 date and time."))
    photos = item.get("photos") or []
    if not isinstance(photos, list) or len(photos) > MAX_PHOTOS:
        raise Invalid(_("photos: a list of at most %(n)d images.") % {"n": MAX_PHOTOS})
    images = [_image(p, _("photo %(n)d") % {"n": i}) for i, p in enumerate(photos, start=1)]
    signature = _image(item["signature"], _("the signature")) if item.get("signature") else None
    return {"uuid": key, "visit": visit, "premises_version": version, "answers": answers,
            "notes": str(item.get("notes") or "")[:4000], "recorded_at": recorded, "images": images,
            "signature": signature}


def _may_record(actor, visit: Visit, *, supervises: bool, districts: frozenset[int]) -> bool:
    """The visit's inspector, a supervisor, or the inspector of its district when nobody has it."""
    if visit.inspector_id == actor.pk or supervises:
        return True
    return visit.inspector_id is None and visit.premises.district_id in districts


def _answer(sub: VisitSubmission, *, repeat: bool) -> dict:
    visit = sub.visit
    out = {"uuid": str(sub.uuid), "status": sub.status, "message": sub.reason, "visit": visit.pk,
           "repeat": repeat}
    if sub.status in (SubmissionStatus.APPLIED, SubmissionStatus.RESOLVED) and visit.submission == sub.uuid:
        out.update(result=visit.result, score=str(visit.score), record_checks=visit.record_checks)
        if visit.record_checks:
            out["message"] = " ".join(filter(None, [sub.reason, record_checks_text(visit.record_checks)]))
        violations = list(Violation.objects.filter(visit=visit).select_related("penalty"))
        out["violations"] = [{"penalty": v.penalty_code, "status": v.status, "amount": str(v.amount),
                              "grace_until": v.grace_until.isoformat() if v.grace_until else None}
                             for v in violations]
        fine_case = next((v.case for v in violations if v.case_id and not v.closure), None)
        if fine_case is not None:
            bill = Bill.objects.filter(case=fine_case).order_by("-id").first()
            out["fine"] = {"case": fine_case.number, "amount": str(bill.amount) if bill else None,
                           "account_number": bill.account_number if bill else None}
        closure = next((v.case for v in violations if v.closure and v.case_id), None)
        if closure is not None:
            out["closure"] = closure.number
    return out


def _keep(*, actor, visit: Visit, read: dict, device: str, status: str, reason: str) -> VisitSubmission:
    payload = {k: v for k, v in read.items() if k not in ("images", "signature", "uuid", "recorded_at")}
    payload.update(recorded_at=read["recorded_at"].isoformat() if read["recorded_at"] else None,
                   photos=len(read["images"]), signature=read["signature"] is not None)
    sub = VisitSubmission.objects.create(
        municipality_id=visit.municipality_id, uuid=read["uuid"], visit=visit, inspector=actor, device=device[:64],
        payload=payload, base_version=read["premises_version"], status=status, reason=reason[:500])
    for n, (raw, content_type) in enumerate(read["images"], start=1):
        _photo(sub, raw, content_type, f"{sub.uuid}-{n}", signature=False)
    if read["signature"]:
        _photo(sub, *read["signature"], f"{sub.uuid}-signature", signature=True)
    return sub


def _photo(sub: VisitSubmission, raw: bytes, content_type: str, name: str, *, signature: bool) -> None:
    ext = content_type.split("/")[1]
    photo = VisitPhoto(municipality_id=sub.municipality_id, visit_id=sub.visit_id, submission=sub,
                       signature=signature, content_type=content_type, size=len(raw))
    photo.image.save(f"{name}.{ext}", ContentFile(raw), save=False)
    photo.save()


def _verdict(visit: Visit, read: dict) -> tuple[str, str]:
    if visit.status == VisitStatus.DONE:
        return SubmissionStatus.CONFLICT, _(
            "This visit was already recorded (at %(t)s) from another device or by another inspector: both results "
            "are kept for the supervisor.") % {"t": timezone.localtime(visit.done_at).strftime("%Y-%m-%d %H:%M")}
    if visit.status == VisitStatus.CANCELLED:
        return SubmissionStatus.REFUSED, _("The visit was cancelled at the office after you downloaded it: your "
                                           "result is kept, not applied.")
    license = visit.license
    if license is not None and license.status in (LicenseStatus.CANCELLED, LicenseStatus.REFUSED):
        return SubmissionStatus.REFUSED, _(
            "License %(n)s was %(s)s after you downloaded the visit: your result is kept for the supervisor, not "
            "applied.") % {"n": license.number or license.pk, "s": license.get_status_display()}
    if visit.premises.version != read["premises_version"]:
        return SubmissionStatus.CONFLICT, _(
            "The premises changed at the office since you downloaded it (version %(a)d, now %(b)d): your result is "
            "held for you and the supervisor to confirm.") % {"a": read["premises_version"],
                                                              "b": visit.premises.version}
    return SubmissionStatus.APPLIED, ""


def _one(*, actor, municipality_id: int, item, device: str, who: dict) -> dict:
    try:
        read = _read(item)
    except Invalid as exc:
        return {"uuid": str(item.get("uuid")) if isinstance(item, dict) else None, "status": "invalid",
                "message": str(exc)}
    try:
        return _apply(actor=actor, municipality_id=municipality_id, read=read, device=device, who=who)
    except IntegrityError:  # the same result sent twice at once: the other request recorded it first
        earlier = VisitSubmission.objects.select_related("visit").get(uuid=read["uuid"])
        return _answer(earlier, repeat=True)


def _apply(*, actor, municipality_id: int, read: dict, device: str, who: dict) -> dict:
    with transaction.atomic():
        earlier = VisitSubmission.objects.select_related("visit").filter(uuid=read["uuid"]).first()
        if earlier is not None:
            return _answer(earlier, repeat=True)
        visit = (Visit.objects.select_for_update(of=("self",)).select_related("premises", "license")
                 .filter(pk=read["visit"], municipality_id=municipality_id).first())
        if visit is None:
            return {"uuid": str(read["uuid"]), "status": "invalid", "message": _("No such visit.")}
        if not _may_record(actor, visit, **who):
            return {"uuid": str(read["uuid"]), "status": "invalid",
                    "message": _("This visit is assigned to another inspector.")}
        status, reason = _verdict(visit, read)
        if status == SubmissionStatus.APPLIED:
            try:
                with transaction.atomic():
                    visit_record(visit=visit, actor=actor, answers=read["answers"], notes=read["notes"],
                                 done_at=read["recorded_at"], submission=read["uuid"])
            except (RegisterError, TransitionError) as exc:
                return {"uuid": str(read["uuid"]), "status": "invalid", "message": " ".join(exc.messages)}
        sub = _keep(actor=actor, visit=visit, read=read, device=device, status=status, reason=reason)
        sub.visit.refresh_from_db()
        return _answer(sub, repeat=False)


def visits_sync(*, actor, municipality_id: int, results: list, device: str = "") -> list[dict]:
    """Apply a device's batch of visit results, each in its own transaction; one answer per result, in order."""
    if not isinstance(results, list):
        raise RegisterError(_("results must be a list."), code="sync_shape")
    if len(results) > MAX_RESULTS:
        raise RegisterError(_("At most %(n)d results in one sync.") % {"n": MAX_RESULTS}, code="sync_size")
    who = {"supervises": user_has_permission(actor, "inspections.supervise", municipality_id=municipality_id),
           "districts": frozenset(InspectorArea.objects.filter(inspector=actor, municipality_id=municipality_id)
                                  .values_list("district_id", flat=True))}
    return [_one(actor=actor, municipality_id=municipality_id, item=item, device=device, who=who) for item in results]


@transaction.atomic
def submission_decide(*, submission: VisitSubmission, actor, apply: bool, note: str = "") -> VisitSubmission:
    """The supervisor's decision on a held result: apply it (recorded as the visit's result when the visit is still
    open) or discard it (kept, marked discarded). Audited."""
    sub = VisitSubmission.objects.select_for_update(of=("self",)).select_related("visit").get(pk=submission.pk)
    if not user_has_permission(actor, "inspections.supervise", municipality_id=sub.municipality_id):
        raise NotPermitted(_("Only an inspection supervisor decides on held results."),
                           needed=["inspection_supervisor"])
    if sub.status not in (SubmissionStatus.CONFLICT, SubmissionStatus.REFUSED):
        raise TransitionError(_("This result is already %(s)s.") % {"s": sub.get_status_display()}, allowed=[])
    before = sub.status
    if apply:
        if sub.visit.status != VisitStatus.PLANNED:
            raise TransitionError(_("The visit is already %(s)s: discard this result, or plan another visit.")
                                  % {"s": sub.visit.get_status_display()}, allowed=["discard"])
        p = sub.payload
        visit_record(visit=sub.visit, actor=sub.inspector, answers=p["answers"], notes=p.get("notes", ""),
                     done_at=parse_datetime(p["recorded_at"]) if p.get("recorded_at") else None,
                     submission=sub.uuid)
        sub.status = SubmissionStatus.RESOLVED
    else:
        sub.status = SubmissionStatus.DISCARDED
    sub.decided_by, sub.decided_at = actor, timezone.now()
    sub.reason = (sub.reason + (" — " + note if note else ""))[:500]
    sub.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    change_record(instance=sub, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": [before, sub.status]})
    return sub



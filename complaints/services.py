"""Filing a report (the ``complaint`` case type's application service), joining one, rating its resolution, and
asking for an inspection visit. Writes are transactional; a refusal says what and where, in the reader's
language, and leaves nothing behind."""

from __future__ import annotations

import io

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Party
from audit.models import ChangeRecord
from audit.services import change_record
from cases.models import Case, EntryKind, PartyRole, TimelineEntry
from cases.requests import request_make
from cases.services import case_create
from common.errors import RegisterError
from complaints.models import Category, Channel, Complaint, Supporter
from complaints.selectors import route

PHOTO_MAX_BYTES = 5 * 1024 * 1024
ROUTING = "routing"


def category_get(code: str) -> Category:
    category = Category.objects.filter(code=str(code or "")[:40]).first()
    if category is None:
        raise RegisterError(_("No such category: %(code)s.") % {"code": str(code)[:40]}, code="category")
    return category


def photo_check(upload) -> None:
    """An image (JPEG or PNG, decoded to be sure: a renamed file is refused) of at most 5 MB."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > PHOTO_MAX_BYTES:
        raise RegisterError(_("The photo is too large: %(mb).1f MB; at most 5 MB.") % {"mb": upload.size / 2**20},
                            code="photo_too_large")
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(upload.read())) as image:
            image.verify()
            fmt = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        fmt = None
    finally:
        upload.seek(0)
    if fmt not in ("JPEG", "PNG"):
        raise RegisterError(_("The photo is not a JPEG or PNG image."), code="photo_not_image")


def complaint_apply(*, municipality, actor, data, parties, parcels=(), point=None, area=None, files=None,
                    channel: str = Channel.PORTAL, address: str = "") -> Case:
    """The case type's ``apply``: the place must be a point inside the municipality; the report is routed to the
    handler of its category in its district and the reporter is told."""
    from cases.documents.services import document_upload

    data = dict(data or {})
    if point is None and area is not None:
        point = area.point_on_surface
    if point is None:
        raise RegisterError(_("Say where it is: drop a pin on the map or use your position."), code="no_location")
    if point.srid not in (None, 4326):
        point = point.transform(4326, clone=True)
    point = Point(point.x, point.y, srid=4326)
    category = category_get(data.get("category"))
    recipient = data.get("recipient") or "municipality"
    found = route(municipality=municipality, point=point, category=category, recipient=recipient)
    if not found.inside:
        raise RegisterError(_("This place is outside %(name)s: the municipality handles reports within its "
                              "boundary only.") % {"name": municipality.name_ar if _arabic() else
                                                   municipality.name_en or municipality.name_ar},
                            code="outside")
    photo = (files or {}).get("photo")
    if photo is not None:
        photo_check(photo)
    case = case_create(municipality=municipality, case_type="complaint", actor=actor, data=data, parties=parties,
                       point=point)
    reporter = next((p for p, role in parties if role == PartyRole.APPLICANT), None)
    complaint = Complaint.objects.create(
        municipality=municipality, case=case, category=category, recipient=recipient,
        description=str(data.get("description", ""))[:2000], geom=point, district=found.district,
        reporter=reporter, channel=channel, address=address[:300])
    _route_case(case, found)
    if photo is not None:
        document_upload(case=case, code="photo", upload=photo, actor=actor)
    change_record(instance=complaint, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"category": category.code, "district": found.district.code if found.district else None})
    return case


def _arabic() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "ar").startswith("ar")


def _route_case(case: Case, found) -> None:
    """The routing's own assignment: to the district's handler, or the role's queue (recorded on the timeline)."""
    from accounts.models import Role

    role = Role.objects.filter(code=found.role).first()
    Case.objects.filter(pk=case.pk).update(assignee_id=found.handler_id, queue_role=role)
    TimelineEntry.objects.create(case=case, kind=EntryKind.ASSIGNMENT, actor=None, actor_label=ROUTING,
                                 data={"assignee": found.handler_id, "queue": found.role,
                                       "district": found.district.code if found.district else None})


@transaction.atomic
def complaint_join(*, complaint: Complaint, party: Party, actor) -> Supporter:
    """``party`` reported the same thing: they join this report (once) and are told of its progress."""
    supporter, created = Supporter.objects.get_or_create(municipality_id=complaint.municipality_id,
                                                         complaint=complaint, party=party)
    if created:
        TimelineEntry.objects.create(case=complaint.case, kind=EntryKind.COMMENT, actor=_user(actor),
                                     actor_label="" if _user(actor) else str(actor)[:128], visible_to_applicant=True,
                                     body=_("Another person reported the same thing and joined this report."),
                                     data={"joined": party.pk})
        from complaints import notify

        transaction.on_commit(lambda: notify.joined(complaint_id=complaint.pk, party_id=party.pk))
    return supporter


def _user(actor):
    return None if isinstance(actor, str) or actor is None else actor


@transaction.atomic
def complaint_rate(*, complaint: Complaint, rating: int, note: str = "") -> Complaint:
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise RegisterError(_("A rating is a whole number from 1 to 5."), code="rating")
    if Case.objects.filter(pk=complaint.case_id).values_list("status", flat=True).first() not in ("resolved",
                                                                                               "closed"):
        raise RegisterError(_("A report is rated once it is resolved."), code="not_resolved")
    Complaint.objects.filter(pk=complaint.pk).update(rating=rating, rating_note=note[:500])
    complaint.refresh_from_db()
    return complaint


def request_visit(*, case: Case, actor) -> None:
    """The step's action: ask the process that owns inspection visits for one at the report's place."""
    complaint = Complaint.objects.select_related("category").get(case=case)
    if not complaint.category.visit_kind:
        raise RegisterError(_("This category does not ask for inspection visits."), code="no_visit")
    said = request_make(kind=complaint.category.visit_kind, case=case, actor=actor, point=complaint.geom)
    TimelineEntry.objects.create(case=case, kind=EntryKind.LINK, actor=_user(actor),
                                 actor_label="" if _user(actor) else str(actor)[:128], body=said)

"""What the applicant is told at each step of a survey decision (SMS and email through the outbox, sent once
by jobs). Effects run after the step commits, with the case's id; a dedupe key per case, step and version
keeps a repeated effect from sending twice."""

from __future__ import annotations

import logging

from django.utils.translation import gettext_lazy as _

from accounts.models import Person
from cases.documents.models import IssuedDocument
from cases.documents.render import verification_url
from cases.models import Case, CaseParty, EntryKind, PartyRole, TimelineEntry
from notifications.messages import register_template
from notifications.services import NotificationRefused, Recipient, notification_send

logger = logging.getLogger(__name__)
TEMPLATES = {
    "survey_submitted": _("Your survey decision application was received"),
    "survey_returned": _("Your survey decision was returned to you"),
    "survey_resubmitted": _("Your corrected survey was received"),
    "survey_approved": _("Your survey decision is approved"),
    "survey_rejected": _("Your survey decision was refused"),
    "survey_lapsed": _("Your survey decision lapsed unpaid"),
}


def register_templates() -> None:
    for code, label in TEMPLATES.items():
        register_template(code, label)


def recipients(case: Case) -> list[Recipient]:
    """The applicant (and owner) parties with an address, and the person who applied for them."""
    out, seen = [], set()
    parties = CaseParty.objects.filter(case=case, role__in=[PartyRole.APPLICANT, PartyRole.REPRESENTATIVE]) \
        .select_related("party")
    for cp in parties:
        party = cp.party
        if party.pk in seen or not (party.mobile or party.email):
            continue
        seen.add(party.pk)
        out.append(Recipient(name=party.name_ar, phone=party.mobile, email=party.email, language="ar"))
    if case.created_by_id:
        person = Person.objects.filter(user_id=case.created_by_id).first()
        if person is not None and person.pk not in seen and (person.mobile or person.email):
            out.append(Recipient(name=person.name_ar, phone=person.mobile, email=person.email, language="ar",
                                 user=case.created_by))
    return out


def _send(case_id: int, template: str, **extra) -> None:
    case = Case.objects.select_related("municipality").get(pk=case_id)
    context = {"number": case.number, "municipality": case.municipality.name_ar, **extra}
    for i, recipient in enumerate(recipients(case)):
        try:
            notification_send(municipality=case.municipality, recipient=recipient, template=template,
                              context=context, dedupe_key=f"{template}:{case.pk}:v{case.version}:{i}")
        except NotificationRefused:
            logger.warning("survey %s: %s not sent to %s", case.number, template, recipient.name)


def _last_note(case_id: int) -> str:
    entry = (TimelineEntry.objects.filter(case_id=case_id, kind=EntryKind.COMMENT, visible_to_applicant=True)
             .order_by("-id").first())
    return entry.body if entry else ""


def submitted(*, case_id: int) -> None:
    _send(case_id, "survey_submitted")


def returned(*, case_id: int) -> None:
    _send(case_id, "survey_returned", reason=_last_note(case_id))


def resubmitted(*, case_id: int) -> None:
    _send(case_id, "survey_resubmitted")


def approved(*, case_id: int) -> None:
    doc = IssuedDocument.objects.filter(case_id=case_id, kind="survey_decision").order_by("-issued_at").first()
    _send(case_id, "survey_approved", verify_url=verification_url(doc.token) if doc else "",
          valid_until=doc.valid_until.isoformat() if doc and doc.valid_until else "")


def lapsed(*, case_id: int) -> None:
    _send(case_id, "survey_lapsed")


def rejected(*, case_id: int) -> None:
    from cases.types import get_case_type

    case = Case.objects.only("case_type").get(pk=case_id)
    _send(case_id, "survey_rejected", reason=_last_note(case_id), days=get_case_type(case.case_type).objection_days)

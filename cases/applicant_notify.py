"""Telling a case's applicant what happened (SMS and email through the outbox, sent once by jobs): who is told
and how, shared by every process's ``notify`` module. Called from a step's effects, after it commits, with the
case's id; a dedupe key per case, template and version keeps a repeated effect from sending twice."""

from __future__ import annotations

import logging

from accounts.models import Person
from cases.models import Case, CaseParty, EntryKind, PartyRole, TimelineEntry
from notifications.services import NotificationRefused, Recipient, notification_send

logger = logging.getLogger(__name__)


def case_recipients(case: Case) -> list[Recipient]:
    """The applicant (and representative) parties with an address, and the person who applied for them."""
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


def notify_applicants(case_id: int, template: str, *, once_for: str | None = None, **extra) -> None:
    """Send ``template`` (with the case's number and municipality, and ``extra``) to the case's recipients, once
    per version of the case (or once per ``once_for``: a reminder about something other than the case's step)."""
    case = Case.objects.select_related("municipality").get(pk=case_id)
    context = {"number": case.number, "municipality": case.municipality.name_ar, **extra}
    once = once_for or f"v{case.version}"
    for i, recipient in enumerate(case_recipients(case)):
        try:
            notification_send(municipality=case.municipality, recipient=recipient, template=template,
                              context=context, dedupe_key=f"{template}:{case.pk}:{once}:{i}")
        except NotificationRefused:
            logger.warning("case %s: %s not sent to %s", case.number, template, recipient.name)


def last_note_to_applicant(case_id: int) -> str:
    """The latest note the applicant may read (the reason a step gave), or ""."""
    entry = (TimelineEntry.objects.filter(case_id=case_id, kind=EntryKind.COMMENT, visible_to_applicant=True)
             .order_by("-id").first())
    return entry.body if entry else ""

"""What a reporter (and everyone who joined the report) is told at each step: SMS and email through the outbox
(``cases.applicant_notify``), sent once per step."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.applicant_notify import last_note_to_applicant, notify_applicants
from notifications.messages import register_template
from notifications.services import NotificationRefused, Recipient, notification_send

TEMPLATES = {
    "complaint_received": _("Your report was received"),
    "complaint_status": _("Your report moved on"),
    "complaint_resolved": _("Your report is resolved"),
    "complaint_joined": _("You joined a report of the same thing"),
}


def register() -> None:
    for code, label in TEMPLATES.items():
        register_template(code, label)


def _status(case_id: int) -> str:
    from cases.models import Case
    from cases.types import get_case_type

    case = Case.objects.get(pk=case_id)
    return str(get_case_type(case.case_type).state(case.status).label)


def _supporters(case_id: int, template: str, **context) -> None:
    from cases.models import Case
    from complaints.models import Supporter

    case = Case.objects.select_related("municipality").get(pk=case_id)
    for s in Supporter.objects.filter(complaint__case_id=case_id).select_related("party"):
        if not s.party.mobile:
            continue
        try:
            notification_send(municipality=case.municipality, template=template,
                              recipient=Recipient(name=s.party.name_ar, phone=s.party.mobile, email=s.party.email),
                              context={"number": case.number, "municipality": case.municipality.name_ar, **context},
                              dedupe_key=f"{template}:{case.pk}:v{case.version}:s{s.pk}")
        except NotificationRefused:
            pass


def received(*, case_id: int) -> None:
    notify_applicants(case_id, "complaint_received")


def moved(*, case_id: int) -> None:
    context = {"status": _status(case_id), "note": last_note_to_applicant(case_id)}
    notify_applicants(case_id, "complaint_status", **context)
    _supporters(case_id, "complaint_status", **context)


def resolved(*, case_id: int) -> None:
    context = {"note": last_note_to_applicant(case_id)}
    notify_applicants(case_id, "complaint_resolved", **context)
    _supporters(case_id, "complaint_resolved", **context)


def joined(*, complaint_id: int, party_id: int) -> None:
    from accounts.models import Party
    from complaints.models import Complaint

    complaint = Complaint.objects.select_related("case", "municipality").get(pk=complaint_id)
    party = Party.objects.get(pk=party_id)
    if not (party.mobile or party.email):
        return
    try:
        notification_send(municipality=complaint.municipality, template="complaint_joined",
                          recipient=Recipient(name=party.name_ar, phone=party.mobile, email=party.email),
                          context={"number": complaint.case.number, "status": _status(complaint.case_id),
                                   "municipality": complaint.municipality.name_ar},
                          dedupe_key=f"complaint_joined:{complaint.pk}:{party.pk}")
    except NotificationRefused:
        pass

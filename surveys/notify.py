"""What the applicant is told at each step of a survey decision (SMS and email through the outbox, sent once
by jobs). Effects run after the step commits, with the case's id; a dedupe key per case, step and version
keeps a repeated effect from sending twice."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.applicant_notify import case_recipients, last_note_to_applicant, notify_applicants
from cases.documents.models import IssuedDocument
from cases.documents.render import verification_url
from cases.models import Case
from notifications.messages import register_template

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


recipients = case_recipients
_send = notify_applicants
_last_note = last_note_to_applicant


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

"""What the applicant of a building permit is told at each step (SMS and email through the outbox;
``cases.applicant_notify``). The fee's bill is announced by payments itself."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.applicant_notify import last_note_to_applicant, notify_applicants
from cases.documents.render import verification_url
from cases.models import Case
from notifications.messages import register_template
from permits.models import Permit

TEMPLATES = {
    "permit_submitted": _("Your building permit application was received"),
    "permit_returned": _("Your building permit application was returned to you"),
    "permit_approved": _("Your building permit application is approved (pay the fee)"),
    "permit_issued": _("Your building permit is issued"),
    "permit_rejected": _("Your building permit application was refused"),
    "permit_lapsed": _("Your building permit application lapsed unpaid"),
}


def register() -> None:
    for code, label in TEMPLATES.items():
        register_template(code, label)


def submitted(*, case_id: int) -> None:
    notify_applicants(case_id, "permit_submitted")


def returned(*, case_id: int) -> None:
    notify_applicants(case_id, "permit_returned", reason=last_note_to_applicant(case_id))


def approved(*, case_id: int) -> None:
    notify_applicants(case_id, "permit_approved")


def issued(*, case_id: int) -> None:
    permit = Permit.objects.select_related("certificate").filter(case_id=case_id).first()
    if permit is None:
        return
    token = permit.certificate.token if permit.certificate else None
    notify_applicants(case_id, "permit_issued", permit=permit.number, valid_until=permit.valid_until.isoformat(),
                      verify_url=verification_url(token) if token else "")


def rejected(*, case_id: int) -> None:
    from cases.types import get_case_type

    case = Case.objects.only("case_type").get(pk=case_id)
    notify_applicants(case_id, "permit_rejected", reason=last_note_to_applicant(case_id),
                      days=get_case_type(case.case_type).objection_days)


def lapsed(*, case_id: int) -> None:
    notify_applicants(case_id, "permit_lapsed")

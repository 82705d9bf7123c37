"""What a licensee is told at each step (SMS and email through the outbox; ``cases.applicant_notify``). Bills
(the fee, a fine) are announced by payments itself."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.applicant_notify import last_note_to_applicant, notify_applicants
from cases.documents.render import verification_url
from notifications.messages import register_template

TEMPLATES = {
    "license_approved": _("Your commercial license is approved (pay the fee)"),
    "license_inspection_failed": _("The pre-opening inspection of your premises found problems"),
    "license_issued": _("Your commercial license is issued"),
    "license_rejected": _("Your commercial license application was refused"),
    "license_renewed": _("Your commercial license is renewed"),
    "license_renewal_open": _("Your commercial license may be renewed now"),
    "license_reopened": _("Your premises may open again"),
    "license_cancelled": _("Your commercial license is cancelled"),
}


def register() -> None:
    for code, label in TEMPLATES.items():
        register_template(code, label)


def _license(case_id: int):
    from cases.models import Case
    from licensing.models import License

    case = Case.objects.only("data", "case_type", "municipality_id").get(pk=case_id)
    number = (case.data or {}).get("license_number")
    if number:
        return License.objects.select_related("certificate").filter(municipality_id=case.municipality_id,
                                                                     number=number).first()
    return License.objects.select_related("certificate").filter(case_id=case_id).first()


def _issued(case_id: int, template: str) -> None:
    license = _license(case_id)
    if license is None:
        return
    doc = license.certificate
    notify_applicants(case_id, template, license=license.number, valid_until=str(license.expires_on),
                      verify_url=verification_url(doc.token) if doc else "")


def approved(*, case_id: int) -> None:
    notify_applicants(case_id, "license_approved")


def inspection_failed(*, case_id: int) -> None:
    notify_applicants(case_id, "license_inspection_failed")


def issued(*, case_id: int) -> None:
    _issued(case_id, "license_issued")


def renewed(*, case_id: int) -> None:
    _issued(case_id, "license_renewed")


def rejected(*, case_id: int) -> None:
    notify_applicants(case_id, "license_rejected", reason=last_note_to_applicant(case_id), days=60)


def reopened(*, case_id: int) -> None:
    notify_applicants(case_id, "license_reopened")


def cancelled(*, case_id: int) -> None:
    notify_applicants(case_id, "license_cancelled", reason=last_note_to_applicant(case_id), days=60)

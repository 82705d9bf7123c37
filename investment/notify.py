"""What an investor is told (SMS and email through the outbox; ``cases.applicant_notify``). Never an amount
offered: the offers are sealed until the opening (decision 032). Bills are announced by payments itself."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.applicant_notify import last_note_to_applicant, notify_applicants
from notifications.messages import register_template

TEMPLATES = {
    "investment_booklet_paid": _("Your tender booklet is paid: you may submit your bid"),
    "investment_bid_received": _("Your sealed bid was received (keep its receipt)"),
    "investment_awarded": _("Your bid was awarded: sign the contract within a month"),
    "investment_not_awarded": _("Your bid was not awarded: your bank guarantee is released"),
    "investment_contract_terminated": _("Your investment contract is terminated"),
}


def register() -> None:
    for code, label in TEMPLATES.items():
        register_template(code, label)


def booklet_paid(*, case_id: int) -> None:
    notify_applicants(case_id, "investment_booklet_paid")


def bid_received(*, case_id: int, receipt: str) -> None:
    notify_applicants(case_id, "investment_bid_received", receipt=receipt)


def awarded(*, case_id: int) -> None:
    notify_applicants(case_id, "investment_awarded")


def not_awarded(*, case_id: int) -> None:
    notify_applicants(case_id, "investment_not_awarded")


def contract_terminated(*, case_id: int) -> None:
    notify_applicants(case_id, "investment_contract_terminated", reason=last_note_to_applicant(case_id), days=60)

"""What the payer is told: a bill to pay (its SADAD number) and a payment received (the receipt). Sent once
through the outbox by jobs; a dedupe key per bill keeps a repeated effect from sending twice."""

from __future__ import annotations

import logging

from django.utils.translation import gettext_lazy as _

from cases.models import CaseParty, PartyRole
from notifications.messages import register_template
from notifications.services import NotificationRefused, Recipient, notification_send

logger = logging.getLogger(__name__)
TEMPLATES = {
    "bill_issued": _("A bill to pay through SADAD"),
    "bill_paid": _("Your payment was received"),
}


def register_templates() -> None:
    for code, label in TEMPLATES.items():
        register_template(code, label)


def payer_recipients(bill) -> list[Recipient]:
    """The bill's payer and the case's applicants with an address (each once)."""
    parties, out, seen = [], [], set()
    if bill.payer_id:
        parties.append(bill.payer)
    parties += [cp.party for cp in CaseParty.objects.filter(case_id=bill.case_id, role=PartyRole.APPLICANT)
                .select_related("party")]
    for party in parties:
        if party.pk in seen or not (party.mobile or party.email):
            continue
        seen.add(party.pk)
        out.append(Recipient(name=party.name_ar, phone=party.mobile, email=party.email, language="ar"))
    return out


def bill_context(bill) -> dict:
    return {"municipality": bill.municipality.name_ar, "bill_number": bill.bill_number_display,
            "amount": f"{bill.amount:.2f}", "due_date": bill.due_date.isoformat(), "case": bill.case.number}


def tell_payer(bill, template: str, context: dict | None = None) -> int:
    """Send ``template`` about ``bill`` to its payer; how many were queued (none without an address)."""
    sent, context = 0, {**bill_context(bill), **(context or {})}
    for recipient in payer_recipients(bill):
        try:
            notification_send(municipality=bill.municipality, recipient=recipient, template=template,
                              context=context,
                              dedupe_key=f"{template}:{bill.pk}:{recipient.phone or recipient.email}")
            sent += 1
        except NotificationRefused as exc:  # no channel for this person: told on the case page instead
            logger.info("bill %s: %s not sent to %s: %s", bill.pk, template, recipient.name, exc)
    return sent

"""The payments' jobs (runtime/jobs.py; the worker discovers this module): present bills to SADAD, apply
recorded payments, sweep up payments whose job was lost, expire unpaid bills."""

from __future__ import annotations

import logging

from django.conf import settings

from payments import services
from payments.services.receiving import pending_payment_ids
from runtime.jobs import job, periodic

logger = logging.getLogger(__name__)


@job("payments.upload")
def upload(*, bill_id: int) -> None:
    """Present a bill to SADAD (or withdraw a cancelled one); a connection failure retries with backoff."""
    services.bill_upload(bill_id=bill_id)


@job("payments.apply")
def apply(*, payment_id: int) -> None:
    """Apply a recorded payment to its bill (idempotent)."""
    services.payment_apply(payment_id=payment_id)


@job("payments.receipt")
def receipt(*, payment_id: int) -> None:
    """The receipt PDF of an applied payment and the payer's message (once per payment)."""
    services.receipt_issue(payment_id=payment_id)


@periodic("payments.apply_pending", cron="* * * * *")
def apply_pending(*, timestamp: int) -> None:
    """Belt and braces: a payment recorded more than 30 s ago and still not applied is applied now."""
    for payment_id in pending_payment_ids():
        services.payment_apply(payment_id=payment_id)


@periodic("payments.expire_bills", cron=settings.ARDH_PAYMENTS_EXPIRY_CRON)
def expire_bills(*, timestamp: int) -> None:
    """Unpaid bills past their expiry date become expired (their cases hear payment.expired); instalments whose
    issue date has come are presented to SADAD."""
    services.bill_expire_due()
    services.bills_present_due()

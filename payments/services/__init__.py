"""Payments' writes (docs/payments.md): bills issued, presented, cancelled and expired; payments recorded once
and applied; discrepancies found and resolved; refunds asked for and approved."""

from payments.services.bills import (
    bill_cancel,
    bill_expire_due,
    bill_issue,
    bill_upload,
    bills_present_due,
    next_account_number,
    plan_issue,
)
from payments.services.discrepancies import discrepancy_open, discrepancy_resolve, discrepancy_take
from payments.services.receiving import (
    NotificationError,
    notification_receive,
    payment_apply,
    payment_record,
    receipt_issue,
)
from payments.services.refunds import refund_decide, refund_request

__all__ = [
    "NotificationError", "bill_cancel", "bill_expire_due", "bill_issue", "bill_upload", "bills_present_due",
    "discrepancy_open", "discrepancy_resolve", "discrepancy_take", "next_account_number", "notification_receive",
    "payment_apply", "payment_record", "plan_issue", "receipt_issue", "refund_decide", "refund_request",
]

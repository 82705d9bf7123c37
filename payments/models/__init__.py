"""The payments register: billers, bills and their lines, payments as SADAD reported them, discrepancies for
finance review, refunds (fee schedules: ``fees``; reconciliation runs: ``reconciliation``)."""

from payments.models.bills import Bill, BillLine, BillStatus, Biller, InstalmentPlan, LineKind
from payments.models.payments import (
    Discrepancy, DiscrepancyKind, Payment, PaymentSource, PaymentState, Refund, RefundStatus, Resolution,
)

__all__ = [
    "Biller", "Bill", "BillLine", "BillStatus", "InstalmentPlan", "LineKind",
    "Payment", "PaymentSource", "PaymentState", "Discrepancy", "DiscrepancyKind", "Resolution",
    "Refund", "RefundStatus",
]

"""The payments register: billers, bills and their lines, payments as SADAD reported them, discrepancies for
finance review, refunds (fee schedules: ``fees``; reconciliation runs: ``reconciliation``)."""

from payments.models.bills import Bill, Biller, BillLine, BillStatus, InstalmentPlan, LineKind
from payments.models.fees import FeeRule, Measure
from payments.models.payments import (
    Discrepancy,
    DiscrepancyKind,
    Payment,
    PaymentSource,
    PaymentState,
    Refund,
    RefundStatus,
    Resolution,
)
from payments.models.unpaid import UnpaidParcel

__all__ = [
    "Bill",
    "BillLine",
    "BillStatus",
    "Biller",
    "Discrepancy",
    "DiscrepancyKind",
    "FeeRule",
    "InstalmentPlan",
    "LineKind",
    "Measure",
    "Payment",
    "PaymentSource",
    "PaymentState",
    "Refund",
    "RefundStatus",
    "Resolution",
    "UnpaidParcel",
]

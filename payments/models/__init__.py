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
from payments.models.reconciliation import LineCategory, ReconciliationLine, ReconciliationRun, RunState
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
    "LineCategory",
    "LineKind",
    "Measure",
    "Payment",
    "PaymentSource",
    "PaymentState",
    "ReconciliationLine",
    "ReconciliationRun",
    "Refund",
    "RefundStatus",
    "Resolution",
    "RunState",
    "UnpaidParcel",
]

"""A computed charge line, as fee schedules produce it and bills keep it (``BillLine``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HALALA = Decimal("0.01")


def sar(value) -> Decimal:
    """An amount in SAR, exact to the halala (half up, as on a receipt)."""
    return Decimal(str(value)).quantize(HALALA, ROUND_HALF_UP)


@dataclass(frozen=True)
class FeeLine:
    kind: str  # payments.models.LineKind: fee, minimum, surcharge, exemption (negative), fine, rent
    rule: str  # the schedule line it came from, e.g. "survey_decision.area@c3/2026-01-01"
    quantity: Decimal
    rate: Decimal
    amount: Decimal  # SAR, two decimals
    explain_ar: str
    explain_en: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rule": self.rule, "quantity": str(self.quantity), "rate": str(self.rate),
                "amount": f"{self.amount:.2f}", "explain_ar": self.explain_ar, "explain_en": self.explain_en}


def total_of(lines) -> Decimal:
    return sar(sum((line.amount for line in lines), Decimal("0")))

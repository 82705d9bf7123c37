"""Fees as data: the schedule's lines (``payments.models.FeeRule``) turned into bill lines (``compute_fee``)."""

from payments.fees.compute import FeeResult, case_fee_lines, compute_fee

__all__ = ["FeeResult", "case_fee_lines", "compute_fee"]

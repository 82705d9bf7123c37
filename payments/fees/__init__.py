"""Fees as data: the schedule's lines (``payments.models.FeeRule``) turned into bill lines (``compute_fee``)."""

from payments.fees.compute import FeeResult, compute_fee

__all__ = ["FeeResult", "compute_fee"]

from grants.models.applications import ExternalCheck, GrantApplication, GrantStatus, PlotAssessment
from grants.models.lottery import Allocation, AllocationStatus, Lottery, LotteryBatch, LotteryStatus
from grants.models.programmes import EntitlementBand, Programme, ProgrammeRule, RuleKind

__all__ = ["Allocation", "AllocationStatus", "EntitlementBand", "ExternalCheck", "GrantApplication", "GrantStatus",
           "Lottery", "LotteryBatch", "LotteryStatus", "PlotAssessment", "Programme", "ProgrammeRule", "RuleKind"]

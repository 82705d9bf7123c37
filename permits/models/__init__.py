from permits.models.case_map import PermitCaseMap
from permits.models.permits import Permit, PermitStatus, Proposal, ProposalSource
from permits.models.rules import CornerRule, Overlay, OverlayKind, RuleSet, RuleSetStatus

__all__ = ["CornerRule", "Overlay", "OverlayKind", "Permit", "PermitCaseMap", "PermitStatus", "Proposal",
           "ProposalSource", "RuleSet", "RuleSetStatus"]

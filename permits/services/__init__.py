"""Writes of building permits (``applications``: the draft and its proposals; ``workflow``: the steps' own
guards and actions; ``linked``: inspections, violations, renewals, modifications, occupancy; ``rules``: rule sets
— helper-owned)."""

from permits.services.applications import (
    permit_apply,
    permit_draft_create,
    proposal_add,
    proposal_from_file,
    proposal_justify,
)

__all__ = ["panel_context", "permit_apply", "permit_draft_create", "proposal_add", "proposal_from_file",
           "proposal_justify"]


def panel_context(case, actor) -> dict:
    from permits.panel import panel_context as context

    return context(case, actor)

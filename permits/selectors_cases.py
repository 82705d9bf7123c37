"""Reads of a permit case's own records: its proposals, the issued permit, the day its rules are taken from."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case, EntryKind, TimelineEntry
from permits.models import Permit, Proposal


def proposals_of(*, case: Case) -> QuerySet[Proposal]:
    """Every version of the proposed building, newest first."""
    return Proposal.objects.filter(case=case).order_by("-number")


def latest_proposal(*, case: Case) -> Proposal | None:
    return proposals_of(case=case).select_related("rule_set", "rule_set__regulation").first()


def permit_of(*, case: Case) -> Permit | None:
    return Permit.objects.filter(case=case).first()


def permit_by_number(*, municipality_id: int, number: str) -> Permit | None:
    """An issued permit by its permit number, or by the number of the case that issued it."""
    number = (number or "").strip()[:32]
    found = Permit.objects.filter(municipality_id=municipality_id, number=number).first()
    return found or Permit.objects.filter(municipality_id=municipality_id, case__number=number).first()


def submitted_on(*, case: Case) -> date | None:
    """The day the application was first submitted (a resubmission after a return keeps it), or None."""
    entry = (TimelineEntry.objects.filter(case=case, kind=EntryKind.TRANSITION, data__transition="submit")
             .order_by("id").only("at").first())
    return timezone.localdate(entry.at) if entry else None


def rules_date_of(*, case: Case) -> date:
    """The day whose rules a proposal of this case is checked against: its first submission, else today."""
    return submitted_on(case=case) or timezone.localdate()

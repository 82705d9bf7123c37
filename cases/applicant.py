"""The applicant's side of cases: the cases a signed-in person acts for (their own, and those of whom they validly
represent: ``accounts.selectors.acting_parties``), across municipalities, with no staff membership. Reads only
what is meant for the applicant: the timeline entries visible to them, the steps a type gives to ``applicant``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.selectors import acting_parties
from cases.models import Case, CaseParty, PartyRole
from cases.services import allowed_transitions
from cases.types import APPLICANT, UnknownCaseType, get_case_type


def my_cases(*, user, status: str | None = None) -> QuerySet[Case]:
    """Cases whose applicant ``user`` acts for today, newest first (empty for a user who is no known person)."""
    parties = acting_parties(user)
    if not parties:
        return Case.objects.none()
    qs = Case.objects.filter(pk__in=CaseParty.objects.filter(role=PartyRole.APPLICANT, party_id__in=parties)
                             .values("case_id"))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("municipality").defer("municipality__boundary").order_by("-id")


def my_case_get(*, user, pk: int) -> Case:
    """One of ``my_cases``; any other case is "not found" (never "forbidden": its existence is not told)."""
    case = my_cases(user=user).filter(pk=pk).first()
    if case is None:
        raise Http404("case")
    return case


def applicant_steps_on_mine(*, case: Case) -> list[str]:
    """The applicant's steps from the status of a case of ``my_cases`` — its user acts for the applicant by how the
    case was found, so no question is asked again (a list of hundreds runs no query per case)."""
    try:
        ct = get_case_type(case.case_type)
    except UnknownCaseType:
        return []
    return [t.name for t in ct.transitions_from(case.status) if APPLICANT in t.roles]


def applicant_steps(*, case: Case, user) -> list[str]:
    """The steps ``user`` may take now as the applicant (not by a staff role they may also hold)."""
    try:
        ct = get_case_type(case.case_type)
    except UnknownCaseType:
        return []
    names = set(allowed_transitions(case=case, actor=user))
    return [t.name for t in ct.transitions_from(case.status) if t.name in names and APPLICANT in t.roles]

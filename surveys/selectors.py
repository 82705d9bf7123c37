"""Reads of survey decisions: the rules that apply, a case's surveys, the valid decision on a parcel."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.documents.models import IssuedDocument
from cases.models import Case, CaseParcel
from surveys.models import Survey, SurveyRules

CODE = "survey_decision"


def rules_for(*, municipality_id: int) -> SurveyRules:
    """The municipality's own rules, else the national default, else the built-in defaults (unsaved)."""
    rows = {r.municipality_id: r for r in SurveyRules.objects.filter(
        Q(municipality_id=municipality_id) | Q(municipality__isnull=True))}
    return rows.get(municipality_id) or rows.get(None) or SurveyRules()


def surveys_of(*, case: Case) -> QuerySet[Survey]:
    return Survey.objects.filter(case=case).order_by("-number")


def latest_survey(*, case: Case) -> Survey | None:
    return surveys_of(case=case).first()


def valid_decision_for(*, parcel) -> IssuedDocument | None:
    """The approved survey decision a building permit starts from: issued on a case of the parcel, not revoked,
    still within its validity; the newest when there are several."""
    today = timezone.localdate()
    cases = CaseParcel.objects.filter(parcel_id=parcel.pk, case__case_type=CODE, case__status="issued").values(
        "case_id")
    return (IssuedDocument.objects.filter(case_id__in=cases, kind=CODE, revoked_at__isnull=True)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today)).order_by("-issued_at").first())

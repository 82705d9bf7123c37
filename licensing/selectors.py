"""Licensing's reads: an inspector's visits for a day, the inspectors of a municipality, and what a supervisor
reviews — the results held for a decision and the latest violations, each with the photos taken at the visit."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from licensing.models import (
    ChecklistItem,
    InspectorArea,
    SubmissionStatus,
    Violation,
    Visit,
    VisitPhoto,
    VisitStatus,
    VisitSubmission,
)

HELD = (SubmissionStatus.CONFLICT, SubmissionStatus.REFUSED)
APPLIED = (SubmissionStatus.APPLIED, SubmissionStatus.RESOLVED)


def visits_for(*, user, municipality_id: int, day: date) -> QuerySet[Visit]:
    """The planned visits due by ``day`` for ``user``: theirs, and the unassigned ones in their districts."""
    districts = InspectorArea.objects.filter(inspector=user, municipality_id=municipality_id).values("district_id")
    return (Visit.objects.filter(municipality_id=municipality_id, status=VisitStatus.PLANNED, due_on__lte=day)
            .filter(Q(inspector=user) | Q(inspector__isnull=True, premises__district_id__in=districts))
            .select_related("premises__establishment", "license__activity").order_by("due_on", "pk"))


def inspectors_of(*, municipality_id: int) -> list:
    from django.contrib.auth import get_user_model

    ids = InspectorArea.objects.filter(municipality_id=municipality_id).values("inspector_id")
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


def _photos(qs) -> QuerySet[VisitPhoto]:
    return qs.order_by("signature", "pk")


def held_submissions(*, municipality_id: int) -> QuerySet[VisitSubmission]:
    """Results held for a supervisor's decision (conflicts, refusals), newest first, with their photos and
    signature (``photos``) and the visit's premises and license."""
    return (VisitSubmission.objects.filter(municipality_id=municipality_id, status__in=HELD)
            .select_related("visit__premises", "visit__license", "inspector")
            .prefetch_related(Prefetch("photos", queryset=_photos(VisitPhoto.objects.all())))
            .order_by("-created_at", "-pk"))


def latest_violations(*, municipality_id: int) -> QuerySet[Violation]:
    """Violations newest first, with the premises, the penalty, the inspector and the photos of the result that
    was applied (``visit.applied_photos``; results held or discarded show theirs where they are decided)."""
    applied = _photos(VisitPhoto.objects.filter(submission__status__in=APPLIED))
    return (Violation.objects.filter(municipality_id=municipality_id)
            .select_related("premises", "penalty", "visit__inspector", "case")
            .prefetch_related(Prefetch("visit__photos", queryset=applied, to_attr="applied_photos"))
            .order_by("-created_at", "-pk"))


def questions_of(*, activity_ids) -> dict[tuple[int, str], ChecklistItem]:
    """Checklist questions by (activity, code): what a code in a device's answers asked."""
    return {(i.activity_id, i.code): i for i in ChecklistItem.objects.filter(activity_id__in=set(activity_ids))}


def photo_for(*, user, municipality_id: int, pk: int, supervises: bool) -> VisitPhoto | None:
    """A visit photo of the municipality that ``user`` may see: a supervisor any, an inspector those they sent."""
    qs = VisitPhoto.objects.filter(pk=pk, municipality_id=municipality_id)
    if not supervises:
        qs = qs.filter(submission__inspector=user)
    return qs.first()


def contradicted_visits(*, municipality_id: int, since: date) -> QuerySet[Visit]:
    """Visits done on or after ``since`` whose answers the records contradict (``Visit.record_checks``), newest
    first."""
    return (Visit.objects.filter(municipality_id=municipality_id, status=VisitStatus.DONE, done_at__date__gte=since)
            .exclude(record_checks=[]).select_related("premises", "inspector").order_by("-done_at", "-pk"))

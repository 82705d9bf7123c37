"""The investment case types' steps (``investment.case_types``), inside their step's transaction."""

from __future__ import annotations

from django.utils import timezone

from cases.models import Case
from investment.models import Booklet


def booklet_paid(*, case: Case, actor) -> None:
    booklet = Booklet.objects.select_for_update().get(case=case)
    if booklet.paid_at is None:
        booklet.paid_at = timezone.now()
        booklet.version += 1
        booklet.save(update_fields=["paid_at", "version", "updated_at"])

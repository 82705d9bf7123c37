"""What a land-grant applicant is told (SMS and email through the outbox; ``cases.applicant_notify``). The
excess-area bill is announced by payments itself."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.applicant_notify import notify_applicants
from notifications.messages import register_template

TEMPLATES = {
    "grant_queued": _("Your land-grant application is in the queue"),
    "grant_drawn": _("A plot was drawn for you in the land-grant lottery"),
    "grant_allocated": _("Your land-grant plot is allocated"),
    "grant_deeded": _("The deed of your granted plot is ready"),
}


def register() -> None:
    for code, label in TEMPLATES.items():
        register_template(code, label)


def _plot(case_id: int) -> dict:
    from grants.models import GrantApplication
    from grants.selectors import live_allocation

    application = GrantApplication.objects.filter(case_id=case_id).first()
    allocation = live_allocation(application) if application else None
    if allocation is None:
        return {"plot": "", "plan": "", "area": ""}
    return {"plot": allocation.parcel.number, "plan": allocation.parcel.plan.number, "area": f"{allocation.area_m2}"}


def queued(*, case_id: int) -> None:
    notify_applicants(case_id, "grant_queued")


def drawn(*, case_id: int) -> None:
    notify_applicants(case_id, "grant_drawn", **_plot(case_id))


def allocated(*, case_id: int) -> None:
    notify_applicants(case_id, "grant_allocated", **_plot(case_id))


def deeded(*, case_id: int) -> None:
    notify_applicants(case_id, "grant_deeded", **_plot(case_id))

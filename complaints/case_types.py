"""Complaints and suggestions on the backbone (docs/complaints.md).

complaint: submitted (routed to its district's handler) → assigned → in_progress → resolved → closed
           submitted | assigned → rejected (not the municipality's, not a report: the reason told)
           resolved → in_progress (the reporter reopens it: not resolved, says why)
           assigned | in_progress → in_progress (an inspection visit asked of licensing, for building and shop
           hygiene reports)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.types import APPLICANT, CaseType, Document, Field, State, Transition, register_case_type
from complaints import notify
from complaints.selectors import complaint_of_case
from complaints.services import complaint_apply, request_visit

COMPLAINT = "complaint"
HANDLERS = ("complaints_handler", "council_secretary", "building_inspector", "health_inspector",
            "department_supervisor")

CASE_TYPE = CaseType(
    code=COMPLAINT,
    title_ar="بلاغ أو مقترح",
    title_en="Complaint or suggestion",
    states=(
        State("submitted", _("received"), sla_days=1),
        State("assigned", _("with the team responsible"), sla_days=3),
        State("in_progress", _("being handled"), sla_days=7),
        State("resolved", _("resolved")),
        State("closed", _("closed"), final=True),
        State("rejected", _("not accepted"), final=True),
    ),
    initial="submitted",
    transitions=(
        Transition("accept", _("accept"), ("submitted",), "assigned", roles=HANDLERS, effects=(notify.moved,)),
        Transition("start", _("start work"), ("assigned",), "in_progress", roles=HANDLERS, effects=(notify.moved,)),
        Transition("request_visit", _("ask for an inspection visit"), ("submitted", "assigned", "in_progress"),
                   "in_progress",
                   roles=HANDLERS, actions=(request_visit,), effects=(notify.moved,)),
        Transition("resolve", _("resolved (say what was done)"), ("assigned", "in_progress"), "resolved",
                   roles=HANDLERS, note_required=True, note_to_applicant=True, effects=(notify.resolved,)),
        Transition("close", _("close"), ("resolved",), "closed", roles=(APPLICANT, *HANDLERS)),
        Transition("reopen", _("not resolved: reopen (say why)"), ("resolved",), "in_progress", roles=(APPLICANT,),
                   note_required=True, note_to_applicant=True, effects=(notify.moved,)),
        Transition("reject", _("not accepted (say why)"), ("submitted", "assigned"), "rejected", roles=HANDLERS,
                   note_required=True, note_to_applicant=True, effects=(notify.moved,)),
    ),
    fields=(
        Field("category", _("category"), max_length=40, pattern=r"^[a-z0-9_-]+$"),
        Field("recipient", _("to"), kind="choice", required=False,
              choices=(("municipality", _("the municipality")), ("council", _("the municipal council")))),
        Field("description", _("what is wrong, or your suggestion"), max_length=2000),
    ),
    documents=(Document("photo", _("photo"), required=False, content_types=("image/jpeg", "image/png"),
                        max_bytes=5 * 1024 * 1024),),
    create_roles=(APPLICANT, "complaints_handler"),
    apply=complaint_apply,
    detail_template="complaints/_panel.html",
    detail_context=lambda case, actor: {"complaint": complaint_of_case(case.pk)},
)


def register() -> None:
    register_case_type(CASE_TYPE)

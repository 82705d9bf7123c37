"""The cases that follow an issued building permit (``permits.services.linked``): renewal, modification,
inspections during construction, building violations, the occupancy certificate (شهادة إشغال)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.types import APPLICANT, SYSTEM, CaseType, Document, Field, State, Transition, register_case_type
from permits import notify
from permits.case_types import APPROVER, DRAWING_TYPES, INSPECTOR, RESUBMIT, REVIEWER, START_REVIEW, SUBMIT, WITHDRAW
from permits.services import linked, workflow

PERMIT_NUMBER = Field("permit_number", _("building permit number"), max_length=32)
PAID = dict(roles=(SYSTEM,), on_event="payment.paid")
LAPSE = Transition("lapse", _("lapse (the bill expired unpaid)"), ("approved",), "lapsed", roles=(SYSTEM,),
                   on_event="payment.expired", effects=(notify.lapsed,))


def _reject(sources, roles):
    return Transition("reject", _("reject"), sources, "rejected", roles=roles, objectionable=True,
                      note_required=True, note_to_applicant=True, effects=(notify.rejected,))


RENEWAL = CaseType(
    code="permit_renewal", title_ar="تجديد رخصة بناء", title_en="Building permit renewal",
    states=(State("submitted", _("submitted"), sla_days=3, queue_role=REVIEWER),
            State("approved", _("approved, awaiting payment")),
            State("renewed", _("renewed"), final=True),
            State("lapsed", _("lapsed: the fee was not paid"), final=True),
            State("rejected", _("rejected"), final=True)),
    initial="submitted",
    transitions=(
        Transition("approve", _("approve (bill the fee)"), ("submitted",), "approved", roles=(REVIEWER, APPROVER),
                   actions=(linked.bill_renewal,), effects=(notify.approved,)),
        Transition("renew", _("renew the permit (fee paid)"), ("approved",), "renewed", **PAID,
                   actions=(linked.renew,)),
        LAPSE, _reject(("submitted",), (REVIEWER, APPROVER)),
    ),
    fields=(PERMIT_NUMBER,), create_roles=(APPLICANT, REVIEWER), needs_parcel=True,
    apply=linked.applier("permit_renewal"), objection_days=60,
)

MODIFICATION = CaseType(
    code="permit_modification", title_ar="تعديل رخصة بناء (إضافة أو تعديل مكونات)",
    title_en="Building permit modification (add or change components)",
    states=(State("draft", _("draft (being prepared)")),
            State("submitted", _("submitted"), sla_days=2, queue_role=REVIEWER),
            State("in_review", _("in engineering review"), sla_days=5, queue_role=REVIEWER),
            State("returned", _("returned for correction")),
            State("approved", _("approved, awaiting payment")),
            State("modified", _("permit modified"), final=True),
            State("lapsed", _("lapsed: the fee was not paid"), final=True),
            State("rejected", _("rejected"), final=True),
            State("withdrawn", _("withdrawn"), final=True)),
    initial="draft",
    transitions=(
        SUBMIT, START_REVIEW,
        Transition("return", _("return for correction"), ("in_review",), "returned", roles=(REVIEWER,),
                   note_required=True, note_to_applicant=True, effects=(notify.returned,)),
        RESUBMIT,
        Transition("approve", _("approve (bill the fee)"), ("in_review",), "approved", roles=(APPROVER,),
                   guards=(workflow.proposal_ready,), actions=(linked.bill_modification,),
                   effects=(notify.approved,)),
        Transition("issue", _("modify the permit (fee paid)"), ("approved",), "modified", **PAID,
                   actions=(linked.modify,)),
        LAPSE, _reject(("in_review",), (REVIEWER, APPROVER)),
        WITHDRAW,
    ),
    fields=(PERMIT_NUMBER,),
    documents=(Document("drawing", _("drawing of the modified building (DXF or GeoJSON)"), required=False,
                        content_types=DRAWING_TYPES, max_bytes=20 * 1024 * 1024),),
    create_roles=(APPLICANT, REVIEWER), needs_parcel=True, apply=linked.applier("permit_modification"),
    detail_template="permits/_panel.html", detail_context=lambda case, actor: _panel(case, actor),
    objection_days=60,
)

INSPECTION = CaseType(
    code="construction_inspection", title_ar="زيارة رقابية أثناء التنفيذ", title_en="Construction site inspection",
    states=(State("scheduled", _("scheduled"), sla_days=5, queue_role=INSPECTOR),
            State("visited", _("visited (findings recorded)"), queue_role=INSPECTOR),
            State("closed", _("closed"), final=True),
            State("cancelled", _("cancelled"), final=True)),
    initial="scheduled",
    transitions=(
        Transition("record_visit", _("record the visit's findings"), ("scheduled",), "visited", roles=(INSPECTOR,),
                   note_required=True, note_to_applicant=True, actions=(linked.inspection_visited,)),
        Transition("close", _("close"), ("visited",), "closed", roles=(INSPECTOR,)),
        Transition("cancel", _("cancel"), ("scheduled",), "cancelled", roles=(INSPECTOR,), note_required=True),
    ),
    fields=(PERMIT_NUMBER, Field("stage", _("construction stage"), kind="choice", choices=(
        ("foundation", _("foundations")), ("structure", _("structure")), ("finishing", _("finishing")),
        ("final", _("final (before occupancy)"))))),
    create_roles=(INSPECTOR,), needs_parcel=True, apply=linked.applier("construction_inspection"),
)

VIOLATIONS = (("without_permit", _("building without a permit")),
              ("beyond_permit", _("building beyond the permit (setback, coverage, height)")),
              ("site_safety", _("site safety requirements broken")))

VIOLATION = CaseType(
    code="building_violation", title_ar="مخالفة بناء", title_en="Building violation",
    states=(State("opened", _("opened"), sla_days=2, queue_role=INSPECTOR),
            State("notified", _("owner notified (grace period)"), sla_days=30, queue_role=INSPECTOR),
            State("approved", _("fine approved, awaiting payment")),
            State("fined", _("fine paid"), final=True),
            State("corrected", _("corrected within the grace period"), final=True),
            State("lapsed", _("fine unpaid (bill expired; referred)"), final=True),
            State("rejected", _("dismissed"), final=True)),
    initial="opened",
    transitions=(
        Transition("notify_owner", _("notify the owner"), ("opened",), "notified", roles=(INSPECTOR,),
                   note_required=True, note_to_applicant=True),
        Transition("correct", _("corrected (re-inspected)"), ("notified",), "corrected", roles=(INSPECTOR,),
                   note_required=True),
        Transition("approve", _("impose the fine (bill it)"), ("opened", "notified"), "approved",
                   roles=(APPROVER,), objectionable=True, actions=(linked.bill_fine,)),
        Transition("pay", _("fine paid"), ("approved",), "fined", **PAID),
        LAPSE, _reject(("opened", "notified"), (APPROVER,)),
    ),
    fields=(Field("permit_number", _("building permit number (if any)"), max_length=32, required=False),
            Field("violation", _("violation"), kind="choice", choices=VIOLATIONS),
            Field("count", _("how many"), kind="integer", min_value=1, max_value=50)),
    documents=(Document("photo", _("photo of the site"), required=False,
                        content_types=("image/jpeg", "image/png")),),
    create_roles=(INSPECTOR,), needs_parcel=True, apply=linked.applier("building_violation"), objection_days=60,
)

OCCUPANCY = CaseType(
    code="occupancy_certificate", title_ar="شهادة إشغال", title_en="Occupancy certificate",
    states=(State("submitted", _("submitted"), sla_days=3, queue_role=INSPECTOR),
            State("inspected", _("inspected: built as permitted"), sla_days=2, queue_role=APPROVER),
            State("approved", _("approved, awaiting payment")),
            State("issued", _("certificate issued"), final=True),
            State("lapsed", _("lapsed: the fee was not paid"), final=True),
            State("rejected", _("rejected"), final=True)),
    initial="submitted",
    transitions=(
        Transition("inspect", _("final inspection passed"), ("submitted",), "inspected", roles=(INSPECTOR,),
                   note_required=True),
        Transition("approve", _("approve (bill the fee)"), ("inspected",), "approved", roles=(APPROVER,),
                   actions=(linked.bill_occupancy,), effects=(notify.approved,)),
        Transition("issue", _("issue the certificate (fee paid)"), ("approved",), "issued", **PAID,
                   actions=(linked.occupancy_issue,)),
        LAPSE, _reject(("submitted", "inspected"), (INSPECTOR, APPROVER)),
    ),
    fields=(PERMIT_NUMBER,), create_roles=(APPLICANT, INSPECTOR), needs_parcel=True,
    apply=linked.applier("occupancy_certificate"), objection_days=60,
)


def _panel(case, actor):
    from permits.panel import panel_context

    return panel_context(case, actor)


def register() -> None:
    for ct in (RENEWAL, MODIFICATION, INSPECTION, VIOLATION, OCCUPANCY):
        register_case_type(ct)

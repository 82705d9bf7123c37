"""The building permit (رخصة بناء) as a case type, and the cases linked to an issued permit
(``permits.case_types_linked``): what the applicant provides and the declared workflow (docs/permits.md).

draft → submitted (checked) → in_review → reviewed → approved (fee billed) → issued (on payment) →
under_construction → completed (on the occupancy certificate); returned loops keep every proposal version."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.types import APPLICANT, SYSTEM, CaseType, Document, Field, State, Transition, register_case_type
from geo.crs import KNOWN_CRS
from permits import notify, panel
from permits.services import applications, workflow

CODE = "building_permit"
REVIEWER = "permit_reviewer"
APPROVER = "permit_approver"
INSPECTOR = "building_inspector"
DRAWING_TYPES = ("image/vnd.dxf", "application/geo+json", "application/json")
CRS_CHOICES = tuple((str(c.srid), f"EPSG:{c.srid} {c.name}") for c in KNOWN_CRS.values() if c.srid != 3857)
USE_CHOICES = (("residential", _("residential")), ("commercial", _("commercial")), ("mixed_use", _("mixed use")),
               ("government", _("government")), ("mosque", _("mosque")), ("education", _("education")),
               ("health", _("health")), ("industrial", _("industrial")))

FIELDS = (
    # With a drawing attached, these describe the building it shows (a drawn proposal carries its own).
    Field("use", _("use of the building"), kind="choice", choices=USE_CHOICES, required=False),
    Field("units", _("units (dwellings or shops)"), kind="integer", min_value=1, max_value=500, required=False),
    Field("parking_spaces", _("parking spaces"), kind="integer", min_value=0, max_value=2000, required=False),
    Field("height_m", _("height (m)"), kind="decimal", min_value=2, max_value=200, required=False),
    Field("drawing_crs", _("CRS of the drawing's coordinates"), kind="choice", choices=CRS_CHOICES, required=False),
    Field("with_fence", _("with a boundary wall"), kind="boolean", required=False),
)

# The steps a proposal's case shares (a new permit, a modification): submitted with a checked proposal, reviewed,
# resubmitted after a return with a new one.
SUBMIT = Transition("submit", _("submit"), ("draft",), "submitted", roles=(APPLICANT,),
                    guards=(workflow.proposal_ready,), actions=(workflow.rules_day_fixed,), effects=(notify.submitted,))
START_REVIEW = Transition("start_review", _("start the review"), ("submitted",), "in_review", roles=(REVIEWER,))
RESUBMIT = Transition("resubmit", _("resubmit"), ("returned",), "submitted", roles=(APPLICANT,),
                      guards=(workflow.new_proposal_since_return,), effects=(notify.submitted,))
WITHDRAW = Transition("withdraw", _("withdraw"), ("draft", "submitted", "returned"), "withdrawn", roles=(APPLICANT,))

BUILDING_PERMIT = CaseType(
    code=CODE,
    title_ar="رخصة بناء جديدة",
    title_en="New building permit",
    states=(
        State("draft", _("draft (being prepared)")),
        State("submitted", _("submitted"), sla_days=2, queue_role=REVIEWER),
        State("in_review", _("in engineering review"), sla_days=7, queue_role=REVIEWER),
        State("returned", _("returned for correction")),
        State("reviewed", _("reviewed, awaiting approval"), sla_days=3, queue_role=APPROVER),
        State("approved", _("approved, awaiting payment")),
        State("issued", _("permit issued")),
        State("under_construction", _("under construction")),
        State("completed", _("completed (occupancy certificate)"), final=True),
        State("lapsed", _("lapsed: the fee was not paid"), final=True),
        State("rejected", _("rejected"), final=True),
        State("withdrawn", _("withdrawn"), final=True),
    ),
    initial="draft",
    transitions=(
        SUBMIT, START_REVIEW,
        Transition("return", _("return for correction"), ("in_review", "reviewed"), "returned",
                   roles=(REVIEWER, APPROVER), note_required=True, note_to_applicant=True, effects=(notify.returned,)),
        RESUBMIT,
        Transition("recommend", _("recommend approval"), ("in_review",), "reviewed", roles=(REVIEWER,),
                   guards=(workflow.proposal_ready,)),
        Transition("send_back", _("send back to the reviewer"), ("reviewed",), "in_review", roles=(APPROVER,),
                   note_required=True),
        Transition("approve", _("approve (bill the fee)"), ("reviewed",), "approved", roles=(APPROVER,),
                   guards=(workflow.proposal_ready,), actions=(workflow.bill_permit,), effects=(notify.approved,)),
        Transition("issue", _("issue the permit (fee paid)"), ("approved",), "issued", roles=(SYSTEM,),
                   on_event="payment.paid", actions=(workflow.permit_issue,), effects=(notify.issued,)),
        Transition("lapse", _("lapse (the bill expired unpaid)"), ("approved",), "lapsed", roles=(SYSTEM,),
                   on_event="payment.expired", effects=(notify.lapsed,)),
        Transition("start_construction", _("construction started"), ("issued",), "under_construction",
                   roles=(APPLICANT, INSPECTOR), actions=(workflow.construction_started,)),
        Transition("complete", _("completed (occupancy certificate issued)"), ("under_construction",), "completed",
                   roles=(SYSTEM,), on_event="occupancy.issued", actions=(workflow.construction_completed,)),
        Transition("reject", _("reject"), ("in_review", "reviewed"), "rejected", roles=(REVIEWER, APPROVER),
                   objectionable=True, note_required=True, note_to_applicant=True, effects=(notify.rejected,)),
        WITHDRAW,
    ),
    fields=FIELDS,
    documents=(
        Document("drawing", _("drawing of the building (DXF with the agreed layers, or GeoJSON)"), required=False,
                 content_types=DRAWING_TYPES, max_bytes=20 * 1024 * 1024),
        Document("architectural_plans", _("architectural plans (PDF)"), required=False),
        Document("deed_copy", _("copy of the title deed"), required=False),
    ),
    create_roles=(APPLICANT, REVIEWER),
    needs_parcel=True,
    apply=applications.permit_apply,
    detail_template="permits/_panel.html",
    detail_context=panel.panel_context,
    objection_days=60,
)


def register() -> None:
    from permits import case_types_linked

    register_case_type(BUILDING_PERMIT)
    case_types_linked.register()

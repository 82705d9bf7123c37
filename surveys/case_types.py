"""The survey decision (القرار المساحي) as a case type: what the applicant provides and its declared workflow."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.types import APPLICANT, SYSTEM, CaseType, Document, Field, State, Transition
from geo.crs import KNOWN_CRS
from surveys import notify, services

CODE = "survey_decision"
REVIEWER = "survey_reviewer"
SURVEY_TYPES = ("text/csv", "application/geo+json", "image/vnd.dxf")

CRS_CHOICES = tuple((str(c.srid), f"EPSG:{c.srid} {c.name}") for c in KNOWN_CRS.values() if c.srid != 3857)

SURVEY_DECISION = CaseType(
    code=CODE,
    title_ar="قرار مساحي",
    title_en="Survey decision",
    states=(
        State("submitted", _("submitted"), sla_days=2, queue_role=REVIEWER),
        State("in_review", _("in review"), sla_days=5, queue_role=REVIEWER),
        State("returned", _("returned to the applicant")),
        # Approved: its fee billed (payments), the applicant pays through SADAD; the payment issues it.
        State("approved", _("approved, awaiting payment")),
        State("issued", _("decision issued"), final=True),
        State("lapsed", _("lapsed: the bill expired unpaid"), final=True),
        State("rejected", _("rejected"), final=True),
        State("withdrawn", _("withdrawn"), final=True),
    ),
    initial="submitted",
    transitions=(
        Transition("start_review", _("start the review"), ("submitted",), "in_review", roles=(REVIEWER,)),
        Transition("return", _("return to the applicant"), ("in_review",), "returned", roles=(REVIEWER,),
                   note_required=True, note_to_applicant=True, effects=(notify.returned,)),
        Transition("resubmit", _("resubmit"), ("returned",), "submitted", roles=(APPLICANT,),
                   guards=(services.new_survey_since_return,), effects=(notify.resubmitted,)),
        Transition("approve", _("approve"), ("in_review",), "approved", roles=(REVIEWER,),
                   guards=(services.within_tolerance_or_explained,), actions=(services.bill_decision,)),
        # Approval -> bill -> paid -> issued: the backbone takes these on the payments' events (cases.events).
        Transition("issue", _("issue the decision (fee paid)"), ("approved",), "issued", roles=(SYSTEM,),
                   on_event="payment.paid", actions=(services.issue_decision,), effects=(notify.approved,)),
        Transition("lapse", _("lapse (the bill expired unpaid)"), ("approved",), "lapsed", roles=(SYSTEM,),
                   on_event="payment.expired", effects=(notify.lapsed,)),
        Transition("reject", _("reject"), ("in_review",), "rejected", roles=(REVIEWER,), objectionable=True,
                   note_required=True, note_to_applicant=True, effects=(notify.rejected,)),
        Transition("withdraw", _("withdraw"), ("submitted", "returned"), "withdrawn", roles=(APPLICANT,)),
    ),
    fields=(
        Field("deed_number", _("deed number"), pattern=r"[0-9]{10,14}", max_length=14),
        Field("purpose", _("purpose"), kind="choice", choices=(
            ("new_building", _("a new building")), ("addition", _("an addition to a building")),
            ("sale", _("sale or transfer")), ("other", _("other")))),
        Field("survey_crs", _("CRS of the survey's coordinates"), kind="choice", choices=CRS_CHOICES),
    ),
    documents=(
        Document("survey", _("survey (corner coordinates: CSV, GeoJSON or DXF)"), content_types=SURVEY_TYPES,
                 max_bytes=5 * 1024 * 1024),
        Document("deed_copy", _("copy of the title deed"), required=False),
    ),
    create_roles=(APPLICANT, REVIEWER),
    needs_parcel=True,
    apply=services.survey_apply,
    detail_template="surveys/_panel.html",
    detail_context=services.panel_context,
    objection_days=30,
)

"""Commercial licensing on the backbone (docs/licensing.md): the application, its renewal, the fine of an
inspection and the closure of a premises — what each needs and its declared workflow.

commercial_license: submitted → (immediate activity) awaiting_payment → issued
                    submitted → in_review → inspection (pre-opening visit) → awaiting_payment → issued
license_renewal:    submitted → awaiting_payment → renewed   (late: surcharged)
inspection_fine:    recorded → billed (objectionable: 60 days) → paid | unpaid;
                    objection upheld → review → billed (confirmed) | paid (confirmed, paid) | waived
license_closure:    closed → reopened (re-inspection passed) | cancelled (objectionable: 60 days)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.types import APPLICANT, SYSTEM, CaseType, Document, Field, State, Transition, register_case_type
from licensing import notify, panel
from licensing.services import applications, fine_review, workflow

OFFICER = "licensing_officer"
INSPECTOR = "health_inspector"
SUPERVISOR = "inspection_supervisor"
SIZE_CHOICES = (("micro", _("micro")), ("small", _("small")), ("medium", _("medium")), ("large", _("large")))
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"

LICENSE_FIELDS = (
    Field("activity", _("activity (catalogue code, e.g. R01)"), max_length=16, pattern=r"^[A-Za-z][0-9]{2}$"),
    Field("cr_number", _("commercial registration number"), max_length=10, pattern=r"^[0-9]{10}$"),
    Field("trade_name", _("trade name"), max_length=200),
    Field("size_class", _("establishment size"), kind="choice", choices=SIZE_CHOICES),
    Field("area_m2", _("premises area (m²)"), kind="decimal", min_value=4, max_value=100000),
    Field("opens", _("opens at (HH:MM)"), max_length=5, pattern=HHMM, required=False),
    Field("closes", _("closes at (HH:MM)"), max_length=5, pattern=HHMM, required=False),
    Field("signboard_m2", _("signboard area (m²)"), kind="decimal", min_value=0.5, max_value=200, required=False),
    Field("home_delivery", _("home delivery"), kind="boolean", required=False),
)

COMMERCIAL_LICENSE = CaseType(
    code=applications.LICENSE,
    title_ar="رخصة تجارية (بلدية) جديدة",
    title_en="New commercial license",
    states=(
        State("submitted", _("submitted"), sla_days=2, queue_role=OFFICER),
        State("in_review", _("in review"), sla_days=5, queue_role=OFFICER),
        State("inspection", _("pre-opening inspection"), sla_days=5, queue_role=INSPECTOR),
        State("awaiting_payment", _("approved, awaiting payment")),
        State("issued", _("license issued"), final=True),
        State("lapsed", _("lapsed: the fee was not paid"), final=True),
        State("rejected", _("rejected"), final=True),
        State("withdrawn", _("withdrawn"), final=True),
    ),
    initial="submitted",
    transitions=(
        Transition("bill_immediate", _("bill the fee (immediate activity)"), ("submitted",), "awaiting_payment",
                   roles=(SYSTEM,), on_event="license.immediate", guards=(workflow.immediate_only,),
                   actions=(workflow.bill_license,), effects=(notify.approved,)),
        Transition("start_review", _("start the review"), ("submitted",), "in_review", roles=(OFFICER,)),
        Transition("request_inspection", _("ask for the pre-opening inspection"), ("in_review",), "inspection",
                   roles=(OFFICER,), actions=(workflow.pre_opening_visit,)),
        Transition("inspection_passed", _("pre-opening inspection passed (bill the fee)"), ("inspection",),
                   "awaiting_payment", roles=(SYSTEM,), on_event="visit.passed", actions=(workflow.bill_license,),
                   effects=(notify.approved,)),
        Transition("inspection_failed", _("pre-opening inspection failed"), ("inspection",), "in_review",
                   roles=(SYSTEM,), on_event="visit.failed", effects=(notify.inspection_failed,)),
        Transition("issue", _("issue the license (fee paid)"), ("awaiting_payment",), "issued", roles=(SYSTEM,),
                   on_event="payment.paid", actions=(workflow.license_issue,), effects=(notify.issued,)),
        Transition("lapse", _("lapse (the bill expired unpaid)"), ("awaiting_payment",), "lapsed", roles=(SYSTEM,),
                   on_event="payment.expired", actions=(workflow.license_refused,)),
        Transition("reject", _("reject"), ("submitted", "in_review", "inspection"), "rejected", roles=(OFFICER,),
                   objectionable=True, note_required=True, note_to_applicant=True,
                   actions=(workflow.license_refused,), effects=(notify.rejected,)),
        Transition("withdraw", _("withdraw"), ("submitted", "in_review"), "withdrawn", roles=(APPLICANT,),
                   actions=(workflow.license_refused,)),
    ),
    fields=LICENSE_FIELDS,
    documents=(
        Document("lease", _("lease contract or title deed of the premises"), required=False),
        Document("civil_defence", _("civil defence safety certificate"), required=False),
    ),
    create_roles=(APPLICANT, OFFICER),
    needs_parcel=False,
    apply=applications.license_apply,
    detail_template="licensing/_panel.html",
    detail_context=panel.panel_context,
    objection_days=60,
)

LICENSE_RENEWAL = CaseType(
    code=applications.RENEWAL,
    title_ar="تجديد رخصة تجارية",
    title_en="Commercial license renewal",
    states=(
        State("submitted", _("submitted")),
        State("awaiting_payment", _("awaiting payment")),
        State("renewed", _("renewed"), final=True),
        State("lapsed", _("lapsed: the fee was not paid"), final=True),
    ),
    initial="submitted",
    transitions=(
        Transition("bill", _("bill the renewal"), ("submitted",), "awaiting_payment", roles=(SYSTEM,),
                   on_event="license.renewal", actions=(workflow.bill_renewal,)),
        Transition("renew", _("renew (fee paid)"), ("awaiting_payment",), "renewed", roles=(SYSTEM,),
                   on_event="payment.paid", actions=(workflow.license_renew,), effects=(notify.renewed,)),
        Transition("lapse", _("lapse (the bill expired unpaid)"), ("awaiting_payment",), "lapsed", roles=(SYSTEM,),
                   on_event="payment.expired"),
    ),
    fields=(Field("license_number", _("license number"), max_length=32),
            Field("late", _("late renewal"), kind="boolean", required=False)),
    create_roles=(APPLICANT, OFFICER),
    apply=applications.renewal_apply,
    detail_template="licensing/_panel.html",
    detail_context=panel.panel_context,
)

_VISIT_FIELDS = (Field("visit", _("visit"), kind="integer", min_value=1, max_value=2**62),
                 Field("premises", _("premises"), max_length=200, required=False),
                 Field("license_number", _("license number"), max_length=32, required=False))

INSPECTION_FINE = CaseType(
    code="inspection_fine",
    title_ar="مخالفة رقابة صحية (غرامة)",
    title_en="Inspection fine",
    states=(
        State("recorded", _("violation recorded")),
        State("billed", _("fined, awaiting payment")),
        State("review", _("fine under review (objection upheld)"), sla_days=10, queue_role=SUPERVISOR),
        State("paid", _("paid"), final=True),
        State("unpaid", _("unpaid (referred for collection)"), final=True),
        State("waived", _("fine waived on objection"), final=True),
    ),
    initial="recorded",
    transitions=(
        Transition("fine", _("fined"), ("recorded",), "billed", roles=(SYSTEM,), on_event="fine.billed",
                   objectionable=True),
        Transition("pay", _("paid"), ("billed",), "paid", roles=(SYSTEM,), on_event="payment.paid"),
        Transition("expire", _("the bill expired unpaid"), ("billed",), "unpaid", roles=(SYSTEM,),
                   on_event="payment.expired"),
        Transition("confirm", _("confirm the fine"), ("review",), "billed", roles=(SUPERVISOR,),
                   guards=(fine_review.not_paid,), actions=(fine_review.fine_rebill,), note_required=True,
                   note_to_applicant=True),
        Transition("confirm_paid", _("confirm the fine (paid)"), ("review",), "paid", roles=(SUPERVISOR,),
                   guards=(fine_review.paid,), note_required=True, note_to_applicant=True),
        Transition("waive", _("waive the fine"), ("review",), "waived", roles=(SUPERVISOR,),
                   guards=(fine_review.not_paid,), actions=(fine_review.fine_waive,), note_required=True,
                   note_to_applicant=True),
    ),
    fields=_VISIT_FIELDS,
    create_roles=(INSPECTOR, SUPERVISOR),
    internal=True,
    detail_template="licensing/_panel.html",
    detail_context=panel.panel_context,
    objection_days=60,
    reopen_state="review",
)

LICENSE_CLOSURE = CaseType(
    code="license_closure",
    title_ar="إغلاق منشأة لمخالفة جسيمة",
    title_en="Closure of a premises for a grave violation",
    states=(
        State("closed", _("closed, awaiting re-inspection"), sla_days=5, queue_role=SUPERVISOR),
        State("reopened", _("reopened (re-inspection passed)"), final=True),
        State("cancelled", _("license cancelled"), final=True),
    ),
    initial="closed",
    transitions=(
        Transition("reopen", _("reopen (re-inspection passed)"), ("closed",), "reopened", roles=(SYSTEM,),
                   on_event="visit.passed", actions=(workflow.license_reopen,), effects=(notify.reopened,)),
        Transition("cancel_license", _("cancel the license"), ("closed",), "cancelled", roles=(SUPERVISOR,),
                   objectionable=True, note_required=True, note_to_applicant=True,
                   actions=(workflow.license_cancel,), effects=(notify.cancelled,)),
    ),
    fields=_VISIT_FIELDS,
    create_roles=(INSPECTOR, SUPERVISOR),
    internal=True,
    detail_template="licensing/_panel.html",
    detail_context=panel.panel_context,
    objection_days=60,
)


def register() -> None:
    for case_type in (COMMERCIAL_LICENSE, LICENSE_RENEWAL, INSPECTION_FINE, LICENSE_CLOSURE):
        register_case_type(case_type)

"""Land grants on the backbone (docs/grants.md): the application's path from the queue to the deed.

land_grant: queued → drawn (lottery) → allocated → deeded
                               drawn → awaiting_payment (area beyond the entitlement) → allocated → deeded
                                       awaiting_payment → queued (the bill expired unpaid: the plot released)
            queued → withdrawn | transferred (to another municipality: a linked case opened there)
            allocated → allocated (plot found unbuildable: replaced)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.types import APPLICANT, SYSTEM, CaseType, Document, Field, State, Transition, register_case_type
from grants import notify, panel
from grants.services import allocations, applications

OFFICER = "grants_officer"

LAND_GRANT = CaseType(
    code=applications.LAND_GRANT,
    title_ar="طلب منحة أرض سكنية",
    title_en="Residential land grant",
    states=(
        State("queued", _("eligible, in the queue")),
        State("drawn", _("plot drawn, awaiting the ministry's verification")),
        State("awaiting_payment", _("plot allocated, awaiting payment for the area beyond the entitlement")),
        State("allocated", _("plot allocated, awaiting the deed"), sla_days=20, queue_role=OFFICER),
        State("deeded", _("deed handed over"), final=True),
        State("withdrawn", _("withdrawn"), final=True),
        State("transferred", _("transferred to another municipality"), final=True),
    ),
    initial="queued",
    transitions=(
        Transition("draw", _("drawn in the lottery"), ("queued",), "drawn", roles=(SYSTEM,), on_event="grant.drawn",
                   effects=(notify.drawn,)),
        Transition("requeue", _("back in the queue (the plot drawn was not free)"), ("drawn",), "queued",
                   roles=(SYSTEM,), on_event="grant.requeued"),
        Transition("allocate", _("plot allocated"), ("drawn",), "allocated", roles=(SYSTEM,),
                   on_event="grant.allocated", effects=(notify.allocated,)),
        Transition("allocate_billed", _("plot allocated, area beyond the entitlement billed"), ("drawn",),
                   "awaiting_payment", roles=(SYSTEM,), on_event="grant.allocated_excess",
                   actions=(allocations.bill_excess,), effects=(notify.allocated,)),
        Transition("paid", _("the bill for the area beyond the entitlement is paid"), ("awaiting_payment",),
                   "allocated", roles=(SYSTEM,), on_event="payment.paid"),
        Transition("lapse", _("the bill expired unpaid: the plot is released, back in the queue"),
                   ("awaiting_payment",), "queued", roles=(SYSTEM,), on_event="payment.expired",
                   actions=(allocations.allocation_lapse,)),
        Transition("deed", _("deed handed over"), ("allocated",), "deeded", roles=(SYSTEM,), on_event="grant.deeded",
                   effects=(notify.deeded,)),
        Transition("replace_plot", _("replace the plot (found unbuildable; say why)"),
                   ("allocated", "awaiting_payment"), "allocated", roles=(OFFICER,), note_required=True,
                   note_to_applicant=True,
                   actions=(allocations.plot_replace,), effects=(notify.allocated,)),
        Transition("withdraw", _("withdraw the application"), ("queued", "drawn"), "withdrawn",
                   roles=(APPLICANT, OFFICER),
                   actions=(allocations.application_withdraw,)),
        Transition("transfer", _("transferred to another municipality"), ("queued",), "transferred", roles=(SYSTEM,),
                   on_event="grant.transferred"),
    ),
    fields=(
        Field("programme", _("programme (code)"), max_length=32, pattern=r"^[a-z0-9-]+$"),
        Field("residence_since", _("resident in the municipality since"), kind="date"),
        Field("family_ids", _("family members' ID numbers (comma-separated)"), max_length=400,
              pattern=r"^\s*([0-9]{10}\s*[,،]\s*)*([0-9]{10})?\s*$", required=False),
        Field("special_circumstance", _("special circumstance (documented)"), kind="boolean", required=False),
        Field("transferred_from", _("transferred from (municipality:application)"), max_length=64, required=False),
    ),
    documents=(Document("family_record", _("family record (سجل الأسرة)"), required=False),
               Document("special_proof", _("proof of the special circumstance"), required=False)),
    create_roles=(APPLICANT, OFFICER),
    needs_parcel=False,
    apply=applications.grant_apply,
    detail_template="grants/_panel.html",
    detail_context=panel.panel_context,
)


def register() -> None:
    register_case_type(LAND_GRANT)

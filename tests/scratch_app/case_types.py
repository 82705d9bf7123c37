"""A test-only case type (a kiosk permit), declared as a process app declares its own in ``ready()``."""

from django.utils.translation import gettext_lazy as _

from cases.types import APPLICANT, CaseType, Document, Field, State, Transition

CODE = "kiosk_permit"
EFFECTS: list[tuple[str, int]] = []  # what the side effects saw (tests read and clear it)


def small_enough(case, actor):
    """A guard: None when it holds, else the reason (translated)."""
    if float(case.data.get("area_m2", 0)) > 50:
        return _("A kiosk may not be larger than 50 m².")
    return None


def notify_applicant(*, case_id: int) -> None:
    EFFECTS.append(("approved", case_id))


KIOSK_PERMIT = CaseType(
    code=CODE,
    title_ar="رخصة كشك",
    title_en="Kiosk permit",
    states=(
        State("submitted", _("submitted"), sla_days=3, queue_role="permit_reviewer"),
        State("in_review", _("in review"), sla_days=5, queue_role="permit_reviewer"),
        State("returned", _("returned to the applicant")),
        State("approved", _("approved"), final=True),
        State("rejected", _("rejected"), final=True),
    ),
    initial="submitted",
    transitions=(
        Transition("start_review", _("start the review"), ("submitted",), "in_review", roles=("permit_reviewer",)),
        Transition("return", _("return to the applicant"), ("in_review",), "returned", roles=("permit_reviewer",)),
        Transition("resubmit", _("resubmit"), ("returned",), "submitted", roles=("permit_reviewer", APPLICANT)),
        Transition("approve", _("approve"), ("in_review",), "approved", roles=("permit_approver",),
                   guards=(small_enough,), effects=(notify_applicant,)),
        Transition("reject", _("reject"), ("in_review",), "rejected", roles=("permit_approver",), objectionable=True),
    ),
    fields=(
        Field("activity", _("activity"), kind="choice", choices=(("food", _("food")), ("flowers", _("flowers")))),
        Field("area_m2", _("area (m²)"), kind="decimal", min_value=1, max_value=100),
        Field("shop_name", _("shop name"), required=False, max_length=60),
    ),
    documents=(
        Document("site_plan", _("site plan")),
        Document("drawing", _("drawing"), required=False, content_types=("image/vnd.dxf", "image/vnd.dwg")),
        Document("survey", _("survey"), required=False, content_types=("application/geo+json", "text/csv"),
                 max_bytes=4000),
    ),
    create_roles=("permit_reviewer", APPLICANT),
    objection_days=30,  # calendar days (cases.objections)
)

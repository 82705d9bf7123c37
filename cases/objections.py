"""Objections: the applicant disputes a refusing or penalising step (``Transition.objectionable``) of a case.

An objection is itself a case, of the backbone's own type ``objection`` (registered by ``CasesConfig.ready()``),
linked to the case it objects to (``CaseLink`` kind ``objection``) and recorded as an ``Objection`` row naming
the decision (the step's timeline entry). It sits with the department supervisors, who start the review and
uphold or dismiss it; the applicant may withdraw it. Upholding it reopens the case objected to, in the same
transaction: back to the state its type names (``CaseType.reopen_state``), else to the status the objected
step left.

The period is the objected case type's ``objection_days``, in **calendar** days from the day of the step; a
last day that is no working day (Friday, Saturday, a holiday) moves to the next working day (decision 017).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import role_codes_of
from audit.models import ChangeRecord
from audit.services import change_record
from cases import calendar
from cases.models import Case, CaseLink, CaseParty, EntryKind, LinkKind, Objection, PartyRole, TimelineEntry
from cases.numbering import due_date_for
from cases.selectors import holidays
from cases.services import (
    _entry,
    _role,
    acts_for_applicant,
    case_create,
)
from cases.types import APPLICANT, CaseType, Field, State, Transition, get_case_type
from common.errors import DuplicateError, NotPermitted, RegisterError, TooLate

OBJECTION = "objection"
SUPERVISOR = "department_supervisor"  # decides objections (and receives escalations: cases.deadlines)
CLOSED = ("upheld", "dismissed")  # decided: no second objection to the same decision


def reopen_objected(*, case: Case, actor) -> None:
    """The action of "uphold" (inside its transaction): the case objected to is reopened."""
    objection = Objection.objects.select_related("decision").get(case=case)
    case_reopen(case=objection.objected_case, actor=actor, objection=objection)


OBJECTION_TYPE = CaseType(
    code=OBJECTION,
    title_ar="اعتراض",
    title_en="Objection",
    states=(
        State("submitted", gettext_lazy("objection submitted"), sla_days=5, queue_role=SUPERVISOR),
        State("in_review", gettext_lazy("objection in review"), sla_days=10, queue_role=SUPERVISOR),
        State("upheld", gettext_lazy("objection upheld"), final=True),
        State("dismissed", gettext_lazy("objection dismissed"), final=True),
        State("withdrawn", gettext_lazy("objection withdrawn"), final=True),
    ),
    initial="submitted",
    transitions=(
        Transition("start_review", gettext_lazy("start the review"), ("submitted",), "in_review",
                   roles=(SUPERVISOR,)),
        Transition("uphold", gettext_lazy("uphold the objection"), ("in_review",), "upheld", roles=(SUPERVISOR,),
                   actions=(reopen_objected,)),
        Transition("dismiss", gettext_lazy("dismiss the objection"), ("in_review",), "dismissed",
                   roles=(SUPERVISOR,)),
        Transition("withdraw", gettext_lazy("withdraw the objection"), ("submitted", "in_review"), "withdrawn",
                   roles=(APPLICANT,)),
    ),
    fields=(Field("grounds", gettext_lazy("grounds of the objection"), max_length=4000),),
    internal=True,
)


def period_end(*, municipality_id: int, decided_on: date, days: int) -> date:
    """The last day of an objection period: ``days`` calendar days after ``decided_on``, moved to the next
    working day when it falls on a weekend or a holiday."""
    end = decided_on + timedelta(days=days)
    off = holidays(municipality_id=municipality_id, start=end, end=end + timedelta(days=30))
    while not calendar.is_working_day(end, off):
        end += timedelta(days=1)
    return end


def objectionable_decisions(case: Case) -> list[TimelineEntry]:
    """The case's steps that may be objected to (newest first): entries of its type's objectionable steps."""
    names = [t.name for t in get_case_type(case.case_type).transitions if t.objectionable]
    if not names:
        return []
    return list(case.timeline.filter(kind=EntryKind.TRANSITION, data__transition__in=names).order_by("-at", "-id"))


def decision_window(case: Case, entry: TimelineEntry) -> date:
    """The last day to object to the decision ``entry`` of ``case``."""
    return period_end(municipality_id=case.municipality_id, decided_on=timezone.localdate(entry.at),
                      days=get_case_type(case.case_type).objection_days)


def objection_options(case: Case, *, today: date | None = None) -> list[dict]:
    """What the applicant may object to now: each decision still in its period without an objection open or
    decided (for the applicant's view and the inbox)."""
    today = today or timezone.localdate()
    taken = set(Objection.objects.filter(objected_case=case).exclude(case__status="withdrawn")
                .values_list("decision_id", flat=True))
    out = []
    for entry in objectionable_decisions(case):
        ends = decision_window(case, entry)
        if entry.pk not in taken and today <= ends:
            out.append({"decision": entry.pk, "transition": entry.data.get("transition"), "at": entry.at,
                        "period_ends": ends})
    return out


def _may_object(case: Case, actor) -> bool:
    """The applicant (or who acts for them), staff of the municipality filing on their behalf, or another
    system with its key (a label: its scope was checked when it was authenticated)."""
    if actor is None or isinstance(actor, str):
        return True
    return acts_for_applicant(case, actor) or bool(role_codes_of(actor, municipality_id=case.municipality_id))


@transaction.atomic
def objection_file(*, case: Case, actor, grounds: str, decision: int | None = None,
                   today: date | None = None) -> Objection:
    """File an objection to ``decision`` (a timeline entry id of an objectionable step; default the latest) of
    ``case``: a new ``objection`` case linked to it. 422 when there is nothing to object to or the period
    ended (``TooLate`` names its last day), 409 when an objection to that decision is open or decided."""
    case = Case.objects.select_for_update().get(pk=case.pk)  # one objection at a time per case
    if not _may_object(case, actor):
        raise NotPermitted(_("Only the applicant, someone acting for them, or staff of the municipality on "
                             "their behalf may object to a decision on case %(number)s.") % {"number": case.number},
                           needed=[APPLICANT])
    if case.case_type == OBJECTION:
        raise RegisterError(_("An objection's own decision is not objected to here; the next step is the Board "
                              "of Grievances."), code="objection_of_objection")
    decisions = objectionable_decisions(case)
    if decision is not None:
        decisions = [e for e in decisions if e.pk == decision]
    if not decisions:
        raise RegisterError(_("Case %(number)s has no decision that may be objected to.") % {"number": case.number},
                            code="nothing_to_object_to")
    entry = decisions[0]
    today = today or timezone.localdate()
    ends = decision_window(case, entry)
    if today > ends:
        raise TooLate(_("The period to object to this decision ended on %(date)s.") % {"date": ends.isoformat()},
                      ended=ends.isoformat())
    earlier = (Objection.objects.filter(decision=entry).exclude(case__status="withdrawn")
               .select_related("case").first())
    if earlier is not None:
        message = (_("An objection to this decision is already open: %(number)s.") if earlier.case.closed_at is None
                   else _("This decision was already objected to and the objection decided: %(number)s."))
        raise DuplicateError(message % {"number": earlier.case.number}, existing=earlier.case.number)
    if not grounds or not grounds.strip():
        raise RegisterError(_("Say on what grounds you object."), code="no_grounds")
    applicants = [row.party for row in CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT)
                  .select_related("party").order_by("id")]
    objection_case = case_create(
        municipality=case.municipality, case_type=OBJECTION, actor=actor, data={"grounds": grounds.strip()},
        parties=[(party, PartyRole.APPLICANT) for party in applicants], point=case.location, roles_checked=True,
    )
    objection = Objection.objects.create(municipality_id=case.municipality_id, case=objection_case,
                                         objected_case=case, decision=entry,
                                         transition=entry.data.get("transition", ""), period_ends=ends)
    CaseLink.objects.create(from_case=objection_case, to_case=case, kind=LinkKind.OBJECTION)
    _entry(objection_case, EntryKind.LINK, actor, visible_to_applicant=True,
           data={"to": case.number, "kind": LinkKind.OBJECTION, "decision": objection.transition})
    _entry(case, EntryKind.OBJECTION, actor, visible_to_applicant=True,
           data={"objection": objection_case.number, "decision": objection.transition,
                 "period_ends": ends.isoformat()})
    change_record(instance=case, action=ChangeRecord.Action.UPDATE, actor=actor,
                  note=f"objection {objection_case.number} to {objection.transition}")
    return objection


def case_reopen(*, case: Case, actor, objection: Objection) -> Case:
    """Put a case back after an upheld objection (a backbone step, not one of its type's transitions): the
    status its type names (``reopen_state``) or the one the objected step left, with that state's queue and a
    new due date. Runs inside the "uphold" step's transaction."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    ct = get_case_type(case.case_type)
    target = ct.state(ct.reopen_state or objection.decision.from_status)
    before = {"status": case.status, "closed_at": case.closed_at.isoformat() if case.closed_at else None}
    now = timezone.now()
    case.status, case.status_since, case.closed_at = target.code, now, None
    case.due_date = due_date_for(municipality_id=case.municipality_id, state=target, start=timezone.localdate())
    case.queue_role = _role(target.queue_role)
    case.assignee = None
    case.held_since, case.hold_reason = None, ""
    case.version += 1
    case.save()
    _entry(case, EntryKind.REOPENED, actor, from_status=before["status"], to_status=target.code,
           visible_to_applicant=True, data={"objection": objection.case.number})
    change_record(instance=case, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": [before["status"], target.code], "closed_at": [before["closed_at"], None]},
                  note=f"reopened: objection {objection.case.number} upheld")
    return case

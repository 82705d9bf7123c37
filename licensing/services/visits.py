"""Recording an inspection visit (docs/inspections.md): the checklist's answers give a score and a result; each
"no" with a penalty is a violation — fined at once, or given its grace period to correct (fined if found again),
and a grave one closes the premises (a closure case, a re-inspection). Fines become one bill on a fine case. The
visit's result is an event for the case that asked for it (the pre-opening inspection of an application, the
re-inspection of a closure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from audit.models import ChangeRecord
from audit.services import change_record
from cases.events import event_apply
from cases.models import Case, PartyRole
from cases.services import case_create
from common.errors import RegisterError, TransitionError
from licensing.fines import REPEAT_DAYS, fine_line
from licensing.models import (
    ChecklistItem,
    License,
    LicenseStatus,
    Violation,
    ViolationStatus,
    Visit,
    VisitKind,
    VisitResult,
    VisitStatus,
)
from licensing.record_checks import against_records
from licensing.schedule import inspector_for, next_visit_after
from payments.services import bill_issue

FINE_CASE = "inspection_fine"
CLOSURE_CASE = "license_closure"
PASS_SCORE = 80
FAIL_SCORE = 60
REINSPECT_CLOSED_DAYS = 3


@dataclass
class Outcome:
    visit: Visit
    violations: list[Violation] = field(default_factory=list)
    fine_case: Case | None = None
    closure_case: Case | None = None


def checklist(license: License | None) -> list[ChecklistItem]:
    if license is None:
        return []
    return list(ChecklistItem.objects.filter(activity_id=license.activity_id).select_related("penalty")
                .order_by("position"))


def _answers(items: list[ChecklistItem], answers: dict) -> dict[str, bool]:
    codes = {i.code for i in items}
    unknown = sorted(set(answers) - codes)
    if unknown:
        raise RegisterError(_("Answers to questions not on this visit's checklist: %(c)s.") % {"c": ", ".join(unknown)},
                            code="checklist_unknown")
    missing = [i.code for i in items if not isinstance(answers.get(i.code), bool)]
    if missing:
        raise RegisterError(_("Answer every checklist question yes or no; missing: %(c)s.") % {"c": ", ".join(missing)},
                            code="checklist_incomplete")
    return {code: bool(v) for code, v in answers.items()}


def score_of(items: list[ChecklistItem], answers: dict[str, bool]) -> tuple[Decimal, str]:
    total = sum(i.weight for i in items) or 1
    score = Decimal(100 * sum(i.weight for i in items if answers[i.code]) / total).quantize(Decimal("0.1"))
    failed = [i for i in items if not answers[i.code]]
    if any(i.severity == "grave" for i in failed) or score < FAIL_SCORE:
        return score, VisitResult.FAIL
    if failed and (score < PASS_SCORE or any(i.severity == "major" for i in failed)):
        return score, VisitResult.CONDITIONAL
    return score, VisitResult.PASS


@transaction.atomic
def visit_record(*, visit: Visit, actor, answers: dict, notes: str = "", done_at: datetime | None = None,
                 submission=None) -> Outcome:
    """Record a planned visit's answers (all of them) and what follows from them, in one transaction."""
    visit = (Visit.objects.select_for_update(of=("self",)).select_related("premises__establishment", "license")
             .get(pk=visit.pk))
    if visit.status != VisitStatus.PLANNED:
        raise TransitionError(_("This visit is already %(s)s.") % {"s": visit.get_status_display()},
                              allowed=[])
    license = visit.license
    if license is not None and license.status in (LicenseStatus.CANCELLED, LicenseStatus.REFUSED):
        raise RegisterError(_("License %(n)s was %(s)s after the visit was planned: the result is kept for the "
                              "supervisor, not applied.") % {"n": license.number or license.pk,
                                                            "s": license.get_status_display()},
                            code="license_ended")
    items = checklist(license)
    answers = _answers(items, answers or {})
    score, result = score_of(items, answers)
    now = done_at or timezone.now()
    visit.status, visit.score, visit.result, visit.answers = VisitStatus.DONE, score, result, answers
    visit.notes, visit.done_at, visit.submission = notes[:4000], now, submission
    visit.record_checks = against_records(establishment_id=visit.premises.establishment_id, answers=answers,
                                          day=timezone.localdate(now))
    visit.inspector = actor if not isinstance(actor, str) else visit.inspector
    visit.version += 1
    visit.save()
    change_record(instance=visit, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": [VisitStatus.PLANNED, VisitStatus.DONE], "result": [None, result],
                           "score": [None, str(score)],
                           **({"record_checks": [None, visit.record_checks]} if visit.record_checks else {})})
    outcome = Outcome(visit=visit)
    _violations(outcome, items=items, answers=answers, actor=actor)
    if license is not None:
        license.last_result = result
        if license.status == LicenseStatus.ACTIVE:  # the schedule follows the result; a new license's starts on issue
            license.next_visit_on = next_visit_after(risk=license.risk, result=result, day=timezone.localdate(),
                                                     score=float(score))
        License.objects.filter(pk=license.pk).update(last_result=result, next_visit_on=license.next_visit_on)
    _follow_up(outcome, actor=actor)
    if visit.origin_case_id:
        event_apply(case_id=visit.origin_case_id, event="visit.failed" if result == VisitResult.FAIL
                    else "visit.passed", data={"visit": visit.pk, "score": str(score)})
    return outcome


def _violations(outcome: Outcome, *, items, answers, actor) -> None:
    visit = outcome.visit
    if visit.kind == VisitKind.PRE_OPENING:  # not trading yet: the result answers the application, no fines
        return
    premises = visit.premises
    today = timezone.localdate()
    since = timezone.now() - timedelta(days=REPEAT_DAYS)
    earlier = {v.penalty_id: v for v in Violation.objects.filter(premises=premises, created_at__gte=since)
               .exclude(visit=visit).exclude(status=ViolationStatus.WAIVED).order_by("created_at")}
    municipality = Municipality.objects.get(pk=visit.municipality_id)
    fined = []
    for item in items:
        penalty = item.penalty
        if penalty is None:
            continue
        before = earlier.get(penalty.pk)
        if answers[item.code]:
            if before is not None and before.status == ViolationStatus.GRACE:
                Violation.objects.filter(pk=before.pk).update(status=ViolationStatus.CORRECTED)
            continue
        repeat = before is not None
        in_grace = penalty.grace_days > 0 and not repeat and not penalty.closure
        violation = Violation(
            municipality_id=visit.municipality_id, visit=visit, premises=premises, penalty=penalty,
            penalty_code=penalty.code, item=item.code, repeat=repeat, closure=penalty.closure, geom=premises.geom,
            status=ViolationStatus.GRACE if in_grace else ViolationStatus.FINED,
            grace_until=today + timedelta(days=penalty.grace_days) if in_grace else None)
        if not in_grace:
            line = fine_line(penalty=penalty, category=municipality.fee_category,
                             size_class=premises.establishment.size_class, repeat=repeat)
            violation.amount = line.amount
            fined.append((violation, line))
        violation.save()
        outcome.violations.append(violation)
    if fined:
        case = _case_for(visit, FINE_CASE, actor)
        bill = bill_issue(case=case, actor=actor, service_code=FINE_CASE, lines=[line for _v, line in fined])
        Violation.objects.filter(pk__in=[v.pk for v, _line in fined]).update(case=case)
        event_apply(case_id=case.pk, event="fine.billed", data={"bill": bill.pk})  # the objectionable step
        case.refresh_from_db()
        outcome.fine_case = case


def _case_for(visit: Visit, case_type: str, actor) -> Case:
    premises = visit.premises
    owner = premises.establishment.owner
    license = visit.license
    return case_create(municipality=Municipality.objects.get(pk=visit.municipality_id), case_type=case_type,
                       actor=actor, roles_checked=True, parties=[(owner, PartyRole.APPLICANT)],
                       parcels=[premises.parcel], point=premises.geom,
                       data={"visit": visit.pk, "premises": premises.name_ar,
                             "license_number": license.number if license else ""})


def _follow_up(outcome: Outcome, *, actor) -> None:
    """A grave violation closes a licensed premises (a closure case; its re-inspection in a few days); a
    violation in its grace period gets a re-inspection when the grace ends."""
    visit = outcome.visit
    license = visit.license
    if visit.kind == VisitKind.PRE_OPENING:
        return
    grave = [v for v in outcome.violations if v.closure]
    if grave and license is not None and license.status == LicenseStatus.ACTIVE and license.number:
        case = _case_for(visit, CLOSURE_CASE, actor)
        License.objects.filter(pk=license.pk).update(status=LicenseStatus.SUSPENDED, version=license.version + 1)
        change_record(instance=license, action=ChangeRecord.Action.UPDATE, actor=actor,
                      changes={"status": [LicenseStatus.ACTIVE, LicenseStatus.SUSPENDED], "closure": [None,
                                                                                                    case.number]})
        Violation.objects.filter(pk__in=[v.pk for v in grave]).update(case=case)
        outcome.closure_case = case
        _reinspection(visit, due=timezone.localdate() + timedelta(days=REINSPECT_CLOSED_DAYS), origin=case)
        return
    graces = [v.grace_until for v in outcome.violations if v.status == ViolationStatus.GRACE]
    if graces:
        _reinspection(visit, due=max(graces), origin=None)


def _reinspection(visit: Visit, *, due, origin: Case | None) -> Visit:
    return Visit.objects.create(municipality_id=visit.municipality_id, premises=visit.premises, license=visit.license,
                                kind=VisitKind.REINSPECTION, due_on=due, origin_case=origin,
                                inspector=visit.inspector or inspector_for(visit.premises), geom=visit.premises.geom)


@transaction.atomic
def visit_request(*, premises, case: Case, actor, due_on=None) -> Visit:
    """Another process (a complaint on the portal) asks for a visit: licensing owns it, linked to the asking case.
    An open visit already planned for the premises is the one that answers it."""
    visit = Visit.objects.select_for_update().filter(premises=premises, status=VisitStatus.PLANNED).first()
    if visit is not None:
        if visit.origin_case_id is None:
            Visit.objects.filter(pk=visit.pk).update(origin_case=case, kind=VisitKind.COMPLAINT)
        return visit
    license = (License.objects.filter(premises=premises).exclude(status__in=(LicenseStatus.REFUSED,))
               .order_by("-created_at").first())
    return Visit.objects.create(municipality_id=premises.municipality_id, premises=premises, license=license,
                                kind=VisitKind.COMPLAINT, due_on=due_on or timezone.localdate(), origin_case=case,
                                inspector=inspector_for(premises), geom=premises.geom)

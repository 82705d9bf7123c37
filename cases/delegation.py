"""Delegation while away: a person's open cases handed to a colleague for a period (leave, training, a mission).

Roles stay strict: a delegation moves the **assignment** only. The delegate must hold the queue roles of the
cases handed over (a reviewer's cases go to another reviewer), and takes each step with their own roles. The
person themselves or a supervisor (``cases.supervise``) sets it up. On its first day (at once when it starts
today, else by the daily sweep, ``cases.deadlines``) the delegator's open cases move to the delegate in one
transaction, each with a timeline entry and an audit record; while it runs, a case assigned to the delegator
later shows in the delegate's inbox too (``cases.selectors.inbox``). When it ends nothing moves back on its own:
the returning person, or their supervisor, takes back what they want (``case_assign``).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.selectors import role_codes_of, user_has_permission
from audit.models import ChangeRecord
from audit.services import change_record
from cases.models import Case, Delegation, EntryKind
from cases.services import SUPERVISE, _entry
from common.errors import DuplicateError, NotPermitted, RegisterError


def _open_assigned(*, user, municipality_id: int) -> QuerySet[Case]:
    return Case.objects.filter(municipality_id=municipality_id, assignee=user, closed_at__isnull=True)


def _missing_roles(*, cases: QuerySet[Case], to_user, municipality_id: int) -> dict[str, list[str]]:
    """{role code the delegate lacks: numbers of the cases in that queue}."""
    held = role_codes_of(to_user, municipality_id=municipality_id)
    missing: dict[str, list[str]] = {}
    for number, role in cases.filter(queue_role__isnull=False).values_list("number", "queue_role__code"):
        if role not in held:
            missing.setdefault(role, []).append(number)
    return missing


@transaction.atomic
def cases_delegate(*, from_user, to_user, municipality, start: date, end: date, actor, reason: str) -> Delegation:
    """Hand ``from_user``'s open cases in ``municipality`` to ``to_user`` from ``start`` to ``end`` (inclusive).

    403 unless ``actor`` is ``from_user`` or supervises cases there; 422 when the period is wrong or over, the
    delegate does not work there or lacks a queue role of the cases (naming role and cases); 409 when the
    person already has a delegation overlapping the period."""
    if actor is None or isinstance(actor, str) or not (
            actor.pk == from_user.pk or user_has_permission(actor, SUPERVISE, municipality_id=municipality.pk)):
        raise NotPermitted(_("Only the person themselves or a supervisor of the department may delegate their "
                             "cases."), needed=[SUPERVISE])
    today = timezone.localdate()
    if end < start:
        raise RegisterError(_("A delegation ends on or after the day it starts."), code="period")
    if end < today:
        raise RegisterError(_("This period is already over."), code="period")
    if from_user.pk == to_user.pk:
        raise RegisterError(_("A person cannot delegate to themselves."), code="self")
    if not reason or not reason.strip():
        raise RegisterError(_("Say why the cases are delegated (leave, training, ...)."), code="no_reason")
    for who in (from_user, to_user):
        if not Membership.objects.filter(user=who, municipality=municipality, is_active=True).exists():
            raise RegisterError(_("%(who)s does not work in this municipality.") % {"who": who.get_username()},
                                code="not_member")
    missing = _missing_roles(cases=_open_assigned(user=from_user, municipality_id=municipality.pk), to_user=to_user,
                             municipality_id=municipality.pk)
    if missing:
        raise RegisterError(
            _("%(who)s does not hold the role(s) these cases need: %(missing)s. Delegate to someone who does.")
            % {"who": to_user.get_username(),
               "missing": "; ".join(f"{role} ({', '.join(numbers[:5])})" for role, numbers in missing.items())},
            code="missing_role")
    overlapping = Delegation.objects.filter(municipality=municipality, from_user=from_user,
                                            starts_on__lte=end, ends_on__gte=start).first()
    if overlapping is not None:
        raise DuplicateError(_("%(who)s already has a delegation from %(start)s to %(end)s.")
                             % {"who": from_user.get_username(), "start": overlapping.starts_on,
                                "end": overlapping.ends_on}, existing=str(overlapping.pk))
    delegation = Delegation.objects.create(municipality=municipality, from_user=from_user, to_user=to_user,
                                           starts_on=start, ends_on=end, reason=reason.strip()[:200],
                                           created_by=actor)
    change_record(instance=delegation, action=ChangeRecord.Action.CREATE, actor=actor, changes={
        "from_user": [None, from_user.get_username()], "to_user": [None, to_user.get_username()],
        "starts_on": [None, start.isoformat()], "ends_on": [None, end.isoformat()]})
    if start <= today:
        delegation_apply(delegation=delegation, actor=actor)
        delegation.refresh_from_db()
    return delegation


def delegation_apply(*, delegation: Delegation, actor) -> int:
    """Move the delegator's open cases to the delegate (inside the caller's transaction); how many moved. A case
    in a queue the delegate does not hold stays (and is named in the audit note)."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.applied_at is not None:
        return 0
    cases = list(_open_assigned(user=delegation.from_user, municipality_id=delegation.municipality_id)
                 .select_for_update(of=("self",)).select_related("queue_role").order_by("pk"))
    held = role_codes_of(delegation.to_user, municipality_id=delegation.municipality_id)
    moved, kept = [], []
    for case in cases:
        if case.queue_role_id and case.queue_role.code not in held:
            kept.append(case.number)
            continue
        case.assignee = delegation.to_user
        case.version += 1
        case.save(update_fields=["assignee", "version", "updated_at"])
        _entry(case, EntryKind.DELEGATION, actor, body=delegation.reason,
               data={"from": delegation.from_user.get_username(), "to": delegation.to_user.get_username(),
                     "until": delegation.ends_on.isoformat(), "delegation": delegation.pk})
        change_record(instance=case, action=ChangeRecord.Action.UPDATE, actor=actor,
                      changes={"assignee": [delegation.from_user.pk, delegation.to_user.pk]},
                      note=f"delegation {delegation.pk} until {delegation.ends_on.isoformat()}")
        moved.append(case.number)
    delegation.applied_at, delegation.cases_moved = timezone.now(), len(moved)
    delegation.version += 1
    delegation.save(update_fields=["applied_at", "cases_moved", "version", "updated_at"])
    change_record(instance=delegation, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"cases_moved": [0, len(moved)]},
                  note="handed over: " + (", ".join(moved) or "-") + (f"; kept: {', '.join(kept)}" if kept else ""))
    return len(moved)


def delegations_due_apply(*, today: date | None = None) -> int:
    """The sweep's part: delegations whose first day has come are applied (each in its own transaction)."""
    today = today or timezone.localdate()
    moved = 0
    for delegation in Delegation.objects.filter(applied_at__isnull=True, starts_on__lte=today, ends_on__gte=today):
        with transaction.atomic():
            moved += delegation_apply(delegation=delegation, actor="delegation sweep")
    return moved


def delegators_of(user, *, municipality_id: int, on: date | None = None) -> QuerySet:
    """The people whose active delegation (on ``on``, today by default) names ``user`` as delegate."""
    on = on or timezone.localdate()
    return Delegation.objects.filter(municipality_id=municipality_id, to_user=user, starts_on__lte=on,
                                     ends_on__gte=on).values("from_user_id")

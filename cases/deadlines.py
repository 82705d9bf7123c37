"""The SLA sweep: reminders before a case is due and escalation once it is overdue (run daily by the worker,
``cases/tasks.py``; the cron is ``ARDH_CASES_SWEEP_CRON``).

- **Reminder**: an open case, not on hold, due within ``ARDH_CASES_REMIND_WORKING_DAYS`` working days (today
  included) is brought to whom it sits with: its assignee, else the holders of its queue role in its
  municipality (template ``case_due_soon``).
- **Escalation**: an open case past its due date and not on hold goes to the department supervisors of its
  municipality (holders of ``department_supervisor``; template ``case_overdue_escalated``) with a timeline entry
  (staff only) and an audit record.

Each happens once per case and due date: the case remembers the due date it was reminded and escalated for
(``Case.reminded_for``, ``escalated_for``), claimed under the case's row lock, and every notification carries a
key of case, due date and recipient (``notification_send``'s ``dedupe_key``). A new due date (a new status, a
resumed hold) earns a new reminder and escalation. Cases on hold are skipped (their clock is stopped). The
sweep is idempotent: run it twice, nothing is sent twice.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from accounts.models import Membership, Person
from audit.models import ChangeRecord
from audit.services import change_record
from cases import calendar
from cases.models import Case, EntryKind
from cases.selectors import holidays
from cases.services import _entry
from cases.types import UnknownCaseType, get_case_type
from notifications.messages import register_template
from notifications.services import NotificationRefused, Recipient, notification_send

logger = logging.getLogger(__name__)

ESCALATE_TO = "department_supervisor"
SYSTEM = "sla sweep"
DUE_SOON, OVERDUE = "case_due_soon", "case_overdue_escalated"


def register_templates() -> None:
    from django.utils.translation import gettext_lazy as _

    register_template(DUE_SOON, _("A case is due soon"))
    register_template(OVERDUE, _("An overdue case is escalated to you"))


def holders_of(*, municipality_id: int, role_code: str):
    """The people holding ``role_code`` in the municipality (active memberships)."""
    users = Membership.objects.filter(municipality_id=municipality_id, is_active=True,
                                      roles__code=role_code).values("user_id")
    return get_user_model().objects.filter(pk__in=users, is_active=True).order_by("pk")


def recipient_for(user) -> Recipient | None:
    """A staff member as a recipient: their e-mail and, when they are also a known person, their mobile."""
    phone = Person.objects.filter(user=user).values_list("mobile", flat=True).first() or ""
    if not (user.email or phone):
        return None
    return Recipient.of_user(user, phone=phone)


def _context(case: Case, today: date, language: str) -> dict:
    """What the message says, in the recipient's language (the status's label is a gettext string)."""
    try:
        ct = get_case_type(case.case_type)
        with translation.override(language):
            title, status = (ct.title_ar if language == "ar" else ct.title_en), str(ct.state(case.status).label)
    except (UnknownCaseType, StopIteration):
        title, status = case.case_type, case.status
    return {"number": case.number, "type": title, "status": status,
            "due_date": case.due_date.isoformat(), "days_overdue": max((today - case.due_date).days, 0),
            "assignee": case.assignee.get_username() if case.assignee_id else ""}


def _notify(case: Case, users, template: str, today: date) -> int:
    sent = 0
    for user in users:
        recipient = recipient_for(user)
        if recipient is None:
            logger.warning("case %s: %s has no address for %s", case.number, user.get_username(), template)
            continue
        try:
            notification_send(municipality=case.municipality, recipient=recipient, template=template,
                              context=_context(case, today, recipient.language),
                              dedupe_key=f"{template}:{case.pk}:{case.due_date.isoformat()}:{user.pk}")
        except NotificationRefused as exc:
            logger.warning("case %s: %s", case.number, exc)
            continue
        sent += 1
    return sent


def _claim(pk: int, marker: str) -> Case | None:
    """The case locked, if it still needs this marker for its due date (another sweep may have taken it)."""
    case = (Case.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("municipality", "queue_role", "assignee").filter(pk=pk).first())
    if case is None or case.closed_at or case.on_hold or case.due_date is None:
        return None
    return None if getattr(case, marker) == case.due_date else case


@transaction.atomic
def case_remind(*, pk: int, today: date) -> int:
    """Remind whom the case sits with that it is due soon; how many were notified."""
    case = _claim(pk, "reminded_for")
    if case is None:
        return 0
    if case.assignee_id:
        users = [case.assignee]
    elif case.queue_role_id:
        users = list(holders_of(municipality_id=case.municipality_id, role_code=case.queue_role.code))
    else:
        users = []
    sent = _notify(case, users, DUE_SOON, today)
    Case.objects.filter(pk=case.pk).update(reminded_for=case.due_date)
    return sent


@transaction.atomic
def case_escalate(*, pk: int, today: date) -> int:
    """Escalate an overdue case to its municipality's department supervisors; how many were notified."""
    case = _claim(pk, "escalated_for")
    if case is None:
        return 0
    supervisors = list(holders_of(municipality_id=case.municipality_id, role_code=ESCALATE_TO))
    sent = _notify(case, supervisors, OVERDUE, today)
    Case.objects.filter(pk=case.pk).update(escalated_for=case.due_date)
    _entry(case, EntryKind.ESCALATION, SYSTEM,
           data={"due_date": case.due_date.isoformat(), "days_overdue": (today - case.due_date).days,
                 "to": [u.get_username() for u in supervisors], "notified": sent})
    change_record(instance=case, action=ChangeRecord.Action.UPDATE, actor=SYSTEM,
                  changes={"escalated_for": [None, case.due_date.isoformat()]},
                  note=f"overdue since {case.due_date.isoformat()}: escalated to {len(supervisors)} supervisor(s)")
    return 1


def sla_sweep(*, today: date | None = None) -> dict[str, int]:
    """One pass over the open cases of every municipality (each case in its own short transaction); what was
    done: ``reminded`` (notifications), ``escalated`` (cases), ``delegations`` (handed over today)."""
    from cases.delegation import delegations_due_apply

    today = today or timezone.localdate()
    done = {"reminded": 0, "escalated": 0, "delegations": delegations_due_apply(today=today)}
    running = Case.objects.filter(closed_at__isnull=True, held_since__isnull=True, due_date__isnull=False)
    ahead = settings.ARDH_CASES_REMIND_WORKING_DAYS
    for muni_id in running.order_by().values_list("municipality_id", flat=True).distinct():
        off = holidays(municipality_id=muni_id, start=today, end=today + timedelta(days=ahead * 2 + 30))
        horizon = calendar.add_working_days(today, ahead, off)
        mine = running.filter(municipality_id=muni_id)
        soon = mine.filter(due_date__gte=today, due_date__lte=horizon).exclude(
            Q(reminded_for__isnull=False) & Q(reminded_for=F("due_date")))
        for pk in soon.values_list("pk", flat=True).order_by("due_date", "pk"):
            done["reminded"] += case_remind(pk=pk, today=today)
        late = mine.filter(due_date__lt=today).exclude(
            Q(escalated_for__isnull=False) & Q(escalated_for=F("due_date")))
        for pk in late.values_list("pk", flat=True).order_by("due_date", "pk"):
            done["escalated"] += case_escalate(pk=pk, today=today)
    return done

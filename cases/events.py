"""Events about a case from another system: how a process hears of what happened elsewhere without the other
system knowing the process (decision 022). Payments publish ``payment.paid`` for a bill's case; the case
type declares which step that event takes (``Transition(on_event="payment.paid", roles=(SYSTEM,))``), and the
backbone takes it in a job, as the system.

- ``event_publish`` queues the event in the caller's transaction: it is handled only if that commits, and a
  committed fact never loses its event.
- ``event_apply`` (the job) is idempotent: a step is taken only from a status it leaves, so a repeated event
  finds the case moved on and changes nothing. An event with no step from the current status is written on the
  case's timeline (staff see it) and dropped.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, EntryKind, TimelineEntry
from cases.services import case_transition
from cases.types import SYSTEM, get_case_type
from common.errors import GuardError, NotPermitted, RegisterError, TransitionError
from runtime.jobs import defer_after_commit, job

logger = logging.getLogger(__name__)
ACTOR = "system: event"


def event_publish(*, case_id: int, event: str, data: dict | None = None) -> int | None:
    """Queue ``event`` (e.g. "payment.paid") for the case, after the caller's transaction commits."""
    return defer_after_commit("cases.event", case_id=case_id, event=event, data=data or {})


def step_for(case: Case, event: str):
    """The case type's step taken on ``event`` from the case's status (None: none)."""
    for step in get_case_type(case.case_type).transitions_from(case.status):
        if step.on_event == event and SYSTEM in step.roles:
            return step
    return None


@transaction.atomic
def event_apply(*, case_id: int, event: str, data: dict | None = None) -> str | None:
    """Take the step ``event`` asks of the case now; the step's name, or None when there is none to take."""
    case = Case.objects.select_for_update().get(pk=case_id)
    step = step_for(case, event)
    if step is None:
        if not TimelineEntry.objects.filter(case=case, kind=EntryKind.COMMENT, data__event=event,
                                            data__status=case.status).exists():
            TimelineEntry.objects.create(
                case=case, kind=EntryKind.COMMENT, actor=None, actor_label=ACTOR, visible_to_applicant=False,
                body=_("Event “%(event)s” arrived in status “%(status)s”, which takes no step on it.")
                % {"event": event, "status": case.status},
                data={"event": event, "status": case.status, **(data or {})})
        return None
    try:
        case_transition(case=case, transition=step.name, actor=ACTOR, expected_version=None,
                        note=(data or {}).get("note"))
    except (GuardError, NotPermitted, RegisterError, TransitionError) as exc:  # e.g. on hold: staff take it
        logger.warning("case %s: event %s could not take %s: %s", case.number, event, step.name, exc)
        TimelineEntry.objects.create(
            case=case, kind=EntryKind.COMMENT, actor=None, actor_label=ACTOR, visible_to_applicant=False,
            body=_("Event “%(event)s” could not take the step “%(step)s”: %(reason)s")
            % {"event": event, "step": step.label, "reason": exc}, data={"event": event})
        return None
    return step.name


@job("cases.event")
def event_task(*, case_id: int, event: str, data: dict) -> None:
    event_apply(case_id=case_id, event=event, data=data)

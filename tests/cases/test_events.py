"""The backbone's events: a step declared ``on_event`` is taken by the system when the event arrives, once; an
event with no step from the case's status is written on the timeline and dropped; people cannot take it."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.events import event_apply
from cases.models import TimelineEntry
from cases.types import SYSTEM, CaseType, State, Transition, register_case_type, unregister_case_type
from common.errors import NotPermitted

pytestmark = pytest.mark.django_db

STALL = CaseType(
    code="stall_permit_test", title_ar="رخصة بسطة", title_en="Stall permit",
    states=(State("submitted", _("submitted"), queue_role="permit_reviewer"),
            State("awaiting_payment", _("approved, awaiting payment")),
            State("issued", _("issued"), final=True), State("lapsed", _("lapsed"), final=True)),
    initial="submitted",
    transitions=(
        Transition("approve", _("approve"), ("submitted",), "awaiting_payment", roles=("permit_reviewer",)),
        Transition("issue", _("issue"), ("awaiting_payment",), "issued", roles=(SYSTEM,), on_event="payment.paid"),
        Transition("lapse", _("lapse"), ("awaiting_payment",), "lapsed", roles=(SYSTEM,), on_event="payment.expired"),
    ),
    create_roles=("permit_reviewer",),
)


@pytest.fixture
def stall(town, reviewer, applicant):
    register_case_type(STALL)
    from tests.cases.conftest import open_case

    try:
        case = open_case(town=town, actor=reviewer, applicant=applicant)
        case.case_type = STALL.code
        case.status = "submitted"
        case.save(update_fields=["case_type", "status"])
        yield case
    finally:
        unregister_case_type(STALL.code)


def test_an_event_takes_its_step_once(stall, reviewer):
    assert event_apply(case_id=stall.pk, event="payment.paid") is None  # not from "submitted"
    assert TimelineEntry.objects.filter(case=stall, data__event="payment.paid", visible_to_applicant=False).count() == 1
    services.case_transition(case=stall, transition="approve", actor=reviewer, expected_version=None)
    assert event_apply(case_id=stall.pk, event="payment.paid") == "issue"
    stall.refresh_from_db()
    assert stall.status == "issued" and stall.closed_at is not None
    entry = TimelineEntry.objects.get(case=stall, kind="transition", to_status="issued")
    assert entry.actor is None and entry.actor_label.startswith("system")
    assert event_apply(case_id=stall.pk, event="payment.paid") is None  # a repeated event changes nothing
    stall.refresh_from_db()
    assert stall.status == "issued"


def test_a_person_cannot_take_a_system_step(stall, reviewer, supervisor):
    stall = services.case_transition(case=stall, transition="approve", actor=reviewer, expected_version=None)
    assert services.allowed_transitions(case=stall, actor=reviewer) == []
    for person in (reviewer, supervisor):
        with pytest.raises(NotPermitted):
            services.case_transition(case=stall, transition="issue", actor=person, expected_version=None)
    with pytest.raises(NotPermitted):  # a label that is not the system's is no one
        services.case_transition(case=stall, transition="lapse", actor="api key x", expected_version=None)

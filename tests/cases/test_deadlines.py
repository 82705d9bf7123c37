"""The SLA sweep (cases/deadlines.py): reminders before the due date, escalation to the department supervisors
once overdue, each once per case and due date; cases on hold skipped; run directly and by the real worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import roles_sync
from audit.models import ChangeRecord
from cases import deadlines, services
from cases.models import Case
from notifications.models import Delivery, Notification
from tests.cases.conftest import open_case, staff
from tests.factories import MunicipalityFactory
from tests.worker import wait_for


def _with_email(user):
    user.email = f"{user.username}@ras.example.sa"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def people(town, django_user_model):
    return {
        "reviewer": _with_email(staff(django_user_model, town, "rev1", ["permit_reviewer"])),
        "colleague": _with_email(staff(django_user_model, town, "rev2", ["permit_reviewer"])),
        "supervisor": _with_email(staff(django_user_model, town, "sup", ["department_supervisor"])),
    }


def _due(case, days_from_today):
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() + timedelta(days=days_from_today))
    case.refresh_from_db()
    return case


def _sent(template):
    rows = Notification.objects.filter(template=template)
    return sorted(rows.values_list("recipient_user__username", "context__number"))


def test_reminders_escalations_once_and_holds_skipped(town, people, applicant):
    reviewer = people["reviewer"]
    soon = _due(open_case(town=town, actor=reviewer, applicant=applicant), 0)
    late = _due(open_case(town=town, actor=reviewer, applicant=applicant), -3)
    held = open_case(town=town, actor=reviewer, applicant=applicant)
    held = services.case_hold(case=held, actor=reviewer, reason="waiting for the deed", expected_version=1)
    _due(held, -10)
    later = _due(open_case(town=town, actor=reviewer, applicant=applicant), 20)
    mine = services.case_assign(case=_due(open_case(town=town, actor=reviewer, applicant=applicant), 0),
                                actor=reviewer, assignee=reviewer, expected_version=1)

    done = deadlines.sla_sweep()
    assert done["reminded"] == 3 and done["escalated"] == 1
    # unassigned: every holder of its queue; assigned: the assignee only
    assert _sent("case_due_soon") == sorted([("rev1", soon.number), ("rev2", soon.number), ("rev1", mine.number)])
    assert _sent("case_overdue_escalated") == [("sup", late.number)]
    entry = late.timeline.get(kind="escalation")
    assert entry.actor is None and entry.actor_label == "sla sweep" and not entry.visible_to_applicant
    assert entry.data["days_overdue"] == 3 and entry.data["to"] == ["sup"]
    assert ChangeRecord.objects.filter(entity="cases.case", object_id=late.pk, note__contains="escalated").exists()
    assert not held.timeline.filter(kind="escalation").exists()
    assert not Notification.objects.filter(context__number__in=[held.number, later.number]).exists()
    delivery = Delivery.objects.get(notification__template="case_overdue_escalated")
    assert late.number in delivery.body and delivery.address == "sup@ras.example.sa"

    # idempotent: nothing again
    before = Notification.objects.count()
    assert deadlines.sla_sweep() == {"reminded": 0, "escalated": 0, "delegations": 0}
    assert Notification.objects.count() == before and late.timeline.filter(kind="escalation").count() == 1

    # a new due date earns a new escalation
    _due(late, -1)
    assert deadlines.sla_sweep()["escalated"] == 1
    assert late.timeline.filter(kind="escalation").count() == 2


def test_escalation_goes_to_the_supervisors_of_the_cases_own_municipality(town, people, applicant, django_user_model):
    elsewhere = MunicipalityFactory(short_code="BUR")
    _with_email(staff(django_user_model, elsewhere, "sup-bur", ["department_supervisor"]))
    late = _due(open_case(town=town, actor=people["reviewer"], applicant=applicant), -2)
    deadlines.sla_sweep()
    assert _sent("case_overdue_escalated") == [("sup", late.number)]


def test_the_sweep_is_rendered_in_arabic_by_default(town, people, applicant):
    _due(open_case(town=town, actor=people["reviewer"], applicant=applicant), -2)
    deadlines.sla_sweep()
    body = Delivery.objects.get(notification__template="case_overdue_escalated", channel="email").body
    assert "متأخرة" in body


@pytest.fixture
def worker_env():
    return {"ARDH_CASES_SWEEP_CRON": "* * * * * */2"}  # every two seconds for the test (daily by default)


def test_the_worker_runs_the_sweep(worker, django_user_model):
    roles_sync()
    town = MunicipalityFactory(short_code="RAS")
    from accounts.models import Person

    applicant = Person.objects.create(kind="person", name_ar="محمد", national_id="1012345678")
    reviewer = staff(django_user_model, town, "rev1", ["permit_reviewer"])
    _with_email(staff(django_user_model, town, "sup", ["department_supervisor"]))
    late = _due(open_case(town=town, actor=reviewer, applicant=applicant), -4)
    wait_for(lambda: late.timeline.filter(kind="escalation").exists(), what="the escalation", worker=worker)
    wait_for(lambda: Delivery.objects.filter(notification__template="case_overdue_escalated",
                                             status="sent").exists(), what="the notification sent", worker=worker)
    # more ticks pass: still one escalation, one notification
    wait_for(lambda: _ticks() >= 3, what="more sweeps", worker=worker)
    assert late.timeline.filter(kind="escalation").count() == 1
    assert Notification.objects.filter(template="case_overdue_escalated").count() == 1


def _ticks() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'cases.sla_sweep' "
                       "AND status = 'succeeded'")
        return cursor.fetchone()[0]

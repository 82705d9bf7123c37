"""The overdue report per department (cases/reports.py) and its API."""

from datetime import timedelta

from django.utils import timezone

from cases import services
from cases.models import Case
from tests.cases.conftest import open_case, person_client


def _due(case, days):
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() + timedelta(days=days))


def test_open_overdue_and_due_this_week_per_queue_and_type(town, reviewer, supervisor, applicant):
    for days in (-2, -4, 1, 30):
        _due(open_case(town=town, actor=reviewer, applicant=applicant), days)
    held = open_case(town=town, actor=reviewer, applicant=applicant)
    services.case_hold(case=held, actor=reviewer, reason="waiting", expected_version=1)
    _due(held, -9)  # on hold: not overdue
    closed = open_case(town=town, actor=reviewer, applicant=applicant)
    Case.objects.filter(pk=closed.pk).update(closed_at=timezone.now(), due_date=None)
    body = person_client(supervisor).get("/api/v1/cases/reports/overdue/").json()
    assert body["rows"] == [{
        "queue": "permit_reviewer", "queue_name_ar": "مراجع الرخص الفنية", "queue_name_en": "Permit reviewer",
        "case_type": "kiosk_permit", "open": 5, "on_hold": 1, "overdue": 2, "due_this_week": 1,
        "avg_days_overdue": 3.0,
    }]
    assert body["totals"] == {"open": 5, "on_hold": 1, "overdue": 2, "due_this_week": 1}


def test_the_report_is_for_supervisors(town, reviewer):
    response = person_client(reviewer).get("/api/v1/cases/reports/overdue/")
    assert response.status_code == 403 and response.json()["needed"] == ["cases.supervise"]

"""My queue (``cases.selectors.inbox``): open cases in a queue of a role I hold or assigned to me, earliest due
first; a closed case sits with nobody, even a row that still names an assignee (imported, or older data)."""

from datetime import date

from cases import selectors, services
from cases.models import Case
from tests.cases.conftest import open_case


def test_my_queue_holds_open_cases_only_earliest_due_first(town, reviewer, approver, applicant):
    first, second, third = (open_case(town=town, actor=reviewer, applicant=applicant) for _ in range(3))
    Case.objects.filter(pk=first.pk).update(due_date=date(2030, 1, 9))
    Case.objects.filter(pk=second.pk).update(due_date=date(2030, 1, 2))
    Case.objects.filter(pk=third.pk).update(due_date=None)  # no deadline: last
    assert list(selectors.inbox(user=reviewer, municipality=town)) == [second, first, third]
    services.case_assign(case=first, actor=reviewer, assignee=reviewer, expected_version=1)
    # Closed with the assignee left on the row: not in anybody's queue any more.
    Case.objects.filter(pk=first.pk).update(closed_at=first.created_at, queue_role=None)
    assert list(selectors.inbox(user=reviewer, municipality=town)) == [second, third]
    assert list(selectors.inbox(user=approver, municipality=town)) == []
    # Assigned by name to someone outside the queue: theirs.
    services.case_assign(case=second, actor=reviewer, assignee=approver, expected_version=1)
    assert list(selectors.inbox(user=approver, municipality=town)) == [Case.objects.get(pk=second.pk)]

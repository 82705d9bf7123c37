"""``cases.selectors.inbox_page`` reads a page of each queue from its index: the same cases, in the same order,
as ``inbox`` (several roles, cases assigned by name, closed cases, a district-limited membership)."""

import datetime as dt

from django.contrib.gis.geos import Point

from accounts.services import membership_grant
from cases import selectors, services
from cases.models import Case, Delegation
from tests.cases.conftest import open_case, staff
from tests.factories import DistrictFactory
from tests.shapes import lonlat, rect


def pages(user, town, size, **filters):
    out, offset = [], 0
    while True:
        page = selectors.inbox_page(user=user, municipality=town, offset=offset, limit=size, **filters)
        out += page
        if len(page) < size:
            return [c.pk for c in out]
        offset += size


def test_the_pages_are_the_inbox(town, reviewer, approver, applicant, django_user_model):
    both = staff(django_user_model, town, "both", ["permit_reviewer", "permit_approver"])
    cases = [open_case(town=town, actor=reviewer, applicant=applicant, point=Point(*lonlat(10 + i * 50, 10), srid=4326))
             for i in range(9)]
    for c in cases[:4]:
        services.case_transition(case=c, transition="start_review", actor=reviewer, expected_version=c.version)
    services.case_transition(case=Case.objects.get(pk=cases[0].pk), transition="reject", actor=approver,
                             expected_version=2)  # closed: in nobody's queue
    services.case_assign(case=Case.objects.get(pk=cases[5].pk), actor=reviewer, assignee=approver,
                         expected_version=1)
    # The approver is away: their colleague holds their assigned cases meanwhile (cases.delegation).
    colleague = staff(django_user_model, town, "colleague", ["reader"])
    Delegation.objects.create(municipality=town, from_user=approver, to_user=colleague, reason="leave",
                              starts_on=dt.date.today() - dt.timedelta(days=1),
                              ends_on=dt.date.today() + dt.timedelta(days=5))
    for i, c in enumerate(cases):
        Case.objects.filter(pk=c.pk).update(due_date=dt.date(2030, 1, 1) + dt.timedelta(days=(i * 7) % 5))
    for user in (reviewer, approver, both, colleague):
        expected = [c.pk for c in selectors.inbox(user=user, municipality=town)]
        for size in (1, 2, 4, 50):
            assert pages(user, town, size) == expected
        assert pages(user, town, 3, status="in_review") == [
            c.pk for c in selectors.inbox(user=user, municipality=town, status="in_review")]
    assert pages(approver, town, 10) == [cases[5].pk]  # assigned by name, not in the approver's queue
    assert pages(colleague, town, 10) == [cases[5].pk]  # held for the approver while they are away


def test_a_district_limited_membership(town, reviewer, applicant):
    inside = open_case(town=town, actor=reviewer, applicant=applicant, point=Point(*lonlat(10, 10), srid=4326))
    open_case(town=town, actor=reviewer, applicant=applicant, point=Point(*lonlat(3500, 3500), srid=4326))
    DistrictFactory(municipality=town, code="IN", geom=rect(0, 0, 100, 100))
    membership_grant(user=reviewer, municipality=town, roles=["permit_reviewer"], district_codes=["IN"])
    assert pages(reviewer, town, 5) == [inside.pk] == [c.pk for c in selectors.inbox(user=reviewer, municipality=town)]

"""`make bench-cases` at a tiny size, so the script cannot rot: it generates cases the backbone accepts (numbers
from the counter, timelines matching the declared steps, spread over states, overdue ones) and measures the
inbox list page and transitions through the real API and services. (Not a timed test: the figures are the
benchmark's.)"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Municipality, Person
from bench.cases import bench_types, ensure_cases, inbox_queries, measure_inbox, measure_transitions
from cases import selectors
from cases.models import Case, CaseParcel, CaseParty, TimelineEntry
from cases.services import case_create


@pytest.fixture
def bench_city(db):
    call_command("generate_demo", parcels=300, stdout=StringIO())
    return Municipality.objects.get(code="al-rass-demo")


def test_the_bench_makes_cases_the_backbone_accepts_and_measures_them(bench_city):
    muni = bench_city
    types = bench_types()  # the registered types (in tests: the scratch app's kiosk permit)
    assert [t.code for t in types] == ["kiosk_permit"]
    reviewer, _colleagues = ensure_cases(muni, types, n=240, staff=3, people=25)
    cases = Case.objects.filter(municipality=muni, created_by=reviewer)
    assert cases.count() == 240
    numbers = list(cases.values_list("number", flat=True))
    assert len(set(numbers)) == 240 and all(re.fullmatch(r"RAS-14[0-9]{2}-[0-9]{6}", n) for n in numbers)
    assert CaseParcel.objects.filter(case__in=cases).count() == 240
    assert CaseParty.objects.filter(case__in=cases, role="applicant").count() == 240
    ct = types[0]
    assert set(cases.values_list("status", flat=True)) == {s.code for s in ct.states}
    for case in cases.order_by("?")[:40]:  # each timeline is a walk of the declared steps to the status
        entries = list(TimelineEntry.objects.filter(case=case).order_by("at", "id"))
        assert entries[0].kind == "created" and entries[0].to_status == ct.initial
        status = ct.initial
        for e in entries[1:]:
            step = ct.transition(e.data["transition"])
            assert status in step.sources and e.from_status == status and e.to_status == step.target
            status = step.target
        assert status == case.status and case.version == len(entries)
        assert (case.closed_at is not None) == ct.state(case.status).final
    assert selectors.case_list(municipality=muni, overdue=True).exists()
    assert 0 < selectors.inbox(user=reviewer, municipality=muni).count() < 240

    # Numbers go on from the counter: the next case opened by the service does not clash.
    applicant = Person.objects.filter(national_id__startswith="19").first()
    made = case_create(municipality=muni, case_type=ct.code, actor="another system",
                       data={"activity": "food", "area_m2": 9}, parties=[(applicant, "applicant")],
                       parcels=[CaseParcel.objects.first().parcel])
    assert made.number not in numbers and made.number.endswith(f"{240 + 1:06d}")

    # A second run with the same size keeps the cases; another size replaces them.
    ensure_cases(muni, types, n=240, staff=3, people=25)
    assert Case.objects.filter(created_by=reviewer).count() == 240
    ensure_cases(muni, types, n=60, staff=3, people=25)
    assert Case.objects.filter(created_by=reviewer).count() == 60

    times, per_url = measure_inbox(reviewer, inbox_queries(muni, types), 24)
    assert len(times) == 24 and all(t > 0 for t in times) and all(per_url.values())
    started = timezone.now()
    moves = measure_transitions(muni, types, reviewer, 5)
    assert len(moves) == 5  # five distinct cases took a step through the service, each with its timeline entry
    assert TimelineEntry.objects.filter(kind="transition", at__gte=started, actor=reviewer).values(
        "case").distinct().count() == 5

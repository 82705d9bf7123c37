"""Objecting from the portal: a refused transaction offers the objection with its last day; filing it opens my
objection (a transaction of mine) and the page shows where it stands; a second one, empty grounds, a decision of
another's case, or an objection after the period are refused with a message, and nothing is filed."""

from datetime import timedelta

from django.utils import timezone

from cases import objections, services
from cases.models import Case, Objection, TimelineEntry
from tests.cases.conftest import approver, supervisor  # noqa: F401 (fixtures)
from tests.cases.test_objections import rejected
from tests.portal.conftest import someone_else


def html(response) -> str:
    return response.content.decode()


def errors(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


def test_i_object_to_a_refusal_and_follow_my_objection(signed_in, town, reviewer, approver, supervisor,  # noqa: F811
                                                        citizen):
    case = rejected(town, reviewer, approver, citizen)
    page = html(signed_in.get(f"/portal/transactions/{case.pk}/"))
    assert 'data-test="object-form" data-transition="reject"' in page and 'data-test="period-ends"' in page

    answer = signed_in.post(f"/portal/transactions/{case.pk}/objection/", {"grounds": "المساحة 20 م² لا 60"},
                            follow=True)
    objection = Objection.objects.get(objected_case=case)
    assert answer.redirect_chain[-1][0] == f"/portal/transactions/{objection.case_id}/"
    assert objection.case.number in html(answer) and objection.case.data == {"grounds": "المساحة 20 م² لا 60"}
    # The refused transaction now shows the objection filed, and offers no second one.
    page = html(signed_in.get(f"/portal/transactions/{case.pk}/"))
    assert objection.case.number in page and 'data-test="object-form"' not in page
    # It is on my list, and when the supervisors uphold it, the refused transaction is reopened.
    assert objection.case.number in html(signed_in.get("/portal/transactions/"))
    ocase = services.case_transition(case=objection.case, transition="start_review", actor=supervisor,
                                     expected_version=None)
    services.case_transition(case=ocase, transition="uphold", actor=supervisor, expected_version=None)
    case.refresh_from_db()
    assert case.status == "in_review"
    assert 'data-status="upheld"' in html(signed_in.get(f"/portal/transactions/{case.pk}/"))


def test_bad_objections_are_refused_and_nothing_is_filed(signed_in, town, reviewer, approver, citizen):  # noqa: F811
    case = rejected(town, reviewer, approver, citizen)
    empty = signed_in.post(f"/portal/transactions/{case.pk}/objection/", {"grounds": "  "}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert errors(empty) == ["Say on what grounds you object."]
    long = signed_in.post(f"/portal/transactions/{case.pk}/objection/", {"grounds": "x" * 5001}, follow=True)
    assert len(errors(long)) == 1 and "5000" in errors(long)[0] and "5001" in errors(long)[0]
    # Someone else's refused case is not mine to object to (404, as any case not mine).
    theirs = rejected(town, reviewer, approver, someone_else())
    assert signed_in.post(f"/portal/transactions/{theirs.pk}/objection/", {"grounds": "x"}).status_code == 404
    # After the period: refused, naming the last day.
    entry = TimelineEntry.objects.filter(case=case, data__transition="reject").get()
    TimelineEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - timedelta(days=400))
    entry.refresh_from_db()
    ends = objections.decision_window(case, entry)
    late = signed_in.post(f"/portal/transactions/{case.pk}/objection/", {"grounds": "متأخر", "decision": entry.pk},
                          follow=True)
    assert len(errors(late)) == 1 and ends.isoformat() in errors(late)[0]
    assert 'data-test="object-form"' not in html(late)
    assert Objection.objects.count() == 0 and Case.objects.filter(case_type="objection").count() == 0

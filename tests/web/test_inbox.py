"""The work inbox: lists, filters, search (logged), tenant isolation, the case page's steps and refusals."""

import json
import re

from django.contrib.gis.geos import Point

from cases import services
from cases.models import Case, PersonalDataLookup, TimelineEntry
from tests.cases.conftest import open_case, staff
from tests.factories import DistrictFactory
from tests.shapes import lonlat, rect
from tests.web.conftest import page, signed_in


def numbers(response) -> list[str]:
    return re.findall(r'<a href="/inbox/cases/\d+/"[^>]*>([A-Z]+-\d+-\d+)</a>', page(response))


def test_anonymous_people_sign_in_first(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/inbox/")


def test_my_queue_shows_the_cases_of_my_roles_in_arabic(client, reviewer, approver, case):
    response = signed_in(client, reviewer).get("/inbox/")
    html = page(response)
    assert response.status_code == 200 and numbers(response) == [case.number]
    assert 'dir="rtl"' in html and "صندوق العمل" in html
    assert "1******678" in html and "1012345678" not in html  # the applicant's national ID masked
    assert numbers(signed_in(client, approver).get("/inbox/")) == []  # not in the approver's queue


def test_filters_by_status_type_overdue_and_district(client, town, reviewer, applicant):
    first = open_case(town=town, actor=reviewer, applicant=applicant)
    second = services.case_transition(case=open_case(town=town, actor=reviewer, applicant=applicant),
                                      transition="start_review", actor=reviewer, expected_version=1)
    signed_in(client, reviewer)
    assert numbers(client.get("/inbox/?status=in_review")) == [second.number]
    assert numbers(client.get("/inbox/?status=submitted&type=kiosk_permit")) == [first.number]
    assert numbers(client.get("/inbox/?type=other_type")) == []
    Case.objects.filter(pk=first.pk).update(due_date="2020-01-01")
    response = client.get("/inbox/?overdue=1")
    assert numbers(response) == [first.number] and "متأخرة" in page(response)
    assert re.search(r'class="due">6 جمادى الأولى 1441 <small dir="ltr">2020-01-01</small>', page(response))
    near = DistrictFactory(municipality=town, code="N1")  # around the cases (0..2000 m)
    DistrictFactory(municipality=town, code="FAR", geom=rect(3000, 3000, 4000, 4000))
    assert set(numbers(client.get(f"/inbox/?district={near.code}"))) == {first.number, second.number}
    assert numbers(client.get("/inbox/?district=FAR")) == []


def test_team_tab_and_supervisor(client, town, reviewer, supervisor, applicant, django_user_model):
    case = open_case(town=town, actor=reviewer, applicant=applicant)
    colleague = staff(django_user_model, town, "colleague", ["permit_reviewer"])
    services.case_assign(case=case, actor=reviewer, assignee=reviewer, expected_version=1)
    assert numbers(signed_in(client, colleague).get("/inbox/?tab=team")) == [case.number]
    response = signed_in(client, supervisor).get("/inbox/?tab=team")
    assert numbers(response) == [case.number] and "كل المعاملات" in page(response)
    assert numbers(client.get("/inbox/")) == []  # nothing in the supervisor's own queue


def test_paging_without_counting(client, town, reviewer, applicant):
    from web.inbox import lists

    cases = [open_case(town=town, actor=reviewer, applicant=applicant) for _ in range(lists.PAGE + 2)]
    signed_in(client, reviewer)
    first = client.get("/inbox/")
    assert len(numbers(first)) == lists.PAGE and 'rel="next"' in page(first)
    second = client.get(f"/inbox/?offset={lists.PAGE}")
    assert len(numbers(second)) == 2 and 'rel="next"' not in page(second)
    assert set(numbers(first)) | set(numbers(second)) == {c.number for c in cases}


def test_search_by_number_deed_parcel_and_logged_national_id(client, town, reviewer, applicant, parcel):
    with_parcel = open_case(town=town, actor=reviewer, applicant=applicant, parcels=[parcel])
    other = open_case(town=town, actor=reviewer, applicant=applicant)
    signed_in(client, reviewer)
    assert numbers(client.get(f"/inbox/?q={other.number.lower()}")) == [other.number]
    assert numbers(client.get(f"/inbox/?q={parcel.deed_number}")) == [with_parcel.number]
    assert numbers(client.get(f"/inbox/?q={parcel.number}")) == [with_parcel.number]
    assert not PersonalDataLookup.objects.exists()
    assert set(numbers(client.get("/inbox/?q=1012345678"))) == {with_parcel.number, other.number}
    lookup = PersonalDataLookup.objects.get()
    assert lookup.actor == reviewer and lookup.masked_national_id == "1******678"
    assert set(lookup.case_numbers) == {with_parcel.number, other.number}


def test_the_list_and_its_map_show_the_same_cases(client, reviewer, case):
    html = page(signed_in(client, reviewer).get("/inbox/?view=split&status=submitted"))
    config = json.loads(re.search(r'id="ardh-map-config" type="application/json">(.*?)</script>',
                                                html, re.S)[1])
    assert [f["properties"]["number"] for f in config["inbox"]["cases"]["features"]] == [case.number]
    assert config["inbox"]["filter"] == {"status": "submitted"}
    assert "web/inbox/list_map.js" in html


def test_another_municipalitys_case_is_not_found(client, other_town, reviewer, applicant, django_user_model):
    theirs_staff = staff(django_user_model, other_town, "theirs", ["permit_reviewer"])
    theirs = open_case(town=other_town, actor=theirs_staff, applicant=applicant,
                       point=Point(*lonlat(10, 10), srid=4326))
    signed_in(client, reviewer)
    assert client.get(f"/inbox/cases/{theirs.pk}/").status_code == 404
    response = client.post(f"/inbox/cases/{theirs.pk}/act/", {"action": "transition", "transition": "start_review",
                                                               "version": 1})
    assert response.status_code == 404
    assert Case.objects.get(pk=theirs.pk).status == "submitted"
    assert numbers(client.get(f"/inbox/?q={theirs.number}&tab=team")) == []


def test_the_case_page_offers_the_steps_of_my_roles(client, reviewer, approver, case):
    html = page(signed_in(client, reviewer).get(f"/inbox/cases/{case.pk}/"))
    assert 'data-step="start_review"' in html and 'data-step="approve"' not in html
    assert case.number in html and "web/inbox/case_map.js" in html
    assert 'data-step' not in page(signed_in(client, approver).get(f"/inbox/cases/{case.pk}/"))


def test_taking_a_step_lands_in_the_timeline(client, reviewer, case):
    signed_in(client, reviewer)
    response = client.post(f"/inbox/cases/{case.pk}/act/", {"action": "transition", "transition": "start_review",
                                                             "version": case.version, "note": "أبدأ المراجعة"},
                           follow=True)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "in_review" and case.version == 2
    html = page(response)
    assert "أبدأ المراجعة" in html and 'class="internal k-comment"' in html


def test_a_step_my_role_lacks_is_refused_with_the_reason(client, reader, case):
    signed_in(client, reader)
    response = client.post(f"/inbox/cases/{case.pk}/act/", {"action": "transition", "transition": "start_review",
                                                             "version": case.version})
    assert response.status_code == 403 and 'role="alert"' in page(response)
    assert Case.objects.get(pk=case.pk).status == "submitted"


def test_an_illegal_step_says_what_is_possible(client, approver, case):
    response = signed_in(client, approver).post(f"/inbox/cases/{case.pk}/act/", {
        "action": "transition", "transition": "approve", "version": case.version})
    assert response.status_code == 409 and "start_review" in page(response)
    assert Case.objects.get(pk=case.pk).status == "submitted"


def test_a_guard_gives_its_reason(client, town, reviewer, approver, applicant):
    big = open_case(town=town, actor=reviewer, applicant=applicant, area_m2=80)
    big = services.case_transition(case=big, transition="start_review", actor=reviewer, expected_version=1)
    response = signed_in(client, approver).post(f"/inbox/cases/{big.pk}/act/", {
        "action": "transition", "transition": "approve", "version": big.version})
    assert response.status_code == 422 and "50" in page(response)
    assert Case.objects.get(pk=big.pk).status == "in_review"


def test_a_stale_version_changes_nothing(client, reviewer, case):
    services.case_assign(case=case, actor=reviewer, assignee=reviewer, expected_version=1)  # now version 2
    entries = TimelineEntry.objects.count()
    signed_in(client, reviewer)
    response = client.post(f"/inbox/cases/{case.pk}/act/", {"action": "transition", "transition": "start_review",
                                                             "version": 1, "note": "late"})
    assert response.status_code == 412
    assert "تغيّرت المعاملة منذ فتحتها" in page(response)
    assert Case.objects.get(pk=case.pk).status == "submitted" and TimelineEntry.objects.count() == entries
    response = client.post(f"/inbox/cases/{case.pk}/act/", {"action": "comment", "body": "x", "version": 1})
    assert response.status_code == 412 and TimelineEntry.objects.count() == entries


def test_claim_hold_resume_and_comments(client, reviewer, case):
    signed_in(client, reviewer)
    act = f"/inbox/cases/{case.pk}/act/"
    client.post(act, {"action": "claim", "version": 1})
    case.refresh_from_db()
    assert case.assignee == reviewer and case.version == 2
    client.post(act, {"action": "hold", "version": 2, "reason": "ننتظر الصك", "waiting_on": "applicant"})
    case.refresh_from_db()
    assert case.held_since is not None and case.hold_reason == "ننتظر الصك"
    response = client.post(act, {"action": "hold", "version": 3, "reason": "again"})
    assert response.status_code == 400 and 'role="alert"' in page(response)
    client.post(act, {"action": "resume", "version": 3})
    case.refresh_from_db()
    assert case.held_since is None
    client.post(act, {"action": "comment", "version": case.version, "body": "ملاحظة داخلية"})
    client.post(act, {"action": "comment", "version": case.version, "body": "رسالة للمتقدم", "to_applicant": "1"})
    internal, public = TimelineEntry.objects.filter(case=case, kind="comment").order_by("id")
    assert not internal.visible_to_applicant and public.visible_to_applicant
    html = page(client.get(f"/inbox/cases/{case.pk}/"))
    assert re.search(r'class="internal k-comment".*?ملاحظة داخلية', html, re.S)
    assert re.search(r'class="public k-comment".*?رسالة للمتقدم', html, re.S)


def test_the_page_switches_to_english(client, reviewer, case):
    signed_in(client, reviewer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/inbox/"})
    html = page(client.get("/inbox/"))
    assert 'dir="ltr"' in html and "Work inbox" in html and "My queue" in html


def test_the_types_own_panel_and_its_map_overlays(client, reviewer, town, applicant, parcel):
    import dataclasses

    from cases.types import get_case_type, register_case_type
    from tests.scratch_app.case_types import KIOSK_PERMIT, kiosk_panel_context

    register_case_type(dataclasses.replace(get_case_type("kiosk_permit"), detail_context=kiosk_panel_context,
                                           detail_template="scratch_app/kiosk_panel.html"))
    try:
        case = open_case(town=town, actor=reviewer, applicant=applicant, parcels=[parcel])
        html = page(signed_in(client, reviewer).get(f"/inbox/cases/{case.pk}/"))
    finally:
        register_case_type(KIOSK_PERMIT)
    assert f'<h2 class="kiosk-panel">kiosk {case.number}</h2>' in html
    overlays = json.loads(re.search(r'id="case-overlays" type="application/json">(.*?)</script>', html, re.S)[1])
    assert [f["properties"]["role"] for f in overlays["features"]] == ["register", "survey"]
    config = json.loads(re.search(r'id="ardh-map-config" type="application/json">(.*?)</script>', html, re.S)[1])
    assert [f["properties"]["number"] for f in config["inbox"]["case"]["features"]] == [parcel.number]


def test_new_application_links_follow_the_types_create_roles(client, reviewer, approver):
    assert "/inbox/new/kiosk_permit/" in page(signed_in(client, reviewer).get("/inbox/"))
    assert "/inbox/new/kiosk_permit/" not in page(signed_in(client, approver).get("/inbox/"))


def test_a_supervisor_assigns_a_colleague(client, supervisor, reviewer, case):
    signed_in(client, supervisor)
    assert f'<option value="{reviewer.pk}">reviewer</option>' in page(client.get(f"/inbox/cases/{case.pk}/"))
    client.post(f"/inbox/cases/{case.pk}/act/", {"action": "assign", "assignee": reviewer.pk, "version": 1})
    assert Case.objects.get(pk=case.pk).assignee == reviewer
    response = client.post(f"/inbox/cases/{case.pk}/act/", {"action": "assign", "assignee": 999999, "version": 2})
    assert response.status_code == 400 and Case.objects.get(pk=case.pk).assignee == reviewer


def test_a_case_of_a_type_no_longer_declared_is_shown_not_crashed(client, reviewer, case):
    Case.objects.filter(pk=case.pk).update(case_type="gone_type")
    signed_in(client, reviewer)
    assert client.get("/inbox/").status_code == 200
    assert client.get(f"/inbox/cases/{case.pk}/").status_code == 200
    response = client.post(f"/inbox/cases/{case.pk}/act/", {"action": "transition", "transition": "start_review",
                                                             "version": 1})
    assert response.status_code == 400 and "gone_type" in page(response)

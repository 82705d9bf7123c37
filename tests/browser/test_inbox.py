"""The work inbox in real headless Chromium against a generated demo city: a reviewer signs in, filters the
queue, sees the cases on the map, opens a case (its parcel on the map), takes a step, sees it in the
timeline, and switches the page to English."""

from __future__ import annotations

import pytest

from accounts.models import Person
from accounts.services import membership_grant
from cases import services
from tests.browser.test_webmap import a_parcel, load_city

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def panel():
    """The kiosk type with its own part of the case page, which adds register and survey overlays to the map."""
    import dataclasses

    from cases.types import get_case_type, register_case_type
    from tests.scratch_app.case_types import KIOSK_PERMIT, kiosk_panel_context

    register_case_type(dataclasses.replace(get_case_type("kiosk_permit"), detail_context=kiosk_panel_context,
                                           detail_template="scratch_app/kiosk_panel.html"))
    yield
    register_case_type(KIOSK_PERMIT)


@pytest.fixture
def queue(panel):
    city = load_city(200)
    from django.contrib.auth import get_user_model

    reviewer = get_user_model().objects.create_user("reviewer", password="pw")
    membership_grant(user=reviewer, municipality=city, roles=["permit_reviewer"])
    owner = Person.objects.create(kind="person", name_ar="محمد", name_en="Mohammed", national_id="1012345678")
    parcel = a_parcel(city)
    submitted = services.case_create(municipality=city, case_type="kiosk_permit", actor=reviewer,
                                     data={"activity": "food", "area_m2": 20}, parties=[(owner, "applicant")],
                                     parcels=[parcel])
    other = services.case_create(municipality=city, case_type="kiosk_permit", actor=reviewer,
                                 data={"activity": "flowers", "area_m2": 10}, parties=[(owner, "applicant")],
                                 parcels=[parcel])
    services.case_transition(case=other, transition="start_review", actor=reviewer, expected_version=1)
    return {"city": city, "case": submitted, "other": other, "parcel": parcel}


def rendered(page, layer: str) -> int:
    return page.evaluate("(l) => ardh.idle().then(() => ardh.map.queryRenderedFeatures({layers: [l]}).length)", layer)


def test_a_reviewer_works_a_case_from_the_inbox(page, live_server, queue):
    case, other = queue["case"], queue["other"]
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/login/?next=/inbox/")
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_selector("table.cases")
    assert page.locator("html").get_attribute("dir") == "rtl"
    rows = page.locator("table.cases tbody tr[data-case]")
    assert rows.count() == 2

    # Filter: only the submitted one, list and map side by side.
    page.select_option("select[name=status]", "submitted")
    page.select_option("select[name=view]", "split")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert rows.count() == 1 and case.number in rows.first.inner_text()
    assert rendered(page, "page-cases") == 1  # the list's case, on the map
    assert page.evaluate("ardh.map.getSource('cases').tiles[0]").endswith("?status=submitted")

    # The case page: its parcel highlighted on the map.
    page.click(f"text={case.number}")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.locator("h1").inner_text().startswith(case.number)
    assert rendered(page, "case-case-fill") >= 1
    assert page.evaluate("ardh.caseFeatures[0].properties.number") == queue["parcel"].number
    # The type's overlays: each role drawn its own way, and named in the legend.
    assert rendered(page, "case-register-line") >= 1 and rendered(page, "case-survey-line") >= 1
    assert page.locator("#legend [data-role=survey]").is_visible()
    assert not page.locator("#legend [data-role=neighbour]").is_visible()

    # A step, with a note: the status changes and the timeline shows it.
    page.fill("form.step:has([data-step=start_review]) input[name=note]", "بدأت المراجعة الميدانية")
    page.click("[data-step=start_review]")
    page.wait_for_selector(".flash.success")
    case.refresh_from_db()
    assert case.status == "in_review"
    timeline = page.locator("#timeline").inner_text()
    assert "بدأت المراجعة الميدانية" in timeline
    assert page.locator("#timeline li.internal").count() >= 1

    # English.
    page.click("header .lang button")
    page.wait_for_selector("html[dir=ltr]")
    assert "Timeline" in page.locator("body").inner_text() and "Work inbox" in page.locator("nav").inner_text()
    assert other.number not in page.locator("h1").inner_text()

"""The public land-grants page in real headless Chromium (Arabic, a phone's width): a drawn lottery's plots on the
map from the public layer's vector tiles, its published hashes, and an applicant's inquiry answered with the rank
or the plot."""

from __future__ import annotations

import pytest

from grants.demo import programme_ensure
from grants.models import Allocation
from grants.services.lottery import lottery_commit, lottery_draw
from tests.browser.test_webmap import load_city
from tests.grants.conftest import apply, person
from tests.permits.conftest import staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def drawn(django_user_model):
    city = load_city(300)  # a small city's last plan is a grants plan
    if not city.short_code:
        city.short_code = "RAS"
        city.save(update_fields=["short_code"])
    programme = programme_ensure(city)
    officer = staff(django_user_model, city, "grantsofficer", ["grants_officer"])
    cases = [apply(city, officer, person(serial=n), family=2) for n in range(1, 5)]
    lottery = lottery_draw(lottery=lottery_commit(programme=programme, actor=officer), public_salt="s", actor=officer)
    late = apply(city, officer, person(serial=9), family=1)  # after the draw: waits in the queue
    return {"lottery": lottery, "cases": cases, "late": late}


def test_the_public_page_shows_the_drawn_plots_and_answers_an_inquiry(page, live_server, drawn):
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/grants/")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert int(page.locator("body").get_attribute("data-drawn")) == Allocation.objects.count() == 4
    lottery = drawn["lottery"]
    article = page.locator("[data-test=lottery]").first
    assert lottery.seed_commitment in article.inner_text() and lottery.result_hash in article.inner_text()
    # an applicant drawn: the plot; one waiting: the rank; a wrong ID: the same answer as no application
    page.fill("#number", drawn["cases"][0].number)
    page.fill("#national_id", "1250001001")
    page.click("form.inquiry button")
    page.wait_for_selector("[data-test=plot]")
    page.fill("#number", drawn["late"].number)
    page.fill("#national_id", "1250001009")
    page.click("form.inquiry button")
    assert page.locator("[data-test=rank]").inner_text() == "1"
    page.fill("#number", drawn["late"].number)
    page.fill("#national_id", "1250001001")
    page.click("form.inquiry button")
    assert "لا يوجد طلب يطابق" in page.locator("#inquiry-result").inner_text()
    assert not [u for u in page.requests if not u.startswith((live_server.url, "data:", f"blob:{live_server.url}"))]

"""The public investment page in real headless Chromium, on a phone: Arabic, right to left, the opportunity drawn
on the map from the public API and listed, nothing fetched from outside Ardh, no bidder data."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from investment.services.tenders import opportunity_publish
from tests.investment.conftest import committee, draft, officer, parcels, site, town  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_public_page_on_a_phone(browser, live_server, site, officer, committee):  # noqa: F811
    opportunity = draft(site, officer)
    opportunity_publish(opportunity=opportunity, actor=officer, committee=committee, chair=committee[0], k=2)
    context = browser.new_context(locale="ar", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/investment/")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.locator("html").get_attribute("dir") == "rtl"
    drawn = page.evaluate("new Promise((ok) => { const m = window.investmentMap; const f = () => ok("
                          "m.querySourceFeatures('opportunities').map((x) => x.properties.number)); "
                          "m.loaded() ? f() : m.once('idle', f); })")
    assert opportunity.number in drawn
    assert page.locator("article.card").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    hosts = {urlparse(u).hostname for u in requests if u.startswith("http")}
    assert hosts <= {urlparse(live_server.url).hostname}, hosts
    context.close()

"""The planners' what-if in real headless Chromium: a planner signs in, opens the what-if of draft R1 v2 (side
setback 2 → 3 m) over the district of tests/permits/whatif/conftest.py, in Arabic, and sees on the map the
permit built to the old limit in red and the two vacant parcels coloured by their lost area."""

from __future__ import annotations

import pytest

from permits.models import Permit
from tests.permits.conftest import plot, r1, staff, town  # noqa: F401 — the permits' fixtures, used here too
from tests.permits.whatif.conftest import district, draft  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_planner_sees_the_drafts_effect_on_the_map(page, live_server, town, district, draft,  # noqa: F811
                                                    django_user_model):
    staff(django_user_model, town, "planner", ["planner"])
    page.emulate_media(reduced_motion="reduce")
    url = f"/permits/whatif/?draft={draft.pk}&district={district.code}"
    page.goto(f"{live_server.url}/login/?next={url.replace('&', '%26').replace('?', '%3F')}")
    page.fill("#id_username", "planner")
    page.fill("#id_password", "x")
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "ماذا لو" in page.locator("h1").inner_text()
    red = page.evaluate("ardh.idle().then(() => ardh.map.queryRenderedFeatures({layers: ['whatif-permits']})"
                        ".map((f) => f.properties.number))")
    assert set(red) == {Permit.objects.get(number="RAS-BP-1448-00021").number}
    parcels = page.evaluate("ardh.map.queryRenderedFeatures({layers: ['whatif-parcels']})"
                            ".map((f) => [f.properties.number, f.properties.delta_m2])")
    assert {n: round(c) for n, c in parcels} == {"7": -48, "H": -80}
    assert page.locator("[data-test=whatif-permits] tbody tr").count() == 1

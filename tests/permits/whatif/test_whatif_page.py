"""The planners' what-if page over the district of tests/permits/whatif/conftest.py: the draft and district picked,
the totals, the map's data (the failing permit, the parcels by change), who may not."""

import json

import pytest

from tests.permits.conftest import staff

URL = "/permits/whatif/"


@pytest.fixture
def planner(town, django_user_model):
    return staff(django_user_model, town, "planner", ["planner"])


def config_of(response) -> dict:
    html = response.content.decode()
    tag = '<script id="ardh-map-config" type="application/json">'
    start = html.index(tag) + len(tag)
    return json.loads(html[start:html.index("</script>", start)])


def test_the_planner_sees_what_the_draft_would_change(client, planner, district, draft):
    client.force_login(planner)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and f'value="{draft.pk}"' in page.content.decode()
    response = client.get(URL, {"draft": draft.pk, "district": district.code}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 of 2 vacant parcels would change their buildable area" in html and "800 → 672" in html
    assert "RAS-BP-1448-00021" in html and "RAS-BP-1448-00022" not in html
    features = config_of(response)["whatif"]["features"]["features"]
    assert sorted(f["properties"]["number"] for f in features if f["properties"]["kind"] == "permit") == [
        "RAS-BP-1448-00021"]
    changes = {f["properties"]["number"]: f["properties"]["delta_m2"] for f in features
               if f["properties"]["kind"] == "parcel"}
    assert changes == pytest.approx({"7": -48, "H": -80}, abs=0.05)


def test_in_arabic(client, planner, district, draft):
    client.force_login(planner)
    response = client.get(URL, {"draft": draft.pk, "district": district.code}, HTTP_ACCEPT_LANGUAGE="ar")
    html = response.content.decode()
    assert response.status_code == 200 and 'dir="rtl"' in html and "ماذا لو" in html


def test_an_unknown_draft_shows_the_form_only(client, planner, district, draft):
    client.force_login(planner)
    response = client.get(URL, {"draft": 999999, "district": district.code})
    assert response.status_code == 200 and "data-test=\"whatif-result\"" not in response.content.decode()


def test_who_may_not(client, inspector, district, draft):
    assert client.get(URL).status_code == 302  # to sign in
    client.force_login(inspector)  # a building inspector: neither planner nor reviewer
    assert client.get(URL, {"draft": draft.pk, "district": district.code}).status_code == 403

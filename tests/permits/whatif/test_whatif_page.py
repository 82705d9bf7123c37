"""The planners' what-if page: the draft and district picked, the counts and totals, the map's data (failing
permits, parcels by change), the refusals."""

import json

import pytest
from django.utils.html import escape

from permits.whatif import whatif
from tests.permits.conftest import staff
from tests.permits.whatif.conftest import ON

URL = "/permits/whatif/"


@pytest.fixture
def planner(town, django_user_model):
    return staff(django_user_model, town, "planner", ["planner"])


def config_of(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="ardh-map-config" type="application/json">') + len(
        '<script id="ardh-map-config" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def test_the_planner_sees_what_the_draft_would_change(client, planner, district, draft):
    client.force_login(planner)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and f'value="{draft.pk}"' in page.content.decode()
    response = client.get(URL, {"draft": draft.pk, "district": district.pk, "on": ON.isoformat()},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="permits-failing" data-count="1"' in html and 'id="parcels-vacant" data-count="2"' in html
    assert 'data-m2="-128.0"' in html and "RAS-BP-1448-00021" in html and "at least 3 m" in html
    whatif = config_of(response)["whatif"]
    assert [f["properties"]["number"] for f in whatif["permits"]["features"]] == ["RAS-BP-1448-00021"]
    changes = {f["properties"]["number"]: f["properties"]["change"] for f in whatif["parcels"]["features"]}
    assert changes == pytest.approx({"7": -48, "H": -80}, abs=0.05)


def test_in_arabic_the_reasons_are_arabic(client, planner, district, draft):
    client.force_login(planner)
    response = client.get(URL, {"draft": draft.pk, "district": district.pk, "on": ON.isoformat()},
                          HTTP_ACCEPT_LANGUAGE="ar")
    html = response.content.decode()
    assert response.status_code == 200 and 'dir="rtl"' in html and "R1 v2" in html
    [permit] = whatif(draft=draft, district=district, on=ON)["permits"]
    assert escape(permit["failing"][0]["explain_ar"]) in html  # the check's Arabic explanation
    assert "ما الذي سيتغير" in html or "سيتغير" in html or "مسودة" in html  # the page itself


def test_bad_choices_and_days_without_rules_say_so(client, planner, district, draft):
    client.force_login(planner)
    assert client.get(URL, {"draft": 999999, "district": district.pk}).status_code == 400
    response = client.get(URL, {"draft": draft.pk, "district": district.pk, "on": "2019-01-01"},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "No adopted building rules" in response.content.decode()


def test_who_may_not(client, engineer, district, draft):
    assert client.get(URL).status_code == 302  # to sign in
    client.force_login(engineer)  # a permit reviewer: not a planner
    response = client.get(URL, {"draft": draft.pk, "district": district.pk})
    assert response.status_code == 403 and "registers.write" in response.content.decode()

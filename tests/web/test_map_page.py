"""The map page: sign-in, role and municipality in its configuration, its strings all translated."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.factories import grant_scopes
from web.map_strings import STRINGS

pytestmark = pytest.mark.django_db

MAP_JS = Path(__file__).resolve().parents[2] / "web" / "static" / "web" / "map"


@pytest.fixture
def person(client, django_user_model, muni):
    def make(scopes, username="planner"):
        user = django_user_model.objects.create_user(username, password="pw")
        grant_scopes(user=user, municipality=muni, scopes=scopes)
        client.force_login(user)
        return user
    return make


def config(response) -> dict:
    html = response.content.decode()
    return json.loads(re.search(r'<script id="ardh-map-config" type="application/json">(.*?)</script>', html, re.S)[1])


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/map/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/map/")
    assert "تسجيل الدخول" in client.get("/login/").content.decode()


def test_sign_in_leads_to_the_map(client, django_user_model, muni):
    user = django_user_model.objects.create_user("planner", password="pw")
    grant_scopes(user=user, municipality=muni, scopes=["read"])
    response = client.post("/login/?next=/map/", {"username": "planner", "password": "pw", "next": "/map/"})
    assert response.status_code == 302 and response["Location"] == "/map/"
    from django.test import Client

    bad = Client().post("/login/", {"username": "planner", "password": "nope"})
    assert bad.status_code == 200 and "غير صحيحة" in bad.content.decode()


def test_a_person_without_membership_is_told_why(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("lost", password="pw"))
    response = client.get("/map/")
    assert response.status_code == 403 and "غير مرتبط ببلدية" in response.content.decode()


@pytest.mark.parametrize("scopes, can", [
    (["read"], {"read": True, "write": False, "lineage": False}),
    (["read", "write", "lineage"], {"read": True, "write": True, "lineage": True}),
])
def test_the_map_follows_role_and_municipality(client, person, muni, scopes, can):
    person(scopes)
    response = client.get("/map/")
    cfg = config(response)
    assert cfg["can"] == can
    assert cfg["municipality"]["id"] == muni.pk and cfg["municipality"]["bbox"] == pytest.approx(muni.boundary.extent)
    html = response.content.decode()
    assert ('id="merge-box"' in html) is can["lineage"]
    assert cfg["utm"]["srid"] == muni.metric_srid and cfg["utm"]["zone"] == 38


def test_map_page_is_arabic_first_with_an_english_switch(client, person):
    person(["read"])
    html = client.get("/map/").content.decode()
    assert 'dir="rtl"' in html and config(client.get("/map/"))["strings"]["Search"] == "بحث"
    english = client.get("/map/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'dir="ltr"' in english.content.decode() and config(english)["strings"]["Search"] == "Search"
    assert 'name="language" value="en"' in html


def test_map_needs_no_internet(client, person):
    person(["read"])
    html = client.get("/map/").content.decode()
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
    assert finders.find("vendor/maplibre-gl/maplibre-gl.js") and finders.find("vendor/maplibre-gl/maplibre-gl.css")
    assert finders.find("vendor/rtl-text/mapbox-gl-rtl-text.js")
    for src in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(src), src


def test_every_string_of_the_scripts_is_in_the_translated_catalogue():
    used = set()
    for path in MAP_JS.glob("*.js"):
        used |= set(re.findall(r'\bT\("((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")))
    assert used and used <= set(STRINGS), sorted(used - set(STRINGS))
    assert set(STRINGS) <= used, f"unused strings: {sorted(set(STRINGS) - used)}"


def test_utm_parameters_match_pyproj_for_every_known_utm_crs():
    """The browser's transverse Mercator (geo.js) gets its parameters here; the formula is checked in
    the browser test against pyproj. Here: zone, ellipsoid and datum shift for the CRSs a city may use."""
    from web.map_config import utm_parameters

    grf17 = utm_parameters(9358, 43.5, 25.87)
    assert (grf17["zone"], grf17["a"], grf17["lon0"]) == (38, 6378137.0, 45)
    assert max(abs(v) for v in grf17["shift"]) < 1e-5  # KSA-GRF17 and WGS 84 agree to decimetres
    ain_el_abd = utm_parameters(20438, 43.5, 25.87)
    assert ain_el_abd["a"] == 6378388.0 and max(abs(v) for v in ain_el_abd["shift"]) > 1e-4  # ~ tens of metres


def test_home_links_to_the_map_and_sign_out_returns_home(client, person):
    assert 'href="/map/"' in client.get("/").content.decode()
    person(["read"])
    assert client.get("/map/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/map/").status_code == 302  # signed out

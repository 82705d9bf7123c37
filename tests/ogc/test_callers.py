"""Who may read OGC API Features: an API key (looked up as a ``KeyGrant``) or a person, with the "read" scope,
as for the REST API's reads; each key's use recorded at most once a minute."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from accounts.models import ApiKey
from accounts.services import TOKEN_PREFIX, api_key_create
from api.access import PerKeyThrottle, find_active_key, find_key_grant
from runtime import lean
from tests.factories import grant_scopes
from tests.wsgi import call_wsgi, counting_dispatcher

pytestmark = pytest.mark.django_db(transaction=True)
ITEMS = "/ogc/collections/parcels/items"


def split(token: str) -> tuple[str, str]:
    prefix, secret = token[len(TOKEN_PREFIX):].split(".", 1)
    return prefix, secret


def test_the_grant_and_the_key_agree(city):
    key, token = api_key_create(municipality=city["muni"], name="both", scopes=["read", "write"], rate_per_minute=7)
    window = PerKeyThrottle.window()
    found = find_active_key(*split(token), count_in_window=window)
    grant = find_key_grant(*split(token), window=window)
    assert (grant.key_id, grant.municipality_id, grant.rate_per_minute) == (key.pk, city["muni"].pk, 7)
    assert grant.scopes == found.scopes == ["read", "write"]
    assert found.throttle_hits == (window, 1, 0) and grant.hits == (window, 2, 0)  # one window, both counted
    assert grant.use_due  # never used


@pytest.mark.parametrize("change", ["wrong secret", "revoked", "unknown prefix"])
def test_no_grant_without_a_matching_active_key(city, change):
    key, token = api_key_create(municipality=city["muni"], name="gone", scopes=["read"])
    prefix, secret = split(token)
    if change == "wrong secret":
        secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    elif change == "revoked":
        ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    else:
        prefix = "000000000000"
    assert find_key_grant(prefix, secret, window=PerKeyThrottle.window()) is None
    assert find_active_key(prefix, secret) is None


def test_reading_needs_the_read_scope_on_every_path(city):
    _, token = api_key_create(municipality=city["muni"], name="writer", scopes=["write"])
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {token}"}
    app = counting_dispatcher()
    short = call_wsgi(app, ITEMS, "limit=1", headers)
    assert app.lean.calls == 0  # the shortest path answered
    assert short == call_wsgi(lean.LeanHandler(), ITEMS, "limit=1", headers)  # as Django does
    assert short[0] == 403 and "read" in json.loads(short[2])["description"]
    assert Client().get("/ogc/collections", **headers).status_code == 403
    assert Client().get("/ogc/collections/parcels/items", **headers).status_code == 403


def test_a_person_needs_the_read_scope_too(city):
    person = get_user_model().objects.create_user("ogc-writer", password="x")
    grant_scopes(user=person, municipality=city["muni"], scopes=["write"])
    client = Client()
    client.force_login(person)
    assert client.get(ITEMS).status_code == 403
    grant_scopes(user=person, municipality=city["muni"], scopes=["read"])
    assert client.get(ITEMS).status_code == 200


def test_a_keys_use_is_recorded_at_most_once_a_minute(city):
    key, token = api_key_create(municipality=city["muni"], name="used", scopes=["read"])
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {token}"}
    app = counting_dispatcher()
    assert call_wsgi(app, ITEMS, "limit=1", headers)[0] == 200
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=30)
    assert call_wsgi(app, ITEMS, "limit=1", headers)[0] == 200
    key.refresh_from_db()
    assert key.last_used_at == first  # within the minute: not written again
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - timedelta(minutes=2))
    assert call_wsgi(app, ITEMS, "limit=1", headers)[0] == 200
    key.refresh_from_db()
    assert key.last_used_at > first
    assert app.lean.calls == 0


def test_the_landing_page_names_the_keys_municipality(city):
    response = Client().get("/ogc/", HTTP_AUTHORIZATION=f"Api-Key {city['token']}")
    assert response.status_code == 200
    assert city["muni"].name_ar in response.json()["description"]

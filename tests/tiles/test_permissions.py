"""The registry's permission on tiles: public layers for anyone, tenant layers and restricted
fields only for a session or API key of a municipality, and then only that municipality's rows."""

import mapbox_vector_tile
import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client

from accounts.services import api_key_create
from geo.layers import TENANT, Layer, get_layer, register, unregister
from parcels.models import Parcel
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory, grant_scopes
from tests.shapes import rect
from tiles.grid import tiles_touching

Z = 15
TILE = []


@pytest.fixture
def two_cities(db):
    """Two municipalities whose parcels share the same z15 tile (factories lay them out side by side)."""
    a, b = MunicipalityFactory(code="muni-a"), MunicipalityFactory(code="muni-b")
    plan_a, plan_b = PlanFactory(municipality=a), PlanFactory(municipality=b)
    # Laid out here, not by the factory's sequence: the same place in every run, side by side.
    pa = [ParcelFactory(plan=plan_a, deed_number=f"A-{i}", geom=rect(i * 40, 0, i * 40 + 30, 30)) for i in range(4)]
    pb = [ParcelFactory(plan=plan_b, deed_number=f"B-{i}", geom=rect(i * 40, 40, i * 40 + 30, 70)) for i in range(4)]
    c = pa[0].geom.centroid
    t = next(iter(tiles_touching((c.x, c.y, c.x, c.y), Z, buffer=0)))
    TILE[:] = [t.z, t.x, t.y]
    assert len(ids(pa)) == len(ids(pb)) == 4  # all eight in the one tile the tests ask for
    return {"a": a, "b": b, "pa": pa, "pb": pb, "url": f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt", "tile": t}


def keyed(municipality, scopes=("read",)) -> Client:
    _, token = api_key_create(municipality=municipality, name="tiles test", scopes=list(scopes))
    return Client(headers={"Authorization": f"Api-Key {token}", "Accept-Language": "en"})


def features(response, layer="parcels"):
    assert response.status_code == 200, response.content[:300]
    decoded = mapbox_vector_tile.decode(response.content)
    return {f["id"]: f["properties"] for f in decoded.get(layer, {}).get("features", [])}


def ids(parcels):
    """The ids of these parcels that PostGIS puts in the test tile (factories may straddle a tile edge)."""
    with connection.cursor() as c:
        c.execute(
            "SELECT id FROM parcels_parcel WHERE id = ANY(%s) AND ST_Intersects(ST_Transform(geom, 3857),"
            " ST_TileEnvelope(%s, %s, %s, margin => 64.0/4096))",
            [[p.pk for p in parcels], *TILE],
        )
        found = {r[0] for r in c.fetchall()}
    assert found, "the test tile must hold parcels of both municipalities"
    return found


def test_public_tile_has_everyone_and_no_restricted_fields(client, two_cities):
    r = client.get(two_cities["url"])
    got = features(r)
    assert ids(two_cities["pa"]) | ids(two_cities["pb"]) <= set(got)
    assert all("deed_number" not in props for props in got.values())
    assert r["Cache-Control"].startswith("public")
    assert r["Access-Control-Allow-Origin"] == "*"


def test_restricted_fields_need_a_caller(client, two_cities):
    r = client.get(two_cities["url"] + "?fields=deed_number")
    assert r.status_code == 401
    assert r["WWW-Authenticate"].startswith("Api-Key")
    assert b"deed" not in r.content.lower().replace(b"deed_number", b"")  # the reason, no data
    assert "no-store" in r["Cache-Control"]


def test_restricted_fields_for_a_key_cover_only_its_municipality(two_cities):
    r = keyed(two_cities["a"]).get(two_cities["url"] + "?fields=deed_number")
    got = features(r)
    assert set(got) == ids(two_cities["pa"])  # B's parcels in the same tile are not there at all
    deeds = {p.pk: p.deed_number for p in two_cities["pa"]}
    assert {pk: props["deed_number"] for pk, props in got.items()} == {pk: deeds[pk] for pk in got}
    assert r["Cache-Control"].startswith("private")
    assert "Cookie" in r["Vary"] and "Authorization" in r["Vary"]
    assert "Access-Control-Allow-Origin" not in r


def test_the_other_municipality_gets_its_own_rows_not_the_cached_tile(two_cities):
    first = keyed(two_cities["a"]).get(two_cities["url"] + "?fields=deed_number")
    assert first["X-Tile-Cache"] == "MISS"
    second = keyed(two_cities["b"]).get(two_cities["url"] + "?fields=deed_number")
    assert second["X-Tile-Cache"] == "MISS"  # a cache entry of its own, never A's
    got = features(second)
    assert set(got) == ids(two_cities["pb"])
    assert all(props["deed_number"].startswith("B-") for props in got.values())
    again = keyed(two_cities["b"]).get(two_cities["url"] + "?fields=deed_number")
    assert again["X-Tile-Cache"] == "HIT" and features(again) == got


def test_session_of_a_member_works_like_a_key(two_cities, django_user_model):
    user = django_user_model.objects.create_user("inspector", password="x-secret-1")
    grant_scopes(user=user, municipality=two_cities["b"], scopes=["read"])
    browser = Client(headers={"Accept-Language": "en"})
    browser.force_login(user)
    got = features(browser.get(two_cities["url"] + "?fields=deed_number"))
    assert set(got) == ids(two_cities["pb"])


def test_callers_without_municipality_or_read_scope_get_403(two_cities, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="x-secret-1")
    browser = Client(headers={"Accept-Language": "en"})
    browser.force_login(user)
    r = browser.get(two_cities["url"] + "?fields=deed_number")
    assert r.status_code == 403 and "municipality" in r.json()["detail"]
    r = keyed(two_cities["a"], scopes=("write",)).get(two_cities["url"] + "?fields=deed_number")
    assert r.status_code == 403 and "read" in r.json()["detail"]


def test_a_bad_key_is_401_not_anonymous(two_cities):
    c = Client(headers={"Authorization": "Api-Key ardh_0000.nope", "Accept-Language": "en"})
    assert c.get(two_cities["url"] + "?fields=deed_number").status_code == 401


@pytest.mark.parametrize("fields", ["number", "bogus", "deed_number;drop table x", ""])
def test_fields_must_name_restricted_fields(two_cities, fields):
    r = keyed(two_cities["a"]).get(two_cities["url"], {"fields": fields})
    assert r.status_code == 400, r.content
    assert "field" in r.json()["detail"]


def test_unknown_layer_is_404_for_everyone_alike(client, two_cities):
    url = two_cities["url"].replace("/parcels/", "/secret-layer/")
    anonymous, authorised = client.get(url), keyed(two_cities["a"]).get(url)
    assert anonymous.status_code == authorised.status_code == 404
    assert anonymous.json() == authorised.json()


@pytest.fixture
def tenant_layer(db):
    layer = register(Layer("parcels-private", Parcel, "قطع خاصة", "Private parcels", fields=("number", "deed_number"),
                           min_zoom=12, permission=TENANT, current=Q(valid_to__isnull=True)))
    yield layer
    unregister(layer.name)


def test_tenant_layer_is_never_public(client, two_cities, tenant_layer):
    url = two_cities["url"].replace("/parcels/", f"/{tenant_layer.name}/")
    assert client.get(url).status_code == 401
    got = features(keyed(two_cities["a"]).get(url), tenant_layer.name)
    assert set(got) == ids(two_cities["pa"])
    assert "deed_number" in next(iter(got.values()))
    # Not in the public base map, nor in the planner map's style.
    t = two_cities["tile"]
    base = mapbox_vector_tile.decode(client.get(f"/tiles/base/{t.z}/{t.x}/{t.y}.mvt").content)
    assert tenant_layer.name not in base
    style = client.get("/tiles/style.json").json()
    assert all(item.get("source-layer") != tenant_layer.name for item in style["layers"])
    index = {lyr["name"]: lyr for lyr in client.get("/tiles/").json()["layers"]}
    assert index[tenant_layer.name]["permission"] == TENANT


def test_a_tenant_layer_without_tenant_key_is_refused_at_registration():
    with pytest.raises(ValueError, match="tenant_field"):
        Layer("bad", Parcel, "x", "x", permission=TENANT, tenant_field=None)
    with pytest.raises(ValueError, match="permission"):
        Layer("bad", Parcel, "x", "x", permission="secret")


def test_restricted_fields_still_listed_for_the_registry(client, db):
    layer = get_layer("parcels")
    index = {lyr["name"]: lyr for lyr in client.get("/tiles/").json()["layers"]}
    assert index["parcels"]["restricted_fields"] == list(layer.restricted_fields)
    assert "deed_number" not in index["parcels"]["fields"]

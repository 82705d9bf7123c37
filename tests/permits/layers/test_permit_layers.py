"""The permits' two map layers: the applications by status (the municipality's own staff and systems only) and
the issued permits (public, no personal data) — in vector tiles, OGC API collections and "what is here?", each
with its audience; another municipality sees none of them."""

import json

import mapbox_vector_tile
import pytest
from django.utils import timezone

from cases.models import Case
from geo.layers import get_layer
from permits.models import Permit, PermitStatus, Proposal
from tests.api.conftest import key_client
from tests.cases.conftest import person_client
from tests.factories import MunicipalityFactory
from tests.shapes import lonlat
from tiles.grid import tiles_touching
from tiles.style import style_layers


@pytest.fixture(autouse=True)
def fresh_tiles(settings, tmp_path):
    settings.ARDH_TILE_CACHE_DIR = str(tmp_path / "tiles")


@pytest.fixture
def applied(town, plot, r1):
    """An application in review (its second proposal is the one on the map) and an issued permit beside it."""
    case = Case.objects.create(municipality=town, number="RAS-1448-000010", case_type="building_permit",
                               status="in_review", status_since=timezone.now(), location=plot.geom.point_on_surface)
    for n in (1, 2):
        Proposal.objects.create(municipality=town, case=case, number=n, parcel=plot, source="drawn",
                                use="residential", height_m=9, floors=[], footprint=plot.geom, floor_area_m2=600,
                                rule_set=r1, rules_date="2026-01-01", passed=n == 2)
    return case


@pytest.fixture
def issued(town, plot, r1):
    case = Case.objects.create(municipality=town, number="RAS-1448-000011", case_type="building_permit",
                               status="issued", status_since=timezone.now(), location=plot.geom.point_on_surface)
    proposal = Proposal.objects.create(municipality=town, case=case, number=1, parcel=plot, source="drawn",
                                       use="residential", height_m=9, floors=[], footprint=plot.geom,
                                       floor_area_m2=600, rule_set=r1, rules_date="2026-01-01", passed=True)
    return Permit.objects.create(municipality=town, case=case, number="RAS-BP-1448-00042", kind="building_permit",
                                 parcel=plot, proposal=proposal, status=PermitStatus.UNDER_CONSTRUCTION,
                                 issued_on="2026-01-02", valid_until="2029-01-02", use="residential", floors=2,
                                 floor_area_m2=600, geom=plot.geom)


def tile_of(x, y):
    lon, lat = lonlat(x, y)
    return next(iter(tiles_touching((lon, lat, lon, lat), 16, buffer=0)))


def items(response):
    assert response.status_code == 200, response.status_code
    return json.loads(b"".join(response.streaming_content))["features"]


def test_applications_are_drawn_by_status_for_the_staff_only(client, applied, issued, engineer):
    t = tile_of(10, 15)
    assert client.get(f"/tiles/building_permits/{t.z}/{t.x}/{t.y}.mvt").status_code == 401
    staff = person_client(engineer)
    response = staff.get(f"/tiles/building_permits/{t.z}/{t.x}/{t.y}.mvt")
    assert response.status_code == 200
    features = mapbox_vector_tile.decode(response.content)["building_permits"]["features"]
    # one feature per case: its latest proposal
    assert sorted((f["properties"]["number"], f["properties"]["status"], f["properties"]["proposal"])
                  for f in features) == [("RAS-1448-000010", "in_review", 2), ("RAS-1448-000011", "issued", 1)]
    fill = next(lyr for lyr in style_layers(get_layer("building_permits")) if lyr["type"] == "fill")
    assert fill["paint"]["fill-color"][:2] == ["match", ["get", "status"]]


def test_issued_permits_are_public_without_personal_data(client, town, applied, issued):
    t = tile_of(10, 15)
    response = client.get(f"/tiles/issued_permits/{t.z}/{t.x}/{t.y}.mvt")
    assert response.status_code == 200
    [feature] = mapbox_vector_tile.decode(response.content)["issued_permits"]["features"]
    props = feature["properties"]
    assert (props["number"], props["status"], props["floors"]) == ("RAS-BP-1448-00042", "under_construction", 2)
    assert set(props) <= {"number", "kind", "status", "issued_on", "valid_until", "use", "floors", "floor_area_m2"}
    api = key_client(town, scopes=["read"])  # OGC API answers API keys and sessions
    listed = items(api.get("/ogc/collections/issued_permits/items", HTTP_ACCEPT="application/geo+json"))
    assert [f["properties"]["number"] for f in listed] == ["RAS-BP-1448-00042"]
    assert not {"case", "parcel", "proposal", "certificate"} & set(listed[0]["properties"])


def test_what_is_here_answers_both_for_the_town_and_nothing_for_another(town, applied, issued):
    lon, lat = lonlat(10, 15)
    body = key_client(town, scopes=["read"]).get(f"/api/v1/at-point/?lon={lon}&lat={lat}").json()
    assert sorted(f["properties"]["number"] for f in body["building_permits"]["features"]) == [
        "RAS-1448-000010", "RAS-1448-000011"]
    assert [f["properties"]["number"] for f in body["issued_permits"]["features"]] == ["RAS-BP-1448-00042"]
    lon, lat = lonlat(300, 300)  # beside the plot: nothing
    body = key_client(town, scopes=["read"]).get(f"/api/v1/at-point/?lon={lon}&lat={lat}").json()
    assert body["building_permits"]["features"] == [] and body["issued_permits"]["features"] == []
    other = key_client(MunicipalityFactory(), scopes=["read"])
    assert items(other.get("/ogc/collections/building_permits/items")) == []
    assert items(other.get("/ogc/collections/issued_permits/items")) == []

"""The plot pool over the registers, the public inquiry (which says the same for a wrong ID as for no
application), the officers' API with its refusals, and the lottery's plots on the public map."""

import mapbox_vector_tile
import pytest

from grants.models import PlotAssessment
from grants.selectors import plot_pool
from grants.services.lottery import lottery_commit, lottery_draw
from parcels.services.reservations import land_reserve
from tests.cases.conftest import person_client
from tests.factories import ParcelFactory, PlanFactory
from tests.grants.conftest import apply, person
from tests.permits.conftest import staff
from tests.shapes import lonlat, rect
from tiles.grid import tiles_touching


def test_the_pool_is_the_vacant_homes_plots_of_grants_plans_free_and_within_the_bands(town, programme, plan, pool,
                                                                                      officer):
    free = set(plot_pool(programme=programme).values_list("pk", flat=True))
    assert free == {p.pk for band in pool.values() for p in band}
    built = ParcelFactory(plan=plan, number="X1", land_use="residential", status="built", geom=rect(0, 200, 26, 225))
    shop = ParcelFactory(plan=plan, number="X2", land_use="commercial", status="vacant", geom=rect(30, 200, 56, 225))
    tiny = ParcelFactory(plan=plan, number="X3", land_use="residential", status="vacant", geom=rect(60, 200, 80, 220))
    other = ParcelFactory(plan=PlanFactory(municipality=town, geom=rect(-50, 300, 200, 400)), number="X4",
                          land_use="residential", status="vacant", geom=rect(0, 310, 26, 335))
    land_reserve(municipality=town, purpose="public_facility", holder="park", actor=officer, parcel=pool["small"][0])
    PlotAssessment.objects.create(municipality=town, parcel=pool["small"][1], reason="wadi", assessed_by="t")
    free = set(plot_pool(programme=programme).values_list("pk", flat=True))
    assert pool["small"][0].pk not in free and pool["small"][1].pk not in free
    assert not free & {built.pk, shop.pk, tiny.pk, other.pk}  # built, not a home, 400 m², not a grants plan
    assert len(free) == 10
    band = programme.bands.get(code="large")
    assert set(plot_pool(programme=programme, band=band).values_list("pk", flat=True)) == {p.pk for p in pool["large"]}


def test_the_inquiry_answers_the_applicant_and_says_the_same_for_a_wrong_id_or_number(town, programme, officer,
                                                                                      pool, client):
    case = apply(town, officer, person(serial=3), family=2)
    apply(town, officer, person(serial=4), family=6)  # more points: ahead in the queue
    good = client.get("/api/v1/grants/inquiry", {"number": case.number, "national_id": "1250001003"})
    assert good.status_code == 200
    assert good.json()["rank"] == 2 and good.json()["status"] == "queued" and good.json()["plot"] is None
    wrong_id = client.get("/api/v1/grants/inquiry", {"number": case.number, "national_id": "1250001004"},
                          HTTP_ACCEPT_LANGUAGE="en")
    no_number = client.get("/api/v1/grants/inquiry", {"number": "RAS-1448-999999", "national_id": "1250001003"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert wrong_id.status_code == no_number.status_code == 404
    assert wrong_id.json() == no_number.json() == {"detail": "No application matches this number and ID number."}
    lottery_draw(lottery=lottery_commit(programme=programme, actor=officer), public_salt="s", actor=officer)
    plot = client.get("/api/v1/grants/inquiry", {"number": case.number, "national_id": "1250001003"}).json()["plot"]
    assert plot["status"] == "drawn" and plot["geometry"]["type"] == "MultiPolygon"
    assert abs(float(plot["area_m2"]) - 650) < 1


def test_officers_commit_and_draw_over_the_api_once_and_others_may_not(town, programme, officer, pool, client,
                                                                       django_user_model):
    apply(town, officer, person(serial=5))
    api = person_client(officer)
    assert api.get("/api/v1/grants/programmes").json()[0]["pool"] == 12
    assert len(api.get("/api/v1/grants/programmes/residential-1448/pool").json()["features"]) == 12
    committed = api.post("/api/v1/grants/programmes/residential-1448/lotteries")
    assert committed.status_code == 201 and "seed" not in committed.json()
    number = committed.json()["lottery"]
    public = client.get(f"/api/v1/grants/lotteries/{number}/bundle").json()
    assert "seed" not in public and public["seed_commitment"] == committed.json()["seed_commitment"]
    assert api.post(f"/api/v1/grants/lotteries/{number}/draw", {"public_salt": ""}, format="json").status_code == 422
    drawn = api.post(f"/api/v1/grants/lotteries/{number}/draw", {"public_salt": "x"}, format="json")
    assert drawn.status_code == 200 and drawn.json()["allocated"] == 1
    again = api.post(f"/api/v1/grants/lotteries/{number}/draw", {"public_salt": "y"}, format="json")
    assert again.status_code == 422 and again.json()["code"] == "already_drawn"
    batch = api.get(f"/api/v1/grants/lotteries/{number}/batches/1").json()
    assert batch["allocations"][0]["national_id"] == "1250001005"  # for the ministry: staff only
    assert client.get(f"/api/v1/grants/lotteries/{number}/batches/1").status_code in (401, 403)
    reader = staff(django_user_model, town, "reader1", ["reader"])
    refused = person_client(reader).post(f"/api/v1/grants/lotteries/{number}/batches/1/verify", {"reference": "r"},
                                         format="json")
    assert refused.status_code == 403
    verified = api.post(f"/api/v1/grants/lotteries/{number}/batches/1/verify", {"reference": "M-1"}, format="json")
    assert verified.status_code == 200 and verified.json()["billed"] == 1


@pytest.mark.parametrize("layer", ["grant_allocations", "grant_pool"])
def test_the_lottery_plots_and_the_pool_are_on_the_public_map(town, programme, officer, pool, client, layer):
    apply(town, officer, person(serial=6))
    lottery_draw(lottery=lottery_commit(programme=programme, actor=officer), public_salt="s", actor=officer)
    lon, lat = lonlat(13, 12)
    t = next(iter(tiles_touching((lon, lat, lon, lat), 16, buffer=0)))
    response = client.get(f"/tiles/{layer}/{t.z}/{t.x}/{t.y}.mvt")
    assert response.status_code == 200
    features = mapbox_vector_tile.decode(response.content)[layer]["features"]
    if layer == "grant_allocations":
        assert [f["properties"]["status"] for f in features] == ["drawn"]
        assert set(features[0]["properties"]) <= {"status", "area_m2", "excess_m2"}
    else:
        assert features and all(f["properties"]["area_m2"] > 600 for f in features)
